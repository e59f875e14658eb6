// Proofs: layer 3 of a verdict and the signing profile (DESIGN.md sections 1 and 2).
//
//   signing-input = DOMAIN || 0x00 || deterministic-CBOR(artifact without its proof fields)
//
// The proof fields are the top-level "proof/participant-signature" and
// "proof/node-attestation"; everything else, nested binds with their own signatures included,
// is signed. Deterministic CBOR is RFC 8949 section 4.2.1 core deterministic encoding, with
// integer literals that fit int64/uint64 as integers and every other number as the shortest
// float (16/32/64 bits) that holds it exactly.
//
// A Verifier checks an artifact's proofs: participant/key/public must be the key inside
// participant/id (key-mismatch); the bind's participant signature must verify (bad-signature);
// a present node attestation must verify under the key inside serving-node/id (via/node-id
// for a bind). It remembers verified (signing input, key, signature) triples by BLAKE2b-256 digest
// in a bounded cache, because the same bind travels inside an attachment and again inside its
// detachment; the cache only ever records successes, so it can save work but never turn a bad
// signature good.
//
// Thread safety: a Verifier is used by one thread at a time; a ProofCache may be shared by
// many. The free functions are pure and thread-safe.

#ifndef PODGATE_PROOF_H_
#define PODGATE_PROOF_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "podgate/artifact.h"
#include "podgate/keys.h"
#include "podgate/status.h"

namespace podgate {

namespace proof {
struct CacheAccess;
}  // namespace proof

enum class Domain : std::uint8_t {
  kParticipantBind,    // "participant-bind.v1"
  kDetachment,         // "client-instance-detachment.v1"
  kRecovery,           // "client-instance-recovery.v1"
  kAttachmentRequest,  // "client-instance-attachment.v1.request"
  kDetachmentRequest,  // "client-instance-detachment.v1.request"
  kRecoveryRequest,    // "client-instance-recovery.v1.request"
};

std::string_view DomainName(Domain domain);

// The domain a node attestation of `kind` signs under (bind, detachment, recovery); nullopt
// for an attachment, which carries no node attestation.
std::optional<Domain> AttestationDomain(Kind kind);
// The ".request" domain of a participant's proof of possession for posting `kind`.
std::optional<Domain> RequestDomain(Kind kind);

// The signing input of a JSON artifact under `domain`. Fails with malformed-json when `json`
// is not strict JSON with an object at the top.
Result<std::string> SigningInput(Domain domain, std::string_view json);

// Verified (signing input, key, signature) triples, remembered by BLAKE2b-256 digest with bounded
// memory. Records only successes. Thread-safe: one cache may serve many Verifiers.
class ProofCache {
 public:
  explicit ProofCache(std::size_t max_entries = 1 << 16);
  ~ProofCache();
  ProofCache(const ProofCache&) = delete;
  ProofCache& operator=(const ProofCache&) = delete;

  // Lookups that found a verified triple, and lookups that did not.
  std::size_t hits() const;
  std::size_t misses() const;
  // The number of triples the cache holds at most (max_entries rounded up to whole sets).
  std::size_t capacity() const;

 private:
  friend struct proof::CacheAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Verifier {
 public:
  // `cache` may be null (no caching) and may be shared with other Verifiers.
  explicit Verifier(std::shared_ptr<ProofCache> cache = std::make_shared<ProofCache>(),
                    ValidatorOptions options = {});
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Layers 1 to 3 over one artifact: the Report of Validator::Validate, then the proofs.
  // Every proof failure is a violation (keyword "key" or "signature"); the code is the
  // first one's. Paths: key-mismatch at participant~1id or participant~1key~1public of the
  // bind ("/participant-bind/participant~1key~1public" inside an artifact); bad-signature
  // at the failing proof object ("/participant-bind/proof~1participant-signature",
  // "/proof~1node-attestation"), also for a wrong alg or a value that is not unpadded
  // base64url of 64 bytes. A bind whose keys disagree has its signature left unchecked.
  // Not thread-safe: one Verifier per thread.
  Report Verify(std::string_view json, std::optional<Kind> kind = std::nullopt);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Adds (or replaces) the top-level "proof/node-attestation" of a bind, detachment or recovery,
// signed by `node_key` under the kind's attestation domain. Every other byte of `json` is kept
// as it was; the new member follows the document's indentation. The input must pass layers 1
// and 2 as `kind` (else their code), and `node_key` must be the node named by serving-node/id
// (via/node-id for a bind), else key-mismatch. Fails with schema-invalid for an attachment (it
// has no attestation member). Existing proofs are not checked: that is the Verifier's job.
Result<std::string> Attest(Kind kind, std::string_view json, const SecretKey& node_key);

// Adds (or replaces) a bind's "proof/participant-signature", signed by `participant_key`,
// which must be the key of the bind's participant/id (else key-mismatch). Same rules as Attest.
Result<std::string> SignBind(std::string_view json, const SecretKey& participant_key);

// The value of the Participant-Signature header with which a participant posts `json`, an
// attachment, detachment or recovery (openapi.yaml, "Who may post"): the participant's
// signature over the kind's ".request" signing input. `json` must pass layers 1 and 2 as
// `kind`, and `participant_key` must be the key of its participant-bind participant/id (else
// key-mismatch). The artifact itself is not changed.
Result<std::string> SignRequest(Kind kind, std::string_view json, const SecretKey& participant_key);

}  // namespace podgate

#endif  // PODGATE_PROOF_H_
