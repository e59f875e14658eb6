// Tests of the SQLite ledger: records and reads, the constraints that back first-admitted-wins,
// atomicity, reopening, migrations, retention and the read models.

#include "store/sqlite_ledger.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "podgate/ledger.h"

namespace podgate::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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
  r.digest = std::string(32, 'a');
  return r;
}

DetachmentRecord Det(std::string id, std::string attachment, std::string client,
                     std::int64_t minute = 10, std::string participant = "p:alice") {
  DetachmentRecord r;
  r.id = std::move(id);
  r.attachment_id = std::move(attachment);
  r.client_instance = std::move(client);
  r.participant = std::move(participant);
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

// A verdict decided by the operator at kNow.
VerdictEntry OperatorVerdict(Kind kind, std::string id, Verdict verdict, Code code,
                             std::uint64_t fact_seq = 0) {
  VerdictEntry e;
  e.kind = kind;
  e.artifact_id = std::move(id);
  e.verdict = verdict;
  e.code = code;
  e.rights = "operator";
  e.decided_at = kNow;
  e.fact_seq = fact_seq;
  return e;
}

// Records, in one transaction, attach:1 of client:1 (its JSON `attachment_json`), its
// detachment detach:1, and the recovery recover:1 that moves it to client:2.
void RecordAMove(Ledger& ledger, std::string_view attachment_json = "{}") {
  auto txn = ledger.Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  ASSERT_TRUE((*txn)->RecordAttachment(Att("attach:1", "client:1"), attachment_json, kNow).ok());
  ASSERT_TRUE((*txn)->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
  ASSERT_TRUE((*txn)
                  ->RecordRecovery(Rec("recover:1", "detach:1", "client:2", "client:1"), "{}", kNow)
                  .ok());
  ASSERT_TRUE((*txn)->Commit().ok());
}

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "podgate-ledger-XXXXXX");
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

std::unique_ptr<Ledger> Open(const std::string& url, LedgerOptions options = {}) {
  auto ledger = OpenLedger(url, options);
  EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
  return ledger.ok() ? std::move(ledger).value() : nullptr;
}

std::unique_ptr<LedgerTransaction> Begin(Ledger& ledger) {
  auto txn = ledger.Begin();
  EXPECT_TRUE(txn.ok()) << txn.status().ToString();
  return txn.ok() ? std::move(txn).value() : nullptr;
}

// Runs one SQL statement on a separate connection and returns every row of its result, columns
// joined by '|', one row per line; a failure as "error: " and SQLite's message.
std::string QueryAll(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        out += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "");
      }
      out += '\n';
    }
    if (rc != SQLITE_DONE) out = std::string("error: ") + sqlite3_errmsg(db);
  } else {
    out = std::string("error: ") + sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// Runs a script of SQL statements on one separate connection: "" or SQLite's message.
std::string ExecAll(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* error = nullptr;
  std::string out;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    out = error ? error : sqlite3_errmsg(db);
  }
  sqlite3_free(error);
  sqlite3_close(db);
  return out;
}

// The first column of the first row of QueryAll ("" when none), or its error.
std::string Query(const std::string& path, const std::string& sql) {
  std::string out = QueryAll(path, sql);
  if (out.starts_with("error: ")) return out;
  return out.substr(0, out.find_first_of("|\n"));
}

TEST(LedgerUrlTest, SupportedAndUnsupportedSchemes) {
  EXPECT_TRUE(OpenLedger("sqlite::memory:").ok());
  auto empty = OpenLedger("sqlite:");
  EXPECT_EQ(empty.status().code(), Code::kConfig);
  // postgresql:// goes to the PostgreSQL engine (postgres_ledger_test.cc); nothing listens on
  // port 1.
  auto pg = OpenLedger("postgresql://podgate@127.0.0.1:1/podgate");
  EXPECT_EQ(pg.status().code(), Code::kUnavailable);
  auto other = OpenLedger("mysql://localhost/podgate");
  EXPECT_EQ(other.status().code(), Code::kConfig);
  EXPECT_THAT(other.status().message(), HasSubstr("unsupported scheme"));
  auto missing_dir = OpenLedger("sqlite:/nonexistent-podgate-dir/x/ledger.db");
  EXPECT_EQ(missing_dir.status().code(), Code::kStorage);
}

// CTest runs each test in a process of its own, so this one finds SQLite not yet initialised;
// run with the others in one process it skips.
TEST(SqliteProcessTest, TuningTurnsMemoryStatisticsOffBeforeTheFirstLedgerOnly) {
  if (!TuneSqliteForThisProcess()) {
    GTEST_SKIP() << "SQLite was initialised by an earlier test of this process";
  }
  auto ledger = OpenLedger("sqlite::memory:");
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  auto txn = (*ledger)->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  AttachmentRecord a;
  a.id = "attach:1";
  a.client_instance = "client:1";
  ASSERT_TRUE((*txn)->RecordAttachment(a, "{}", Timestamp{}).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(sqlite3_memory_used(), 0);       // nothing counted: the statistics are off
  EXPECT_FALSE(TuneSqliteForThisProcess());  // too late now
}

// A writer kept waiting past the busy timeout by another is told `unavailable` (it may pass,
// as PostgreSQL's lock timeout says), not `storage` (the ledger refused).
TEST(SqliteLedgerTest, AWriterLockedOutPastTheBusyTimeoutIsUnavailable) {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  LedgerOptions quick;
  quick.busy_timeout_ms = 50;
  auto ledger = Open("sqlite:" + path, quick);
  ASSERT_NE(ledger, nullptr);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto txn = ledger->Begin();
  ASSERT_FALSE(txn.ok());
  EXPECT_EQ(txn.status().code(), Code::kUnavailable) << txn.status().ToString();
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_TRUE(ledger->Begin().ok());
}

TEST(SqliteLedgerTest, RecordsAndFindsEachKindWithIncreasingSequenceNumbers) {
  auto ledger = Open("sqlite::memory:");
  auto txn = Begin(*ledger);
  auto a = txn->RecordAttachment(Att("attach:1", "client:1"), R"({"a":1})", kNow);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto d = txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), R"({"d":1})", kNow);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto r =
      txn->RecordRecovery(Rec("recover:1", "detach:1", "client:2", "client:1"), R"({"r":1})", kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_LT(*a, *d);
  EXPECT_LT(*d, *r);

  auto att = txn->FindAttachment("attach:1");
  ASSERT_TRUE(att.ok() && att->has_value());
  EXPECT_EQ((*att)->detached_by, "detach:1");
  EXPECT_EQ((*att)->seq, *a);
  EXPECT_EQ((*att)->attached_at, At(0));
  EXPECT_EQ((*att)->digest, std::string(32, 'a'));
  auto det = txn->FindDetachmentOfAttachment("attach:1");
  ASSERT_TRUE(det.ok() && det->has_value());
  EXPECT_EQ((*det)->id, "detach:1");
  EXPECT_EQ((*det)->recovered_by, "recover:1");
  auto rec = txn->FindRecoveryOfDetachment("detach:1");
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->from_client_instance, "client:1");
  auto live = txn->FindLiveAttachment("client:1");
  ASSERT_TRUE(live.ok());
  EXPECT_FALSE(live->has_value());
  ASSERT_TRUE(txn->Commit().ok());

  auto stored = ledger->GetArtifact(Kind::kDetachment, "detach:1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->json, R"({"d":1})");
  EXPECT_EQ((*stored)->seq, *d);
  auto none = ledger->GetArtifact(Kind::kAttachment, "attach:none");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(SqliteLedgerTest, ConstraintsRefuseWhatTheDecisionShouldHaveRefusedAndLeaveNothing) {
  auto ledger = Open("sqlite::memory:");
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());

  auto dup_id = txn->RecordAttachment(Att("attach:1", "client:9"), "{}", kNow);
  EXPECT_EQ(dup_id.status().code(), Code::kIdConflict) << dup_id.status().ToString();
  auto busy = txn->RecordAttachment(Att("attach:2", "client:1"), "{}", kNow);
  EXPECT_EQ(busy.status().code(), Code::kClientBusy) << busy.status().ToString();

  ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
  auto again = txn->RecordDetachment(Det("detach:2", "attach:1", "client:1"), "{}", kNow);
  EXPECT_EQ(again.status().code(), Code::kAlreadyDetached) << again.status().ToString();
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
  ASSERT_TRUE(txn->Commit().ok());

  // Only the three admitted facts are in the log: the refused writes left no event behind.
  auto events = ledger->EventsAfter(0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].id, "attach:1");
  EXPECT_EQ((*events)[1].id, "detach:1");
  EXPECT_EQ((*events)[2].id, "recover:1");
}

// A fact whose write is refused after its event was appended takes the event back, and with it
// the ledger's idea of its last event: the verdict decided next is placed after the last event
// that exists, not after the refused one, whose number the next admitted fact reuses.
TEST(SqliteLedgerTest, RefusedWritePlacesTheNextVerdictAfterTheLastRealEvent) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  auto ledger = Open("sqlite:" + path);
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  // The event goes in before the attachment row's UNIQUE refuses the second live attachment.
  auto busy = txn->RecordAttachment(Att("attach:2", "client:1"), "{}", kNow);
  ASSERT_EQ(busy.status().code(), Code::kClientBusy) << busy.status().ToString();
  ASSERT_TRUE(txn->RecordVerdict(OperatorVerdict(Kind::kAttachment, "attach:2", Verdict::kRejected,
                                                 Code::kClientBusy))
                  .ok());
  auto next = txn->RecordAttachment(Att("attach:3", "client:3"), "{}", kNow);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, 2u);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(QueryAll(path, "SELECT artifact_id, after_seq FROM verdicts ORDER BY n"),
            "attach:2|1\n");
}

TEST(SqliteLedgerTest, UncommittedTransactionLeavesNothing) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  {
    auto ledger = Open("sqlite:" + path);
    {
      auto txn = Begin(*ledger);
      ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    }  // rolled back
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto ledger = Open("sqlite:" + path);
  auto txn = Begin(*ledger);
  EXPECT_FALSE(txn->FindAttachment("attach:1")->has_value());
  EXPECT_TRUE(txn->FindAttachment("attach:2")->has_value());
}

TEST(SqliteLedgerTest, ReopenedLedgerKeepsEverythingInWalModeWithFullSync) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  std::string bytes = R"({"schema/v":1, "attachment/id":"attach:1"})";
  {
    auto ledger = Open("sqlite:" + path);
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), bytes, kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(Query(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(Query(path, "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
  auto ledger = Open("sqlite:" + path);
  auto stored = ledger->GetArtifact(Kind::kAttachment, "attach:1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->json, bytes);
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

TEST(SqliteLedgerTest, EventsAndRecordsCannotBeChangedBehindTheGatesBack) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  {
    auto ledger = Open("sqlite:" + path);
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_THAT(Query(path, "UPDATE events SET json = 'x'"), HasSubstr("append-only"));
  EXPECT_THAT(Query(path, "DELETE FROM events"), HasSubstr("append-only"));
  EXPECT_THAT(Query(path, "UPDATE attachments SET client_instance = 'client:2'"),
              HasSubstr("never changes"));
  EXPECT_THAT(Query(path, "UPDATE attachments SET detached_by = 'detach:2'"),
              HasSubstr("never changes"));
  EXPECT_THAT(Query(path, "DELETE FROM attachments"), HasSubstr("never removed"));
  EXPECT_THAT(Query(path, "UPDATE detachments SET reason = 'policy'"), HasSubstr("never changes"));
}

TEST(SqliteLedgerTest, MigratesAnOlderSchemaOnOpenKeepingItsData) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  {
    LedgerOptions v1;
    v1.schema_version = 1;
    auto ledger = Open("sqlite:" + path, v1);
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1", 5), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:2", "attach:2", "client:2", 6), "{}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(Query(path, "PRAGMA user_version"), "1");
  EXPECT_THAT(Query(path, "SELECT value FROM counters"), HasSubstr("no such table"));

  auto ledger = Open("sqlite:" + path);
  EXPECT_EQ(Query(path, "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
  // Version 2 counts the detachments held before the migration...
  EXPECT_EQ(Query(path, "SELECT value FROM counters WHERE name = 'detachments'"), "2");
  // ...so the max-count rule works on the migrated data.
  auto txn = Begin(*ledger);
  RetentionPolicy keep_one;
  keep_one.max_count = 1;
  auto evicted = txn->ApplyRetention(keep_one, kNow);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_THAT(*evicted, ElementsAre("detach:1"));
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

// Makes a version-2 ledger at `path` with an event of each kind and a verdict; with
// `foreign_definition`, its events table's definition is not the text version 1 wrote (as if
// another build had made it), which takes version 3's rebuild instead of the edit in place.
void MakeVersionTwoLedger(const std::string& path, bool foreign_definition) {
  {
    LedgerOptions v2;
    v2.schema_version = 2;
    auto ledger = Open("sqlite:" + path, v2);
    RecordAMove(*ledger, "{\"a\":1}");
    if (::testing::Test::HasFatalFailure()) return;
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordVerdict(OperatorVerdict(Kind::kDetachment, "detach:1",
                                                   Verdict::kDuplicate, Code::kOk, 2))
                    .ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  if (foreign_definition) {
    int cookie = std::stoi(Query(path, "PRAGMA schema_version"));
    ASSERT_EQ(ExecAll(path,
                      "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = "
                      "replace(sql, 'json TEXT NOT NULL', 'json TEXT NOT NULL -- another "
                      "build') WHERE name = 'events'; PRAGMA schema_version = " +
                          std::to_string(cookie + 1)),
              "");
    ASSERT_THAT(QueryAll(path, "SELECT sql FROM sqlite_schema WHERE name = 'events'"),
                HasSubstr("another build"));
    ASSERT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
  }
  ASSERT_EQ(Query(path, "PRAGMA user_version"), "2");
  ASSERT_EQ(Query(path, "SELECT seq FROM sqlite_sequence WHERE name = 'events'"), "3");
}

// Version 3 keeps every event and verdict byte for byte, the guards and indexes, the CHECKs'
// strength, and the numbering; `in_place` says which path it must have taken.
void ExpectVersionThreeKeepsTheLog(bool foreign_definition) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  const std::string kEvents =
      "SELECT seq, type, artifact_id, ref_id, json FROM events ORDER BY seq";
  const std::string kVerdicts =
      "SELECT n, verdict, code, fact_seq, after_seq FROM verdicts ORDER BY n";
  // Indexes and triggers with their full text: partial-index conditions and trigger bodies.
  const std::string kGuards =
      "SELECT name, sql FROM sqlite_schema WHERE tbl_name IN ('events', 'verdicts') "
      "AND type <> 'table' ORDER BY name";
  const std::string kDefinitions =
      "SELECT sql FROM sqlite_schema WHERE name IN ('events', 'verdicts') ORDER BY name";
  MakeVersionTwoLedger(path, foreign_definition);
  if (::testing::Test::HasFatalFailure()) return;
  const std::string events = QueryAll(path, kEvents);
  const std::string verdicts = QueryAll(path, kVerdicts);
  const std::string guards = QueryAll(path, kGuards);
  ASSERT_THAT(guards, HasSubstr("WHERE related_client_instance <> ''"));

  const std::string pages = Query(path, "PRAGMA page_count");

  LedgerOptions v3;
  v3.schema_version = 3;  // version 3 alone: version 4 adds pages of its own
  auto ledger = Open("sqlite:" + path, v3);
  EXPECT_EQ(Query(path, "PRAGMA user_version"), "3");
  // Both paths write the same definitions...
  std::string definitions = QueryAll(path, kDefinitions);
  EXPECT_THAT(definitions, HasSubstr("CREATE TABLE events(\n  seq INTEGER PRIMARY KEY,\n"));
  EXPECT_THAT(definitions, HasSubstr("CREATE TABLE verdicts(\n"));
  EXPECT_THAT(definitions, ::testing::Not(HasSubstr("AUTOINCREMENT")));
  EXPECT_THAT(definitions, ::testing::Not(HasSubstr(" IN (")));
  EXPECT_THAT(definitions, ::testing::Not(HasSubstr("another build")));
  EXPECT_EQ(Query(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE '%_v2'"), "0");
  // ...but the edit in place touches no page of the data, where the rebuild frees the old
  // tables' pages.
  if (foreign_definition) {
    EXPECT_NE(Query(path, "PRAGMA freelist_count"), "0");
  } else {
    EXPECT_EQ(Query(path, "PRAGMA page_count"), pages);
    EXPECT_EQ(Query(path, "PRAGMA freelist_count"), "0");
  }
  EXPECT_EQ(QueryAll(path, kEvents), events);
  EXPECT_EQ(QueryAll(path, kVerdicts), verdicts);
  EXPECT_EQ(Query(path, "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'events'"), "0");
  // The log keeps its guards, its indexes and the strength of its CHECKs...
  EXPECT_THAT(Query(path, "DELETE FROM events"), HasSubstr("append-only"));
  EXPECT_THAT(Query(path, "UPDATE events SET json = 'x'"), HasSubstr("append-only"));
  EXPECT_THAT(Query(path,
                    "INSERT INTO events VALUES(9, 'moved', 'k', 'i', '', '', 'c', '', 'p', "
                    "0, 0, 0, 0, '{}')"),
              HasSubstr("CHECK constraint failed"));
  EXPECT_THAT(Query(path,
                    "INSERT INTO verdicts VALUES(9, 'k', 'i', 'maybe', 'c', 'm', x'00', 'r', "
                    "0, 0, 0, 0)"),
              HasSubstr("CHECK constraint failed"));
  EXPECT_EQ(QueryAll(path, kGuards), guards);
  auto history = ledger->ClientInstanceHistory("client:1");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history->size(), 3u);
  // ...and the next event follows the last one.
  auto txn = Begin(*ledger);
  auto seq = txn->RecordAttachment(Att("attach:3", "client:3"), "{}", kNow);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ(*seq, 4u);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

TEST(SqliteLedgerTest, VersionThreeEditsVersionOneDefinitionsInPlaceKeepingTheLog) {
  ExpectVersionThreeKeepsTheLog(/*foreign_definition=*/false);
}

TEST(SqliteLedgerTest, VersionThreeRebuildsOtherDefinitionsKeepingTheLog) {
  ExpectVersionThreeKeepsTheLog(/*foreign_definition=*/true);
}

// A ledger as a released podgate wrote it (tests/data/ledger/sqlite-v2-d45ff75.sql, a dump
// of what d45ff75 made) is edited in place: its definitions are the text version 3 looks for,
// byte for byte. (A ledger made by this build cannot show that: it is made from that text.)
TEST(SqliteLedgerTest, ShippedVersionTwoLedgerIsEditedInPlace) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  std::ifstream in(PODGATE_TEST_DATA "/ledger/sqlite-v2-d45ff75.sql");
  ASSERT_TRUE(in) << "missing tests/data/ledger/sqlite-v2-d45ff75.sql";
  std::stringstream dump;
  dump << in.rdbuf();
  ASSERT_EQ(ExecAll(path, dump.str()), "");
  ASSERT_EQ(Query(path, "PRAGMA user_version"), "2");
  ASSERT_THAT(QueryAll(path, "SELECT sql FROM sqlite_schema WHERE name = 'events'"),
              HasSubstr("AUTOINCREMENT"));
  const std::string events = QueryAll(path, "SELECT * FROM events ORDER BY seq");
  const std::string verdicts = QueryAll(path, "SELECT * FROM verdicts ORDER BY n");
  ASSERT_EQ(std::count(events.begin(), events.end(), '\n'), 4);
  ASSERT_EQ(std::count(verdicts.begin(), verdicts.end(), '\n'), 4);
  const std::string pages = Query(path, "PRAGMA page_count");

  LedgerOptions v3;
  v3.schema_version = 3;  // version 3 alone: version 4 adds pages of its own
  auto ledger = Open("sqlite:" + path, v3);
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(Query(path, "PRAGMA user_version"), "3");
  EXPECT_EQ(Query(path, "PRAGMA page_count"), pages);
  EXPECT_EQ(Query(path, "PRAGMA freelist_count"), "0");
  EXPECT_THAT(QueryAll(path, "SELECT sql FROM sqlite_schema WHERE name = 'events'"),
              ::testing::Not(HasSubstr("AUTOINCREMENT")));
  EXPECT_EQ(QueryAll(path, "SELECT * FROM events ORDER BY seq"), events);
  EXPECT_EQ(QueryAll(path, "SELECT * FROM verdicts ORDER BY n"), verdicts);
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
  auto state = ledger->GetClientInstance("client:00000001");
  ASSERT_TRUE(state.ok() && state->has_value()) << state.status().ToString();
  EXPECT_EQ((*state)->state, "detached");
  // And on to the latest version.
  ledger.reset();
  ledger = Open("sqlite:" + path);
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(Query(path, "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
  EXPECT_EQ(QueryAll(path, "SELECT * FROM events ORDER BY seq"), events);
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

// Version 4: an evicted detachment's id stays taken. The engine refuses another detachment
// under it (id-conflict), whatever the caller decided, keeps the evicted id and digest, and
// never lets them be changed or removed.
TEST(SqliteLedgerTest, EvictedDetachmentKeepsItsId) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  auto ledger = Open("sqlite:" + path);
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
  ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
  RetentionPolicy none_kept;
  none_kept.max_count = 0;
  auto evicted = txn->ApplyRetention(none_kept, kNow);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_THAT(*evicted, ElementsAre("detach:1"));
  EXPECT_FALSE(txn->FindDetachment("detach:1")->has_value());
  auto kept = txn->FindEvictedDetachment("detach:1");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(*kept, std::optional<std::string>(std::string(32, 'd')));
  EXPECT_FALSE(txn->FindEvictedDetachment("detach:2")->has_value());
  // The engine refuses the id even for another attachment, and leaves nothing behind.
  auto again = txn->RecordDetachment(Det("detach:1", "attach:2", "client:2"), "{}", kNow);
  EXPECT_EQ(again.status().code(), Code::kIdConflict) << again.status().ToString();
  EXPECT_FALSE(txn->FindAttachment("attach:2")->value().detached_by);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(Query(path, "SELECT COUNT(*) FROM events WHERE artifact_id = 'detach:1'"), "2");
  EXPECT_THAT(Query(path, "DELETE FROM evicted_detachments"), HasSubstr("keeps its id"));
  EXPECT_THAT(Query(path, "UPDATE evicted_detachments SET digest = x'00'"),
              HasSubstr("keeps its id"));
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

// Ids evicted before version 4 are read back from the log, without digests.
TEST(SqliteLedgerTest, VersionFourTakesEarlierEvictionsFromTheLog) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  {
    LedgerOptions v3;
    v3.schema_version = 3;
    auto ledger = Open("sqlite:" + path, v3);
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow).ok());
    RetentionPolicy none_kept;
    none_kept.max_count = 0;
    ASSERT_TRUE(txn->ApplyRetention(none_kept, kNow).ok());
    // Version 3 knows no evicted ids.
    EXPECT_FALSE(txn->FindEvictedDetachment("detach:1")->has_value());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto ledger = Open("sqlite:" + path);
  EXPECT_EQ(Query(path, "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
  auto txn = Begin(*ledger);
  auto kept = txn->FindEvictedDetachment("detach:1");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(*kept, std::optional<std::string>(""));
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:2", "client:2"), "{}", kNow).ok());
  auto again = txn->RecordDetachment(Det("detach:1", "attach:2", "client:2"), "{}", kNow);
  EXPECT_EQ(again.status().code(), Code::kIdConflict) << again.status().ToString();
}

// A fresh ledger goes through version 1's definitions too, so its tables are edited in place.
TEST(SqliteLedgerTest, FreshLedgerHasVersionThreeDefinitions) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  auto ledger = Open("sqlite:" + path);
  std::string definitions =
      QueryAll(path, "SELECT sql FROM sqlite_schema WHERE name IN ('events', 'verdicts')");
  EXPECT_THAT(definitions, HasSubstr("CREATE TABLE events(\n  seq INTEGER PRIMARY KEY,\n"));
  EXPECT_THAT(definitions, HasSubstr("CREATE TABLE verdicts(\n"));
  EXPECT_THAT(definitions, ::testing::Not(HasSubstr(" IN (")));
  EXPECT_EQ(Query(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE '%_v2'"), "0");
  // Edited in place, not rebuilt: the rebuild would have left the old tables' pages free.
  EXPECT_EQ(Query(path, "PRAGMA freelist_count"), "0");
}

// The append is what every admission pays for: no ephemeral table for a CHECK's IN list and
// no sqlite_sequence row to read and write (version 3, MigrateToVersion3).
TEST(SqliteLedgerTest, AppendingAnEventBuildsNoEphemeralTableAndNoSequenceRow) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  {
    auto ledger = Open("sqlite:" + path);
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  for (const char* sql :
       {"EXPLAIN INSERT INTO events(type, kind, artifact_id, ref_id, detail, client_instance, "
        "related_client_instance, participant, at_s, at_ns, recorded_s, recorded_ns, json) "
        "VALUES('attached', 'k', 'i', '', '', 'c', '', 'p', 0, 0, 0, 0, '{}')",
        "EXPLAIN INSERT INTO verdicts(kind, artifact_id, verdict, code, message, digest, rights, "
        "decided_s, decided_ns, fact_seq, after_seq) "
        "VALUES('k', 'i', 'rejected', 'c', 'm', x'00', 'r', 0, 0, 0, 0)"}) {
    std::string plan = QueryAll(path, sql);
    ASSERT_THAT(plan, HasSubstr("Insert")) << sql;
    EXPECT_THAT(plan, ::testing::Not(HasSubstr("OpenEphemeral"))) << sql;
  }
  // (Version 1 made the sqlite_sequence table, which SQLite never drops; it stays empty.)
  EXPECT_EQ(Query(path, "SELECT COUNT(*) FROM sqlite_sequence"), "0");
}

TEST(SqliteLedgerTest, RefusesANewerSchemaAndForeignDatabases) {
  TempDir dir;
  std::string newer = dir.File("newer.db");
  { Open("sqlite:" + newer); }
  Query(newer, "PRAGMA user_version = 99");
  auto opened = OpenLedger("sqlite:" + newer);
  EXPECT_EQ(opened.status().code(), Code::kConfig);
  EXPECT_THAT(opened.status().message(), HasSubstr("newer"));

  std::string foreign = dir.File("foreign.db");
  Query(foreign, "PRAGMA application_id = 42");
  auto other = OpenLedger("sqlite:" + foreign);
  EXPECT_EQ(other.status().code(), Code::kConfig);
}

TEST(SqliteLedgerTest, RetentionEvictsOldestDetachedAtFirstAndRecordsIt) {
  auto ledger = Open("sqlite::memory:");
  auto txn = Begin(*ledger);
  for (int i = 0; i < 4; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:" + n, "client:" + n), "{}", kNow).ok());
  }
  // Admitted out of detached-at order: eviction follows detached-at, not admission order.
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
  // The attachment stays detached.
  EXPECT_EQ((*txn->FindAttachment("attach:1"))->detached_by, "detach:1");
  EXPECT_FALSE(txn->FindLiveAttachment("client:1")->has_value());
  ASSERT_TRUE(txn->Commit().ok());

  auto events = ledger->EventsAfter(0, 100);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> evictions;
  for (const auto& e : *events) {
    if (e.type == EventType::kEvicted) evictions.push_back(e.id);
  }
  EXPECT_THAT(evictions, ElementsAre("detach:1", "detach:2", "detach:0"));
  EXPECT_FALSE(ledger->GetArtifact(Kind::kDetachment, "detach:1")->has_value());
}

TEST(SqliteLedgerTest, RetentionCountAndAgeTogether) {
  auto ledger = Open("sqlite::memory:");
  auto txn = Begin(*ledger);
  for (int i = 0; i < 5; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:" + n, "client:" + n), "{}", kNow).ok());
    ASSERT_TRUE(
        txn->RecordDetachment(Det("detach:" + n, "attach:" + n, "client:" + n, 10 + i), "{}", kNow)
            .ok());
  }
  RetentionPolicy both;
  both.max_age_seconds = 49 * 60;  // cutoff minute 11: detach:0 is too old
  both.max_count = 2;              // and of the four left, two more go
  auto evicted = txn->ApplyRetention(both, kNow);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_THAT(*evicted, ElementsAre("detach:0", "detach:1", "detach:2"));
}

TEST(SqliteLedgerTest, ReadModelsFollowTheClientInstance) {
  auto ledger = Open("sqlite::memory:");
  {
    auto txn = Begin(*ledger);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:old"), "{\"n\":1}", kNow).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto state = ledger->GetClientInstance("client:old");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->state, "attached");
  EXPECT_EQ((*state)->attachment_id, "attach:1");
  EXPECT_EQ((*state)->participant, "p:alice");

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
  EXPECT_EQ((*state)->reason, "user-request");
  auto fresh = ledger->GetClientInstance("client:new");
  ASSERT_TRUE(fresh.ok() && fresh->has_value());
  EXPECT_EQ((*fresh)->state, "recovered");
  EXPECT_EQ((*fresh)->recovery_id, "recover:1");
  EXPECT_EQ((*fresh)->detachment_id, "detach:1");
  EXPECT_FALSE(ledger->GetClientInstance("client:none")->has_value());

  auto history = ledger->ClientInstanceHistory("client:old");
  ASSERT_TRUE(history.ok());
  std::vector<std::string> ids;
  for (const auto& e : *history) ids.push_back(e.id);
  EXPECT_THAT(ids, ElementsAre("attach:1", "detach:1", "recover:1"));
  EXPECT_EQ((*history)[0].json, "{\"n\":1}");
  EXPECT_EQ((*history)[1].ref_id, "attach:1");
  EXPECT_EQ((*history)[2].detail, "replace-device");

  auto clients = ledger->ParticipantClientInstances("p:alice");
  ASSERT_TRUE(clients.ok());
  std::vector<std::string> names;
  for (const auto& c : *clients) names.push_back(c.client_instance + "=" + c.state);
  EXPECT_THAT(names, ElementsAre("client:old=detached", "client:new=recovered"));

  auto after = ledger->EventsAfter(2, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].seq, 3u);
  EXPECT_EQ((*after)[0].id, "recover:1");
}

// A client instance's history is two index searches, not a scan of the log, and the empty name
// has no history (every event without a related client instance would match it otherwise).
TEST(SqliteLedgerTest, ClientHistorySearchesBothIndexes) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  auto ledger = Open("sqlite:" + path);
  RecordAMove(*ledger);
  if (HasFatalFailure()) return;

  std::string plan = QueryAll(path, std::string("EXPLAIN QUERY PLAN ") + kSqliteClientHistory);
  EXPECT_THAT(plan, HasSubstr("USING INDEX events_client (client_instance=?)")) << plan;
  EXPECT_THAT(plan, HasSubstr("USING INDEX events_related (related_client_instance=?)")) << plan;
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("SCAN events"))) << plan;

  auto moved = ledger->ClientInstanceHistory("client:1");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->size(), 3u);  // attached, detached, and the recovery away from it
  auto empty = ledger->ClientInstanceHistory("");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
}

// A duplicate of an evicted detachment is answered on the gate's only writer thread: its read
// must not grow with the client instance's history (a participant can lengthen that at will by
// attaching and detaching again), so it starts at the attachment's own event.
TEST(SqliteLedgerTest, EvictedDetachmentIsReadFromItsAttachmentOn) {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  auto ledger = Open("sqlite:" + path);
  auto txn = Begin(*ledger);
  for (int i = 0; i < 50; ++i) {  // a long history of client:1 before attach:last
    std::string n = std::to_string(i);
    ASSERT_TRUE(txn->RecordAttachment(Att("attach:" + n, "client:1"), "{}", kNow).ok());
    ASSERT_TRUE(
        txn->RecordDetachment(Det("detach:" + n, "attach:" + n, "client:1"), "{}", kNow).ok());
  }
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:last", "client:1"), "{}", kNow).ok());
  auto seq =
      txn->RecordDetachment(Det("detach:last", "attach:last", "client:1"), "{\"x\":1}", kNow);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  RetentionPolicy none_kept;
  none_kept.max_count = 0;
  ASSERT_TRUE(txn->ApplyRetention(none_kept, kNow).ok());
  auto back = txn->GetEvictedDetachment("detach:last", "attach:last");
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->seq, *seq);
  ASSERT_TRUE(txn->Commit().ok());

  std::string plan =
      QueryAll(path, std::string("EXPLAIN QUERY PLAN ") + kSqliteEvictedDetachmentAdmission);
  EXPECT_THAT(plan, HasSubstr("USING INDEX events_client (client_instance=? AND rowid>?)")) << plan;
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("SCAN"))) << plan;
}

TEST(SqliteLedgerTest, LiveAttachmentsAttachedBeforeACutoff) {
  auto ledger = Open("sqlite::memory:");
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
  auto one = ledger->LiveAttachmentsAttachedBefore(At(9), 1);
  ASSERT_EQ(one->size(), 1u);
}

TEST(SqliteLedgerTest, VerdictHistoryKeepsEveryDecisionInOrder) {
  auto ledger = Open("sqlite::memory:");
  auto txn = Begin(*ledger);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  VerdictEntry e;
  e.kind = Kind::kDetachment;
  e.artifact_id = "detach:1";
  e.verdict = Verdict::kRejected;
  e.code = Code::kUnauthorized;
  e.message = "node reason";
  e.rights = "participant";
  e.decided_at = kNow;
  ASSERT_TRUE(txn->RecordVerdict(e).ok());
  auto seq = txn->RecordDetachment(Det("detach:1", "attach:1", "client:1"), "{}", kNow);
  ASSERT_TRUE(seq.ok());
  e.verdict = Verdict::kAdmitted;
  e.code = Code::kOk;
  e.rights = "operator";
  e.fact_seq = *seq;
  ASSERT_TRUE(txn->RecordVerdict(e).ok());
  e.verdict = Verdict::kDuplicate;
  e.rights = "participant";
  ASSERT_TRUE(txn->RecordVerdict(e).ok());
  ASSERT_TRUE(txn->Commit().ok());
  auto history = ledger->VerdictHistory(Kind::kDetachment, "detach:1");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].code, Code::kUnauthorized);
  EXPECT_EQ((*history)[0].rights, "participant");
  EXPECT_EQ((*history)[1].verdict, Verdict::kAdmitted);
  EXPECT_EQ((*history)[1].rights, "operator");
  EXPECT_EQ((*history)[1].fact_seq, *seq);
  EXPECT_EQ((*history)[2].verdict, Verdict::kDuplicate);
  EXPECT_EQ((*history)[2].fact_seq, *seq);
  EXPECT_TRUE(ledger->VerdictHistory(Kind::kDetachment, "detach:none")->empty());
}

TEST(SqliteLedgerTest, OneTransactionAtATimePerConnection) {
  auto ledger = Open("sqlite::memory:");
  auto txn = Begin(*ledger);
  auto second = ledger->Begin();
  EXPECT_FALSE(second.ok());
}

TEST(SqliteLedgerTest, TwoConnectionsSeeOnlyCommittedFacts) {
  TempDir dir;
  std::string url = "sqlite:" + dir.File("ledger.db");
  auto writer = Open(url);
  auto reader = Open(url);
  auto txn = Begin(*writer);
  ASSERT_TRUE(txn->RecordAttachment(Att("attach:1", "client:1"), "{}", kNow).ok());
  EXPECT_FALSE(reader->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(reader->GetArtifact(Kind::kAttachment, "attach:1")->has_value());
}

// The files this process holds open that SQLite made as temporary files (unlinked, named
// etilqs_*): a savepoint's sub-journal or a statement journal that went to disk.
std::vector<std::string> OpenSqliteTempFiles() {
  std::vector<std::string> found;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(fd.path(), ec);
    if (!ec && target.filename().string().rfind("etilqs_", 0) == 0) {
      found.push_back(target.string());
    }
  }
  return found;
}

// A group commit stages many facts, each in a savepoint; the transaction's sub-journal holds
// the first image of every page they change. It stays in memory (PRAGMA temp_store = MEMORY):
// spilled to a temporary file, past 64 KiB (here after a few hundred facts), every page
// written costs a pwrite there too (bench/admit.sh, docs/PERFORMANCE.md "admit").
TEST(SqliteLedgerTest, GroupCommitKeepsItsJournalsInMemory) {
  TempDir dir;
  auto ledger = Open("sqlite:" + dir.File("ledger.db"));
  const std::string json(1100, 'x');  // about a receipt's size
  for (int batch = 0; batch < 3; ++batch) {
    auto txn = Begin(*ledger);
    for (int i = 0; i < 500; ++i) {
      std::string n = std::to_string(batch * 1000 + i);
      ASSERT_TRUE(txn->RecordAttachment(Att("attach:" + n, "client:" + n), json, kNow).ok());
      ASSERT_TRUE(
          txn->RecordDetachment(Det("detach:" + n, "attach:" + n, "client:" + n), json, kNow).ok());
      ASSERT_THAT(OpenSqliteTempFiles(), ::testing::IsEmpty()) << "after fact pair " << n;
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(ledger->EventsAfter(0, 5000)->size(), 3000u);
}

}  // namespace
}  // namespace podgate::store
