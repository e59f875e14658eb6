// Signed lifecycle artifacts for the podgate serve tests, built from templates with the keys
// of the signing vectors (node seed 0x29 * 32, participant seed 0x2a * 32) or any other key.
// The bind is signed with SignBind; attachments carry no node proof; detachments and
// recoveries are posted unattested (the gate attests what it admits).

#ifndef PODGATE_TESTS_SERVE_ARTIFACTS_H_
#define PODGATE_TESTS_SERVE_ARTIFACTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate::serve_test {

inline SecretKey SeedKey(std::uint8_t byte) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(byte);
  return SecretKey::FromSeed(seed);
}

inline SecretKey NodeKey() { return SeedKey(0x29); }
inline SecretKey ParticipantKey() { return SeedKey(0x2a); }

// A participant-bind signed by `participant`, bound to `node_id`.
inline std::string SignedBind(const SecretKey& participant, std::string_view node_id,
                              std::string_view bind_id,
                              std::string_view bound_at = "2026-03-28T19:20:00Z") {
  PublicKey pub = participant.public_key();
  std::string bind = fmt::format(
      R"({{"schema/v":1,"bind/id":"{}","bound-at":"{}","participant/id":"{}","via/node-id":"{}","session/id":"sess:{}","participant/key/alg":"ed25519","participant/key/public":"{}"}})",
      bind_id, bound_at, pub.ToId(Role::kParticipant), node_id, bind_id, pub.ToMultibase());
  auto signed_bind = SignBind(bind, participant);
  return signed_bind.ok() ? signed_bind.value() : std::string();
}

inline std::string Attachment(std::string_view id, std::string_view client,
                              std::string_view node_id, std::string_view bind,
                              std::string_view attached_at = "2026-03-28T19:42:00Z") {
  return fmt::format(
      R"({{"schema/v":1,"attachment/id":"{}","attached-at":"{}","profile/type":"pod-client","serving-node/id":"{}","client-instance/id":"{}","models/local?":false,"session/state":"attached","export/capable?":true,"migration/allowed?":true,"participant-bind":{}}})",
      id, attached_at, node_id, client, bind);
}

inline std::string Detachment(std::string_view id, std::string_view attachment_id,
                              std::string_view client, std::string_view node_id,
                              std::string_view bind, std::string_view reason = "user-request",
                              std::string_view detached_at = "2026-03-28T20:05:00Z") {
  return fmt::format(
      R"({{"schema/v":1,"detachment/id":"{}","detached-at":"{}","attachment/id":"{}","serving-node/id":"{}","client-instance/id":"{}","detach/reason":"{}","participant-bind":{}}})",
      id, detached_at, attachment_id, node_id, client, reason, bind);
}

inline std::string Recovery(std::string_view id, std::string_view detachment_id,
                            std::string_view client, std::string_view node_id,
                            std::string_view bind, std::string_view mode = "replace-device",
                            std::string_view recovered_at = "2026-03-28T20:25:00Z") {
  return fmt::format(
      R"({{"schema/v":1,"recovery/id":"{}","recovered-at":"{}","serving-node/id":"{}","client-instance/id":"{}","recovery/mode":"{}","recovery/from-detachment-id":"{}","participant-bind":{}}})",
      id, recovered_at, node_id, client, mode, detachment_id, bind);
}

// The Participant-Signature header value for posting `json` of `kind`.
inline std::string PostSignature(const SecretKey& participant, Kind kind, std::string_view json) {
  auto input = SigningInput(*RequestDomain(kind), json);
  return input.ok() ? participant.Sign(*input) : std::string("bad");
}

}  // namespace podgate::serve_test

#endif  // PODGATE_TESTS_SERVE_ARTIFACTS_H_
