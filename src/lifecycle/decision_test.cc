// Unit tests of every rule of the lifecycle decision (DESIGN.md section 3), against an
// in-memory ledger view.

#include "lifecycle/decision.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <variant>

#include "lifecycle/memory_view.h"

namespace podgate::lifecycle {
namespace {

constexpr std::string_view kNode = "node:did:key:z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE";
constexpr std::string_view kOtherNode =
    "node:did:key:z6MkrLQkJr2YQ6L8eYw6Qk8f9P8GmJm7a3x6P1v1Q2w3E4r5";
constexpr std::string_view kAlice = "participant:did:key:z6MkAlice";
constexpr std::string_view kBob = "participant:did:key:z6MkBob";

Timestamp T(std::string_view text) {
  auto t = ParseRfc3339(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(Timestamp{});
}

// T0 is the moment of the test's first attachment; the gate's clock reads T0 + 1 h.
const Timestamp kT0 = T("2026-03-28T19:42:00Z");

Facts Attachment(std::string id, std::string client, std::string_view participant = kAlice,
                 Timestamp at = kT0) {
  Facts f;
  f.kind = Kind::kAttachment;
  f.id = std::move(id);
  f.serving_node = std::string(kNode);
  f.via_node = std::string(kNode);
  f.client_instance = std::move(client);
  f.participant = std::string(participant);
  f.bind_id = "pb:1";
  f.at = at;
  f.bound_at = at.PlusSeconds(-60);
  f.digest = "digest:" + f.id;
  return f;
}

Facts Detachment(std::string id, std::string attachment, std::string client,
                 std::string reason = "user-request", std::string_view participant = kAlice,
                 Timestamp at = kT0.PlusSeconds(600)) {
  Facts f;
  f.kind = Kind::kDetachment;
  f.id = std::move(id);
  f.serving_node = std::string(kNode);
  f.via_node = std::string(kNode);
  f.client_instance = std::move(client);
  f.participant = std::string(participant);
  f.bind_id = "pb:1";
  f.at = at;
  f.bound_at = kT0.PlusSeconds(-60);
  f.ref_id = std::move(attachment);
  f.detail = std::move(reason);
  f.digest = "digest:" + f.id;
  return f;
}

Facts Recovery(std::string id, std::string detachment, std::string client,
               std::string mode = "reattach-existing-device", std::string_view participant = kAlice,
               Timestamp at = kT0.PlusSeconds(1200)) {
  Facts f;
  f.kind = Kind::kRecovery;
  f.id = std::move(id);
  f.serving_node = std::string(kNode);
  f.via_node = std::string(kNode);
  f.client_instance = std::move(client);
  f.participant = std::string(participant);
  f.bind_id = "pb:2";
  f.at = at;
  f.bound_at = at.PlusSeconds(-30);
  f.ref_id = std::move(detachment);
  f.detail = std::move(mode);
  f.digest = "digest:" + f.id;
  return f;
}

class DecisionTest : public ::testing::Test {
 protected:
  Context Ctx(Rights rights = Rights::kParticipant) {
    Context c;
    c.node_id = std::string(kNode);
    c.now = kT0.PlusSeconds(3600);
    c.skew_seconds = 300;
    c.rights = rights;
    return c;
  }

  // Decides and, when admitted, records.
  Decision Run(const Facts& facts, Rights rights = Rights::kParticipant) {
    return RunAt(facts, Ctx(rights));
  }
  Decision RunAt(const Facts& facts, const Context& context) {
    auto d = Decide(view_, facts, context);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    if (!d.ok()) return Decision{};
    view_.Apply(*d);
    return *d;
  }

  void ExpectAdmitted(const Facts& facts, Rights rights = Rights::kParticipant) {
    Decision d = Run(facts, rights);
    EXPECT_EQ(d.verdict, Verdict::kAdmitted) << CodeName(d.code) << ": " << d.message;
  }
  void ExpectRejected(const Facts& facts, Code code, std::string_view path,
                      Rights rights = Rights::kParticipant) {
    Decision d = Run(facts, rights);
    EXPECT_EQ(d.verdict, Verdict::kRejected);
    EXPECT_EQ(CodeName(d.code), CodeName(code)) << d.message;
    EXPECT_EQ(d.path, path);
    EXPECT_FALSE(d.message.empty());
  }

  MemoryView view_;
};

// --- attachments ---------------------------------------------------------------------------

TEST_F(DecisionTest, AttachmentAdmittedWithItsRecord) {
  Facts a = Attachment("attach:1", "client:1");
  Decision d = Run(a);
  ASSERT_EQ(d.verdict, Verdict::kAdmitted);
  const auto* r = std::get_if<AttachmentRecord>(&d.record);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "attach:1");
  EXPECT_EQ(r->client_instance, "client:1");
  EXPECT_EQ(r->participant, kAlice);
  EXPECT_EQ(r->attached_at, kT0);
  EXPECT_EQ(r->digest, a.digest);
  EXPECT_FALSE(r->detached_by.has_value());
}

TEST_F(DecisionTest, SameIdSameContentIsDuplicateOfFirstAdmission) {
  ExpectAdmitted(Attachment("attach:1", "client:1"));
  std::uint64_t seq = view_.attachments.at("attach:1").seq;
  Decision d = Run(Attachment("attach:1", "client:1"));
  EXPECT_EQ(d.verdict, Verdict::kDuplicate);
  EXPECT_EQ(d.first_seq, seq);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(d.record));
}

TEST_F(DecisionTest, SameIdOtherContentIsIdConflictAndFirstRecordKept) {
  ExpectAdmitted(Attachment("attach:1", "client:1"));
  AttachmentRecord first = view_.attachments.at("attach:1");
  Facts other = Attachment("attach:1", "client:2");
  other.digest = "digest:other";
  ExpectRejected(other, Code::kIdConflict, "/attachment~1id");
  EXPECT_EQ(view_.attachments.at("attach:1"), first);
}

TEST_F(DecisionTest, DuplicateIsAnsweredEvenWhenTheClientIsNowBusy) {
  ExpectAdmitted(Attachment("attach:1", "client:1"));
  EXPECT_EQ(Run(Attachment("attach:1", "client:1")).verdict, Verdict::kDuplicate);
}

TEST_F(DecisionTest, AttachmentForAnotherServingNodeIsWrongNode) {
  Facts a = Attachment("attach:1", "client:1");
  a.serving_node = std::string(kOtherNode);
  ExpectRejected(a, Code::kWrongNode, "/serving-node~1id");
}

TEST_F(DecisionTest, AttachmentBoundViaAnotherNodeIsWrongNode) {
  Facts a = Attachment("attach:1", "client:1");
  a.via_node = std::string(kOtherNode);
  ExpectRejected(a, Code::kWrongNode, "/participant-bind/via~1node-id");
}

TEST_F(DecisionTest, AttachmentFromTheFutureBeyondSkewIsClockSkew) {
  Context c = Ctx();
  ExpectAdmitted(Attachment("attach:ok", "client:1", kAlice, c.now.PlusSeconds(300)));
  Decision d = RunAt(Attachment("attach:late", "client:2", kAlice, c.now.PlusSeconds(301)), c);
  EXPECT_EQ(d.code, Code::kClockSkew);
  EXPECT_EQ(d.path, "/attached-at");
}

TEST_F(DecisionTest, SkewToleranceIsConfigurable) {
  Context c = Ctx();
  c.skew_seconds = 10;
  Decision d = RunAt(Attachment("attach:1", "client:1", kAlice, c.now.PlusSeconds(11)), c);
  EXPECT_EQ(d.code, Code::kClockSkew);
}

TEST_F(DecisionTest, BindDatedAfterAttachmentBeyondSkewIsTimeOrder) {
  Facts ok = Attachment("attach:1", "client:1");
  ok.bound_at = ok.at.PlusSeconds(300);
  ExpectAdmitted(ok);
  Facts late = Attachment("attach:2", "client:2");
  late.bound_at = late.at.PlusSeconds(301);
  ExpectRejected(late, Code::kTimeOrder, "/participant-bind/bound-at");
}

TEST_F(DecisionTest, SecondLiveAttachmentOfAClientIsClientBusy) {
  ExpectAdmitted(Attachment("attach:1", "client:1"));
  ExpectRejected(Attachment("attach:2", "client:1"), Code::kClientBusy, "/client-instance~1id");
  ExpectAdmitted(Attachment("attach:3", "client:2"));
}

TEST_F(DecisionTest, DetachedClientMayAttachAgain) {
  ExpectAdmitted(Attachment("attach:1", "client:1"));
  ExpectAdmitted(Detachment("detach:1", "attach:1", "client:1"));
  ExpectAdmitted(Attachment("attach:2", "client:1", kAlice, kT0.PlusSeconds(700)));
}

// --- detachments ---------------------------------------------------------------------------

class DetachmentTest : public DecisionTest {
 protected:
  void SetUp() override { ExpectAdmitted(Attachment("attach:1", "client:1")); }
};

TEST_F(DetachmentTest, AdmittedMarksTheAttachmentDetached) {
  Decision d = Run(Detachment("detach:1", "attach:1", "client:1"));
  ASSERT_EQ(d.verdict, Verdict::kAdmitted);
  const auto* r = std::get_if<DetachmentRecord>(&d.record);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->attachment_id, "attach:1");
  EXPECT_EQ(r->reason, "user-request");
  EXPECT_EQ(view_.attachments.at("attach:1").detached_by, "detach:1");
}

TEST_F(DetachmentTest, DuplicateAndIdConflict) {
  ExpectAdmitted(Detachment("detach:1", "attach:1", "client:1"));
  EXPECT_EQ(Run(Detachment("detach:1", "attach:1", "client:1")).verdict, Verdict::kDuplicate);
  Facts other = Detachment("detach:1", "attach:1", "client:1", "device-loss");
  other.digest = "digest:changed";
  ExpectRejected(other, Code::kIdConflict, "/detachment~1id");
  EXPECT_EQ(view_.detachments.at("detach:1").reason, "user-request");
}

// Retention forgets a detachment but not its admission (DESIGN.md section 3: the first admitted
// record for an id is never overwritten; a duplicate repeats the first admission): another
// detachment under an evicted id is an id conflict, also one that names another, live
// attachment; the same content is a duplicate, even from a caller without the rights it needed.
TEST_F(DetachmentTest, EvictedIdStaysTaken) {
  ExpectAdmitted(Attachment("attach:2", "client:2"));
  ExpectAdmitted(Detachment("detach:1", "attach:1", "client:1"));
  view_.Evict("detach:1");
  Facts other = Detachment("detach:1", "attach:2", "client:2");
  other.digest = "digest:other";
  ExpectRejected(other, Code::kIdConflict, "/detachment~1id");
  EXPECT_FALSE(view_.attachments.at("attach:2").detached_by);
  Decision again = Run(Detachment("detach:1", "attach:1", "client:1"));
  EXPECT_EQ(again.verdict, Verdict::kDuplicate);
  EXPECT_EQ(again.first_seq, 0u);  // the view no longer holds its number
  EXPECT_TRUE(std::holds_alternative<std::monostate>(again.record));
  ExpectAdmitted(Attachment("attach:3", "client:3"));
  ExpectAdmitted(Detachment("detach:3", "attach:3", "client:3", "policy"), Rights::kOperator);
  view_.Evict("detach:3");
  EXPECT_EQ(Run(Detachment("detach:3", "attach:3", "client:3", "policy")).verdict,
            Verdict::kDuplicate);
  // An eviction recorded before digests were kept: any content under that id conflicts.
  view_.evicted["detach:1"] = "";
  ExpectRejected(Detachment("detach:1", "attach:1", "client:1"), Code::kIdConflict,
                 "/detachment~1id");
}

TEST(OverlongIdentifierTest, NamesTheNewValuesPastTheLimit) {
  Facts f;
  f.kind = Kind::kRecovery;
  f.id = std::string(8, 'i');
  f.ref_id = std::string(100, 'r');  // names a held detachment, or nothing: never checked
  f.client_instance = std::string(8, 'c');
  f.bind_id = std::string(100, 'b');  // not indexed
  EXPECT_FALSE(FindOverlongIdentifier(f, 8));
  f.client_instance.push_back('+');
  auto v = FindOverlongIdentifier(f, 8);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->path, "/client-instance~1id");
  EXPECT_EQ(v->keyword, "maxBytes");
  EXPECT_THAT(v->message, ::testing::HasSubstr("is 9 bytes long"));
  f.id.push_back('+');
  EXPECT_EQ(FindOverlongIdentifier(f, 8)->path, "/recovery~1id");  // its own id first
  f.kind = Kind::kAttachment;
  EXPECT_EQ(FindOverlongIdentifier(f, 8)->path, "/attachment~1id");
  f.id.pop_back();
  EXPECT_EQ(FindOverlongIdentifier(f, 8)->path, "/client-instance~1id");
  // A detachment's client instance must be its attachment's, held already: only its id counts.
  f.kind = Kind::kDetachment;
  EXPECT_FALSE(FindOverlongIdentifier(f, 8));
  f.id.push_back('+');
  EXPECT_EQ(FindOverlongIdentifier(f, 8)->path, "/detachment~1id");
}

TEST_F(DetachmentTest, WrongNode) {
  Facts d = Detachment("detach:1", "attach:1", "client:1");
  d.serving_node = std::string(kOtherNode);
  ExpectRejected(d, Code::kWrongNode, "/serving-node~1id");
  Facts v = Detachment("detach:2", "attach:1", "client:1");
  v.via_node = std::string(kOtherNode);
  ExpectRejected(v, Code::kWrongNode, "/participant-bind/via~1node-id");
}

TEST_F(DetachmentTest, UnknownAttachmentFailsClosed) {
  ExpectRejected(Detachment("detach:1", "attach:nope", "client:1"), Code::kUnknownAttachment,
                 "/attachment~1id");
}

TEST_F(DetachmentTest, OtherClientInstanceIsClientMismatch) {
  ExpectRejected(Detachment("detach:1", "attach:1", "client:other"), Code::kClientMismatch,
                 "/client-instance~1id");
}

TEST_F(DetachmentTest, OtherParticipantIsParticipantMismatch) {
  ExpectRejected(Detachment("detach:1", "attach:1", "client:1", "user-request", kBob),
                 Code::kParticipantMismatch, "/participant-bind/participant~1id");
}

TEST_F(DetachmentTest, DetachedBeforeAttachedIsTimeOrder) {
  ExpectRejected(
      Detachment("detach:1", "attach:1", "client:1", "user-request", kAlice, kT0.PlusSeconds(-1)),
      Code::kTimeOrder, "/detached-at");
  ExpectAdmitted(Detachment("detach:2", "attach:1", "client:1", "user-request", kAlice, kT0));
}

TEST_F(DetachmentTest, BindDatedAfterDetachmentBeyondSkewIsTimeOrder) {
  Facts d = Detachment("detach:1", "attach:1", "client:1");
  d.bound_at = d.at.PlusSeconds(301);
  ExpectRejected(d, Code::kTimeOrder, "/participant-bind/bound-at");
}

TEST_F(DetachmentTest, DetachedInTheFutureIsClockSkew) {
  Context c = Ctx();
  Decision d = RunAt(Detachment("detach:1", "attach:1", "client:1", "user-request", kAlice,
                                c.now.PlusSeconds(301)),
                     c);
  EXPECT_EQ(d.code, Code::kClockSkew);
  EXPECT_EQ(d.path, "/detached-at");
}

TEST_F(DetachmentTest, SecondDetachmentIsAlreadyDetached) {
  ExpectAdmitted(Detachment("detach:1", "attach:1", "client:1"));
  ExpectRejected(Detachment("detach:2", "attach:1", "client:1", "device-loss"),
                 Code::kAlreadyDetached, "/attachment~1id");
  EXPECT_EQ(view_.attachments.at("attach:1").detached_by, "detach:1");
}

TEST_F(DetachmentTest, ParticipantReasonsNeedNoRights) {
  ExpectAdmitted(Attachment("attach:2", "client:2"));
  ExpectAdmitted(Attachment("attach:3", "client:3"));
  ExpectAdmitted(Detachment("detach:1", "attach:1", "client:1", "user-request"));
  ExpectAdmitted(Detachment("detach:2", "attach:2", "client:2", "device-loss"));
  ExpectAdmitted(Detachment("detach:3", "attach:3", "client:3", "migration"));
}

TEST_F(DetachmentTest, NodeReasonsFromAParticipantAreUnauthorized) {
  for (std::string reason : {"session-expired", "policy", "operator-action"}) {
    ExpectRejected(Detachment("detach:" + reason, "attach:1", "client:1", reason),
                   Code::kUnauthorized, "/detach~1reason");
  }
  EXPECT_FALSE(view_.attachments.at("attach:1").detached_by.has_value());
}

TEST_F(DetachmentTest, NodeReasonsFromTheOperatorOrTheGateAreAdmitted) {
  ExpectAdmitted(Attachment("attach:2", "client:2"));
  ExpectAdmitted(Detachment("detach:1", "attach:1", "client:1", "policy"), Rights::kOperator);
  ExpectAdmitted(Detachment("detach:2", "attach:2", "client:2", "session-expired"), Rights::kGate);
}

TEST(NodeReasonTest, ClassifiesEveryReason) {
  EXPECT_TRUE(IsNodeReason("session-expired"));
  EXPECT_TRUE(IsNodeReason("policy"));
  EXPECT_TRUE(IsNodeReason("operator-action"));
  EXPECT_FALSE(IsNodeReason("user-request"));
  EXPECT_FALSE(IsNodeReason("device-loss"));
  EXPECT_FALSE(IsNodeReason("migration"));
}

// --- recoveries ----------------------------------------------------------------------------

class RecoveryTest : public DecisionTest {
 protected:
  void SetUp() override {
    ExpectAdmitted(Attachment("attach:1", "client:1"));
    ExpectAdmitted(Detachment("detach:1", "attach:1", "client:1"));
  }
};

TEST_F(RecoveryTest, AdmittedMarksTheDetachmentRecovered) {
  Decision d = Run(Recovery("recover:1", "detach:1", "client:1"));
  ASSERT_EQ(d.verdict, Verdict::kAdmitted);
  const auto* r = std::get_if<RecoveryRecord>(&d.record);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->from_client_instance, "client:1");
  EXPECT_EQ(view_.detachments.at("detach:1").recovered_by, "recover:1");
}

TEST_F(RecoveryTest, DuplicateAndIdConflict) {
  ExpectAdmitted(Recovery("recover:1", "detach:1", "client:1"));
  EXPECT_EQ(Run(Recovery("recover:1", "detach:1", "client:1")).verdict, Verdict::kDuplicate);
  Facts other = Recovery("recover:1", "detach:1", "client:1");
  other.digest = "digest:changed";
  ExpectRejected(other, Code::kIdConflict, "/recovery~1id");
}

TEST_F(RecoveryTest, UnknownDetachmentFailsClosed) {
  ExpectRejected(Recovery("recover:1", "detach:nope", "client:1"), Code::kUnknownDetachment,
                 "/recovery~1from-detachment-id");
}

TEST_F(RecoveryTest, EvictedDetachmentIsUnknown) {
  view_.Evict("detach:1");
  ExpectRejected(Recovery("recover:1", "detach:1", "client:1"), Code::kUnknownDetachment,
                 "/recovery~1from-detachment-id");
}

TEST_F(RecoveryTest, OtherParticipantIsParticipantMismatch) {
  ExpectRejected(Recovery("recover:1", "detach:1", "client:1", "reattach-existing-device", kBob),
                 Code::kParticipantMismatch, "/participant-bind/participant~1id");
}

TEST_F(RecoveryTest, OtherClientOnlyForReplaceDeviceOrMigration) {
  ExpectRejected(Recovery("recover:1", "detach:1", "client:new", "reattach-existing-device"),
                 Code::kClientMismatch, "/client-instance~1id");
  ExpectRejected(Recovery("recover:2", "detach:1", "client:new", "resume-after-suspension"),
                 Code::kClientMismatch, "/client-instance~1id");
  ExpectAdmitted(Recovery("recover:3", "detach:1", "client:new", "replace-device"));
  EXPECT_EQ(view_.recoveries.at("recover:3").from_client_instance, "client:1");
}

TEST_F(RecoveryTest, MigrateToNewHostMayChangeTheClient) {
  ExpectAdmitted(Recovery("recover:1", "detach:1", "client:elsewhere", "migrate-to-new-host"));
}

TEST_F(RecoveryTest, RecoveredBeforeDetachedIsTimeOrder) {
  ExpectRejected(Recovery("recover:1", "detach:1", "client:1", "reattach-existing-device", kAlice,
                          kT0.PlusSeconds(599)),
                 Code::kTimeOrder, "/recovered-at");
}

TEST_F(RecoveryTest, RecoveredInTheFutureIsClockSkew) {
  Context c = Ctx();
  Decision d = RunAt(Recovery("recover:1", "detach:1", "client:1", "reattach-existing-device",
                              kAlice, c.now.PlusSeconds(301)),
                     c);
  EXPECT_EQ(d.code, Code::kClockSkew);
  EXPECT_EQ(d.path, "/recovered-at");
}

TEST_F(RecoveryTest, WrongNode) {
  Facts r = Recovery("recover:1", "detach:1", "client:1");
  r.serving_node = std::string(kOtherNode);
  ExpectRejected(r, Code::kWrongNode, "/serving-node~1id");
}

TEST_F(RecoveryTest, SecondRecoveryIsAlreadyRecovered) {
  ExpectAdmitted(Recovery("recover:1", "detach:1", "client:1"));
  ExpectRejected(Recovery("recover:2", "detach:1", "client:1"), Code::kAlreadyRecovered,
                 "/recovery~1from-detachment-id");
  EXPECT_EQ(view_.detachments.at("detach:1").recovered_by, "recover:1");
}

// --- binds ---------------------------------------------------------------------------------

TEST_F(DecisionTest, BareBindIsNotALifecycleFact) {
  Facts bind;
  bind.kind = Kind::kParticipantBind;
  bind.id = "pb:1";
  Decision d = Run(bind);
  EXPECT_EQ(d.verdict, Verdict::kRejected);
  EXPECT_EQ(d.code, Code::kUnknownKind);
  EXPECT_THAT(d.message, ::testing::HasSubstr("participant-bind"));
}

}  // namespace
}  // namespace podgate::lifecycle
