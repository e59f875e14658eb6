// Facts: what the lifecycle decision reads of an artifact that passed layers 1 to 3 (ids, the
// client instance, the bind's participant and node, times, reason or mode), and the digest
// that tells a duplicate from a conflicting copy.
//
// Thread safety: pure functions.

#ifndef PODGATE_LIFECYCLE_FACTS_H_
#define PODGATE_LIFECYCLE_FACTS_H_

#include <string>
#include <string_view>

#include "json/parser.h"
#include "lifecycle/decision.h"
#include "podgate/artifact.h"
#include "podgate/status.h"

namespace podgate::lifecycle {

// Reads the facts of `root`, a schema-valid artifact of `kind`; the digest is left empty.
// Fails (schema-invalid, naming the member) only for a document the schema layer would refuse.
Result<Facts> ExtractFacts(json::Object root, Kind kind);

// The 32-byte SHA-256 of `bytes`.
std::string Sha256(std::string_view bytes);

}  // namespace podgate::lifecycle

#endif  // PODGATE_LIFECYCLE_FACTS_H_
