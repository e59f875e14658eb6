// Tests of the Gate: verification before decision, node attestation of what it admits,
// duplicates and conflicting copies, group commit, retention, verdict history and session
// expiry, over a real SQLite ledger and keys made in the test.

#include "podgate/gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "gate_artifacts.h"
#include "gate_cli.h"
#include "postgres_test_support.h"

namespace podgate {
namespace {

using ::testing::HasSubstr;
using testing::KeyFromByte;
using testing::MakeAttachment;
using testing::MakeBind;
using testing::MakeDetachment;
using testing::MakeRecovery;
using testing::NodeId;

Timestamp T(std::string_view text) { return ParseRfc3339(text).value_or(Timestamp{}); }

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PODGATE_SKIP_WITHOUT_SELECTED_ENGINE();
    auto ledger = OpenLedger(test_ledger_.url());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    ledger_ = std::move(ledger).value();
    gate_ = MakeGate({});
    bind_ =
        MakeBind(alice_, {.id = "pb:1", .bound_at = "2026-03-28T19:20:00Z", .via_node = node_id_});
  }

  // Gate::Create's answer for a gate of this fixture's node key.
  Status MakeGateStatus() {
    GateOptions options;
    options.node_id = node_id_;
    auto gate = Gate::Create(options, ledger_.get(), node_key_);
    return gate.ok() ? Status::Ok() : gate.status();
  }

  std::unique_ptr<Gate> MakeGate(RetentionPolicy retention) {
    GateOptions options;
    options.node_id = node_id_;
    options.retention = retention;
    auto gate = Gate::Create(options, ledger_.get(), node_key_);
    EXPECT_TRUE(gate.ok()) << gate.status().ToString();
    return std::move(gate).value();
  }

  Admission Admit(std::string_view json, Rights rights = Rights::kParticipant) {
    auto a = gate_->Admit(json, rights, now_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a.value() : Admission{};
  }
  Admission DetachTwoKeepingOne();

  // The one detachment an expiry run (TTL one hour) of `gate` mints, expected admitted; an
  // empty (rejected) Admission when the run fails or mints another number.
  Admission ExpireOne(Gate* gate) {
    auto minted = gate->ExpireSessions(now_, 3600);
    if (!minted.ok() || minted->size() != 1) {
      ADD_FAILURE() << "expected one minted detachment: "
                    << (minted.ok() ? std::to_string(minted->size()) : minted.status().ToString());
      return Admission{};
    }
    const Admission& a = (*minted)[0];
    EXPECT_EQ(a.verdict, Verdict::kAdmitted)
        << CodeName(a.report.code) << " "
        << (a.report.errors.empty() ? "" : a.report.errors[0].message);
    return a;
  }

  std::string Attachment(std::string_view id, std::string_view client,
                         std::string_view at = "2026-03-28T19:42:00Z") {
    return MakeAttachment(id, client, at, node_id_, bind_);
  }
  std::string Detachment(std::string_view id, std::string_view attachment, std::string_view client,
                         std::string_view reason = "user-request",
                         std::string_view at = "2026-03-28T20:05:00Z") {
    return MakeDetachment(id, attachment, client, reason, at, node_id_, bind_);
  }

  SecretKey node_key_ = KeyFromByte(1);
  SecretKey alice_ = KeyFromByte(2);
  std::string node_id_ = NodeId(node_key_);
  Timestamp now_ = T("2026-03-28T21:00:00Z");
  testing::TestLedgerUrl test_ledger_{":memory:"};  // or PostgreSQL (PODGATE_TEST_ENGINE)
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<Gate> gate_;
  std::string bind_;
};

TEST_F(GateTest, RefusesANodeIdThatIsNotTheKeys) {
  GateOptions options;
  options.node_id = NodeId(KeyFromByte(9));
  auto gate = Gate::Create(options, ledger_.get(), node_key_);
  EXPECT_EQ(gate.status().code(), Code::kConfig);
  options.node_id = "node:did:key:zNotAKey";
  EXPECT_EQ(Gate::Create(options, ledger_.get(), node_key_).status().code(), Code::kConfig);
}

// A ledger belongs to the node that admitted its first fact: a gate with another key (say, a
// lost node key replaced by a new one) is refused before it answers wrong-node to everything.
TEST_F(GateTest, RefusesALedgerAnotherNodeWrote) {
  SecretKey other = KeyFromByte(9);
  GateOptions options;
  options.node_id = NodeId(other);
  ASSERT_TRUE(Gate::Create(options, ledger_.get(), other).ok());  // empty: anyone's
  ASSERT_EQ(Admit(Attachment("attach:1", "client:1")).verdict, Verdict::kAdmitted);
  auto refused = Gate::Create(options, ledger_.get(), other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kConfig);
  EXPECT_THAT(refused.status().message(),
              ::testing::HasSubstr("the ledger belongs to node " + node_id_));
  EXPECT_THAT(refused.status().message(), ::testing::HasSubstr(NodeId(other)));
  options.node_id = node_id_;
  EXPECT_TRUE(Gate::Create(options, ledger_.get(), node_key_).ok());
}

// Gates of different keys started while their ledger was empty (two hosts each with its own
// node.pem on one new PostgreSQL ledger): the first to commit owns the ledger, and the other
// refuses every write after that, under the writers' lock, as it would have at start-up,
// instead of answering wrong-node to the owner's attachments and admitting its own beside them.
TEST_F(GateTest, OfGatesStartedOnAnEmptyLedgerTheFirstToCommitOwnsIt) {
  SecretKey other_key = KeyFromByte(9);
  GateOptions options;
  options.node_id = NodeId(other_key);
  auto other = Gate::Create(options, ledger_.get(), other_key);  // empty: anyone's
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  std::string other_bind = MakeBind(
      alice_, {.id = "pb:9", .bound_at = "2026-03-28T19:20:00Z", .via_node = NodeId(other_key)});
  auto owned = (*other)->Admit(
      MakeAttachment("attach:9", "client:9", "2026-03-28T19:42:00Z", NodeId(other_key), other_bind),
      Rights::kParticipant, now_);
  ASSERT_TRUE(owned.ok()) << owned.status().ToString();
  ASSERT_EQ(owned->verdict, Verdict::kAdmitted);

  // gate_ was created on the same ledger while it was empty.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto refused = gate_->Admit(Attachment("attach:1", "client:1"), Rights::kParticipant, now_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), Code::kConfig);
    EXPECT_THAT(refused.status().message(),
                ::testing::HasSubstr("the ledger belongs to node " + NodeId(other_key)));
    EXPECT_THAT(refused.status().message(), ::testing::HasSubstr(node_id_));
  }
  auto expiry = gate_->ExpireSessions(T("2026-03-30T00:00:00Z"), 3600);
  ASSERT_FALSE(expiry.ok());  // it would meet the owner's attachment: refused the same way
  EXPECT_EQ(expiry.status().code(), Code::kConfig);
  auto events = ledger_->EventsAfter(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);  // the owner's attachment alone, no verdict of gate_'s
  EXPECT_EQ(events->front().id, "attach:9");
  auto history = ledger_->VerdictHistory(Kind::kAttachment, "attach:1");
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->empty());

  // The owner goes on; a gate of its key created now starts, one of gate_'s key does not.
  EXPECT_TRUE(Gate::Create(options, ledger_.get(), other_key).ok());
  EXPECT_EQ(MakeGateStatus().code(), Code::kConfig);
  auto again = (*other)->Admit(MakeAttachment("attach:10", "client:10", "2026-03-28T19:42:00Z",
                                              NodeId(other_key), other_bind),
                               Rights::kParticipant, now_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->verdict, Verdict::kAdmitted);
}

// The race itself, each gate on its own connection: gate A has staged the ledger's first fact
// and holds the writers' lock; gate B, started on the empty ledger too, posts meanwhile and
// waits for the lock; when A commits, B finds A's fact under the lock and refuses. (A check
// made before taking the lock would have found the ledger empty and admitted B's attachment.)
TEST(GateOwnershipTest, TheGateWaitingForTheLockFindsTheFirstFactCommittedMeanwhile) {
  PODGATE_SKIP_WITHOUT_SELECTED_ENGINE();
  testing::ScratchDir dir;
  testing::TestLedgerUrl url(dir.File("ledger.db"));
  auto ledger_a = OpenLedger(url.url());
  ASSERT_TRUE(ledger_a.ok()) << ledger_a.status().ToString();
  auto ledger_b = OpenLedger(url.url());
  ASSERT_TRUE(ledger_b.ok()) << ledger_b.status().ToString();

  SecretKey key_a = KeyFromByte(9), key_b = KeyFromByte(1), alice = KeyFromByte(2);
  GateOptions options_a, options_b;
  options_a.node_id = NodeId(key_a);
  options_b.node_id = NodeId(key_b);
  auto gate_a = Gate::Create(options_a, ledger_a->get(), key_a);
  auto gate_b = Gate::Create(options_b, ledger_b->get(), key_b);
  ASSERT_TRUE(gate_a.ok() && gate_b.ok());
  auto attachment = [&](std::string_view id, const std::string& node) {
    std::string bind = MakeBind(alice, {.bound_at = "2026-03-28T19:20:00Z", .via_node = node});
    return MakeAttachment(id, std::string("client:") + std::string(id), "2026-03-28T19:42:00Z",
                          node, bind);
  };
  const Timestamp now = T("2026-03-28T21:00:00Z");

  auto staged =
      (*gate_a)->Stage(attachment("attach:a", options_a.node_id), Rights::kParticipant, now);
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  ASSERT_EQ(staged->verdict, Verdict::kAdmitted);
  auto posted = std::async(std::launch::async, [&] {
    return (*gate_b)->Admit(attachment("attach:b", options_b.node_id), Rights::kParticipant, now);
  });
  // B cannot get past the lock A holds (it would be a bug, not a slow machine, if it did).
  EXPECT_EQ(posted.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  ASSERT_TRUE((*gate_a)->Commit().ok());
  auto refused = posted.get();
  ASSERT_FALSE(refused.ok()) << "gate B admitted beside the ledger's owner";
  EXPECT_EQ(refused.status().code(), Code::kConfig);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("the ledger belongs to node " + options_a.node_id));
  auto events = (*ledger_a)->EventsAfter(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().id, "attach:a");
}

// The gate that commits the first fact owns the ledger from then on: its later transactions
// (checked until the ledger had a first fact) go on admitting.
TEST_F(GateTest, TheGateThatCommitsTheFirstFactGoesOn) {
  ASSERT_EQ(Admit(Attachment("attach:1", "client:1")).verdict, Verdict::kAdmitted);
  ASSERT_EQ(Admit(Attachment("attach:2", "client:2")).verdict, Verdict::kAdmitted);
  ASSERT_EQ(Admit(Detachment("detach:1", "attach:1", "client:1")).verdict, Verdict::kAdmitted);
}

TEST_F(GateTest, AttachmentIsStoredAsReceivedAndReplayIsDuplicate) {
  std::string a = Attachment("attach:1", "client:1");
  Admission first = Admit(a);
  ASSERT_EQ(first.verdict, Verdict::kAdmitted) << first.report.errors.size();
  EXPECT_EQ(first.receipt, a);
  EXPECT_EQ(first.report.kind, Kind::kAttachment);
  EXPECT_EQ(first.report.id, "attach:1");
  Admission again = Admit(a);
  EXPECT_EQ(again.verdict, Verdict::kDuplicate);
  EXPECT_EQ(again.receipt, a);
  EXPECT_EQ(again.seq, first.seq);
  EXPECT_EQ(ledger_->GetArtifact(Kind::kAttachment, "attach:1")->value().json, a);
}

TEST_F(GateTest, DetachmentIsAttestedByTheNodeStoredAndReturned) {
  Admit(Attachment("attach:1", "client:1"));
  std::string d = Detachment("detach:1", "attach:1", "client:1");
  Admission admitted = Admit(d);
  ASSERT_EQ(admitted.verdict, Verdict::kAdmitted) << CodeName(admitted.report.code);
  EXPECT_THAT(admitted.receipt, HasSubstr("\"proof/node-attestation\""));
  Verifier verifier;
  Report check = verifier.Verify(admitted.receipt);
  EXPECT_TRUE(check.ok()) << (check.errors.empty() ? "" : check.errors[0].message);
  EXPECT_EQ(ledger_->GetArtifact(Kind::kDetachment, "detach:1")->value().json, admitted.receipt);

  // Replaying the original or the attested receipt is a duplicate that answers the receipt.
  Admission replay = Admit(d);
  EXPECT_EQ(replay.verdict, Verdict::kDuplicate);
  EXPECT_EQ(replay.receipt, admitted.receipt);
  Admission receipt_replay = Admit(admitted.receipt);
  EXPECT_EQ(receipt_replay.verdict, Verdict::kDuplicate);
}

TEST_F(GateTest, ConflictingCopyIsIdConflictAndTheFirstIsKept) {
  Admit(Attachment("attach:1", "client:1"));
  Admission first = Admit(Detachment("detach:1", "attach:1", "client:1"));
  std::string copy = MakeDetachment("detach:1", "attach:1", "client:1", "user-request",
                                    "2026-03-28T20:05:00Z", node_id_, bind_, "changed my mind");
  Admission conflict = Admit(copy);
  EXPECT_EQ(conflict.verdict, Verdict::kRejected);
  EXPECT_EQ(conflict.report.code, Code::kIdConflict);
  ASSERT_FALSE(conflict.report.errors.empty());
  EXPECT_EQ(conflict.report.errors[0].path, "/detachment~1id");
  EXPECT_EQ(ledger_->GetArtifact(Kind::kDetachment, "detach:1")->value().json, first.receipt);
}

TEST_F(GateTest, BadSignatureStopsAtLayerThreeAndLeavesNoTrace) {
  std::string a = Attachment("attach:1", "client:1");
  std::string forged = a;
  forged.replace(forged.find("sess:1"), 6, "sess:2");  // the bind's signature no longer fits
  Admission rejected = Admit(forged);
  EXPECT_EQ(rejected.verdict, Verdict::kRejected);
  EXPECT_EQ(rejected.report.code, Code::kBadSignature);
  EXPECT_FALSE(ledger_->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
  EXPECT_TRUE(ledger_->VerdictHistory(Kind::kAttachment, "attach:1")->empty());
  EXPECT_TRUE(ledger_->EventsAfter(0, 10)->empty());
}

TEST_F(GateTest, BareBindIsRejectedAsNotALifecycleFact) {
  Admission a = Admit(bind_);
  EXPECT_EQ(a.verdict, Verdict::kRejected);
  EXPECT_EQ(a.report.code, Code::kUnknownKind);
  EXPECT_EQ(a.report.kind, Kind::kParticipantBind);
}

TEST_F(GateTest, NodeReasonNeedsOperatorRights) {
  Admit(Attachment("attach:1", "client:1"));
  std::string d = Detachment("detach:1", "attach:1", "client:1", "policy");
  Admission refused = Admit(d, Rights::kParticipant);
  EXPECT_EQ(refused.report.code, Code::kUnauthorized);
  Admission allowed = Admit(d, Rights::kOperator);
  EXPECT_EQ(allowed.verdict, Verdict::kAdmitted);
  auto history = ledger_->VerdictHistory(Kind::kDetachment, "detach:1");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].code, Code::kUnauthorized);
  EXPECT_EQ((*history)[0].rights, "participant");
  EXPECT_EQ((*history)[1].verdict, Verdict::kAdmitted);
  EXPECT_EQ((*history)[1].rights, "operator");
}

TEST_F(GateTest, RecoveryIsAttested) {
  Admit(Attachment("attach:1", "client:1"));
  Admit(Detachment("detach:1", "attach:1", "client:1"));
  std::string bind2 =
      MakeBind(alice_, {.id = "pb:2", .bound_at = "2026-03-28T20:24:30Z", .via_node = node_id_});
  std::string r = MakeRecovery("recover:1", "detach:1", "client:2", "replace-device",
                               "2026-03-28T20:25:00Z", node_id_, bind2);
  Admission a = Admit(r);
  ASSERT_EQ(a.verdict, Verdict::kAdmitted) << CodeName(a.report.code);
  Verifier verifier;
  EXPECT_TRUE(verifier.Verify(a.receipt).ok());
  EXPECT_THAT(a.receipt, HasSubstr("proof/node-attestation"));
  EXPECT_EQ(ledger_->GetClientInstance("client:2")->value().state, "recovered");
}

TEST_F(GateTest, GroupCommitStagesManyAndCommitsOnce) {
  auto other = OpenLedger("sqlite::memory:");  // a private database: sees nothing either way
  ASSERT_TRUE(other.ok());
  auto a1 = gate_->Stage(Attachment("attach:1", "client:1"), Rights::kParticipant, now_);
  auto a2 = gate_->Stage(Attachment("attach:2", "client:1"), Rights::kParticipant, now_);
  auto d1 =
      gate_->Stage(Detachment("detach:1", "attach:1", "client:1"), Rights::kParticipant, now_);
  ASSERT_TRUE(a1.ok() && a2.ok() && d1.ok());
  EXPECT_EQ(a1->verdict, Verdict::kAdmitted);
  EXPECT_EQ(a2->report.code, Code::kClientBusy);  // sees the staged attach:1
  EXPECT_EQ(d1->verdict, Verdict::kAdmitted);
  EXPECT_EQ(gate_->staged(), 3u);
  ASSERT_TRUE(gate_->Commit().ok());
  EXPECT_EQ(gate_->staged(), 0u);
  EXPECT_TRUE(ledger_->GetArtifact(Kind::kDetachment, "detach:1")->has_value());
}

TEST_F(GateTest, RolledBackBatchLeavesNothing) {
  auto a1 = gate_->Stage(Attachment("attach:1", "client:1"), Rights::kParticipant, now_);
  ASSERT_TRUE(a1.ok());
  gate_->Rollback();
  EXPECT_FALSE(ledger_->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
  EXPECT_EQ(Admit(Attachment("attach:1", "client:1")).verdict, Verdict::kAdmitted);
}

// With at most one detachment held, attaches client:1 and client:2 and detaches them, detach:1
// (at 20:05) before detach:2 (at 20:06); returns detach:2's admission.
Admission GateTest::DetachTwoKeepingOne() {
  RetentionPolicy keep_one;
  keep_one.max_count = 1;
  gate_ = MakeGate(keep_one);
  Admit(Attachment("attach:1", "client:1"));
  Admit(Attachment("attach:2", "client:2"));
  Admit(Detachment("detach:1", "attach:1", "client:1", "user-request", "2026-03-28T20:05:00Z"));
  return Admit(
      Detachment("detach:2", "attach:2", "client:2", "user-request", "2026-03-28T20:06:00Z"));
}

TEST_F(GateTest, RecoveryOfAnEvictedDetachmentIsUnknownDetachment) {
  DetachTwoKeepingOne();
  std::string bind2 =
      MakeBind(alice_, {.id = "pb:2", .bound_at = "2026-03-28T20:24:30Z", .via_node = node_id_});
  // detach:2 passed the bound: detach:1, the oldest, was evicted with its admission.
  Admission r = Admit(MakeRecovery("recover:1", "detach:1", "client:1", "reattach-existing-device",
                                   "2026-03-28T20:25:00Z", node_id_, bind2));
  EXPECT_EQ(r.report.code, Code::kUnknownDetachment);
  Admission ok = Admit(MakeRecovery("recover:2", "detach:2", "client:2", "reattach-existing-device",
                                    "2026-03-28T20:25:00Z", node_id_, bind2));
  EXPECT_EQ(ok.verdict, Verdict::kAdmitted) << CodeName(ok.report.code);
}

// The retention bounds hold after every admission, not only from the next decision on.
TEST_F(GateTest, RetentionBoundsHoldAfterTheAdmissionThatPassesThem) {
  Admission second = DetachTwoKeepingOne();
  ASSERT_EQ(second.verdict, Verdict::kAdmitted) << CodeName(second.report.code);
  auto txn = ledger_->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  EXPECT_FALSE((*txn)->FindDetachment("detach:1")->has_value());
  EXPECT_TRUE((*txn)->FindDetachment("detach:2")->has_value());
  txn->reset();

  // By age: a detachment admitted already older than max-age is evicted at once.
  RetentionPolicy one_hour;
  one_hour.max_age_seconds = 3600;
  gate_ = MakeGate(one_hour);
  Admit(Attachment("attach:3", "client:3"));
  Admission old =
      Admit(Detachment("detach:3", "attach:3", "client:3", "user-request", "2026-03-28T19:50:00Z"));
  ASSERT_EQ(old.verdict, Verdict::kAdmitted) << CodeName(old.report.code);
  auto later = ledger_->Begin();
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_FALSE((*later)->FindDetachment("detach:3")->has_value());
  EXPECT_TRUE((*later)->FindEvictedDetachment("detach:3")->has_value());
}

// A detachment evicted with its own admission (already past max-age) and posted again is a
// duplicate: the answer repeats its first admission, receipt and number, read back from the
// log; nothing is recorded but the verdict. Other content under its id stays a conflict.
TEST_F(GateTest, AnEvictedDetachmentPostedAgainIsADuplicateOfItsAdmission) {
  RetentionPolicy one_hour;
  one_hour.max_age_seconds = 3600;
  gate_ = MakeGate(one_hour);
  Admit(Attachment("attach:1", "client:1"));
  std::string detachment =
      Detachment("detach:1", "attach:1", "client:1", "user-request", "2026-03-28T19:50:00Z");
  Admission first = Admit(detachment);
  ASSERT_EQ(first.verdict, Verdict::kAdmitted) << CodeName(first.report.code);
  ASSERT_FALSE(ledger_->GetArtifact(Kind::kDetachment, "detach:1")->has_value());
  auto events = ledger_->EventsAfter(0, 100);
  ASSERT_TRUE(events.ok());

  Admission again = Admit(detachment);
  EXPECT_EQ(again.verdict, Verdict::kDuplicate) << CodeName(again.report.code);
  EXPECT_EQ(again.receipt, first.receipt);
  EXPECT_EQ(again.seq, first.seq);
  EXPECT_EQ(ledger_->EventsAfter(0, 100)->size(), events->size());
  auto history = ledger_->VerdictHistory(Kind::kDetachment, "detach:1");
  ASSERT_TRUE(history.ok());
  ASSERT_FALSE(history->empty());
  EXPECT_EQ(history->back().verdict, Verdict::kDuplicate);
  EXPECT_EQ(history->back().fact_seq, first.seq);

  Admission other =
      Admit(Detachment("detach:1", "attach:1", "client:1", "device-loss", "2026-03-28T19:50:00Z"));
  EXPECT_EQ(other.report.code, Code::kIdConflict);
}

TEST_F(GateTest, SessionExpiryMintsOneAttestedDetachmentPerExpiredAttachment) {
  Admit(Attachment("attach:old", "client:old", "2026-03-28T19:42:00Z"));
  Admit(Attachment("attach:new", "client:new", "2026-03-28T20:50:00Z"));
  Admission a = ExpireOne(gate_.get());
  ASSERT_EQ(a.verdict, Verdict::kAdmitted);
  EXPECT_EQ(a.report.id, "detach:session-expired:attach:old");
  EXPECT_THAT(a.receipt, HasSubstr("\"detach/reason\":\"session-expired\""));
  EXPECT_THAT(a.receipt, HasSubstr("\"detached-at\":\"2026-03-28T20:42:00Z\""));
  Verifier verifier;
  EXPECT_TRUE(verifier.Verify(a.receipt).ok());
  auto state = ledger_->GetClientInstance("client:old");
  EXPECT_EQ(state->value().state, "detached");
  EXPECT_EQ(state->value().reason, "session-expired");
  EXPECT_EQ(ledger_->GetClientInstance("client:new")->value().state, "attached");

  // Exactly once: a second run finds nothing left to expire.
  auto again = gate_->ExpireSessions(now_, 3600);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  // And the minted artifact, replayed, is a duplicate.
  EXPECT_EQ(Admit(a.receipt, Rights::kGate).verdict, Verdict::kDuplicate);
}

// Size limits guard against what posters send, not against what the ledger holds: an operator
// may lower the limit (--max-body) after admitting larger attachments, and those must still
// expire (read back, minted from, the minted detachment checked) and still tie the ledger to
// its node. The minted detachment is larger than twice the new limit and some room.
TEST_F(GateTest, ALoweredSizeLimitLeavesAdmittedAttachmentsReadable) {
  std::string bind = MakeBind(alice_, {.id = "pb:" + std::string(2000, 'b'),
                                       .bound_at = "2026-03-28T19:20:00Z",
                                       .via_node = node_id_});
  std::string client = "client:" + std::string(2000, 'c');
  std::string attachment = MakeAttachment("attach:" + std::string(2000, 'a'), client,
                                          "2026-03-28T19:42:00Z", node_id_, bind);
  ASSERT_EQ(Admit(attachment).verdict, Verdict::kAdmitted);
  GateOptions lowered;
  lowered.node_id = node_id_;
  lowered.validator.max_bytes = 512;
  ASSERT_GT(attachment.size(), 2 * lowered.validator.max_bytes + 4096);

  // The node check reads the first attachment: another key is still refused.
  SecretKey other = KeyFromByte(9);
  GateOptions foreign = lowered;
  foreign.node_id = NodeId(other);
  EXPECT_EQ(Gate::Create(foreign, ledger_.get(), other).status().code(), Code::kConfig);

  auto gate = Gate::Create(lowered, ledger_.get(), node_key_);
  ASSERT_TRUE(gate.ok()) << gate.status().ToString();
  Admission a = ExpireOne(gate->get());
  ASSERT_EQ(a.verdict, Verdict::kAdmitted);
  EXPECT_GT(a.receipt.size(), 2 * lowered.validator.max_bytes + 4096);  // checked by its size
  EXPECT_EQ(ledger_->GetClientInstance(client)->value().state, "detached");
  // What posters send is still held to the lowered limit.
  auto posted = (*gate)->Admit(Attachment("attach:2", "client:2"), Rights::kParticipant, now_);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->report.code, Code::kMalformedJson);
}

TEST_F(GateTest, SessionExpiryRefusesANonPositiveTtl) {
  EXPECT_EQ(gate_->ExpireSessions(now_, 0).status().code(), Code::kConfig);
}

// --- preparation off the gate's thread --------------------------------------------------------

TEST_F(GateTest, PreparedOnAnotherThreadGivesTheSameVerdictsAndReceipts) {
  std::unique_ptr<Preparer> preparer = gate_->NewPreparer();
  std::vector<std::string> inputs = {
      Attachment("attach:1", "client:1"),
      Detachment("detach:1", "attach:1", "client:1"),
      Detachment("detach:1", "attach:1", "client:1"),            // duplicate
      Detachment("detach:2", "attach:1", "client:1"),            // already-detached
      Detachment("detach:3", "attach:9", "client:1"),            // unknown-attachment
      Detachment("detach:4", "attach:1", "client:1", "policy"),  // unauthorized
      std::string("{\"schema/v\": 1}"),                          // schema-invalid
  };
  std::vector<PreparedArtifact> prepared;
  std::thread worker([&] {
    for (const std::string& json : inputs) {
      PreparedArtifact p = preparer->Prepare(json, Rights::kParticipant);
      preparer->Attest(&p);  // speculative: kept only if admitted
      prepared.push_back(std::move(p));
    }
  });
  worker.join();
  ASSERT_EQ(prepared.size(), inputs.size());
  EXPECT_FALSE(prepared.back().report().ok());

  // The same inputs through a second gate on a ledger of its own, unprepared.
  testing::TestLedgerUrl other_url{":memory:"};
  auto other_ledger = OpenLedger(other_url.url());
  ASSERT_TRUE(other_ledger.ok());
  GateOptions options;
  options.node_id = node_id_;
  auto other = Gate::Create(options, other_ledger->get(), node_key_);
  ASSERT_TRUE(other.ok());

  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto staged = gate_->Stage(std::move(prepared[i]), now_);
    ASSERT_TRUE(staged.ok()) << staged.status().ToString();
    auto plain = (*other)->Stage(inputs[i], Rights::kParticipant, now_);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(staged->verdict, plain->verdict) << i;
    EXPECT_EQ(staged->report.code, plain->report.code) << i;
    EXPECT_EQ(staged->receipt, plain->receipt) << i;  // Ed25519 is deterministic
    EXPECT_EQ(staged->seq, plain->seq) << i;
  }
  ASSERT_TRUE(gate_->Commit().ok());
  ASSERT_TRUE((*other)->Commit().ok());
  EXPECT_EQ(ledger_->GetClientInstance("client:1")->value().state, "detached");
  // A refused detachment's speculative attestation went nowhere.
  EXPECT_FALSE(ledger_->GetArtifact(Kind::kDetachment, "detach:2")->has_value());
  EXPECT_FALSE(ledger_->GetArtifact(Kind::kDetachment, "detach:4")->has_value());
}

TEST_F(GateTest, RefusesAnEmptyOrForeignPreparedArtifact) {
  EXPECT_EQ(gate_->Stage(PreparedArtifact(), now_).status().code(), Code::kInternal);

  // A gate with the same key and node id is still another gate: its preparers' work is not
  // this gate's to stage.
  std::unique_ptr<Gate> other = MakeGate({});
  PreparedArtifact foreign =
      other->NewPreparer()->Prepare(Attachment("attach:1", "client:1"), Rights::kParticipant);
  ASSERT_TRUE(foreign.report().ok());
  auto staged = gate_->Stage(std::move(foreign), now_);
  EXPECT_EQ(staged.status().code(), Code::kInternal);
  gate_->Rollback();
  EXPECT_FALSE(ledger_->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
}

TEST_F(GateTest, APreparedRejectionRecordsNothing) {
  PreparedArtifact p = gate_->NewPreparer()->Prepare("{\"schema/v\": 1", Rights::kOperator);
  EXPECT_EQ(p.report().code, Code::kMalformedJson);
  auto staged = gate_->Stage(std::move(p), now_);
  ASSERT_TRUE(staged.ok());
  EXPECT_EQ(staged->verdict, Verdict::kRejected);
  EXPECT_EQ(staged->report.code, Code::kMalformedJson);
  EXPECT_EQ(gate_->staged(), 0u);
}

TEST_F(GateTest, APreparerOutlivesItsGate) {
  std::unique_ptr<Preparer> preparer = gate_->NewPreparer();
  gate_.reset();
  PreparedArtifact p = preparer->Prepare(Attachment("attach:1", "client:1"), Rights::kParticipant);
  EXPECT_TRUE(p.report().ok());
}

}  // namespace
}  // namespace podgate
