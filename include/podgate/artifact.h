// Artifacts: the four kinds podgate gates, and layers 1 and 2 of a verdict (DESIGN.md
// section 1): strict JSON, then the kind's schema.
//
// A Validator turns bytes into a Report: the kind, the artifact's id, and either no errors or
// every violation found, each with a JSON Pointer (RFC 6901) path, the JSON Schema keyword and
// a message a person understands. Layer 1 failures are reported alone (code malformed-json,
// with the byte offset); layer 2 reports all schema violations at once (schema-invalid).
//
// Thread safety: a Validator holds a parser and scratch space and is not thread-safe; use one
// per thread. Free functions are pure and thread-safe.

#ifndef PODGATE_ARTIFACT_H_
#define PODGATE_ARTIFACT_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podgate/status.h"

namespace podgate {

enum class Kind : std::uint8_t {
  kParticipantBind,
  kAttachment,
  kDetachment,
  kRecovery,
};

inline constexpr std::array<Kind, 4> kAllKinds = {Kind::kParticipantBind, Kind::kAttachment,
                                                  Kind::kDetachment, Kind::kRecovery};

// "participant-bind", "client-instance-attachment", "client-instance-detachment",
// "client-instance-recovery".
std::string_view KindName(Kind kind);
// The kind's id member: "bind/id", "attachment/id", "detachment/id", "recovery/id".
std::string_view KindIdField(Kind kind);
// Accepts a kind name, optionally followed by ".v1".
std::optional<Kind> KindFromName(std::string_view name);
// The kind named by a file name suffix ("x.client-instance-detachment.json"), if any.
std::optional<Kind> KindFromFileName(std::string_view path);

// One violation: where (JSON Pointer; "" is the whole document), which rule, and why.
struct Violation {
  std::string path;
  std::string keyword;
  std::string message;
  // Byte offset into the input, for layer 1 violations only.
  std::optional<std::size_t> offset;

  friend bool operator==(const Violation&, const Violation&) = default;
};

// The outcome of checking one input through one or more layers.
struct Report {
  Code code = Code::kOk;  // kOk, or the code of the first layer that failed
  std::optional<Kind> kind;
  std::string id;  // the kind's id field, when present and a string
  std::vector<Violation> errors;

  bool ok() const { return code == Code::kOk; }
};

struct ValidatorOptions {
  std::size_t max_bytes = 64 * 1024;  // per artifact
  std::size_t max_depth = 64;         // nested containers
};

class Validator {
 public:
  explicit Validator(ValidatorOptions options = {});
  ~Validator();
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  // Layers 1 and 2. `kind` forces the kind; without it the kind is detected from the one
  // kind-specific id member present (detachment/id, recovery/id, attachment/id, bind/id).
  Report Validate(std::string_view json, std::optional<Kind> kind = std::nullopt);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON Schema document (draft 2020-12) podgate enforces for `kind`.
std::string_view SchemaDocument(Kind kind);

// The same document with the documents it refers to (the participant bind's, by its $id)
// embedded under "$defs" with their own $id, minified: a compound document (JSON Schema
// 2020-12 section 9.3) that a validator compiles on its own, without being handed the others.
std::string BundledSchemaDocument(Kind kind);

}  // namespace podgate

#endif  // PODGATE_ARTIFACT_H_
