// Gate: layer 4 of a verdict (DESIGN.md section 3). One serving node's gate: it verifies an
// artifact (layers 1 to 3), decides it against the ledger, records what it admits, and signs
// (attests with the node key) every detachment and recovery it admits.
//
// Verdicts: admitted, duplicate (same id and same signing input, proofs aside, as a record
// already admitted: the answer repeats the first admission and nothing changes), or rejected
// with the code of the first failing rule. The receipt of an admitted or duplicate artifact is
// the stored artifact: as received for an attachment, attested by the node for a detachment or
// recovery. A bare participant-bind is not a lifecycle fact: admission rejects it
// (unknown-kind, "admit takes attachments, detachments and recoveries").
//
// Group commit: Stage() decides and stages one artifact in the open batch, and later artifacts
// of the batch see it; Commit() makes the whole batch durable with one fsync. An Admission
// must not be acknowledged (printed, answered) before the Commit() of its batch returned OK; a
// failed Commit() means none of the batch happened. Admit() is Stage() then Commit().
//
// Preparation: everything of an admission that does not read the ledger (layers 1 to 3, the
// facts the decision reads, the digest, and the node's attestation signature, which covers the
// artifact alone) can be done ahead, on other threads, by Preparers of the gate
// (NewPreparer()); Stage(PreparedArtifact) then does only the decision and the ledger writes.
// This is what keeps the Ed25519 work off the thread that holds the ledger. A prepared
// artifact decides nothing: the verdict is still the gate's, made against the ledger when it
// is staged; a speculative attestation of an artifact that is then refused is dropped.
//
// Thread safety: a Gate is used by one thread at a time (it owns a Verifier and an open
// transaction). A Preparer is used by one thread at a time too, but any number of them (each
// on its own thread) may prepare for one gate while it stages; they share only immutable
// state and the thread-safe ProofCache. Several Gates over distinct Ledger connections may
// share one ProofCache and one database.

#ifndef PODGATE_GATE_H_
#define PODGATE_GATE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podgate/artifact.h"
#include "podgate/keys.h"
#include "podgate/ledger.h"
#include "podgate/proof.h"
#include "podgate/status.h"
#include "podgate/timestamp.h"

namespace podgate {

// Who submits an artifact. Node reasons of a detachment (session-expired, policy,
// operator-action) need kOperator or kGate; participant reasons (user-request, device-loss,
// migration) any of them. kGate is the gate's own: the documents it builds from artifacts the
// ledger holds (session expiry), which are exempt from the size limits that guard against
// posters (GateOptions::validator.max_bytes); never hand it to input from outside.
enum class Rights : std::uint8_t { kParticipant, kOperator, kGate };

// "participant", "operator", "gate".
std::string_view RightsName(Rights rights);

// The longest identifier the gate admits, in bytes of UTF-8: an artifact's own id, and the
// client instance of an attachment or recovery, the values the ledger indexes new (the id a
// detachment or recovery names, and a detachment's client instance, must equal values it holds
// already). PostgreSQL refuses an index entry of more than 2704 bytes, which would fail the
// whole group commit it is in; the schema sets no bound. A longer one is refused before the
// ledger, as `malformed-json` (a size limit, like the artifact's), naming the member. The
// gate's own session-expired detachments are exempt (their values come from a held attachment).
inline constexpr std::size_t kMaxIdentifierBytes = 2048;

struct GateOptions {
  std::string node_id;              // "node:did:key:z...": must be the node key's identity
  std::int64_t skew_seconds = 300;  // tolerated clock skew
  RetentionPolicy retention;        // bounds on held detachments; none by default
  ValidatorOptions validator;
};

struct Admission {
  Report report;  // kind, id, and for a rejection its code and errors (JSON Pointers)
  Verdict verdict = Verdict::kRejected;
  std::string receipt;    // the stored artifact (admitted, duplicate), else empty
  std::uint64_t seq = 0;  // the admitted fact's sequence number (admitted, duplicate)
};

class Gate;

// An artifact made ready for Gate::Stage() by a Preparer: layers 1 to 3 decided (report()),
// and for one that passed them its facts, digest and possibly its attestation. Movable; an
// empty (default-constructed or moved-from) one is refused by Stage() (internal).
class PreparedArtifact {
 public:
  PreparedArtifact();
  ~PreparedArtifact();
  PreparedArtifact(PreparedArtifact&& other) noexcept;
  PreparedArtifact& operator=(PreparedArtifact&& other) noexcept;

  // Layers 1 to 3: a report that is not ok() is already the artifact's verdict (rejected);
  // staging it records nothing.
  const Report& report() const;
  // True for a default-constructed or moved-from one.
  bool empty() const { return impl_ == nullptr; }

 private:
  friend class Gate;
  friend class Preparer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Prepares artifacts for one gate (Gate::NewPreparer()). May outlive the gate.
class Preparer {
 public:
  ~Preparer();
  Preparer(const Preparer&) = delete;
  Preparer& operator=(const Preparer&) = delete;

  // Layers 1 to 3 of `json`, then (when they pass) the facts and digest. Copies `json`.
  PreparedArtifact Prepare(std::string_view json, Rights rights,
                           std::optional<Kind> kind = std::nullopt);
  // Signs the node's attestation of a prepared detachment or recovery that passed layers 1 to
  // 3, ahead of the decision (Stage() signs it otherwise); nothing for any other artifact.
  void Attest(PreparedArtifact* prepared);

 private:
  friend class Gate;
  struct Shared;
  struct Impl;
  explicit Preparer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Gate {
 public:
  // Fails with config-error when options.node_id is not the identity of node_key, or when
  // another node admitted the ledger's first fact: a ledger belongs to one node identity. On a
  // ledger still empty, the check is repeated in each batch until the ledger has a first fact:
  // Stage() fails with the same config-error once another node's gate committed it first.
  static Result<std::unique_ptr<Gate>> Create(
      GateOptions options, Ledger* ledger, SecretKey node_key,
      std::shared_ptr<ProofCache> cache = std::make_shared<ProofCache>());

  ~Gate();
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  // Verifies, decides and stages one artifact in the open batch (opening one when none is).
  // A non-OK Result is an operational failure (storage, unavailable, or config: see Create):
  // the batch should be rolled back.
  Result<Admission> Stage(std::string_view json, Rights rights, Timestamp now,
                          std::optional<Kind> kind = std::nullopt);
  // Stage() of an artifact prepared by a Preparer of this gate (internal error for one of
  // another gate). Rights and kind are the ones it was prepared with.
  Result<Admission> Stage(PreparedArtifact prepared, Timestamp now);
  // A Preparer for another thread (see Preparation above).
  std::unique_ptr<Preparer> NewPreparer() const;
  // Makes the open batch durable; OK when there is none.
  Status Commit();
  // Abandons the open batch.
  void Rollback();
  // Number of artifacts staged in the open batch.
  std::size_t staged() const;

  // Stage() then Commit().
  Result<Admission> Admit(std::string_view json, Rights rights, Timestamp now,
                          std::optional<Kind> kind = std::nullopt);

  // Session expiry: for each attachment still live whose attached-at is at least ttl_seconds
  // before `now` (at most `limit` of them, oldest first), mints a session-expired detachment
  // that reuses the attachment's bind, dated attached-at + ttl, with the id
  // "detach:session-expired:" + attachment id, attests it and admits it as the gate itself;
  // then commits. Each attachment expires exactly once: a live one is minted once, and a
  // repeated run finds it detached.
  Result<std::vector<Admission>> ExpireSessions(Timestamp now, std::int64_t ttl_seconds,
                                                std::size_t limit = 1000);

  const std::string& node_id() const;

 private:
  struct Impl;
  explicit Gate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace podgate

#endif  // PODGATE_GATE_H_
