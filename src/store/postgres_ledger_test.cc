// Ledger conformance over both engines (SQLite and PostgreSQL): records and reads, the
// constraints behind first-admitted-wins, atomicity, retention and the read models run as one
// parameterized suite; then what only the PostgreSQL engine has to show: constraints and
// triggers in the database, concurrent migrations, writers of several connections racing on one
// attachment, gap-free sequence numbers across connections, reconnection after the server ends
// a connection, timeouts as `unavailable`, and the LISTEN watch.
//
// The PostgreSQL cases skip (saying why) when PODGATE_TEST_PG_URL is unset.

#include "store/postgres_ledger.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "podgate/gate.h"
#include "podgate/ledger.h"
#include "postgres_test_support.h"

namespace podgate::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kPgSkipMessage;
using testing::PgTestSchema;

Timestamp At(std::int64_t minutes) { return Timestamp{1'774'726'920 + minutes * 60, 0}; }
const Timestamp kNow = At(60);

AttachmentRecord Att(std::string id, std::string client, std::string participant = "p:alice",
                     std::int64_t minute = 0) {
  AttachmentRecord r;
  r.id = std::move(id);
  r.client_instance = std::move(client);
  r.participant = std::move(participant);
  r.bind_id = "pb:1";
  r.attached_at = At(minute);
  r.bound_at = At(minute - 1);
  r.digest = std::string("\x00\xff\x10 digest with a NUL", 21);
  return r;
}

DetachmentRecord Det(std::string id, std::string attachment, std::string client,
                     std::int64_t minute = 10) {
  DetachmentRecord r;
  r.id = std::move(id);
  r.attachment_id = std::move(attachment);
  r.client_instance = std::move(client);
  r.participant = "p:alice";
  r.reason = "user-request";
  r.detached_at = At(minute);
  r.digest = std::string(32, 'd');
  return r;
}

RecoveryRecord Rec(std::string id, std::string detachment, std::string client,
                   std::string from_client, std::int64_t minute = 20) {
  RecoveryRecord r;
  r.id = std::move(id);
  r.detachment_id = std::move(detachment);
  r.client_instance = std::move(client);
  r.from_client_instance = std::move(from_client);
  r.participant = "p:alice";
  r.mode = "replace-device";
  r.recovered_at = At(minute);
  r.digest = std::string(32, 'r');
  return r;
}

// One ledger database of the engine under test: a SQLite file in a fresh directory, or a fresh
// schema of the PostgreSQL test database.
class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      if (testing::PgTestBaseUrl().empty()) GTEST_SKIP() << kPgSkipMessage;
      pg_ = std::make_unique<PgTestSchema>();
      ASSERT_TRUE(pg_->ok()) << pg_->error();
      url_ = pg_->url();
    } else {
      std::string pattern = std::filesystem::temp_directory_path() / "podgate-engine-XXXXXX";
      dir_ = ::mkdtemp(pattern.data());
      url_ = "sqlite:" + dir_ + "/ledger.db";
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Ledger> Open(LedgerOptions options = {}) {
    auto ledger = OpenLedger(url_, options);
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    return ledger.ok() ? std::move(ledger).value() : nullptr;
  }

  static std::unique_ptr<LedgerTransaction> Begin(Ledger& ledger) {
    auto txn = ledger.Begin();
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    return txn.ok() ? std::move(txn).value() : nullptr;
  }

  std::string url_;
  std::string dir_;
  std::unique_ptr<PgTestSchema> pg_;
};

INSTANTIATE_TEST_SUITE_P(Engines, EngineTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(EngineTest, RecordsAndFindsEachKindWithIncreasingSequenceNumbers) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  auto a = txn->RecordAttachment(Att("attach:1", "client:1"), R"({"a":1})", kNow);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto d = txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), R"({"d":1})", kNow);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto r =
      txn->RecordRecovery(Rec("recover:1", "detach:1", "client:2", "client:1"), R"({"r":1})", kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*a, 1u);
  EXPECT_EQ(*d, 2u);
  EXPECT_EQ(*r, 3u);

  auto att = txn->FindAttachment("attach:1");
  ASSERT_TRUE(att.ok() && att->has_value()) << att.status().ToString();
  EXPECT_EQ((*att)->detached_by, "detach:1");
  EXPECT_EQ((*att)->seq, *a);
  EXPECT_EQ((*att)->attached_at, At(0));
  EXPECT_EQ((*att)->bound_at, At(-1));
  EXPECT_EQ((*att)->digest, Att("", "").digest);  // binary, NUL included
  auto det = txn->FindDetachmentOfAttachment("attach:1");
  ASSERT_TRUE(det.ok() && det->has_value());
  EXPECT_EQ((*det)->id, "detach:1");
  EXPECT_EQ((*det)->recovered_by, "recover:1");
  EXPECT_EQ((*det)->detached_at, At(10));
  auto by_id = txn->FindDetachment("detach:1");
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ(**by_id, **det);
  auto rec = txn->FindRecoveryOfDetachment("detach:1");
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->from_client_instance, "client:1");
  EXPECT_EQ((*rec)->client_instance, "client:2");
  auto rec_id = txn->FindRecovery("recover:1");
  ASSERT_TRUE(rec_id.ok() && rec_id->has_value());
  EXPECT_EQ(**rec_id, **rec);
  auto live = txn->FindLiveAttachment("client:1");
  ASSERT_TRUE(live.ok());
  EXPECT_FALSE(live->has_value());
  auto in_txn = txn->GetArtifact(Kind::kRecovery, "recover:1");
  ASSERT_TRUE(in_txn.ok() && in_txn->has_value());
  EXPECT_EQ((*in_txn)->json, R"({"r":1})");
  ASSERT_TRUE(txn->Commit().ok());

  auto stored = ledger->GetArtifact(Kind::kDetachment, "detach:1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->json, R"({"d":1})");
  EXPECT_EQ((*stored)->seq, *d);
  auto none = ledger->GetArtifact(Kind::kAttachment, "attach:none");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto bind = ledger->GetArtifact(Kind::kParticipantBind, "pb:1");
  ASSERT_TRUE(bind.ok());
  EXPECT_FALSE(bind->has_value());
}

TEST_P(EngineTest, StoresTheExactBytes) {
  auto ledger = Open();
  std::string bytes =
      "{\"schema/v\":1,\n  \"note\":\"caf\xc3\xa9 \\u0000 \\\"q\\\" \xf0\x9f\x99\x82\"}";
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), bytes, kNow).ok());
  ASSERT_TRUE(txn->Commit().ok());
  auto reopened = Open();
  auto stored = reopened->GetArtifact(Kind::kAttachment, "attach:1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->json, bytes);
  auto events = reopened->EventsAfter(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].json, bytes);
  EXPECT_EQ((*events)[0].recorded_at, kNow);
}

TEST_P(EngineTest, ConstraintsRefuseWhatTheDecisionShouldHaveRefusedAndLeaveNothing) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());

  auto dup_id = txn->RecordAttachment(Att("attach:1", "client:9"), "{}", kNow);
  EXPECT_EQ(dup_id.status().code(), Code::kIdConflict) << dup_id.status().ToString();
  auto busy = txn->RecordAttachment(Att("attach:2", "client:1"), "{}", kNow);
  EXPECT_EQ(busy.status().code(), Code::kClientBusy) << busy.status().ToString();

  ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
  auto again = txn->RecordDetachment(Det("detach:2", "attach:1", "client:1"), "{}", kNow);
  EXPECT_EQ(again.status().code(), Code::kAlreadyDetached) << again.status().ToString();
  // The same detachment id for another attachment.
  auto same_id = txn->RecordDetachment(Det("detach:1", "attach:none", "client:1"), "{}", kNow);
  EXPECT_EQ(same_id.status().code(), Code::kIdConflict) << same_id.status().ToString();
  auto unknown = txn->RecordDetachment(Det("detach:3", "attach:none", "client:1"), "{}", kNow);
  EXPECT_EQ(unknown.status().code(), Code::kUnknownAttachment) << unknown.status().ToString();

  auto first =
      txn->RecordRecovery(Rec("recover:1", "detach:1", "client:1", "client:1"), "{}", kNow);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto twice =
      txn->RecordRecovery(Rec("recover:2", "detach:1", "client:1", "client:1"), "{}", kNow);
  EXPECT_EQ(twice.status().code(), Code::kAlreadyRecovered) << twice.status().ToString();
  auto nowhere =
      txn->RecordRecovery(Rec("recover:3", "detach:none", "client:1", "client:1"), "{}", kNow);
  EXPECT_EQ(nowhere.status().code(), Code::kUnknownDetachment) << nowhere.status().ToString();
  // The transaction goes on after the refusals.
  auto later = txn->RecordAttachment(Att("attach:3", "client:3"), "{}", kNow);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_EQ(*later, 4u);  // refused writes took no sequence number
  ASSERT_TRUE(txn->Commit().ok());

  auto events = ledger->EventsAfter(0, 100);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> ids;
  std::vector<std::uint64_t> seqs;
  for (const auto& e : *events) {
    ids.push_back(e.id);
    seqs.push_back(e.seq);
  }
  EXPECT_THAT(ids, ElementsAre("attach:1", "detach:1", "recover:1", "attach:3"));
  EXPECT_THAT(seqs, ElementsAre(1u, 2u, 3u, 4u));
}

TEST_P(EngineTest, UncommittedTransactionLeavesNothingAndItsNumbersAreReused) {
  {
    auto ledger = Open();
    {
      auto txn = Begin(*ledger);
      ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    }  // rolled back
    auto txn = Begin(*ledger);
    auto seq = txn->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow);
    ASSERT_TRUE(seq.ok());
    EXPECT_EQ(*seq, 1u);
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto ledger = Open();
  auto txn = Begin(*ledger);
  EXPECT_FALSE(txn->FindAttachment("attach:1")->has_value());
  EXPECT_TRUE(txn->FindAttachment("attach:2")->has_value());
}

TEST_P(EngineTest, MigratesAnOlderSchemaOnOpenKeepingItsData) {
  {
    LedgerOptions v1;
    v1.schema_version = 1;
    auto ledger = Open(v1);
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1", 5), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:2", "attach:2", "client:2", 6), "{}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  if (pg_) {
    EXPECT_EQ(pg_->Query("SELECT version FROM podgate_schema"), "1");
  }
  auto ledger = Open();
  if (pg_) {
    EXPECT_EQ(pg_->Query("SELECT version FROM podgate_schema"),
              std::to_string(kPostgresSchemaVersion));
    EXPECT_EQ(pg_->Query("SELECT detachments FROM podgate_head"), "2");
  }
  // The held count survived the migration: the max-count rule works on the migrated data.
  auto txn = Begin(*ledger);
  RetentionPolicy keep_one;
  keep_one.max_count = 1;
  auto evicted = txn->ApplyRetention(keep_one, kNow);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_THAT(*evicted, ElementsAre("detach:1"));
  ASSERT_TRUE(txn->Commit().ok());
}

// A duplicate of an evicted detachment repeats its first admission: the log still holds the
// bytes, found through the attachment it ended, on both engines.
TEST_P(EngineTest, EvictedDetachmentIsReadBackFromTheLog) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:2", "client:1x"), "{}", kNow).ok());
  auto seq = txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), R"({"d":1})", kNow);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:2", "attach:2", "client:1x"), "{}", kNow).ok());
  RetentionPolicy none_kept;
  none_kept.max_count = 0;
  ASSERT_TRUE(txn->ApplyRetention(none_kept, kNow).ok());
  ASSERT_FALSE(txn->GetArtifact(Kind::kDetachment, "detach:1")->has_value());
  auto back = txn->GetEvictedDetachment("detach:1", "attach:1");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->json, R"({"d":1})");
  EXPECT_EQ((*back)->seq, *seq);
  // Only through the attachment it ended.
  for (auto [id, attachment] :
       {std::pair{"detach:1", "attach:2"}, std::pair{"detach:2", "attach:1"},
        std::pair{"detach:9", "attach:1"}}) {
    auto none = txn->GetEvictedDetachment(id, attachment);
    ASSERT_TRUE(none.ok()) << none.status().ToString();
    EXPECT_FALSE(none->has_value()) << id << " of " << attachment;
  }
  ASSERT_TRUE(txn->Commit().ok());
}

// An evicted detachment's id stays taken (DESIGN.md section 3: the first admitted record for an
// id is never overwritten), on both engines: ids evicted before the engine kept them (SQLite
// version 3, PostgreSQL version 2) are read back from the log without a digest, later ones
// with theirs, and the engine refuses another detachment under either.
TEST_P(EngineTest, EvictedDetachmentKeepsItsIdAcrossTheMigration) {
  RetentionPolicy none_kept;
  none_kept.max_count = 0;
  {
    LedgerOptions before;
    before.schema_version = GetParam() == "sqlite" ? 3 : 2;
    auto ledger = Open(before);
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
    auto evicted = txn->ApplyRetention(none_kept, kNow);
    ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
    EXPECT_THAT(*evicted, ElementsAre("detach:1"));
    EXPECT_FALSE(txn->FindEvictedDetachment("detach:1")->has_value());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto ledger = Open();
  auto txn = Begin(*ledger);
  auto old = txn->FindEvictedDetachment("detach:1");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(*old, std::optional<std::string>(""));
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:3", "client:3"), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:2", "attach:2", "client:2"), "{}", kNow).ok());
  auto evicted = txn->ApplyRetention(none_kept, kNow);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_THAT(*evicted, ElementsAre("detach:2"));
  auto recent = txn->FindEvictedDetachment("detach:2");
  ASSERT_TRUE(recent.ok()) << recent.status().ToString();
  EXPECT_EQ(*recent, std::optional<std::string>(std::string(32, 'd')));
  for (const char* id : {"detach:1", "detach:2"}) {
    auto again = txn->RecordDetachment(Det(id, "attach:3", "client:3"), "{}", kNow);
    EXPECT_EQ(again.status().code(), Code::kIdConflict) << id << ": " << again.status().ToString();
  }
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_FALSE(ledger->GetClientInstance("client:3")->value().detachment_id.size());

  // Opened asking for an older version, the ledger is still the version it is: its record of
  // evicted ids is read, and writes go through the functions of that version.
  for (int asked : {1, GetParam() == "sqlite" ? 3 : 2}) {
    LedgerOptions older;
    older.schema_version = asked;
    auto reopened = Open(older);
    ASSERT_NE(reopened, nullptr);
    auto write = Begin(*reopened);
    auto kept = write->FindEvictedDetachment("detach:2");
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_EQ(*kept, std::optional<std::string>(std::string(32, 'd'))) << asked;
    std::string n = std::to_string(asked);
    ASSERT_TRUE(
        write->RecordAttachment(Att("attach:old-" + n, "client:old-" + n), "{}", kNow).ok());
    Status committed = write->Commit();
    EXPECT_TRUE(committed.ok()) << asked << ": " << committed.ToString();
  }
}

TEST_P(EngineTest, RetentionEvictsOldestDetachedAtFirstAndRecordsIt) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  for (int i = 0; i < 4; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:" + n, "client:" + n), "{}", kNow).ok());
  }
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:0", "attach:0", "client:0", 30), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1", 10), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:2", "attach:2", "client:2", 20), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:3", "attach:3", "client:3", 40), "{}", kNow).ok());

  RetentionPolicy none;
  EXPECT_TRUE(txn->ApplyRetention(none, kNow)->empty());
  RetentionPolicy count;
  count.max_count = 2;
  auto evicted = txn->ApplyRetention(count, kNow);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_THAT(*evicted, ElementsAre("detach:1", "detach:2"));
  EXPECT_TRUE(txn->ApplyRetention(count, kNow)->empty());  // idempotent

  RetentionPolicy age;
  age.max_age_seconds = 25 * 60;  // now is minute 60: detached before minute 35 goes
  evicted = txn->ApplyRetention(age, kNow);
  ASSERT_TRUE(evicted.ok());
  EXPECT_THAT(*evicted, ElementsAre("detach:0"));

  EXPECT_FALSE(txn->FindDetachment("detach:0")->has_value());
  EXPECT_TRUE(txn->FindDetachment("detach:3")->has_value());
  EXPECT_EQ((*txn->FindAttachment("attach:1"))->detached_by, "detach:1");
  EXPECT_FALSE(txn->FindLiveAttachment("client:1")->has_value());
  // An evicted detachment is unknown to recoveries.
  auto recovery =
      txn->RecordRecovery(Rec("recover:1", "detach:1", "client:1", "client:1"), "{}", kNow);
  EXPECT_EQ(recovery.status().code(), Code::kUnknownDetachment);
  ASSERT_TRUE(txn->Commit().ok());

  auto events = ledger->EventsAfter(0, 100);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> evictions;
  std::uint64_t expected_seq = 0;
  for (const auto& e : *events) {
    EXPECT_EQ(e.seq, ++expected_seq);
    if (e.type == EventType::kEvicted) {
      evictions.push_back(e.id);
      EXPECT_EQ(e.kind, Kind::kDetachment);
      EXPECT_EQ(e.detail, "retention");
      EXPECT_EQ(e.at, kNow);
    }
  }
  EXPECT_THAT(evictions, ElementsAre("detach:1", "detach:2", "detach:0"));
  EXPECT_FALSE(ledger->GetArtifact(Kind::kDetachment, "detach:1")->has_value());
}

TEST_P(EngineTest, RetentionCountAndAgeTogether) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  for (int i = 0; i < 5; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:" + n, "client:" + n), "{}", kNow).ok());
    ASSERT_TRUE(
        txn->RecordDetachment(Det("detach:" + n, "attach:" + n, "client:" + n, 10 + i), "{}", kNow)
            .ok());
  }
  RetentionPolicy both;
  both.max_age_seconds = 49 * 60;
  both.max_count = 2;
  auto evicted = txn->ApplyRetention(both, kNow);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_THAT(*evicted, ElementsAre("detach:0", "detach:1", "detach:2"));
}

TEST_P(EngineTest, ReadModelsFollowTheClientInstance) {
  auto ledger = Open();
  {
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:old"), "{\"n\":1}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto state = ledger->GetClientInstance("client:old");
  ASSERT_TRUE(state.ok() && state->has_value()) << state.status().ToString();
  EXPECT_EQ((*state)->state, "attached");
  EXPECT_EQ((*state)->attachment_id, "attach:1");
  EXPECT_EQ((*state)->participant, "p:alice");
  EXPECT_EQ((*state)->since, At(0));
  EXPECT_EQ((*state)->last_seq, 1u);
  {
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:old"), "{}", kNow).ok());
    ASSERT_TRUE(
        txn->RecordRecovery(Rec("recover:1", "detach:1", "client:new", "client:old"), "{}", kNow)
            .ok());
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:9", "client:bob", "p:bob"), "{}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  state = ledger->GetClientInstance("client:old");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->state, "detached");
  EXPECT_EQ((*state)->detachment_id, "detach:1");
  EXPECT_EQ((*state)->attachment_id, "attach:1");
  EXPECT_EQ((*state)->reason, "user-request");
  auto fresh = ledger->GetClientInstance("client:new");
  ASSERT_TRUE(fresh.ok() && fresh->has_value());
  EXPECT_EQ((*fresh)->state, "recovered");
  EXPECT_EQ((*fresh)->recovery_id, "recover:1");
  EXPECT_EQ((*fresh)->detachment_id, "detach:1");
  EXPECT_EQ((*fresh)->attachment_id, "");
  EXPECT_FALSE(ledger->GetClientInstance("client:none")->has_value());

  auto history = ledger->ClientInstanceHistory("client:old");
  ASSERT_TRUE(history.ok());
  std::vector<std::string> ids;
  for (const auto& e : *history) ids.push_back(e.id);
  EXPECT_THAT(ids, ElementsAre("attach:1", "detach:1", "recover:1"));
  EXPECT_EQ((*history)[0].json, "{\"n\":1}");
  EXPECT_EQ((*history)[1].ref_id, "attach:1");
  EXPECT_EQ((*history)[2].detail, "replace-device");
  EXPECT_EQ((*history)[2].related_client_instance, "client:old");
  // The empty name has no history: it is no event's related client instance.
  auto nameless = ledger->ClientInstanceHistory("");
  ASSERT_TRUE(nameless.ok()) << nameless.status().ToString();
  EXPECT_TRUE(nameless->empty());

  auto clients = ledger->ParticipantClientInstances("p:alice");
  ASSERT_TRUE(clients.ok()) << clients.status().ToString();
  std::vector<std::string> names;
  for (const auto& c : *clients) names.push_back(c.client_instance + "=" + c.state);
  EXPECT_THAT(names, ElementsAre("client:old=detached", "client:new=recovered"));
  auto one_state = ledger->GetClientInstance("client:new");
  EXPECT_EQ((*clients)[1], **one_state);

  auto after = ledger->EventsAfter(2, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].seq, 3u);
  EXPECT_EQ((*after)[0].id, "recover:1");
  EXPECT_EQ((*after)[0].type, EventType::kRecovered);
  EXPECT_EQ((*after)[0].kind, Kind::kRecovery);
  EXPECT_EQ(ledger->EventsAfter(0, 1)->size(), 1u);
  // Positions past the largest signed 64-bit number are past every event; an unbounded limit
  // is no limit.
  for (std::uint64_t far : {std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    auto none = ledger->EventsAfter(far, 10);
    ASSERT_TRUE(none.ok()) << none.status().ToString();
    EXPECT_TRUE(none->empty()) << far;
  }
  auto all = ledger->EventsAfter(0, std::numeric_limits<std::size_t>::max());
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 4u);
}

TEST_P(EngineTest, LiveAttachmentsAttachedBeforeACutoff) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:a", "client:a", "p:alice", 5), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:b", "client:b", "p:alice", 1), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:c", "client:c", "p:alice", 9), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:b", "attach:b", "client:b"), "{}", kNow).ok());
  ASSERT_TRUE(txn->Commit().ok());
  auto live = ledger->LiveAttachmentsAttachedBefore(At(9), 10);
  ASSERT_TRUE(live.ok());
  std::vector<std::string> ids;
  for (const auto& a : *live) ids.push_back(a.id);
  EXPECT_THAT(ids, ElementsAre("attach:a", "attach:c"));
  EXPECT_EQ(ledger->LiveAttachmentsAttachedBefore(At(9), 1)->size(), 1u);
}

// The longest identifiers the gate lets through (kMaxIdentifierBytes, and a session-expired
// detachment's prefix on top) are stored and indexed by both engines, verdict history
// included: PostgreSQL refuses an index entry over 2704 bytes, and that failed the whole
// commit.
TEST_P(EngineTest, StoresTheLongestIdentifiersTheGateAdmits) {
  const std::string attachment = "a" + std::string(kMaxIdentifierBytes - 1, 'x');
  const std::string client = "c" + std::string(kMaxIdentifierBytes - 1, 'y');
  const std::string detachment = "detach:session-expired:" + attachment;  // as the gate mints
  const std::string recovery = "r" + std::string(kMaxIdentifierBytes - 1, 'z');
  auto ledger = Open();
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att(attachment, client), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordDetachment(Det(detachment, attachment, client), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordRecovery(Rec(recovery, detachment, client, client), "{}", kNow).ok());
  for (const auto& [kind, id] :
       {std::pair{Kind::kAttachment, attachment}, std::pair{Kind::kDetachment, detachment},
        std::pair{Kind::kRecovery, recovery}}) {
    VerdictEntry e;
    e.kind = kind;
    e.artifact_id = id;
    e.verdict = Verdict::kRejected;
    e.code = Code::kClockSkew;
    e.rights = "participant";
    e.decided_at = At(1);
    ASSERT_TRUE(txn->RecordVerdict(e).ok());
  }
  RetentionPolicy none_kept;
  none_kept.max_count = 0;
  ASSERT_TRUE(txn->ApplyRetention(none_kept, kNow).ok());  // the evicted id is indexed too
  Status committed = txn->Commit();
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  auto history = ledger->ClientInstanceHistory(client);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history->size(), 4u);  // attached, detached, recovered, evicted
  auto verdicts = ledger->VerdictHistory(Kind::kRecovery, recovery);
  ASSERT_TRUE(verdicts.ok()) << verdicts.status().ToString();
  EXPECT_EQ(verdicts->size(), 1u);  // the rejection (its admission was not recorded here)
}

TEST_P(EngineTest, VerdictHistoryKeepsEveryDecisionInOrder) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  VerdictEntry e;
  e.kind = Kind::kAttachment;
  e.artifact_id = "attach:1";
  e.verdict = Verdict::kRejected;
  e.code = Code::kClockSkew;
  e.message = "attached-at is in the future";
  e.digest = std::string("\x01\x00\x02", 3);
  e.rights = "participant";
  e.decided_at = At(1);
  ASSERT_TRUE(txn->RecordVerdict(e).ok());
  auto seq = txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow);
  ASSERT_TRUE(seq.ok());
  e.verdict = Verdict::kAdmitted;
  e.code = Code::kOk;
  e.message.clear();
  e.rights = "operator";
  e.decided_at = At(2);
  e.fact_seq = *seq;
  ASSERT_TRUE(txn->RecordVerdict(e).ok());
  ASSERT_TRUE(txn->Commit().ok());
  txn = Begin(*ledger);
  e.verdict = Verdict::kDuplicate;
  e.rights = "participant";
  e.decided_at = At(3);
  ASSERT_TRUE(txn->RecordVerdict(e).ok());
  ASSERT_TRUE(txn->Commit().ok());

  auto history = ledger->VerdictHistory(Kind::kAttachment, "attach:1");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].verdict, Verdict::kRejected);
  EXPECT_EQ((*history)[0].code, Code::kClockSkew);
  EXPECT_EQ((*history)[0].message, "attached-at is in the future");
  EXPECT_EQ((*history)[0].digest, e.digest);
  EXPECT_EQ((*history)[0].decided_at, At(1));
  EXPECT_EQ((*history)[1].verdict, Verdict::kAdmitted);
  EXPECT_EQ((*history)[1].rights, "operator");
  EXPECT_EQ((*history)[1].fact_seq, *seq);
  EXPECT_EQ((*history)[1].decided_at, At(2));
  EXPECT_EQ((*history)[2].verdict, Verdict::kDuplicate);
  EXPECT_EQ((*history)[2].fact_seq, *seq);
  EXPECT_TRUE(ledger->VerdictHistory(Kind::kDetachment, "attach:1")->empty());
}

TEST_P(EngineTest, OneTransactionAtATimePerConnection) {
  auto ledger = Open();
  auto txn = Begin(*ledger);
  EXPECT_EQ(ledger->Begin().status().code(), Code::kInternal);
}

TEST_P(EngineTest, TwoConnectionsSeeOnlyCommittedFacts) {
  auto writer = Open();
  auto reader = Open();
  auto txn = Begin(*writer);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  EXPECT_FALSE(reader->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
  EXPECT_TRUE(reader->EventsAfter(0, 10)->empty());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(reader->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
}

TEST_P(EngineTest, ReaderOpeningAMissingLedgerFails) {
  LedgerOptions existing;
  existing.create_if_missing = false;
  auto opened = OpenLedger(url_, existing);
  EXPECT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kStorage) << opened.status().ToString();
}

// Writers on several connections race to detach the same attachments: exactly one wins each,
// the others are refused with already-detached (a decision re-taken inside the transaction),
// and the committed facts are numbered 1..N without gaps, in commit order.
TEST_P(EngineTest, RacingWritersOnSeveralConnectionsFirstAdmittedWins) {
  constexpr int kAttachments = 40;
  constexpr int kWriters = 4;
  {
    auto ledger = Open();
    auto txn = Begin(*ledger);
    for (int i = 0; i < kAttachments; ++i) {
      std::string n = std::to_string(i);
      ASSERT_TRUE(txn->RecordAttachment(Att("attach:" + n, "client:" + n), "{}", kNow).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> winners;  // attachment -> detachment ids
  std::map<Code, int> refusals;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto ledger = OpenLedger(url_);
      if (!ledger.ok()) {
        std::lock_guard lock(mu);
        errors.push_back(ledger.status().ToString());
        return;
      }
      for (int i = 0; i < kAttachments; ++i) {
        std::string n = std::to_string(i);
        std::string id = "detach:" + n + ":by:" + std::to_string(w);
        // As the gate does: read, decide and write inside one transaction.
        auto txn = (*ledger)->Begin();
        if (!txn.ok()) {
          std::lock_guard lock(mu);
          errors.push_back(txn.status().ToString());
          continue;
        }
        auto held = (*txn)->FindDetachmentOfAttachment("attach:" + n);
        if (!held.ok()) {
          std::lock_guard lock(mu);
          errors.push_back(held.status().ToString());
          continue;
        }
        if (held->has_value()) {
          std::lock_guard lock(mu);
          ++refusals[Code::kAlreadyDetached];
          continue;  // decided: already-detached; nothing to write
        }
        auto seq = (*txn)->RecordDetachment(Det(id, "attach:" + n, "client:" + n), "{}", kNow);
        Status committed = seq.ok() ? (*txn)->Commit() : seq.status();
        std::lock_guard lock(mu);
        if (committed.ok()) {
          winners["attach:" + n].push_back(id);
        } else if (!seq.ok()) {
          ++refusals[seq.status().code()];  // only if the decision had been wrong
        } else {
          errors.push_back(committed.ToString());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(errors, ::testing::IsEmpty());
  ASSERT_EQ(winners.size(), static_cast<std::size_t>(kAttachments));
  for (const auto& [attachment, ids] : winners) EXPECT_EQ(ids.size(), 1u) << attachment;
  EXPECT_EQ(refusals[Code::kAlreadyDetached], kAttachments * (kWriters - 1));
  EXPECT_EQ(refusals.size(), 1u);

  auto ledger = Open();
  auto events = ledger->EventsAfter(0, 1000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<std::size_t>(2 * kAttachments));
  for (std::size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].seq, i + 1);
}

// --- PostgreSQL only -------------------------------------------------------------------------

class PostgresLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::PgTestBaseUrl().empty()) GTEST_SKIP() << kPgSkipMessage;
    ASSERT_TRUE(pg_.ok()) << pg_.error();
  }

  std::unique_ptr<Ledger> Open(LedgerOptions options = {}) {
    auto ledger = OpenLedger(url(), options);
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    return ledger.ok() ? std::move(ledger).value() : nullptr;
  }

  // This test's connections are told apart from those of tests running in parallel by their
  // application_name (the URL's wins over the engine's default), and ended by the server.
  std::string TerminatePodgateConnections() {
    return pg_.Query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
        "application_name = '" +
        pg_.name() + "'");
  }
  std::string url() const { return pg_.url() + "&application_name=" + pg_.name(); }

  PgTestSchema pg_;
};

// A process that opens the ledger while another migrates it waits for the migration instead of
// failing at its statement timeout (a migration may read the whole log), and has its timeouts
// again afterwards.
TEST_F(PostgresLedgerTest, OpeningWaitsForAnotherMigrationAndKeepsItsTimeouts) {
  ASSERT_NE(Open(), nullptr);
  using Clock = std::chrono::steady_clock;
  // The other process: holds the schema's migration lock for 1.5 s.
  std::thread migrating([this] {
    pg_.Query("SELECT pg_advisory_lock(" + std::to_string(0x70646774) +
              ", hashtext(current_schema())), pg_sleep(1.5)");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  LedgerOptions quick;
  quick.busy_timeout_ms = 300;
  Clock::time_point start = Clock::now();
  auto ledger = OpenLedger(url(), quick);
  const auto waited = Clock::now() - start;
  migrating.join();
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_GE(waited, std::chrono::milliseconds(800));

  // Its own timeouts are back: a writer kept waiting by another is cut after 300 ms.
  std::thread writing(
      [this] { pg_.Query("BEGIN; SELECT 1 FROM podgate_head FOR UPDATE; SELECT pg_sleep(2)"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  start = Clock::now();
  auto txn = (*ledger)->Begin();
  const auto blocked = Clock::now() - start;
  writing.join();
  ASSERT_FALSE(txn.ok());
  EXPECT_EQ(txn.status().code(), Code::kUnavailable) << txn.status().ToString();
  EXPECT_LT(blocked, std::chrono::milliseconds(1200));
}

TEST_F(PostgresLedgerTest, SchemaBacksTheInvariantsItself) {
  {
    auto ledger = Open();
    auto txn = ledger->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE((*txn)->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_THAT(pg_.Query("UPDATE events SET json = 'x'"), HasSubstr("append-only"));
  EXPECT_THAT(pg_.Query("DELETE FROM events"), HasSubstr("append-only"));
  EXPECT_THAT(pg_.Query("TRUNCATE events CASCADE"), HasSubstr("append-only"));
  EXPECT_THAT(pg_.Query("TRUNCATE detachments CASCADE"), HasSubstr("keeps its id"));
  EXPECT_THAT(pg_.Query("TRUNCATE evicted_detachments"), HasSubstr("keeps its id"));
  EXPECT_THAT(pg_.Query("UPDATE attachments SET client_instance = 'client:9'"),
              HasSubstr("never changes"));
  EXPECT_THAT(pg_.Query("UPDATE attachments SET detached_by = 'detach:2' WHERE id = 'attach:1'"),
              HasSubstr("never changes"));
  EXPECT_THAT(pg_.Query("DELETE FROM attachments"), HasSubstr("never removed"));
  EXPECT_THAT(pg_.Query("UPDATE detachments SET reason = 'policy'"), HasSubstr("never changes"));
  EXPECT_THAT(pg_.Query("DELETE FROM podgate_head"), HasSubstr("never removed"));
  // A second live attachment of a client instance, behind the gate's back.
  EXPECT_THAT(pg_.Query("INSERT INTO events VALUES (99, 'attached', 'k', 'attach:3', '', '', "
                        "'client:2', '', 'p', 0, 0, 0, 0, '{}'); INSERT INTO attachments VALUES "
                        "('attach:3', 'client:2', 'p', 'pb', 0, 0, 0, 0, '', 99, NULL)"),
              HasSubstr("attachments_one_live"));
  EXPECT_EQ(pg_.Query("SELECT last_seq FROM podgate_head"), "3");
}

TEST_F(PostgresLedgerTest, ConcurrentStartsMigrateOnce) {
  constexpr int kStarts = 6;
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  std::mutex mu;
  std::vector<std::string> errors;
  for (int i = 0; i < kStarts; ++i) {
    threads.emplace_back([&] {
      auto ledger = OpenLedger(pg_.url());
      if (ledger.ok()) {
        ++opened;
      } else {
        std::lock_guard lock(mu);
        errors.push_back(ledger.status().ToString());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(errors, ::testing::IsEmpty());
  EXPECT_EQ(opened.load(), kStarts);
  EXPECT_EQ(pg_.Query("SELECT count(*) || ':' || max(version) FROM podgate_schema"),
            "1:" + std::to_string(kPostgresSchemaVersion));
  EXPECT_EQ(pg_.Query("SELECT count(*) FROM podgate_head"), "1");
}

TEST_F(PostgresLedgerTest, RefusesANewerSchema) {
  { Open(); }
  pg_.Query("UPDATE podgate_schema SET version = 99");
  auto opened = OpenLedger(pg_.url());
  EXPECT_EQ(opened.status().code(), Code::kConfig);
  EXPECT_THAT(opened.status().message(), HasSubstr("newer"));
}

TEST_F(PostgresLedgerTest, UnreachableServerIsUnavailableWithoutThePassword) {
  auto opened = OpenLedger("postgresql://podgate:s3cret@127.0.0.1:1/podgate?connect_timeout=2");
  EXPECT_EQ(opened.status().code(), Code::kUnavailable);
  EXPECT_THAT(opened.status().message(), HasSubstr("postgresql://podgate@127.0.0.1:1/podgate"));
  EXPECT_THAT(opened.status().message(), ::testing::Not(HasSubstr("s3cret")));
  EXPECT_EQ(RedactPostgresUrl("postgres://u:pw@db.example:6543/ledger?sslmode=require"),
            "postgresql://u@db.example:6543/ledger");
  EXPECT_EQ(RedactLedgerUrl("postgresql://u:pw@db.example/ledger"),
            "postgresql://u@db.example/ledger");
  EXPECT_EQ(RedactLedgerUrl("sqlite:./var/podgate.db"), "sqlite:./var/podgate.db");
}

TEST_F(PostgresLedgerTest, ReconnectsAfterTheServerEndsItsConnections) {
  auto ledger = Open();
  {
    auto txn = ledger->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  // An idle connection ended by the server: the next read reconnects by itself.
  EXPECT_NE(TerminatePodgateConnections(), "0");
  auto read = ledger->GetArtifact(Kind::kAttachment, "attach:1");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->has_value());

  // A transaction in flight when its connection ends: unavailable, nothing half-written; the
  // next transaction works on a new connection.
  auto txn = ledger->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
  EXPECT_NE(TerminatePodgateConnections(), "0");
  auto write = (*txn)->RecordAttachment(Att("attach:3", "client:3"), "{}", kNow);
  EXPECT_EQ(write.status().code(), Code::kUnavailable) << write.status().ToString();
  EXPECT_EQ((*txn)->Commit().code(), Code::kUnavailable);
  txn->reset();

  auto again = ledger->Begin();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto seq = (*again)->RecordAttachment(Att("attach:4", "client:4"), "{}", kNow);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ(*seq, 2u);  // attach:2 never happened
  ASSERT_TRUE((*again)->Commit().ok());
  EXPECT_FALSE(ledger->GetArtifact(Kind::kAttachment, "attach:2")->has_value());
  EXPECT_EQ(pg_.Query("SELECT string_agg(artifact_id, ',' ORDER BY seq) FROM events"),
            "attach:1,attach:4");
}

TEST_F(PostgresLedgerTest, AWriterWaitingTooLongForTheLockIsUnavailable) {
  LedgerOptions quick;
  quick.busy_timeout_ms = 300;
  auto holder = Open();
  auto waiter = Open(quick);
  auto txn = holder->Begin();
  ASSERT_TRUE(txn.ok());
  auto blocked = waiter->Begin();
  EXPECT_EQ(blocked.status().code(), Code::kUnavailable) << blocked.status().ToString();
  EXPECT_THAT(blocked.status().message(), HasSubstr("lock"));
  // Reads do not wait for writers.
  EXPECT_TRUE(waiter->EventsAfter(0, 10).ok());
  txn->reset();
  auto now_free = waiter->Begin();
  EXPECT_TRUE(now_free.ok()) << now_free.status().ToString();
}

TEST_F(PostgresLedgerTest, StatementTimeoutIsUnavailable) {
  LedgerOptions quick;
  quick.busy_timeout_ms = 200;
  auto ledger = Open(quick);
  // A statement the server makes slow (a trigger that sleeps) is cut after 200 ms.
  ASSERT_EQ(pg_.Query("CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS "
                      "$$BEGIN PERFORM pg_sleep(3); RETURN NEW; END$$; "
                      "CREATE TRIGGER slow BEFORE INSERT ON verdicts "
                      "FOR EACH ROW EXECUTE FUNCTION slow()"),
            "");
  auto txn = ledger->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  VerdictEntry e;
  e.artifact_id = "attach:1";
  ASSERT_TRUE((*txn)->RecordVerdict(e).ok());  // inserted by Commit
  Status s = (*txn)->Commit();
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("statement timeout"));
  txn->reset();
  // Nothing of the transaction stays, and the connection goes on.
  EXPECT_FALSE(ledger->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
  EXPECT_TRUE(ledger->Begin().ok());
}

// PostgreSQL text cannot hold U+0000 (a JSON string may escape it into an id): such a fact is
// refused on its own, and a key holding it is never confused with its prefix.
TEST_F(PostgresLedgerTest, TextWithNulIsRefusedAloneAndNeverTruncated) {
  auto ledger = Open();
  auto txn = ledger->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:a", "client:a"), "{}", kNow).ok());
  std::string nul_id("attach:a\0b", 10);
  auto refused = (*txn)->RecordAttachment(Att(nul_id, "client:b"), "{}", kNow);
  EXPECT_EQ(refused.status().code(), Code::kSchemaInvalid) << refused.status().ToString();
  auto found = (*txn)->FindAttachment(nul_id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());  // not attach:a
  VerdictEntry e;
  e.artifact_id = nul_id;
  e.verdict = Verdict::kRejected;
  e.code = Code::kSchemaInvalid;
  e.message = refused.status().message();
  ASSERT_TRUE((*txn)->RecordVerdict(e).ok());
  auto next = (*txn)->RecordAttachment(Att("attach:c", "client:c"), "{}", kNow);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, 2u);
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(ledger->VerdictHistory(Kind::kAttachment, nul_id)->size(), 1u);
  EXPECT_TRUE(ledger->ClientInstanceHistory(std::string("client:a\0", 9))->empty());
  EXPECT_FALSE(ledger->GetArtifact(Kind::kAttachment, nul_id)->has_value());
}

TEST_F(PostgresLedgerTest, WatchWakesOnCommitsOfOtherConnections) {
  std::mutex mu;
  std::condition_variable cv;
  int wakes = 0;
  auto watch = WatchLedger(pg_.url(), [&] {
    std::lock_guard lock(mu);
    ++wakes;
    cv.notify_all();
  });
  ASSERT_TRUE(watch.ok()) << watch.status().ToString();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return wakes >= 1; }));
  }  // the first wake-up: the watch is listening
  auto ledger = Open();
  auto txn = ledger->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  std::unique_lock lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return wakes >= 2; }));
}

TEST(LedgerWatchTest, SqliteWatchIsANoOp) {
  auto watch = WatchLedger("sqlite::memory:", [] {});
  EXPECT_TRUE(watch.ok());
}

}  // namespace
}  // namespace podgate::store
