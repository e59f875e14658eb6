// Property tests of the gate (rapidcheck): random interleavings of attachments, detachments,
// recoveries, replays of what was submitted, replays of receipts and conflicting copies (ids
// drawn from small pools, so the same id often comes back with other content), under random
// caller rights and random group-commit boundaries, over a SQLite ledger. Invariants:
//   * an attachment is detached at most once, a detachment recovered at most once, a client
//     instance has at most one live attachment;
//   * an id is admitted at most once, and a stored record never changes (every admitted
//     artifact is still stored byte for byte at the end; a duplicate answers the first
//     admission's receipt);
//   * replaying the whole history (every stored artifact, and every admitted artifact as it was
//     first submitted) gives only duplicates and changes nothing.
// Half of the runs bound the detachments held (retention, max-count 0 to 3): an evicted
// detachment is gone from the read model, but its id stays taken and a replay of it is still a
// duplicate answering its first receipt.

#include <map>
#include <set>

#include <gtest/gtest.h>
// rapidcheck's GoogleTest glue needs GoogleTest declared first.
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "gate_artifacts.h"
#include "podgate/gate.h"
#include "postgres_test_support.h"

namespace podgate {
namespace {

using testing::KeyFromByte;
using testing::MakeAttachment;
using testing::MakeBind;
using testing::MakeDetachment;
using testing::MakeRecovery;
using testing::NodeId;

constexpr const char* kReasons[] = {"user-request",    "device-loss", "migration",
                                    "session-expired", "policy",      "operator-action"};
constexpr const char* kModes[] = {"reattach-existing-device", "replace-device",
                                  "migrate-to-new-host", "resume-after-suspension"};

struct World {
  SecretKey node = KeyFromByte(1);
  std::string node_id = NodeId(node);
  std::vector<std::string> binds;  // one per participant
  std::shared_ptr<ProofCache> cache = std::make_shared<ProofCache>();

  World() {
    for (std::uint8_t p = 0; p < 2; ++p) {
      binds.push_back(MakeBind(KeyFromByte(static_cast<std::uint8_t>(20 + p)),
                               {.id = "pb:" + std::to_string(p),
                                .bound_at = "2026-03-28T18:00:00Z",
                                .via_node = node_id}));
    }
  }
};

const World& TheWorld() {
  static const World* world = new World();
  return *world;
}

// The string member `name` of compact JSON `json` (the first occurrence: top level here).
std::string Member(const std::string& json, std::string_view name) {
  std::string needle = "\"" + std::string(name) + "\":\"";
  std::size_t at = json.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  return json.substr(at, json.find('"', at) - at);
}

// Which of the world's binds `json` embeds.
std::size_t BindOf(const World& world, const std::string& json) {
  for (std::size_t i = 0; i < world.binds.size(); ++i) {
    if (json.find(world.binds[i]) != std::string::npos) return i;
  }
  return 0;
}

// The minute (since 19:00) of a time this test wrote.
int MinuteOf(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  return t ? static_cast<int>((t->unix_seconds - 1'774'724'400) / 60) : 0;
}

std::string Minute(int minute) {
  return Timestamp{1'774'724'400 + minute * 60, 0}.ToRfc3339();  // 2026-03-28T19:00:00Z + m
}

RC_GTEST_PROP(GateProperty, LifecycleInvariantsHoldOverRandomInterleavings, ()) {
  const World& world = TheWorld();
  if (testing::PgEngineSelected() && testing::PgTestBaseUrl().empty()) {
    RC_SUCCEED(testing::kPgSkipMessage);
  }
  testing::TestLedgerUrl test_ledger(":memory:");  // or PostgreSQL (PODGATE_TEST_ENGINE)
  auto ledger = OpenLedger(test_ledger.url());
  RC_ASSERT(ledger.ok());
  GateOptions options;
  options.node_id = world.node_id;
  if (*rc::gen::arbitrary<bool>()) {
    options.retention.max_count = *rc::gen::inRange<std::uint64_t>(0, 4);
  }
  auto gate = Gate::Create(options, ledger->get(), world.node, world.cache);
  RC_ASSERT(gate.ok());
  const Timestamp now = Timestamp{1'774'724'400 + 86'400, 0};

  std::vector<std::string> submitted;                        // every artifact, in order
  std::map<std::string, std::string> receipts;               // kind/id -> first receipt
  std::map<std::string, std::uint64_t> first_seq;            // kind/id -> its admission's number
  std::map<std::string, std::string> admitted_as;            // kind/id -> bytes first submitted
  std::map<std::string, int> detachments_of, recoveries_of;  // per attachment / detachment
  std::map<std::string, std::string> attachment_client;      // attachment id -> client
  std::set<std::string> live;                                // live attachment ids
  std::map<std::string, std::string> detachment_attachment;

  struct Known {
    std::string client;
    std::size_t bind;
    int minute;
  };
  std::map<std::string, Known> known_attachments, known_detachments;

  const int steps = *rc::gen::inRange(1, 60);
  for (int step = 0; step < steps; ++step) {
    std::string artifact;
    const int op = *rc::gen::inRange(0, 5);
    std::string client = "client:" + std::to_string(*rc::gen::inRange(0, 3));
    std::size_t bind = *rc::gen::inRange<std::size_t>(0, world.binds.size());
    int minute = *rc::gen::inRange(0, 120);
    // Mostly refer to what was admitted (same client, participant, later time), so that the
    // deep rules are reached; sometimes to anything.
    auto follow = [&](const std::map<std::string, Known>& known) -> std::string {
      if (known.empty() || *rc::gen::inRange(0, 10) < 3) return {};
      auto it = known.begin();
      std::advance(it, *rc::gen::inRange<std::size_t>(0, known.size()));
      client = it->second.client;
      bind = it->second.bind;
      minute = *rc::gen::inRange(it->second.minute, 121);
      return it->first;
    };
    if (op == 0) {
      artifact = MakeAttachment("attach:" + std::to_string(*rc::gen::inRange(0, 6)), client,
                                Minute(minute), world.node_id, world.binds[bind]);
    } else if (op == 1) {
      std::string attachment = follow(known_attachments);
      if (attachment.empty()) attachment = "attach:" + std::to_string(*rc::gen::inRange(0, 6));
      artifact = MakeDetachment("detach:" + std::to_string(*rc::gen::inRange(0, 6)), attachment,
                                client, kReasons[*rc::gen::inRange(0, 6)], Minute(minute),
                                world.node_id, world.binds[bind]);
    } else if (op == 2) {
      std::string from = follow(known_detachments);
      if (from.empty()) from = "detach:" + std::to_string(*rc::gen::inRange(0, 6));
      if (*rc::gen::inRange(0, 3) == 0)
        client = "client:" + std::to_string(*rc::gen::inRange(0, 3));
      artifact = MakeRecovery("recover:" + std::to_string(*rc::gen::inRange(0, 4)), from, client,
                              kModes[*rc::gen::inRange(0, 4)], Minute(minute), world.node_id,
                              world.binds[bind]);
    } else if (op == 3 && !submitted.empty()) {
      artifact = submitted[*rc::gen::inRange<std::size_t>(0, submitted.size())];
    } else if (op == 4 && !receipts.empty()) {
      auto it = receipts.begin();
      std::advance(it, *rc::gen::inRange<std::size_t>(0, receipts.size()));
      artifact = it->second;
    } else {
      continue;
    }
    const Rights rights = static_cast<Rights>(*rc::gen::inRange(0, 3));
    submitted.push_back(artifact);

    auto staged = (*gate)->Stage(artifact, rights, now);
    RC_ASSERT(staged.ok());
    const Admission& a = *staged;
    RC_ASSERT(a.report.kind.has_value());
    const std::string key = std::string(KindName(*a.report.kind)) + "/" + a.report.id;
    if (a.verdict == Verdict::kAdmitted) {
      RC_ASSERT(receipts.count(key) == 0u);  // an id is admitted at most once
      receipts[key] = a.receipt;
      first_seq[key] = a.seq;
      admitted_as[key] = artifact;
      if (*a.report.kind == Kind::kAttachment) {
        RC_ASSERT(live.insert(a.report.id).second);
        const std::string admitted_client = Member(a.receipt, "client-instance/id");
        known_attachments[a.report.id] = {admitted_client, BindOf(world, a.receipt),
                                          MinuteOf(Member(a.receipt, "attached-at"))};
        attachment_client[a.report.id] = admitted_client;
        for (const auto& other : live) {  // one live attachment per client instance
          if (other != a.report.id) RC_ASSERT(attachment_client[other] != admitted_client);
        }
      } else if (*a.report.kind == Kind::kDetachment) {
        const std::string attachment = Member(a.receipt, "attachment/id");
        RC_ASSERT(++detachments_of[attachment] == 1);
        RC_ASSERT(live.erase(attachment) == 1u);
        detachment_attachment[a.report.id] = attachment;
        known_detachments[a.report.id] = {Member(a.receipt, "client-instance/id"),
                                          BindOf(world, a.receipt),
                                          MinuteOf(Member(a.receipt, "detached-at"))};
      } else if (*a.report.kind == Kind::kRecovery) {
        const std::string from = Member(a.receipt, "recovery/from-detachment-id");
        RC_ASSERT(++recoveries_of[from] == 1);
      }
    } else if (a.verdict == Verdict::kDuplicate) {
      RC_ASSERT(receipts.count(key) == 1u);
      RC_ASSERT(a.receipt == receipts[key]);
      RC_ASSERT(a.seq == first_seq[key]);
    } else {
      RC_ASSERT(a.report.code != Code::kOk);
    }
    if (*rc::gen::inRange(0, 4) == 0) RC_ASSERT((*gate)->Commit().ok());
  }
  RC_ASSERT((*gate)->Commit().ok());
  RC_CLASSIFY(!detachments_of.empty(), "a detachment admitted");
  RC_CLASSIFY(!recoveries_of.empty(), "a recovery admitted");
  auto events = (*ledger)->EventsAfter(0, 1'000'000);
  RC_ASSERT(events.ok());
  std::set<std::string> evicted;
  for (const Event& e : *events) {
    if (e.type == EventType::kEvicted) RC_ASSERT(evicted.insert(e.id).second);
  }
  RC_CLASSIFY(!evicted.empty(), "a detachment evicted");
  RC_ASSERT(events->size() == receipts.size() + evicted.size());

  // Every admitted record is stored as first admitted, unless retention evicted it.
  for (const auto& [key, receipt] : receipts) {
    Kind kind = *KindFromName(key.substr(0, key.find('/')));
    const std::string id = key.substr(key.find('/') + 1);
    auto stored = (*ledger)->GetArtifact(kind, id);
    RC_ASSERT(stored.ok());
    if (kind == Kind::kDetachment && evicted.count(id) != 0u) {
      RC_ASSERT(!stored->has_value());
      continue;
    }
    RC_ASSERT(stored->has_value());
    RC_ASSERT((*stored)->json == receipt);
  }

  // Replaying the whole history gives only duplicates, as the operator or anyone else.
  for (const Event& e : *events) {
    if (e.type == EventType::kEvicted) continue;
    auto replay = (*gate)->Stage(e.json, Rights::kParticipant, now);
    RC_ASSERT(replay.ok());
    RC_ASSERT(replay->verdict == Verdict::kDuplicate);
  }
  for (const auto& [key, original] : admitted_as) {
    auto replay = (*gate)->Stage(original, Rights::kOperator, now);
    RC_ASSERT(replay.ok());
    RC_ASSERT(replay->verdict == Verdict::kDuplicate);
    RC_ASSERT(replay->receipt == receipts[key]);
    RC_ASSERT(replay->seq == first_seq[key]);
  }
  RC_ASSERT((*gate)->Commit().ok());
  auto after = (*ledger)->EventsAfter(0, 1'000'000);
  RC_ASSERT(after.ok());
  RC_ASSERT(after->size() == events->size());
}

}  // namespace
}  // namespace podgate
