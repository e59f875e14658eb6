// Who may do what over HTTP (DESIGN.md section 4; the exact schemes are in openapi.yaml).
//
// Operator: "Authorization: Bearer <token>", the token read at start-up from a file that must
// be mode 0600 (or stricter). Comparison is constant-time: both sides are hashed to 32 bytes
// (BLAKE2b) and compared with sodium_memcmp, so neither the content nor the length of the
// token leaks through timing.
//
// Participant posting an artifact: "Participant-Signature: <base64url Ed25519 signature>" over
// the ".request" signing input of that exact artifact (client-instance-<kind>.v1.request),
// verified under the key of the artifact's participant-bind participant/id. It proves
// possession of the key for this request; the bind alone is replayable.
//
// Participant reading its data: three headers,
//   Participant-Id: participant:did:key:z...
//   Participant-Timestamp: <RFC 3339 date-time within the skew of the server's clock>
//   Participant-Signature: <base64url Ed25519 signature over ReadSigningInput(...)>
// with ReadSigningInput = "podgate.read.v1" 0x00 METHOD " " TARGET "\n" TIMESTAMP, where
// TARGET is the request target exactly as sent (path and query) and TIMESTAMP the header
// value exactly as sent.
//
// Thread safety: OperatorToken is immutable after Load; the free functions are pure.

#ifndef PODGATE_SERVER_AUTH_H_
#define PODGATE_SERVER_AUTH_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "podgate/artifact.h"
#include "podgate/status.h"
#include "podgate/timestamp.h"

namespace podgate::server {

class OperatorToken {
 public:
  // Reads the token file: refused (config) when group- or world-accessible, empty, or
  // shorter than 16 characters. Trailing whitespace (a final newline) is not part of it.
  static Result<OperatorToken> Load(const std::string& path);
  // Creates the file (mode 0600, refusing to overwrite) with a fresh random token (32 random
  // bytes as base64url) and returns it.
  static Result<OperatorToken> Create(const std::string& path);

  // Constant-time: true when `presented` is the token.
  bool Matches(std::string_view presented) const;

 private:
  std::array<std::uint8_t, 32> digest_{};
};

// The token of "Bearer <token>" (scheme case-insensitive), or nullopt.
std::optional<std::string_view> ParseBearer(std::string_view authorization);

// Verifies a participant's Participant-Signature over the request signing input of `body`
// (the artifact, already through layer 3) of `kind`. Errors (code unauthorized) say why.
Status VerifyPostSignature(Kind kind, std::string_view body, std::string_view signature);

// The participant-bind participant/id of an artifact, or nullopt when absent.
std::optional<std::string> ArtifactParticipant(std::string_view json);

// What a read request proves: the participant it comes from.
struct ReadProof {
  std::string participant;
};

// The signing input of a participant's read request.
std::string ReadSigningInput(std::string_view method, std::string_view target,
                             std::string_view timestamp);

// Verifies the participant read headers (nullopt-equivalent empty strings when absent).
// Errors (code unauthorized) say which header is wrong and why.
Result<ReadProof> VerifyReadSignature(std::string_view method, std::string_view target,
                                      std::string_view participant_id, std::string_view timestamp,
                                      std::string_view signature, Timestamp now,
                                      std::int64_t skew_seconds);

}  // namespace podgate::server

#endif  // PODGATE_SERVER_AUTH_H_
