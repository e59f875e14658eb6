// Internals of the signing profile shared by the verifier, the signers and the tools:
// building signing inputs from a parsed artifact, and splicing a signature member into the
// original bytes of an artifact.
//
// Thread safety: a SigningInputBuilder keeps scratch space and serves one thread at a time;
// the free functions are pure.

#ifndef PODGATE_PROOF_SIGNING_H_
#define PODGATE_PROOF_SIGNING_H_

#include <string>
#include <string_view>

#include "codec/cbor.h"
#include "json/parser.h"
#include "podgate/proof.h"

namespace podgate::proof {

inline constexpr std::string_view kParticipantSignature = "proof/participant-signature";
inline constexpr std::string_view kNodeAttestation = "proof/node-attestation";
inline constexpr std::string_view kProofFields[] = {kParticipantSignature, kNodeAttestation};

// Initializes libsodium once (idempotent and thread-safe); false if it cannot run.
bool EnsureSodium();

class SigningInputBuilder {
 public:
  // Replaces *out with DOMAIN || 0x00 || deterministic-CBOR(object without its top-level proof
  // fields).
  void Build(Domain domain, json::Object object, std::string* out);

 private:
  codec::CborEncoder encoder_;
};

// The signature object {"alg":"ed25519","value":…} of `signature` (unpadded base64url).
// Replaces the top-level member `name` of the JSON object text `json` with it, or adds it after
// the last member when absent. Every other byte is kept; the new member follows the
// indentation of the document's first member. `json` must be strict JSON with an object at the
// top (checked by the caller).
std::string SpliceSignature(std::string_view json, std::string_view name,
                            std::string_view signature);

}  // namespace podgate::proof

#endif  // PODGATE_PROOF_SIGNING_H_
