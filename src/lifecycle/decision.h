// The lifecycle decision (DESIGN.md section 3) as a pure function of (ledger view, the
// artifact's facts, context). It reads the view and never writes: the gate records what the
// decision returns, atomically, in the same transaction the view reads from.
//
// Rules are checked in a fixed order, and the first that fails decides:
//   every kind   id already held: same digest -> duplicate, else id-conflict;
//   detachment   id of an evicted detachment with another (or an unrecorded) digest ->
//                id-conflict (the same content goes on, to already-detached);
//                serving-node/id, then participant-bind/via/node-id is not the gate's node
//                -> wrong-node;
//   detachment   a node reason from a participant -> unauthorized; an id beginning with
//                kSessionExpiredIdPrefix from anyone but the gate -> unauthorized;
//   every kind   the artifact's time > now + skew -> clock-skew; the bind's bound-at > the
//                artifact's time + skew -> time-order;
//   attachment   a live attachment of the client instance -> client-busy;
//   detachment   unknown attachment/id -> unknown-attachment; another client instance ->
//                client-mismatch; another participant -> participant-mismatch; detached-at
//                before attached-at -> time-order; attachment already detached ->
//                already-detached;
//   recovery     unknown (or evicted) detachment -> unknown-detachment; another participant
//                -> participant-mismatch; another client instance, unless the mode is
//                replace-device or migrate-to-new-host -> client-mismatch; recovered-at
//                before detached-at -> time-order; already recovered -> already-recovered.
// A participant-bind is not a lifecycle fact: unknown-kind.
//
// Thread safety: pure; safe as long as the view is used by one thread.

#ifndef PODGATE_LIFECYCLE_DECISION_H_
#define PODGATE_LIFECYCLE_DECISION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "podgate/artifact.h"
#include "podgate/gate.h"
#include "podgate/ledger.h"
#include "podgate/status.h"
#include "podgate/timestamp.h"

namespace podgate::lifecycle {

// What the decision needs of an artifact that passed layers 1 to 3.
struct Facts {
  Kind kind = Kind::kAttachment;
  std::string id;               // the kind's id member
  std::string serving_node;     // serving-node/id
  std::string via_node;         // participant-bind via/node-id
  std::string client_instance;  // client-instance/id
  std::string participant;      // participant-bind participant/id
  std::string bind_id;          // participant-bind bind/id
  Timestamp at;                 // attached-at, detached-at or recovered-at
  Timestamp bound_at;           // participant-bind bound-at
  std::string ref_id;           // attachment/id (detachment), from-detachment-id (recovery)
  std::string detail;           // detach/reason (detachment), recovery/mode (recovery)
  std::string digest;           // SHA-256 of the signing input, proofs aside
};

struct Context {
  std::string node_id;
  Timestamp now;
  std::int64_t skew_seconds = 300;
  Rights rights = Rights::kParticipant;
};

struct Decision {
  Verdict verdict = Verdict::kRejected;
  Code code = Code::kOk;  // the rejection's code
  std::string path;       // JSON Pointer of the field at fault
  std::string message;
  // Duplicate: the sequence number of the first admission; 0 for a detachment retention has
  // evicted (the view keeps its id and digest, not its number: LedgerView::FindEvictedDetachment).
  std::uint64_t first_seq = 0;
  // Admitted: the record to store.
  std::variant<std::monostate, AttachmentRecord, DetachmentRecord, RecoveryRecord> record;
};

// The first identifier of `facts` that the ledger would index new and that is longer than
// `limit` bytes (its own id; the client instance of an attachment or recovery), as a violation
// naming its member; nullopt when all fit (kMaxIdentifierBytes in podgate/gate.h says why).
std::optional<Violation> FindOverlongIdentifier(const Facts& facts, std::size_t limit);

// True for the node reasons of a detachment: session-expired, policy, operator-action.
bool IsNodeReason(std::string_view reason);

// The ids of the session-expired detachments the gate mints ("detach:session-expired:" + the
// attachment id). Reserved to the gate: a detachment posted under one of them beforehand would
// make the gate's own detachment an id-conflict and keep that attachment live for good.
inline constexpr std::string_view kSessionExpiredIdPrefix = "detach:session-expired:";

// Decides `facts` against `view`. A non-OK Result is a failure of the view (storage).
Result<Decision> Decide(LedgerView& view, const Facts& facts, const Context& context);

}  // namespace podgate::lifecycle

#endif  // PODGATE_LIFECYCLE_DECISION_H_
