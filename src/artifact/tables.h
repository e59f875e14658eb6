// The compiled tables of the four kinds (layer 2): exactly the upstream v1 schemas, one
// Member per property, for the exact checker (schema.cc) and the fast path (fast_path.cc).
// Internal to the artifact layer.
//
// Thread safety: immutable constants.

#ifndef PODGATE_ARTIFACT_TABLES_H_
#define PODGATE_ARTIFACT_TABLES_H_

#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include "artifact/schema.h"

namespace podgate::artifact::tables {

// a == b for the short strings of the schemas (member names, enum values, did:key prefixes),
// compared in overlapping 8- or 4-byte words: on the hot paths, which run for every member of
// every artifact, this beats a call to memcmp.
inline bool SameBytes(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  auto word64 = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  auto word32 = [](const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (word64(a.data() + i) != word64(b.data() + i)) return false;
    }
    return word64(a.data() + n - 8) == word64(b.data() + n - 8);
  }
  if (n >= 4) {
    return word32(a.data()) == word32(b.data()) &&
           word32(a.data() + n - 4) == word32(b.data() + n - 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline constexpr std::string_view kKeyAlgs[] = {"ed25519"};
inline constexpr std::string_view kProfileTypes[] = {"pod-client", "hybrid"};
inline constexpr std::string_view kSessionStates[] = {"attaching", "attached", "degraded",
                                                      "suspended"};
inline constexpr std::string_view kDetachReasons[] = {
    "user-request", "device-loss", "session-expired", "policy", "migration", "operator-action"};
inline constexpr std::string_view kRecoveryModes[] = {
    "reattach-existing-device", "replace-device", "migrate-to-new-host", "resume-after-suspension"};

inline constexpr Member kSignatureMembers[] = {
    {"alg", Rule::kNonEmptyString, true},
    {"value", Rule::kNonEmptyString, true},
};

inline constexpr Member kBindMembers[] = {
    {"schema/v", Rule::kSchemaVersion, true},
    {"bind/id", Rule::kNonEmptyString, true},
    {"bound-at", Rule::kDateTime, true},
    {"participant/id", Rule::kParticipantId, true},
    {"via/node-id", Rule::kNodeId, true},
    {"session/id", Rule::kNonEmptyString, true},
    {"participant/key/alg", Rule::kEnum, true, kKeyAlgs},
    {"participant/key/public", Rule::kMultibaseKey, true},
    {"proof/participant-signature", Rule::kSignature, true},
    {"proof/node-attestation", Rule::kSignature, false},
    {"policy_annotations", Rule::kAnyObject, false},
};

inline constexpr Member kAttachmentMembers[] = {
    {"schema/v", Rule::kSchemaVersion, true},
    {"attachment/id", Rule::kNonEmptyString, true},
    {"attached-at", Rule::kDateTime, true},
    {"profile/type", Rule::kEnum, true, kProfileTypes},
    {"serving-node/id", Rule::kNodeId, true},
    {"pod-user/id", Rule::kPodUserId, false},
    {"client-instance/id", Rule::kNonEmptyString, true},
    {"models/local?", Rule::kBoolean, false},
    {"session/state", Rule::kEnum, true, kSessionStates},
    {"export/capable?", Rule::kBoolean, true},
    {"migration/allowed?", Rule::kBoolean, true},
    {"participant-bind", Rule::kParticipantBind, true},
    {"policy_annotations", Rule::kAnyObject, false},
};

inline constexpr Member kDetachmentMembers[] = {
    {"schema/v", Rule::kSchemaVersion, true},
    {"detachment/id", Rule::kNonEmptyString, true},
    {"detached-at", Rule::kDateTime, true},
    {"attachment/id", Rule::kNonEmptyString, true},
    {"serving-node/id", Rule::kNodeId, true},
    {"client-instance/id", Rule::kNonEmptyString, true},
    {"detach/reason", Rule::kEnum, true, kDetachReasons},
    {"detach/notes", Rule::kNonEmptyString, false},
    {"participant-bind", Rule::kParticipantBind, true},
    {"proof/node-attestation", Rule::kSignature, false},
    {"policy_annotations", Rule::kAnyObject, false},
};

inline constexpr Member kRecoveryMembers[] = {
    {"schema/v", Rule::kSchemaVersion, true},
    {"recovery/id", Rule::kNonEmptyString, true},
    {"recovered-at", Rule::kDateTime, true},
    {"serving-node/id", Rule::kNodeId, true},
    {"client-instance/id", Rule::kNonEmptyString, true},
    {"recovery/mode", Rule::kEnum, true, kRecoveryModes},
    {"recovery/from-detachment-id", Rule::kNonEmptyString, true},
    {"recovery/token-ref", Rule::kNonEmptyString, false},
    {"participant-bind", Rule::kParticipantBind, true},
    {"proof/node-attestation", Rule::kSignature, false},
    {"policy_annotations", Rule::kAnyObject, false},
};

template <std::size_t N>
constexpr MemberIndex IndexOf(const Member (&members)[N]) {
  std::string_view names[N];
  for (std::size_t i = 0; i < N; ++i) names[i] = members[i].name;
  return MemberIndex::Make(names);
}

inline constexpr Shape kSignatureShape{"signature", kSignatureMembers, IndexOf(kSignatureMembers)};
inline constexpr Shape kBindShape{"participant-bind", kBindMembers, IndexOf(kBindMembers)};
inline constexpr Shape kAttachmentShape{"client-instance-attachment", kAttachmentMembers,
                                        IndexOf(kAttachmentMembers)};
inline constexpr Shape kDetachmentShape{"client-instance-detachment", kDetachmentMembers,
                                        IndexOf(kDetachmentMembers)};
inline constexpr Shape kRecoveryShape{"client-instance-recovery", kRecoveryMembers,
                                      IndexOf(kRecoveryMembers)};

// Closed shapes track seen members in a 32-bit mask.
static_assert(std::size(kAttachmentMembers) <= 32 && std::size(kBindMembers) <= 32);
}  // namespace podgate::artifact::tables

#endif  // PODGATE_ARTIFACT_TABLES_H_
