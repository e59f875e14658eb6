// Test helpers: signed lifecycle artifacts made in the test, with keys made in the test.
// Binds are signed with SignBind (the participant key); attachments, detachments and
// recoveries embed them. Every field can be chosen so that tests can break one rule at a time.
//
// Thread safety: pure functions.

#ifndef PODGATE_TESTS_GATE_ARTIFACTS_H_
#define PODGATE_TESTS_GATE_ARTIFACTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "json/writer.h"
#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate::testing {

// A deterministic key from one byte of seed.
inline SecretKey KeyFromByte(std::uint8_t byte) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(byte);
  return SecretKey::FromSeed(seed);
}

inline std::string NodeId(const SecretKey& key) { return key.public_key().ToId(Role::kNode); }
inline std::string ParticipantId(const SecretKey& key) {
  return key.public_key().ToId(Role::kParticipant);
}

struct BindSpec {
  std::string id = "pb:1";
  std::string bound_at = "2026-03-28T19:20:00Z";
  std::string via_node;  // the node the bind was made via
  std::string session = "sess:1";
};

// A participant-bind signed by `participant`.
inline std::string MakeBind(const SecretKey& participant, const BindSpec& spec) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject()
      .Key("schema/v")
      .Int(1)
      .Key("bind/id")
      .String(spec.id)
      .Key("bound-at")
      .String(spec.bound_at)
      .Key("participant/id")
      .String(ParticipantId(participant))
      .Key("via/node-id")
      .String(spec.via_node)
      .Key("session/id")
      .String(spec.session)
      .Key("participant/key/alg")
      .String("ed25519")
      .Key("participant/key/public")
      .String(participant.public_key().ToMultibase())
      .EndObject();
  auto signed_bind = SignBind(out, participant);
  return signed_bind.ok() ? signed_bind.value()
                          : "signing failed: " + signed_bind.status().ToString();
}

inline std::string MakeAttachment(std::string_view id, std::string_view client,
                                  std::string_view attached_at, std::string_view serving_node,
                                  std::string_view bind) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject()
      .Key("schema/v")
      .Int(1)
      .Key("attachment/id")
      .String(id)
      .Key("attached-at")
      .String(attached_at)
      .Key("profile/type")
      .String("pod-client")
      .Key("serving-node/id")
      .String(serving_node)
      .Key("client-instance/id")
      .String(client)
      .Key("session/state")
      .String("attached")
      .Key("export/capable?")
      .Bool(true)
      .Key("migration/allowed?")
      .Bool(true)
      .Key("participant-bind")
      .Raw(bind)
      .EndObject();
  return out;
}

inline std::string MakeDetachment(std::string_view id, std::string_view attachment,
                                  std::string_view client, std::string_view reason,
                                  std::string_view detached_at, std::string_view serving_node,
                                  std::string_view bind, std::string_view notes = {}) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject()
      .Key("schema/v")
      .Int(1)
      .Key("detachment/id")
      .String(id)
      .Key("detached-at")
      .String(detached_at)
      .Key("attachment/id")
      .String(attachment)
      .Key("serving-node/id")
      .String(serving_node)
      .Key("client-instance/id")
      .String(client)
      .Key("detach/reason")
      .String(reason);
  if (!notes.empty()) w.Key("detach/notes").String(notes);
  w.Key("participant-bind").Raw(bind).EndObject();
  return out;
}

inline std::string MakeRecovery(std::string_view id, std::string_view from_detachment,
                                std::string_view client, std::string_view mode,
                                std::string_view recovered_at, std::string_view serving_node,
                                std::string_view bind) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject()
      .Key("schema/v")
      .Int(1)
      .Key("recovery/id")
      .String(id)
      .Key("recovered-at")
      .String(recovered_at)
      .Key("serving-node/id")
      .String(serving_node)
      .Key("client-instance/id")
      .String(client)
      .Key("recovery/mode")
      .String(mode)
      .Key("recovery/from-detachment-id")
      .String(from_detachment)
      .Key("participant-bind")
      .Raw(bind)
      .EndObject();
  return out;
}

}  // namespace podgate::testing

#endif  // PODGATE_TESTS_GATE_ARTIFACTS_H_
