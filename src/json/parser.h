// Parser: layer 1 of a verdict (DESIGN.md section 1) on top of simdjson's DOM parser.
//
// A document passes when it is well-formed UTF-8 JSON (RFC 8259) with one object at the top,
// no duplicate member names at any depth (I-JSON, RFC 7493), at most Limits::max_depth nested
// containers, at most Limits::max_bytes bytes, and numbers finite as doubles. Otherwise the
// Status is `malformed-json` with the byte offset of the first offending byte.
//
// simdjson decides the common case; the strict scanner (strict_scanner.h) runs only when
// simdjson refuses a document, to find the offset, and to admit the integer literals beyond
// 64 bits that simdjson refuses but JSON allows (they are re-parsed as the floats they denote).
//
// Thread safety: a Parser is not thread-safe; use one per thread. The Element returned by
// Parse() is valid until the next Parse() on the same Parser.

#ifndef PODGATE_JSON_PARSER_H_
#define PODGATE_JSON_PARSER_H_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "podgate/status.h"

namespace podgate::json {

using Element = simdjson::dom::element;
using Object = simdjson::dom::object;
using Array = simdjson::dom::array;
using ElementType = simdjson::dom::element_type;

// Bytes that must be readable (any value) after a document handed to Parse().
inline constexpr std::size_t kPadding = simdjson::SIMDJSON_PADDING;

struct Limits {
  std::size_t max_bytes = 64 * 1024;
  std::size_t max_depth = 64;
};

// Limits that let `document` through by its size (at least the default's): for a document
// whose size was bounded where it came in, or that podgate builds itself — a stored artifact
// (admitted under the limit of its day, which the operator may have lowered since), a body the
// transport already held to --max-body, a document to sign or re-encode. Depth stays bounded.
inline Limits LimitsFitting(std::string_view document, std::size_t max_depth = Limits{}.max_depth) {
  return Limits{std::max(document.size(), Limits{}.max_bytes), max_depth};
}

// Where a document stops being strict JSON.
struct SyntaxError {
  std::size_t offset = 0;
  std::string message;
};

// Builds the malformed-json Status for `error` ("at byte N: message").
Status MalformedJson(const SyntaxError& error);

class Parser {
 public:
  explicit Parser(Limits limits = {});
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  const Limits& limits() const { return limits_; }

  // Parses `input`, which must be followed by kPadding readable bytes. On success stores the
  // top-level object in *root. With check_duplicates false the caller takes over the duplicate
  // name check (the schema layer does it in its own walk, for speed) and must report a
  // duplicate through Diagnose().
  Status Parse(std::string_view input, Element* root, bool check_duplicates = true,
               SyntaxError* error = nullptr);

  // Parses a copy of `input` (no padding needed); for callers outside hot loops.
  Status ParseCopy(std::string_view input, Element* root, SyntaxError* error = nullptr);

  // The first layer-1 violation of `input` (no padding needed), or nullopt for strict JSON.
  // Slow: use it to explain a rejection, not to decide one.
  std::optional<SyntaxError> Diagnose(std::string_view input) const;

 private:
  Status Fail(SyntaxError error, SyntaxError* out);
  // The parser of the slow path (see Parse), allocated on first use for at least `size` bytes
  // and one level deeper than the limit; null when out of memory.
  simdjson::dom::parser* SlowParser(std::size_t size);
  // Fills rewrite_ with `input`, ".0" appended to each big integer literal, and padding.
  void RewriteBigIntegers(std::string_view input, const std::vector<std::size_t>& ends);

  Limits limits_;
  simdjson::dom::parser parser_;
  simdjson::error_code init_error_ = simdjson::SUCCESS;
  std::string copy_;     // padded copy of the input of ParseCopy
  std::string rewrite_;  // padded input with big integer literals turned into floats
  std::unique_ptr<simdjson::dom::parser> slow_;
};

// The pointer of the first object, at any depth below `element`, that repeats a member name,
// or nullopt. Names are compared after unescaping, as simdjson hands them out.
std::optional<std::string> FindDuplicateName(Element element);

// Appends `name` to a JSON Pointer (RFC 6901), escaping '~' and '/'.
void AppendPointer(std::string* pointer, std::string_view name);
void AppendPointer(std::string* pointer, std::size_t index);

}  // namespace podgate::json

#endif  // PODGATE_JSON_PARSER_H_
