// The compiled schemas of the four kinds (layer 2), as tables of member rules.
//
// Each kind is a closed object of Members; each Member names one Rule, the small set of
// constraint bundles the upstream schemas use. The tables are the single source of the
// constraints in code; schemas/*.schema.json states the same constraints as JSON Schema
// documents, and schema_test.cc holds the two to agreement keyword by keyword.
//
// Checking walks the document once and also finishes layer 1: simdjson does not reject
// duplicate member names, so the walk spots them (a bitmask of seen members for the closed
// shapes, a generic search below open ones) and reports them first.
//
// Thread safety: tables are immutable; CheckSchema is reentrant.

#ifndef PODGATE_ARTIFACT_SCHEMA_H_
#define PODGATE_ARTIFACT_SCHEMA_H_

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json/parser.h"
#include "podgate/artifact.h"

namespace podgate::artifact {

enum class Rule : std::uint8_t {
  kSchemaVersion,    // const: 1
  kNonEmptyString,   // type string, minLength 1
  kDateTime,         // type string, format date-time
  kNodeId,           // type string, pattern ^node:did:key:z<base58>+$
  kParticipantId,    // type string, pattern ^participant:did:key:z<base58>+$
  kPodUserId,        // type string, pattern ^(pod-user|participant):did:key:z<base58>+$
  kMultibaseKey,     // type string, pattern ^z<base58>+$
  kEnum,             // type string, enum: Member::values
  kBoolean,          // type boolean
  kParticipantBind,  // $ref participant-bind.v1 (a nested closed object)
  kSignature,        // $ref #/$defs/signature (closed {alg, value}, both non-empty strings)
  kAnyObject,        // type object, additionalProperties: true
};

struct Member {
  std::string_view name;
  Rule rule;
  bool required;
  std::span<const std::string_view> values = {};  // for kEnum
};

// The members of one closed object shape.
// A perfect hash of a shape's member names into 64 slots, so that finding a member costs one
// hash and one comparison. Built at compile time; MemberIndex::Make fails to compile if no
// multiplier separates the names.
struct MemberIndex {
  static constexpr std::size_t kSlots = 64;

  static constexpr std::size_t Hash(std::string_view key, std::uint32_t multiplier) {
    if (key.empty()) return 0;
    auto byte = [](char c) { return static_cast<std::uint32_t>(static_cast<unsigned char>(c)); };
    return (key.size() * multiplier + byte(key.front()) * 3 + byte(key.back()) * 7 +
            byte(key[key.size() / 2])) &
           (kSlots - 1);
  }

  // The index of the member that may be named `key` (the caller compares), or -1.
  constexpr int Candidate(std::string_view key) const { return slots[Hash(key, multiplier)]; }

  template <std::size_t N>
  static constexpr MemberIndex Make(const std::string_view (&names)[N]) {
    for (std::uint32_t m = 1; m < 4096; ++m) {
      MemberIndex index{m, {}};
      for (auto& slot : index.slots) slot = -1;
      bool clash = false;
      for (std::size_t i = 0; i < N && !clash; ++i) {
        auto& slot = index.slots[Hash(names[i], m)];
        clash = slot >= 0;
        slot = static_cast<std::int8_t>(i);
      }
      if (!clash) return index;
    }
    throw "no perfect hash for these member names";  // a compile error in constant evaluation
  }

  std::uint32_t multiplier;
  std::array<std::int8_t, kSlots> slots;
};

struct Shape {
  std::string_view name;  // for messages: "participant-bind", "signature", ...
  std::span<const Member> members;
  MemberIndex index;
};

const Shape& ShapeOf(Kind kind);
const Shape& SignatureShape();

// The pattern a Rule asserts, as written in the schema documents; empty for rules without one.
std::string_view PatternOf(Rule rule);
// True when `value` matches the pattern of `rule` (always true for rules without one).
bool MatchesPattern(Rule rule, std::string_view value);

// The values of the kind-specific id members present at the top level, indexed by Kind.
struct IdMembers {
  std::array<std::optional<json::Element>, 4> value;
};
IdMembers FindIdMembers(json::Object top);

// Detects the kind from the top-level members (DESIGN.md section 1, kind detection).
// On failure returns nullopt and explains why in *why.
std::optional<Kind> DetectKind(const IdMembers& ids, std::string* why);
std::optional<Kind> DetectKind(json::Object top, std::string* why);

// Outcome of CheckSchema.
enum class SchemaOutcome { kValid, kInvalid, kDuplicateName };

// Checks `root` against the shape of `kind`, appending every violation to *errors. Returns
// kDuplicateName as soon as any object at any depth repeats a member name: that is a layer 1
// failure, and the caller reports it instead of the schema violations.
SchemaOutcome CheckSchema(Kind kind, json::Object root, std::vector<Violation>* errors);

// Layers 1 and 2 over `input` (followed by json::kPadding readable bytes). Fills *report and,
// when both layers pass, *root with the parsed top-level object (valid until the parser's next
// use). With root null no DOM is needed, and the fast path (fast_path.h) decides first: a
// document it calls valid costs one pass over the bytes; any other goes the exact way.
void CheckArtifact(json::Parser* parser, std::string_view input, std::optional<Kind> kind,
                   Report* report, json::Object* root);

}  // namespace podgate::artifact

#endif  // PODGATE_ARTIFACT_SCHEMA_H_
