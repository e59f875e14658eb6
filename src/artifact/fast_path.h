// The fast path of layers 1 and 2: one pass over the bytes that recognises a valid artifact.
//
// Most artifacts are valid, and of a valid one a verdict needs only the kind and the id.
// FastCheck reads the document once, without building a DOM: it checks the JSON grammar,
// UTF-8, duplicate member names, the depth limit, and the kind's closed shape with every
// member's rule (const, enum, non-empty, did:key patterns, RFC 3339 date-times, nested bind
// and signature objects) as it goes, the top-level members against the union of the four
// shapes, the kind decided at the end exactly as DetectKind decides it.
//
// It answers with a FastVerdict only for a document the exact path (CheckArtifact: the
// simdjson DOM, then the schema walk) also calls valid, with the same kind and id. For
// everything else it answers nullopt: for every invalid document, and for the valid ones it
// leaves to the exact path on purpose (string escapes, numbers other than short plain
// decimals, nesting deeper than kMaxFastDepth, objects of more than kMaxOpenMembers members
// under policy_annotations). The caller then runs the exact path, which finds the violations
// with their JSON Pointers, keywords, messages and offsets. fast_path_test.cc holds the two to
// agreement over the fixture corpus, hand-written edge cases and random mutations.
//
// Thread safety: a pure function; reentrant.

#ifndef PODGATE_ARTIFACT_FAST_PATH_H_
#define PODGATE_ARTIFACT_FAST_PATH_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "json/parser.h"
#include "podgate/artifact.h"

namespace podgate::artifact {

// Containers nested deeper than this (or than Limits::max_depth, if smaller) go to the exact
// path.
inline constexpr std::size_t kMaxFastDepth = 16;
// Objects under policy_annotations with more members go to the exact path (names are compared
// pairwise).
inline constexpr std::size_t kMaxOpenMembers = 16;

struct FastVerdict {
  Kind kind;
  std::string_view id;  // the kind's id member, a view into the input
};

// `input` must be followed by json::kPadding readable bytes. `kind` forces the kind, as for
// CheckArtifact. Returns the verdict when `input` is certainly valid under `limits`, else
// nullopt (invalid, or not decided here).
std::optional<FastVerdict> FastCheck(std::string_view input, std::optional<Kind> kind,
                                     const json::Limits& limits);

}  // namespace podgate::artifact

#endif  // PODGATE_ARTIFACT_FAST_PATH_H_
