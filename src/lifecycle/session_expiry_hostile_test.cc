// Regression tests for session expiry under hostile attachments (issue 7, found while writing
// tests/hostile_test.cc). Gate::ExpireSessions mints a session-expired detachment for each
// attachment older than the TTL, oldest first, at most `limit` per run; a minted detachment
// that the gate itself rejected left its attachment live and first in line at every later
// run. Anyone who may post attachments could so park `limit` unexpirable attachments (dated
// in 1970, say) at the head of the queue and stop session expiry for every participant.
// Three ways to make the gate reject its own detachment are closed here:
//   * an instant before year 0000 UTC (an offset date-time can denote one): its detached-at
//     was rendered as "-001-12-31T23:59:00Z", which is not a date-time (fixed in
//     Timestamp::ToRfc3339);
//   * an attachment id (or client instance) of tens of KiB: the detachment repeats both, so it
//     outgrew the 64 KiB limit the attachment met (the gate now checks its own detachments
//     under twice the limit);
//   * a detachment posted under the id the gate will mint ("detach:session-expired:" + an
//     attachment id), detaching another attachment: the mint became an id-conflict (the
//     prefix is now the gate's own: unauthorized for anyone else).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate_artifacts.h"
#include "lifecycle/decision.h"
#include "podgate/gate.h"

namespace podgate {
namespace {

using testing::KeyFromByte;
using testing::MakeAttachment;
using testing::MakeBind;
using testing::MakeDetachment;
using testing::MakeRecovery;
using testing::NodeId;
using testing::ParticipantId;

Timestamp T(std::string_view text) { return ParseRfc3339(text).value_or(Timestamp{}); }

class SessionExpiryHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = OpenLedger("sqlite::memory:").value();
    GateOptions options;
    options.node_id = node_id_;
    auto gate = Gate::Create(options, ledger_.get(), node_key_);
    ASSERT_TRUE(gate.ok()) << gate.status().ToString();
    gate_ = std::move(gate).value();
  }

  std::string Bind(std::string_view bound_at = "2026-03-28T19:20:00Z") {
    return MakeBind(alice_,
                    {.id = "pb:1", .bound_at = std::string(bound_at), .via_node = node_id_});
  }

  Admission Admit(std::string_view json, Rights rights = Rights::kParticipant) {
    auto a = gate_->Admit(json, rights, now_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a.value() : Admission{};
  }

  void ExpectAdmitted(std::string_view json) {
    Admission a = Admit(json);
    ASSERT_EQ(a.verdict, Verdict::kAdmitted)
        << CodeName(a.report.code) << " "
        << (a.report.errors.empty() ? "" : a.report.errors[0].message);
  }

  // Runs session expiry with a TTL of one hour; returns the verdicts of the minted detachments.
  std::vector<Verdict> Expire(std::size_t limit = 1000) {
    auto minted = gate_->ExpireSessions(now_, 3600, limit);
    EXPECT_TRUE(minted.ok()) << minted.status().ToString();
    std::vector<Verdict> verdicts;
    if (!minted.ok()) return verdicts;
    for (const Admission& a : *minted) {
      EXPECT_EQ(a.verdict, Verdict::kAdmitted)
          << a.report.id << ": " << CodeName(a.report.code) << " "
          << (a.report.errors.empty() ? "" : a.report.errors[0].message);
      verdicts.push_back(a.verdict);
    }
    return verdicts;
  }

  bool Live(std::string_view client) {
    auto state = ledger_->GetClientInstance(client);
    EXPECT_TRUE(state.ok());
    return state.ok() && state->has_value() && (*state)->state == "attached";
  }

  SecretKey node_key_ = KeyFromByte(1);
  SecretKey alice_ = KeyFromByte(2);
  std::string node_id_ = NodeId(node_key_);
  Timestamp now_ = T("2026-03-28T21:00:00Z");
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<Gate> gate_;
};

TEST_F(SessionExpiryHostileTest, AttachmentBeforeYearZeroUtcExpires) {
  std::string bind = Bind("0000-01-01T00:00:00+23:59");
  ExpectAdmitted(
      MakeAttachment("attach:old", "client:old", "0000-01-01T00:00:00+00:01", node_id_, bind));
  ExpectAdmitted(MakeAttachment("attach:1", "client:1", "2026-03-28T19:42:00Z", node_id_, Bind()));
  EXPECT_EQ(Expire(/*limit=*/1).size(), 1u);
  EXPECT_FALSE(Live("client:old"));
  EXPECT_EQ(Expire().size(), 1u);
  EXPECT_FALSE(Live("client:1"));
}

TEST_F(SessionExpiryHostileTest, AttachmentWithTheLongestIdsExpires) {
  // The longest id and client instance the gate admits (kMaxIdentifierBytes): the minted
  // detachment's id is the attachment's behind the gate's prefix, longer than the limit, and
  // still admitted (it is the gate's own).
  std::string id = "attach:" + std::string(kMaxIdentifierBytes - 7, 'x');
  std::string client = "client:" + std::string(kMaxIdentifierBytes - 7, 'y');
  ExpectAdmitted(
      MakeAttachment(id, client, "1970-01-01T00:00:00Z", node_id_, Bind("1970-01-01T00:00:00Z")));
  ExpectAdmitted(MakeAttachment("attach:1", "client:1", "2026-03-28T19:42:00Z", node_id_, Bind()));
  EXPECT_EQ(Expire(/*limit=*/1).size(), 1u);
  EXPECT_FALSE(Live(client));
  EXPECT_EQ(Expire().size(), 1u);
  EXPECT_FALSE(Live("client:1"));
  // The minted detachment (its id 2071 bytes, past the limit) can be recovered: the id a
  // recovery names is one the ledger holds, and is not bounded again.
  Admission recovered =
      Admit(MakeRecovery("recover:1", std::string(lifecycle::kSessionExpiredIdPrefix) + id, client,
                         "reattach-existing-device", "2026-03-28T20:50:00Z", node_id_, Bind()),
            Rights::kOperator);
  EXPECT_EQ(recovered.verdict, Verdict::kAdmitted) << CodeName(recovered.report.code);
  // One byte more is refused before the ledger.
  Admission over = Admit(MakeAttachment(id + "x", "client:2", "1970-01-01T00:00:00Z", node_id_,
                                        Bind("1970-01-01T00:00:00Z")),
                         Rights::kParticipant);
  EXPECT_EQ(over.report.code, Code::kMalformedJson);
  ASSERT_FALSE(over.report.errors.empty());
  EXPECT_EQ(over.report.errors[0].path, "/attachment~1id");
}

// An attachment with a longer id than the gate now admits, stored before the limit existed
// (SQLite took any length), still expires: the gate's own detachments are not bounded.
TEST_F(SessionExpiryHostileTest, AttachmentStoredBeforeTheLimitExpires) {
  AttachmentRecord huge;
  huge.id = "attach:" + std::string(40000, 'x');
  huge.client_instance = "client:" + std::string(10000, 'y');
  huge.participant = ParticipantId(alice_);
  huge.attached_at = *ParseRfc3339("1970-01-01T00:00:00Z");
  huge.bound_at = huge.attached_at;
  {
    auto txn = ledger_->Begin();
    ASSERT_TRUE(txn.ok());
    std::string stored = MakeAttachment(huge.id, huge.client_instance, "1970-01-01T00:00:00Z",
                                        node_id_, Bind("1970-01-01T00:00:00Z"));
    ASSERT_TRUE((*txn)->RecordAttachment(huge, stored, now_).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(Expire().size(), 1u);
  EXPECT_FALSE(Live(huge.client_instance));
}

TEST_F(SessionExpiryHostileTest, TheMintedIdIsTheGatesOwn) {
  ExpectAdmitted(
      MakeAttachment("attach:victim", "client:v", "2026-03-28T19:30:00Z", node_id_, Bind()));
  ExpectAdmitted(
      MakeAttachment("attach:decoy", "client:d", "2026-03-28T19:30:00Z", node_id_, Bind()));
  // The decoy's detachment takes the id the gate would mint for the victim.
  std::string squat =
      MakeDetachment("detach:session-expired:attach:victim", "attach:decoy", "client:d",
                     "user-request", "2026-03-28T19:30:00Z", node_id_, Bind());
  for (Rights rights : {Rights::kParticipant, Rights::kOperator}) {
    Admission a = Admit(squat, rights);
    EXPECT_EQ(a.verdict, Verdict::kRejected);
    EXPECT_EQ(a.report.code, Code::kUnauthorized);
    ASSERT_FALSE(a.report.errors.empty());
    EXPECT_EQ(a.report.errors[0].path, "/detachment~1id");
  }
  EXPECT_EQ(Expire().size(), 2u);
  EXPECT_FALSE(Live("client:v"));
  EXPECT_FALSE(Live("client:d"));
}

TEST(SessionExpiryDecisionTest, ReservedIdPrefixIsForTheGateOnly) {
  lifecycle::Facts f;
  f.kind = Kind::kDetachment;
  f.id = std::string(lifecycle::kSessionExpiredIdPrefix) + "attach:1";
  f.serving_node = f.via_node = "node:did:key:z6MkNode";
  f.client_instance = "client:1";
  f.participant = "participant:did:key:z6MkAlice";
  f.at = f.bound_at = T("2026-03-28T20:00:00Z");
  f.ref_id = "attach:1";
  f.detail = "user-request";
  f.digest = "d";
  struct NoView : LedgerView {
    Result<std::optional<AttachmentRecord>> FindAttachment(std::string_view) override {
      return std::optional<AttachmentRecord>();
    }
    Result<std::optional<AttachmentRecord>> FindLiveAttachment(std::string_view) override {
      return std::optional<AttachmentRecord>();
    }
    Result<std::optional<DetachmentRecord>> FindDetachment(std::string_view) override {
      return std::optional<DetachmentRecord>();
    }
    Result<std::optional<DetachmentRecord>> FindDetachmentOfAttachment(std::string_view) override {
      return std::optional<DetachmentRecord>();
    }
    Result<std::optional<RecoveryRecord>> FindRecovery(std::string_view) override {
      return std::optional<RecoveryRecord>();
    }
    Result<std::optional<RecoveryRecord>> FindRecoveryOfDetachment(std::string_view) override {
      return std::optional<RecoveryRecord>();
    }
    Result<std::optional<std::string>> FindEvictedDetachment(std::string_view) override {
      return std::optional<std::string>();
    }
  } view;
  lifecycle::Context context{"node:did:key:z6MkNode", T("2026-03-28T21:00:00Z"), 300,
                             Rights::kOperator};
  auto d = lifecycle::Decide(view, f, context);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->code, Code::kUnauthorized);
  EXPECT_EQ(d->path, "/detachment~1id");
  context.rights = Rights::kGate;
  d = lifecycle::Decide(view, f, context);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->code, Code::kUnknownAttachment);  // past the reserved-id rule
}

}  // namespace
}  // namespace podgate
