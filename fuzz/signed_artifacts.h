// Signed artifacts for the proof-layer fuzz targets: one of each kind, signed in-process with
// the keys of the signing vectors (node seed 0x29 * 32, participant seed 0x2a * 32, as in
// examples/signed/), with policy annotations that put numbers, nested containers and
// non-ASCII text under the signatures.
//
// Thread safety: pure functions.

#ifndef PODGATE_FUZZ_SIGNED_ARTIFACTS_H_
#define PODGATE_FUZZ_SIGNED_ARTIFACTS_H_

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "podgate/artifact.h"
#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate::fuzz {

inline SecretKey KeyOfByte(std::uint8_t byte) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(byte);
  return SecretKey::FromSeed(seed);
}

inline const SecretKey& NodeKey() {
  static const SecretKey key = KeyOfByte(0x29);
  return key;
}
inline const SecretKey& ParticipantKey() {
  static const SecretKey key = KeyOfByte(0x2a);
  return key;
}

struct SignedArtifact {
  Kind kind;
  std::string json;
};

// Aborts when signing fails: the fuzz targets cannot run without their artifacts.
inline std::string MustSucceed(Result<std::string> result) {
  if (!result.ok()) std::abort();
  return std::move(result).value();
}

// The four artifacts, each of which verifies (layers 1 to 3).
inline std::vector<SignedArtifact> MakeSignedArtifacts() {
  const std::string node = NodeKey().public_key().ToId(Role::kNode);
  const std::string participant = ParticipantKey().public_key().ToId(Role::kParticipant);
  const std::string annotations =
      R"({"tier":"gold","weights":[1,-2,3.5,1e-3,18446744073709551615],)"
      R"("nested":{"ok":true,"none":null,"text":"żółw 😀 \u00e9"}})";
  std::string bind_body = R"({"schema/v":1,"bind/id":"pb:fuzz","bound-at":"2026-03-28T19:20:00Z",)"
                          R"("participant/id":")" +
                          participant + R"(","via/node-id":")" + node +
                          R"(","session/id":"sess:fuzz","participant/key/alg":"ed25519",)"
                          R"("participant/key/public":")" +
                          ParticipantKey().public_key().ToMultibase() +
                          R"(","policy_annotations":)" + annotations + "}";
  std::string bind = MustSucceed(SignBind(bind_body, ParticipantKey()));
  std::string attested_bind = MustSucceed(Attest(Kind::kParticipantBind, bind, NodeKey()));

  std::string attachment = R"({"schema/v":1,"attachment/id":"attach:fuzz",)"
                           R"("attached-at":"2026-03-28T19:42:00.123456789+01:30",)"
                           R"("profile/type":"pod-client","serving-node/id":")" +
                           node +
                           R"(","client-instance/id":"client:fuzz","models/local?":false,)"
                           R"("session/state":"attached","export/capable?":true,)"
                           R"("migration/allowed?":true,"policy_annotations":)" +
                           annotations + R"(,"participant-bind":)" + bind + "}";
  std::string detachment = R"({"schema/v":1,"detachment/id":"detach:fuzz",)"
                           R"("detached-at":"2026-03-28T20:05:00Z","attachment/id":"attach:fuzz",)"
                           R"("serving-node/id":")" +
                           node +
                           R"(","client-instance/id":"client:fuzz","detach/reason":"device-loss",)"
                           R"("detach/notes":"lost \"on\" the tram\n","participant-bind":)" +
                           bind + "}";
  std::string recovery =
      R"({"schema/v":1,"recovery/id":"recover:fuzz",)"
      R"("recovered-at":"2026-03-28T20:25:00Z","serving-node/id":")" +
      node +
      R"(","client-instance/id":"client:fuzz2","recovery/mode":"replace-device",)"
      R"("recovery/from-detachment-id":"detach:fuzz","participant-bind":)" +
      bind + "}";
  return {
      {Kind::kParticipantBind, attested_bind},
      {Kind::kAttachment, attachment},
      {Kind::kDetachment, MustSucceed(Attest(Kind::kDetachment, detachment, NodeKey()))},
      {Kind::kRecovery, MustSucceed(Attest(Kind::kRecovery, recovery, NodeKey()))},
  };
}

}  // namespace podgate::fuzz

#endif  // PODGATE_FUZZ_SIGNED_ARTIFACTS_H_
