#include "store/sqlite_ledger.h"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace podgate::store {
namespace {

// 'pdgt': marks the file as a podgate ledger, so that another application's database is not
// mistaken for an empty ledger and migrated.
constexpr int kApplicationId = 0x70646774;

// Version 1's definitions of the log and of the verdict history, as sqlite_master keeps them:
// version 3 recognises them by this text (MigrateToVersion3).
constexpr const char* kEventsTableV1 = R"sql(CREATE TABLE events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL CHECK (type IN ('attached', 'detached', 'recovered', 'evicted')),
  kind TEXT NOT NULL,
  artifact_id TEXT NOT NULL,
  ref_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  client_instance TEXT NOT NULL,
  related_client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  at_s INTEGER NOT NULL,
  at_ns INTEGER NOT NULL,
  recorded_s INTEGER NOT NULL,
  recorded_ns INTEGER NOT NULL,
  json TEXT NOT NULL
))sql";
constexpr const char* kVerdictsTableV1 = R"sql(CREATE TABLE verdicts(
  n INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  artifact_id TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('admitted', 'duplicate', 'rejected')),
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  digest BLOB NOT NULL,
  rights TEXT NOT NULL,
  decided_s INTEGER NOT NULL,
  decided_ns INTEGER NOT NULL,
  fact_seq INTEGER NOT NULL,  -- a duplicate's first admission
  after_seq INTEGER NOT NULL  -- the last event of the ledger when it was decided
))sql";
// The log's indexes and its append-only guards.
constexpr const char* kEventsGuards = R"sql(CREATE INDEX events_client ON events(client_instance);
CREATE INDEX events_related ON events(related_client_instance)
  WHERE related_client_instance <> '';
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;)sql";

// Version 1: the log, the three record tables and the verdict history.
std::string Migration1Script() {
  return fmt::format(R"sql(
{events};
{events_guards}

CREATE TABLE attachments(
  id TEXT PRIMARY KEY,
  client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  bind_id TEXT NOT NULL,
  attached_s INTEGER NOT NULL,
  attached_ns INTEGER NOT NULL,
  bound_s INTEGER NOT NULL,
  bound_ns INTEGER NOT NULL,
  digest BLOB NOT NULL,
  seq INTEGER NOT NULL,  -- the admitting event (events.seq)
  detached_by TEXT      -- set once; detachments.attachment_id UNIQUE backs "at most once"
);
CREATE INDEX attachments_participant ON attachments(participant);
CREATE UNIQUE INDEX attachments_one_live ON attachments(client_instance)
  WHERE detached_by IS NULL;
CREATE INDEX attachments_live_age ON attachments(attached_s, attached_ns)
  WHERE detached_by IS NULL;
CREATE TRIGGER attachments_frozen BEFORE UPDATE ON attachments
  WHEN OLD.detached_by IS NOT NULL OR NEW.id IS NOT OLD.id
    OR NEW.client_instance IS NOT OLD.client_instance OR NEW.participant IS NOT OLD.participant
    OR NEW.bind_id IS NOT OLD.bind_id OR NEW.attached_s IS NOT OLD.attached_s
    OR NEW.attached_ns IS NOT OLD.attached_ns OR NEW.bound_s IS NOT OLD.bound_s
    OR NEW.bound_ns IS NOT OLD.bound_ns OR NEW.digest IS NOT OLD.digest
    OR NEW.seq IS NOT OLD.seq
  BEGIN SELECT RAISE(ABORT, 'an admitted attachment never changes'); END;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
  BEGIN SELECT RAISE(ABORT, 'an admitted attachment is never removed'); END;

CREATE TABLE detachments(
  id TEXT PRIMARY KEY,
  attachment_id TEXT NOT NULL UNIQUE,
  client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  reason TEXT NOT NULL,
  detached_s INTEGER NOT NULL,
  detached_ns INTEGER NOT NULL,
  digest BLOB NOT NULL,
  seq INTEGER NOT NULL,
  recovered_by TEXT  -- set once; recoveries.detachment_id UNIQUE backs "at most once"
);
CREATE INDEX detachments_age ON detachments(detached_s, detached_ns, seq);
CREATE TRIGGER detachments_frozen BEFORE UPDATE ON detachments
  WHEN OLD.recovered_by IS NOT NULL OR NEW.id IS NOT OLD.id
    OR NEW.attachment_id IS NOT OLD.attachment_id
    OR NEW.client_instance IS NOT OLD.client_instance OR NEW.participant IS NOT OLD.participant
    OR NEW.reason IS NOT OLD.reason OR NEW.detached_s IS NOT OLD.detached_s
    OR NEW.detached_ns IS NOT OLD.detached_ns OR NEW.digest IS NOT OLD.digest
    OR NEW.seq IS NOT OLD.seq
  BEGIN SELECT RAISE(ABORT, 'an admitted detachment never changes'); END;

CREATE TABLE recoveries(
  id TEXT PRIMARY KEY,
  detachment_id TEXT NOT NULL UNIQUE,
  client_instance TEXT NOT NULL,
  from_client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  mode TEXT NOT NULL,
  recovered_s INTEGER NOT NULL,
  recovered_ns INTEGER NOT NULL,
  digest BLOB NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX recoveries_participant ON recoveries(participant);
CREATE TRIGGER recoveries_no_update BEFORE UPDATE ON recoveries
  BEGIN SELECT RAISE(ABORT, 'an admitted recovery never changes'); END;
CREATE TRIGGER recoveries_no_delete BEFORE DELETE ON recoveries
  BEGIN SELECT RAISE(ABORT, 'an admitted recovery is never removed'); END;

-- The verdict history: the gate's decision on each admitted fact (keyed by its event), and
-- every duplicate or rejected decision, placed in the log by the last event before it.
CREATE TABLE admissions(
  seq INTEGER PRIMARY KEY,  -- events.seq of the admitted fact
  rights TEXT NOT NULL,
  decided_s INTEGER NOT NULL,
  decided_ns INTEGER NOT NULL
);
{verdicts};
CREATE INDEX verdicts_artifact ON verdicts(kind, artifact_id);
)sql",
                     fmt::arg("events", kEventsTableV1), fmt::arg("events_guards", kEventsGuards),
                     fmt::arg("verdicts", kVerdictsTableV1));
}

// Version 2: a maintained count of held detachments, so that the max-count retention rule
// does not scan the table on every admission.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters(name, value) SELECT 'detachments', COUNT(*) FROM detachments;
CREATE TRIGGER detachments_count_insert AFTER INSERT ON detachments
  BEGIN UPDATE counters SET value = value + 1 WHERE name = 'detachments'; END;
CREATE TRIGGER detachments_count_delete AFTER DELETE ON detachments
  BEGIN UPDATE counters SET value = value - 1 WHERE name = 'detachments'; END;
)sql";

// Version 3: the same log and verdict history, cheaper to append to (docs/PERFORMANCE.md
// "admit"):
//  * events.seq without AUTOINCREMENT. Events are never deleted (events_no_delete), so the
//    largest seq is never freed and SQLite's choice for a new rowid, max(seq) + 1, is what
//    AUTOINCREMENT guaranteed: strictly increasing, never reused. AUTOINCREMENT only added a
//    read and a write of its sqlite_sequence row to every append.
//  * CHECK constraints as chains of comparisons: an IN list of more than two constants makes
//    SQLite build an ephemeral table each time the constraint is checked, i.e. on every append.
// Neither changes a stored row or page, and every row already satisfies the new, equivalent
// CHECKs, so the definitions are edited in place (SqliteLedger::MigrateToVersion3) when they
// are kEventsTableV1 and kVerdictsTableV1, the texts version 1 wrote. Otherwise (no released
// podgate wrote another text) both tables are rebuilt: copied, dropped, renamed, indexes and
// triggers made again.
constexpr const char* kEventsTableV3 = R"sql(CREATE TABLE events(
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type = 'attached' OR type = 'detached' OR type = 'recovered'
                            OR type = 'evicted'),
  kind TEXT NOT NULL,
  artifact_id TEXT NOT NULL,
  ref_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  client_instance TEXT NOT NULL,
  related_client_instance TEXT NOT NULL,
  participant TEXT NOT NULL,
  at_s INTEGER NOT NULL,
  at_ns INTEGER NOT NULL,
  recorded_s INTEGER NOT NULL,
  recorded_ns INTEGER NOT NULL,
  json TEXT NOT NULL
))sql";
constexpr const char* kVerdictsTableV3 = R"sql(CREATE TABLE verdicts(
  n INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  artifact_id TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict = 'admitted' OR verdict = 'duplicate'
                               OR verdict = 'rejected'),
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  digest BLOB NOT NULL,
  rights TEXT NOT NULL,
  decided_s INTEGER NOT NULL,
  decided_ns INTEGER NOT NULL,
  fact_seq INTEGER NOT NULL,  -- a duplicate's first admission
  after_seq INTEGER NOT NULL  -- the last event of the ledger when it was decided
))sql";
constexpr const char* kTableDefinitionIs =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1 AND sql = ?2";
constexpr const char* kSetTableDefinition =
    "UPDATE sqlite_master SET sql = ?2 WHERE type = 'table' AND name = ?1";

// Version 4: retention forgets a detachment, not its id. Deleting a held detachment (only
// retention does) leaves its id and digest behind, and a detachment under an id so left is
// refused by the engine as an id conflict, whatever the caller decided: the first admitted
// record for an id is never overwritten, also after eviction (DESIGN.md section 3). Ids evicted
// before this version are taken from the log's `evicted` events, without their digests (an
// empty digest: any content under such an id conflicts); that is one scan of the log.
constexpr const char* kMigration4 = R"sql(
CREATE TABLE evicted_detachments(
  id TEXT PRIMARY KEY,
  digest BLOB NOT NULL  -- empty: evicted before version 4, digest not kept
);
INSERT OR IGNORE INTO evicted_detachments(id, digest)
  SELECT artifact_id, x'' FROM events WHERE type = 'evicted' ORDER BY seq;
CREATE TRIGGER detachments_evicted BEFORE DELETE ON detachments
  BEGIN INSERT OR IGNORE INTO evicted_detachments(id, digest) VALUES (OLD.id, OLD.digest); END;
CREATE TRIGGER detachments_id_kept BEFORE INSERT ON detachments
  WHEN EXISTS (SELECT 1 FROM evicted_detachments WHERE id = NEW.id)
  BEGIN SELECT RAISE(ABORT, 'an evicted detachment keeps its id: evicted_detachments.id'); END;
CREATE TRIGGER evicted_detachments_kept BEFORE DELETE ON evicted_detachments
  BEGIN SELECT RAISE(ABORT, 'an evicted detachment keeps its id'); END;
CREATE TRIGGER evicted_detachments_frozen BEFORE UPDATE ON evicted_detachments
  BEGIN SELECT RAISE(ABORT, 'an evicted detachment keeps its id'); END;
)sql";

// The rebuild, for definitions other than version 1's: the old table renamed out of the way
// (its indexes and triggers follow it), the new one made with the same text as the edit in
// place writes, the rows copied in order, the old table dropped with its indexes and triggers,
// and those made again. A definition whose columns differ fails the copy, and Migrate rolls
// back.
std::string RebuildScriptForVersion3() {
  return fmt::format(R"sql(
ALTER TABLE events RENAME TO events_v2;
{events};
INSERT INTO events(seq, type, kind, artifact_id, ref_id, detail, client_instance,
                   related_client_instance, participant, at_s, at_ns, recorded_s, recorded_ns,
                   json)
  SELECT seq, type, kind, artifact_id, ref_id, detail, client_instance,
         related_client_instance, participant, at_s, at_ns, recorded_s, recorded_ns, json
  FROM events_v2 ORDER BY seq;
DROP TABLE events_v2;
{events_guards}

ALTER TABLE verdicts RENAME TO verdicts_v2;
{verdicts};
INSERT INTO verdicts(n, kind, artifact_id, verdict, code, message, digest, rights, decided_s,
                     decided_ns, fact_seq, after_seq)
  SELECT n, kind, artifact_id, verdict, code, message, digest, rights, decided_s, decided_ns,
         fact_seq, after_seq
  FROM verdicts_v2 ORDER BY n;
DROP TABLE verdicts_v2;
CREATE INDEX verdicts_artifact ON verdicts(kind, artifact_id);
)sql",
                     fmt::arg("events", kEventsTableV3), fmt::arg("events_guards", kEventsGuards),
                     fmt::arg("verdicts", kVerdictsTableV3));
}

// SQLite's answer as a Status: unavailable when another connection held the lock past the busy
// timeout (it may pass: the caller may retry later), storage otherwise.
Code CodeForSqlite(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? Code::kUnavailable : Code::kStorage;
}

Status SqlError(sqlite3* db, std::string_view what) {
  return Status(CodeForSqlite(sqlite3_extended_errcode(db)),
                fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db)));
}

// A prepared statement borrowed from the connection's cache; reset when it goes out of scope.
// Bound text is not copied: it must outlive the Stmt.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Stmt() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Text(int index, std::string_view text) {
    // An empty view may have no data pointer, which SQLite would store as NULL.
    sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                      SQLITE_STATIC);
    return *this;
  }
  Stmt& Blob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.empty() ? "" : bytes.data(),
                      static_cast<int>(bytes.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& Int(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Stmt& Null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  Stmt& OptText(int index, const std::optional<std::string>& text) {
    return text ? Text(index, *text) : Null(index);
  }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  std::string ColText(int col) const {
    const auto* data = sqlite3_column_blob(stmt_, col);
    int size = sqlite3_column_bytes(stmt_, col);
    return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string();
  }
  std::optional<std::string> ColOptText(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return ColText(col);
  }
  std::int64_t ColInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  Timestamp ColTime(int col) const {
    return Timestamp{ColInt(col), static_cast<std::uint32_t>(ColInt(col + 1))};
  }

  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// The connection and its statement cache (statements keyed by the address of their SQL text,
// which is always a string literal).
class Connection {
 public:
  Connection() = default;
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status Open(const std::string& path, int busy_timeout_ms, bool create) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      Status s(Code::kStorage, fmt::format("cannot open ledger {}: {}", path,
                                           db_ ? sqlite3_errmsg(db_) : "out of memory"));
      return s;
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    return Status::Ok();
  }

  sqlite3* db() const { return db_; }

  Status Exec(const char* sql) {
    char* error = nullptr;
    if (int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error); rc != SQLITE_OK) {
      Status s(CodeForSqlite(rc), fmt::format("sqlite: {}", error ? error : sqlite3_errmsg(db_)));
      sqlite3_free(error);
      return s;
    }
    return Status::Ok();
  }

  // An integer PRAGMA's value.
  Result<std::int64_t> PragmaInt(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      return SqlError(db_, sql);
    }
    std::int64_t value = 0;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) return SqlError(db_, sql);
    return value;
  }

  Result<std::string> PragmaText(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      return SqlError(db_, sql);
    }
    std::string value;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      if (text) value = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) return SqlError(db_, sql);
    return value;
  }

  // The cached statement for `sql` (a string literal).
  sqlite3_stmt* Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return nullptr;
    }
    cache_.emplace(sql, stmt);
    return stmt;
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// --- SQL -----------------------------------------------------------------------------------

constexpr const char* kFindAttachment =
    "SELECT id, client_instance, participant, bind_id, attached_s, attached_ns, bound_s, "
    "bound_ns, digest, seq, detached_by FROM attachments WHERE id = ?1";
constexpr const char* kFindLiveAttachment =
    "SELECT id, client_instance, participant, bind_id, attached_s, attached_ns, bound_s, "
    "bound_ns, digest, seq, detached_by FROM attachments "
    "WHERE client_instance = ?1 AND detached_by IS NULL";
constexpr const char* kLiveAttachedBefore =
    "SELECT id, client_instance, participant, bind_id, attached_s, attached_ns, bound_s, "
    "bound_ns, digest, seq, detached_by FROM attachments WHERE detached_by IS NULL AND "
    "(attached_s < ?1 OR (attached_s = ?1 AND attached_ns <= ?2)) "
    "ORDER BY attached_s, attached_ns, seq LIMIT ?3";
constexpr const char* kFindDetachment =
    "SELECT id, attachment_id, client_instance, participant, reason, detached_s, detached_ns, "
    "digest, seq, recovered_by FROM detachments WHERE id = ?1";
constexpr const char* kFindDetachmentOfAttachment =
    "SELECT id, attachment_id, client_instance, participant, reason, detached_s, detached_ns, "
    "digest, seq, recovered_by FROM detachments WHERE attachment_id = ?1";
constexpr const char* kFindEvictedDetachment =
    "SELECT digest FROM evicted_detachments WHERE id = ?1";
constexpr const char* kFindRecovery =
    "SELECT id, detachment_id, client_instance, from_client_instance, participant, mode, "
    "recovered_s, recovered_ns, digest, seq FROM recoveries WHERE id = ?1";
constexpr const char* kFindRecoveryOfDetachment =
    "SELECT id, detachment_id, client_instance, from_client_instance, participant, mode, "
    "recovered_s, recovered_ns, digest, seq FROM recoveries WHERE detachment_id = ?1";

constexpr const char* kArtifactOfAttachment =
    "SELECT e.json, e.seq FROM attachments t JOIN events e ON e.seq = t.seq WHERE t.id = ?1";
constexpr const char* kArtifactOfDetachment =
    "SELECT e.json, e.seq FROM detachments t JOIN events e ON e.seq = t.seq WHERE t.id = ?1";
// An evicted detachment's admission, found through its attachment (never deleted, and named
// by the detachment's own content): the first matching event of that client instance after
// the attachment's own (events_client from the attachment's position on). A client instance
// has one live attachment at a time, so between the attachment and its detachment the log
// holds no other attachment's events for it, and the read does not grow with the client
// instance's history before or after.
constexpr const char* kEvictedDetachmentAdmission =
    "SELECT e.json, e.seq FROM attachments t JOIN events e "
    "ON e.client_instance = t.client_instance AND e.seq > t.seq WHERE t.id = ?2 "
    "AND t.detached_by = ?1 AND e.type = 'detached' AND e.artifact_id = ?1 "
    "AND e.ref_id = ?2 ORDER BY e.seq LIMIT 1";
constexpr const char* kArtifactOfRecovery =
    "SELECT e.json, e.seq FROM recoveries t JOIN events e ON e.seq = t.seq WHERE t.id = ?1";

constexpr const char* kInsertEvent =
    "INSERT INTO events(type, kind, artifact_id, ref_id, detail, client_instance, "
    "related_client_instance, participant, at_s, at_ns, recorded_s, recorded_ns, json) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr const char* kInsertAttachment =
    "INSERT INTO attachments(id, client_instance, participant, bind_id, attached_s, "
    "attached_ns, bound_s, bound_ns, digest, seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kInsertDetachment =
    "INSERT INTO detachments(id, attachment_id, client_instance, participant, reason, "
    "detached_s, detached_ns, digest, seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* kInsertRecovery =
    "INSERT INTO recoveries(id, detachment_id, client_instance, from_client_instance, "
    "participant, mode, recovered_s, recovered_ns, digest, seq) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kMarkDetached =
    "UPDATE attachments SET detached_by = ?2 WHERE id = ?1 AND detached_by IS NULL";
constexpr const char* kMarkRecovered =
    "UPDATE detachments SET recovered_by = ?2 WHERE id = ?1 AND recovered_by IS NULL";
constexpr const char* kInsertVerdict =
    "INSERT INTO verdicts(kind, artifact_id, verdict, code, message, digest, rights, decided_s, "
    "decided_ns, fact_seq, after_seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char* kInsertAdmission =
    "INSERT INTO admissions(seq, rights, decided_s, decided_ns) VALUES(?1, ?2, ?3, ?4)";
constexpr const char* kVerdictHistory =
    "SELECT kind, artifact_id, verdict, code, message, digest, rights, decided_s, decided_ns, "
    "fact_seq, after_seq FROM verdicts WHERE kind = ?1 AND artifact_id = ?2 ORDER BY n";
constexpr const char* kAdmissionOf =
    "SELECT rights, decided_s, decided_ns FROM admissions WHERE seq = ?1";
constexpr const char* kLastSeq = "SELECT COALESCE(MAX(seq), 0) FROM events";

constexpr const char* kDetachmentCount = "SELECT value FROM counters WHERE name = 'detachments'";
constexpr const char* kOldestDetachments =
    "SELECT id, attachment_id, client_instance, participant FROM detachments "
    "ORDER BY detached_s, detached_ns, seq LIMIT ?1";
constexpr const char* kDetachmentsBefore =
    "SELECT id, attachment_id, client_instance, participant FROM detachments "
    "WHERE detached_s < ?1 OR (detached_s = ?1 AND detached_ns < ?2) "
    "ORDER BY detached_s, detached_ns, seq";
constexpr const char* kSavepoint = "SAVEPOINT record";
constexpr const char* kRelease = "RELEASE record";
constexpr const char* kRollbackTo = "ROLLBACK TO record";
constexpr const char* kDeleteDetachment = "DELETE FROM detachments WHERE id = ?1";

constexpr const char* kEventsAfter =
    "SELECT seq, type, kind, artifact_id, ref_id, detail, client_instance, "
    "related_client_instance, participant, at_s, at_ns, recorded_s, recorded_ns, json "
    "FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2";
// The second arm repeats the partial index's condition (related_client_instance <> '') so that
// SQLite may use events_related: it cannot know that ?1 is never empty. It also keeps a query
// for the empty name from returning every event without a related client instance.
constexpr const char* kClientHistory =
    "SELECT seq, type, kind, artifact_id, ref_id, detail, client_instance, "
    "related_client_instance, participant, at_s, at_ns, recorded_s, recorded_ns, json "
    "FROM events WHERE client_instance = ?1 UNION "
    "SELECT seq, type, kind, artifact_id, ref_id, detail, client_instance, "
    "related_client_instance, participant, at_s, at_ns, recorded_s, recorded_ns, json "
    "FROM events WHERE related_client_instance = ?1 AND related_client_instance <> '' "
    "ORDER BY seq";
}  // namespace

const char* const kSqliteClientHistory = kClientHistory;
const char* const kSqliteEvictedDetachmentAdmission = kEvictedDetachmentAdmission;

namespace {

constexpr const char* kLatestFact =
    "SELECT seq, type, artifact_id, ref_id, detail, participant, at_s, at_ns FROM events "
    "WHERE client_instance = ?1 AND type <> 'evicted' ORDER BY seq DESC LIMIT 1";
constexpr const char* kLatestAttachment =
    "SELECT artifact_id FROM events WHERE client_instance = ?1 AND type = 'attached' "
    "ORDER BY seq DESC LIMIT 1";
constexpr const char* kParticipantClients =
    "SELECT client_instance, MIN(first) AS first FROM ("
    "SELECT client_instance, MIN(seq) AS first FROM attachments WHERE participant = ?1 "
    "GROUP BY client_instance UNION ALL "
    "SELECT client_instance, MIN(seq) AS first FROM recoveries WHERE participant = ?1 "
    "GROUP BY client_instance) GROUP BY client_instance ORDER BY first";

// A stored artifact from the row "json, seq".
StoredArtifact ReadStoredArtifact(const Stmt& s) {
  return StoredArtifact{s.ColText(0), static_cast<std::uint64_t>(s.ColInt(1))};
}

AttachmentRecord ReadAttachment(const Stmt& s) {
  AttachmentRecord r;
  r.id = s.ColText(0);
  r.client_instance = s.ColText(1);
  r.participant = s.ColText(2);
  r.bind_id = s.ColText(3);
  r.attached_at = s.ColTime(4);
  r.bound_at = s.ColTime(6);
  r.digest = s.ColText(8);
  r.seq = static_cast<std::uint64_t>(s.ColInt(9));
  r.detached_by = s.ColOptText(10);
  return r;
}

DetachmentRecord ReadDetachment(const Stmt& s) {
  DetachmentRecord r;
  r.id = s.ColText(0);
  r.attachment_id = s.ColText(1);
  r.client_instance = s.ColText(2);
  r.participant = s.ColText(3);
  r.reason = s.ColText(4);
  r.detached_at = s.ColTime(5);
  r.digest = s.ColText(7);
  r.seq = static_cast<std::uint64_t>(s.ColInt(8));
  r.recovered_by = s.ColOptText(9);
  return r;
}

RecoveryRecord ReadRecovery(const Stmt& s) {
  RecoveryRecord r;
  r.id = s.ColText(0);
  r.detachment_id = s.ColText(1);
  r.client_instance = s.ColText(2);
  r.from_client_instance = s.ColText(3);
  r.participant = s.ColText(4);
  r.mode = s.ColText(5);
  r.recovered_at = s.ColTime(6);
  r.digest = s.ColText(8);
  r.seq = static_cast<std::uint64_t>(s.ColInt(9));
  return r;
}

Event ReadEvent(const Stmt& s) {
  Event e;
  e.seq = static_cast<std::uint64_t>(s.ColInt(0));
  e.type = EventTypeFromName(s.ColText(1)).value_or(EventType::kAttached);
  e.kind = KindFromName(s.ColText(2)).value_or(Kind::kAttachment);
  e.id = s.ColText(3);
  e.ref_id = s.ColText(4);
  e.detail = s.ColText(5);
  e.client_instance = s.ColText(6);
  e.related_client_instance = s.ColText(7);
  e.participant = s.ColText(8);
  e.at = s.ColTime(9);
  e.recorded_at = s.ColTime(11);
  e.json = s.ColText(13);
  return e;
}

// Which constraint a failed write hit, as the code the decision would have given.
Code ConstraintCode(sqlite3* db) {
  std::string_view message = sqlite3_errmsg(db);
  if (message.find("attachments.client_instance") != std::string_view::npos) {
    return Code::kClientBusy;
  }
  if (message.find("detachments.attachment_id") != std::string_view::npos ||
      message.find("attachments.detached_by") != std::string_view::npos) {
    return Code::kAlreadyDetached;
  }
  if (message.find("recoveries.detachment_id") != std::string_view::npos ||
      message.find("detachments.recovered_by") != std::string_view::npos) {
    return Code::kAlreadyRecovered;
  }
  if (message.find(".id") != std::string_view::npos) return Code::kIdConflict;
  return Code::kStorage;
}

class SqliteLedger;

class SqliteTransaction final : public LedgerTransaction {
 public:
  explicit SqliteTransaction(SqliteLedger* ledger) : ledger_(ledger) {}
  ~SqliteTransaction() override;

  Result<std::optional<AttachmentRecord>> FindAttachment(std::string_view id) override;
  Result<std::optional<AttachmentRecord>> FindLiveAttachment(
      std::string_view client_instance) override;
  Result<std::optional<DetachmentRecord>> FindDetachment(std::string_view id) override;
  Result<std::optional<DetachmentRecord>> FindDetachmentOfAttachment(
      std::string_view attachment_id) override;
  Result<std::optional<RecoveryRecord>> FindRecovery(std::string_view id) override;
  Result<std::optional<std::string>> FindEvictedDetachment(std::string_view id) override;
  Result<std::optional<RecoveryRecord>> FindRecoveryOfDetachment(
      std::string_view detachment_id) override;
  Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) override;
  Result<std::optional<StoredArtifact>> GetEvictedDetachment(
      std::string_view id, std::string_view attachment_id) override;
  Result<std::uint64_t> RecordAttachment(const AttachmentRecord& record, std::string_view json,
                                         Timestamp recorded_at) override;
  Result<std::uint64_t> RecordDetachment(const DetachmentRecord& record, std::string_view json,
                                         Timestamp recorded_at) override;
  Result<std::uint64_t> RecordRecovery(const RecoveryRecord& record, std::string_view json,
                                       Timestamp recorded_at) override;
  Status RecordVerdict(const VerdictEntry& entry) override;
  Result<std::vector<std::string>> ApplyRetention(const RetentionPolicy& policy,
                                                  Timestamp now) override;
  Status Commit() override;

 private:
  SqliteLedger* ledger_;
  bool done_ = false;
};

class SqliteLedger final : public Ledger {
 public:
  SqliteLedger() = default;

  Status Open(const std::string& path, const LedgerOptions& options);

  Result<std::unique_ptr<LedgerTransaction>> Begin() override {
    if (in_transaction_) {
      return Status(Code::kInternal, "a ledger transaction is already open on this connection");
    }
    if (Status s = conn_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    in_transaction_ = true;
    auto txn = std::unique_ptr<LedgerTransaction>(new SqliteTransaction(this));
    std::optional<Stmt> holder;
    auto stmt = Get(kLastSeq, &holder);
    if (!stmt.ok()) return stmt.status();
    if ((*stmt)->Step() != SQLITE_ROW) return SqlError(conn_.db(), "read the last event");
    last_seq_ = static_cast<std::uint64_t>((*stmt)->ColInt(0));
    return txn;
  }

  Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) override {
    return InSnapshot<std::optional<StoredArtifact>>([&] { return ArtifactOf(kind, id); });
  }
  Result<std::optional<ClientInstanceState>> GetClientInstance(
      std::string_view client_instance) override {
    return InSnapshot<std::optional<ClientInstanceState>>(
        [&] { return ClientState(client_instance); });
  }
  Result<std::vector<Event>> ClientInstanceHistory(std::string_view client_instance) override;
  Result<std::vector<ClientInstanceState>> ParticipantClientInstances(
      std::string_view participant) override;
  Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) override;
  Result<std::vector<AttachmentRecord>> LiveAttachmentsAttachedBefore(Timestamp cutoff,
                                                                      std::size_t limit) override;
  Result<std::vector<VerdictEntry>> VerdictHistory(Kind kind, std::string_view id) override;

  // --- used by SqliteTransaction and the read models ---

  Result<Stmt*> Get(const char* sql, std::optional<Stmt>* holder) {
    sqlite3_stmt* stmt = conn_.Prepare(sql);
    if (!stmt) return SqlError(conn_.db(), "prepare");
    holder->emplace(conn_.db(), stmt);
    return &**holder;
  }

  template <typename Record, typename Reader>
  Result<std::optional<Record>> FindOne(const char* sql, std::string_view key, Reader reader) {
    std::optional<Stmt> holder;
    auto stmt = Get(sql, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Text(1, key);
    int rc = (*stmt)->Step();
    if (rc == SQLITE_ROW) return std::optional<Record>(reader(**stmt));
    if (rc == SQLITE_DONE) return std::optional<Record>();
    return SqlError(conn_.db(), "read");
  }

  Result<std::optional<StoredArtifact>> ArtifactOf(Kind kind, std::string_view id);
  Result<std::optional<ClientInstanceState>> ClientState(std::string_view client_instance);
  Result<std::uint64_t> InsertEvent(EventType type, Kind kind, std::string_view id,
                                    std::string_view ref_id, std::string_view detail,
                                    std::string_view client_instance,
                                    std::string_view related_client_instance,
                                    std::string_view participant, Timestamp at,
                                    Timestamp recorded_at, std::string_view json);
  // Runs `body` inside a savepoint: on failure nothing of it remains, and the enclosing
  // transaction goes on.
  template <typename Body>
  Result<std::uint64_t> Atomically(Body body);
  // Runs `body` in a read transaction unless a write transaction is open.
  template <typename T, typename Body>
  Result<T> InSnapshot(Body body);

  Connection& conn() { return conn_; }
  // The last event of the ledger as the open transaction sees it.
  std::uint64_t last_seq() const { return last_seq_; }
  void EndTransaction() { in_transaction_ = false; }
  // The ledger's schema version as this connection found or made it: the version options asked
  // for, or a later one the file already had (whose tables and triggers are then in force).
  int schema_version() const { return schema_version_; }

 private:
  Status Migrate(int target);
  Status MigrateFrom(std::int64_t version);
  Status MigrateToVersion3();
  Result<bool> TableDefinitionIs(const char* table, const char* sql);
  Status EditTableDefinitions();

  Connection conn_;
  bool in_transaction_ = false;
  std::uint64_t last_seq_ = 0;
  int schema_version_ = 0;
};

// --- SqliteLedger ----------------------------------------------------------------------------

Status SqliteLedger::Open(const std::string& path, const LedgerOptions& options) {
  if (Status s = conn_.Open(path, options.busy_timeout_ms, options.create_if_missing); !s.ok())
    return s;
  auto app_id = conn_.PragmaInt("PRAGMA application_id");
  if (!app_id.ok()) {
    return Status(Code::kStorage, fmt::format("{} is not a readable SQLite database: {}", path,
                                              app_id.status().message()));
  }
  if (*app_id != 0 && *app_id != kApplicationId) {
    return Status(Code::kConfig,
                  fmt::format("{} is a SQLite database of another application", path));
  }
  auto mode = conn_.PragmaText("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal" && path != ":memory:" && !path.empty()) {
    return Status(Code::kStorage,
                  fmt::format("{}: cannot switch to WAL journal mode (got {})", path, *mode));
  }
  // SQLite's default page cache (2 MiB) on purpose: a 64 MiB cache made every commit walk
  // the cache's hash table (pcache1, 5 % of podgate serve's CPU at ~30 admissions a batch;
  // 20 us per admission less without it, bench/serve.sh) and bought nothing measurable for
  // the decision's reads, which the OS page cache serves.
  // Temporary storage in memory: every recorded fact runs in a savepoint (Atomically), and the
  // sub-journal of a write transaction (the first image of each page a fact or statement
  // changes) otherwise spills to a temporary file in /var/tmp once it outgrows 64 KiB, which a
  // group commit of a few hundred facts does: then every page written costs a pwrite there
  // too. bench/admit.sh (batches of 1,024): 22-27 s of CPU instead of 29 s for 100,000 pairs
  // (docs/PERFORMANCE.md "admit"). Its memory is bounded by the pages one batch changes.
  if (Status s = conn_.Exec("PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;"); !s.ok()) {
    return s;
  }
  int target = options.schema_version == 0 ? kSqliteSchemaVersion : options.schema_version;
  if (target < 1 || target > kSqliteSchemaVersion) {
    return Status(Code::kConfig, fmt::format("no ledger schema version {}", target));
  }
  return Migrate(target);
}

Status SqliteLedger::Migrate(int target) {
  for (;;) {
    if (Status s = conn_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    auto version = conn_.PragmaInt("PRAGMA user_version");
    if (!version.ok()) {
      (void)conn_.Exec("ROLLBACK");
      return version.status();
    }
    if (*version > kSqliteSchemaVersion) {
      (void)conn_.Exec("ROLLBACK");
      return Status(Code::kConfig,
                    fmt::format("the ledger has schema version {}, newer than this podgate "
                                "knows ({}); upgrade podgate",
                                *version, kSqliteSchemaVersion));
    }
    if (*version >= target) {
      schema_version_ = static_cast<int>(*version);
      return conn_.Exec("COMMIT");
    }
    Status s = MigrateFrom(*version);
    if (s.ok()) {
      std::string bump = fmt::format("PRAGMA user_version = {}; PRAGMA application_id = {};",
                                     *version + 1, kApplicationId);
      s = conn_.Exec(bump.c_str());
    }
    if (s.ok()) s = conn_.Exec("COMMIT");
    if (!s.ok()) {
      (void)conn_.Exec("ROLLBACK");
      return Status(Code::kStorage, fmt::format("migrating the ledger to schema version {}: {}",
                                                *version + 1, s.message()));
    }
  }
}

// One migration, to version + 1, inside Migrate's transaction.
Status SqliteLedger::MigrateFrom(std::int64_t version) {
  static_assert(kSqliteSchemaVersion == 4, "a new schema version needs its migration here");
  switch (version) {
    case 0:
      return conn_.Exec(Migration1Script().c_str());
    case 1:
      return conn_.Exec(kMigration2);
    case 2:
      return MigrateToVersion3();
    case 3:
      return conn_.Exec(kMigration4);
    default:
      return Status(Code::kInternal, fmt::format("no migration from schema version {}", version));
  }
}

// Inside Migrate's transaction. In place when both tables are as version 1 made them: O(1),
// where the rebuild copies the whole log (200,000 events: 7.2 s, a 556 MB WAL, and a file
// grown from 342 to 615 MB, half of it free pages; docs/PERFORMANCE.md "Schema versions 3
// and 4").
Status SqliteLedger::MigrateToVersion3() {
  auto events = TableDefinitionIs("events", kEventsTableV1);
  if (!events.ok()) return events.status();
  auto verdicts = TableDefinitionIs("verdicts", kVerdictsTableV1);
  if (!verdicts.ok()) return verdicts.status();
  if (!*events || !*verdicts) return conn_.Exec(RebuildScriptForVersion3().c_str());
  if (Status s = conn_.Exec("SAVEPOINT edit"); !s.ok()) return s;
  Status s = EditTableDefinitions();
  // Schema editing is for this migration only, whether it succeeded or not.
  if (Status off = conn_.Exec("PRAGMA writable_schema = OFF"); s.ok()) s = off;
  // The next statement makes SQLite parse the new definitions: a text it could not parse
  // fails here.
  if (s.ok()) s = conn_.Exec("SELECT seq FROM events LIMIT 0; SELECT n FROM verdicts LIMIT 0;");
  if (s.ok()) return conn_.Exec("RELEASE edit");
  // A SQLite that refuses schema edits (SQLITE_DBCONFIG_DEFENSIVE) leaves the copy; rolling
  // back to the savepoint also makes this connection reload the schema it had.
  (void)conn_.Exec("ROLLBACK TO edit");
  (void)conn_.Exec("RELEASE edit");
  return conn_.Exec(RebuildScriptForVersion3().c_str());
}

Result<bool> SqliteLedger::TableDefinitionIs(const char* table, const char* sql) {
  std::optional<Stmt> holder;
  auto stmt = Get(kTableDefinitionIs, &holder);
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Text(1, table).Text(2, sql);
  if ((*stmt)->Step() != SQLITE_ROW) return SqlError(conn_.db(), "read a table definition");
  return (*stmt)->ColInt(0) == 1;
}

// The procedure of https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
// Changes", for changes that leave the stored content as it is: new definition texts in
// sqlite_master (sqlite_schema's older name, known to every SQLite 3), then a new schema cookie, so
// that every connection (other processes' included) reloads the schema before its next statement.
Status SqliteLedger::EditTableDefinitions() {
  auto cookie = conn_.PragmaInt("PRAGMA schema_version");
  if (!cookie.ok()) return cookie.status();
  if (Status s = conn_.Exec("PRAGMA writable_schema = ON"); !s.ok()) return s;
  for (auto [table, sql] : {std::pair{"events", kEventsTableV3}, {"verdicts", kVerdictsTableV3}}) {
    std::optional<Stmt> holder;
    auto stmt = Get(kSetTableDefinition, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Text(1, table).Text(2, sql);
    if ((*stmt)->Step() != SQLITE_DONE || sqlite3_changes(conn_.db()) != 1) {
      return SqlError(conn_.db(), "edit a table definition");
    }
  }
  // Without AUTOINCREMENT the row is never read again; version 1 made the table, which stays.
  if (Status s = conn_.Exec("DELETE FROM sqlite_sequence WHERE name = 'events'"); !s.ok()) {
    return s;
  }
  std::string bump = fmt::format("PRAGMA schema_version = {}", *cookie + 1);
  return conn_.Exec(bump.c_str());
}

template <typename Body>
Result<std::uint64_t> SqliteLedger::Atomically(Body body) {
  // Prepared once: these run for every recorded fact.
  auto run = [this](const char* sql) -> Status {
    std::optional<Stmt> holder;
    auto stmt = Get(sql, &holder);
    if (!stmt.ok()) return stmt.status();
    if ((*stmt)->Step() != SQLITE_DONE) return SqlError(conn_.db(), sql);
    return Status::Ok();
  };
  if (Status s = run(kSavepoint); !s.ok()) return s;
  // The body may append its event and then fail; the rollback takes the event back, so the
  // last sequence number must go back with it, or a later verdict's after_seq would name a
  // number that the next fact reuses.
  const std::uint64_t last_seq = last_seq_;
  Result<std::uint64_t> result = body();
  if (result.ok()) {
    if (Status s = run(kRelease); !s.ok()) return s;
  } else {
    (void)run(kRollbackTo);
    (void)run(kRelease);
    last_seq_ = last_seq;
  }
  return result;
}

template <typename T, typename Body>
Result<T> SqliteLedger::InSnapshot(Body body) {
  if (in_transaction_) return body();
  if (Status s = conn_.Exec("BEGIN"); !s.ok()) return s;
  Result<T> result = body();
  (void)conn_.Exec("COMMIT");
  return result;
}

Result<std::optional<StoredArtifact>> SqliteLedger::ArtifactOf(Kind kind, std::string_view id) {
  const char* sql = nullptr;
  switch (kind) {
    case Kind::kAttachment:
      sql = kArtifactOfAttachment;
      break;
    case Kind::kDetachment:
      sql = kArtifactOfDetachment;
      break;
    case Kind::kRecovery:
      sql = kArtifactOfRecovery;
      break;
    case Kind::kParticipantBind:
      return std::optional<StoredArtifact>();
  }
  return FindOne<StoredArtifact>(sql, id, ReadStoredArtifact);
}

Result<std::optional<ClientInstanceState>> SqliteLedger::ClientState(
    std::string_view client_instance) {
  std::optional<Stmt> holder;
  auto stmt = Get(kLatestFact, &holder);
  if (!stmt.ok()) return stmt.status();
  Stmt& s = **stmt;
  s.Text(1, client_instance);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<ClientInstanceState>();
  if (rc != SQLITE_ROW) return SqlError(conn_.db(), "read client instance");
  ClientInstanceState state;
  state.client_instance = std::string(client_instance);
  state.last_seq = static_cast<std::uint64_t>(s.ColInt(0));
  state.state = s.ColText(1);
  std::string id = s.ColText(2), ref = s.ColText(3), detail = s.ColText(4);
  state.participant = s.ColText(5);
  state.since = s.ColTime(6);
  if (state.state == "attached") {
    state.attachment_id = id;
  } else if (state.state == "detached") {
    state.detachment_id = id;
    state.attachment_id = ref;
    state.reason = detail;
  } else if (state.state == "recovered") {
    state.recovery_id = id;
    state.detachment_id = ref;
  }
  if (state.attachment_id.empty()) {
    auto latest = FindOne<std::string>(kLatestAttachment, client_instance,
                                       [](const Stmt& row) { return row.ColText(0); });
    if (!latest.ok()) return latest.status();
    if (*latest) state.attachment_id = **latest;
  }
  return std::optional<ClientInstanceState>(std::move(state));
}

Result<std::vector<Event>> SqliteLedger::ClientInstanceHistory(std::string_view client_instance) {
  return InSnapshot<std::vector<Event>>([&]() -> Result<std::vector<Event>> {
    std::optional<Stmt> holder;
    auto stmt = Get(kClientHistory, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Text(1, client_instance);
    std::vector<Event> events;
    int rc;
    while ((rc = (*stmt)->Step()) == SQLITE_ROW) events.push_back(ReadEvent(**stmt));
    if (rc != SQLITE_DONE) return SqlError(conn_.db(), "read history");
    return events;
  });
}

Result<std::vector<ClientInstanceState>> SqliteLedger::ParticipantClientInstances(
    std::string_view participant) {
  return InSnapshot<std::vector<ClientInstanceState>>(
      [&]() -> Result<std::vector<ClientInstanceState>> {
        std::vector<std::string> clients;
        {
          std::optional<Stmt> holder;
          auto stmt = Get(kParticipantClients, &holder);
          if (!stmt.ok()) return stmt.status();
          (*stmt)->Text(1, participant);
          int rc;
          while ((rc = (*stmt)->Step()) == SQLITE_ROW) clients.push_back((*stmt)->ColText(0));
          if (rc != SQLITE_DONE) return SqlError(conn_.db(), "read participant");
        }
        std::vector<ClientInstanceState> states;
        for (const auto& client : clients) {
          auto state = ClientState(client);
          if (!state.ok()) return state.status();
          if (*state) states.push_back(std::move(**state));
        }
        return states;
      });
}

Result<std::vector<Event>> SqliteLedger::EventsAfter(std::uint64_t after, std::size_t limit) {
  return InSnapshot<std::vector<Event>>([&]() -> Result<std::vector<Event>> {
    std::optional<Stmt> holder;
    auto stmt = Get(kEventsAfter, &holder);
    if (!stmt.ok()) return stmt.status();
    // Sequence numbers are signed 64-bit: a position past the largest is past every event (cast
    // as it is, it would wrap negative and name the whole log), and LIMIT must stay positive.
    constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
    (*stmt)
        ->Int(1, static_cast<std::int64_t>(std::min<std::uint64_t>(after, kMax)))
        .Int(2, static_cast<std::int64_t>(std::min<std::uint64_t>(limit, kMax)));
    std::vector<Event> events;
    int rc;
    while ((rc = (*stmt)->Step()) == SQLITE_ROW) events.push_back(ReadEvent(**stmt));
    if (rc != SQLITE_DONE) return SqlError(conn_.db(), "read events");
    return events;
  });
}

Result<std::vector<AttachmentRecord>> SqliteLedger::LiveAttachmentsAttachedBefore(
    Timestamp cutoff, std::size_t limit) {
  return InSnapshot<std::vector<AttachmentRecord>>([&]() -> Result<std::vector<AttachmentRecord>> {
    std::optional<Stmt> holder;
    auto stmt = Get(kLiveAttachedBefore, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->Int(1, cutoff.unix_seconds)
        .Int(2, cutoff.nanos)
        .Int(3, static_cast<std::int64_t>(limit));
    std::vector<AttachmentRecord> records;
    int rc;
    while ((rc = (*stmt)->Step()) == SQLITE_ROW) records.push_back(ReadAttachment(**stmt));
    if (rc != SQLITE_DONE) return SqlError(conn_.db(), "read live attachments");
    return records;
  });
}

Result<std::vector<VerdictEntry>> SqliteLedger::VerdictHistory(Kind kind, std::string_view id) {
  return InSnapshot<std::vector<VerdictEntry>>([&]() -> Result<std::vector<VerdictEntry>> {
    std::vector<VerdictEntry> entries;
    std::vector<std::uint64_t> positions;  // after_seq of each entry
    {
      std::optional<Stmt> holder;
      auto stmt = Get(kVerdictHistory, &holder);
      if (!stmt.ok()) return stmt.status();
      Stmt& s = **stmt;
      s.Text(1, KindName(kind)).Text(2, id);
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        VerdictEntry e;
        e.kind = KindFromName(s.ColText(0)).value_or(kind);
        e.artifact_id = s.ColText(1);
        e.verdict = s.ColText(2) == "duplicate" ? Verdict::kDuplicate : Verdict::kRejected;
        e.code = CodeFromName(s.ColText(3)).value_or(Code::kInternal);
        e.message = s.ColText(4);
        e.digest = s.ColText(5);
        e.rights = s.ColText(6);
        e.decided_at = s.ColTime(7);
        e.fact_seq = static_cast<std::uint64_t>(s.ColInt(9));
        positions.push_back(static_cast<std::uint64_t>(s.ColInt(10)));
        entries.push_back(std::move(e));
      }
      if (rc != SQLITE_DONE) return SqlError(conn_.db(), "read verdicts");
    }
    // The admission itself, placed before every decision taken after its event.
    auto held = ArtifactOf(kind, id);
    if (!held.ok()) return held.status();
    if (*held) {
      std::uint64_t seq = (*held)->seq;
      std::optional<Stmt> holder;
      auto stmt = Get(kAdmissionOf, &holder);
      if (!stmt.ok()) return stmt.status();
      (*stmt)->Int(1, static_cast<std::int64_t>(seq));
      if ((*stmt)->Step() == SQLITE_ROW) {
        VerdictEntry e;
        e.kind = kind;
        e.artifact_id = std::string(id);
        e.verdict = Verdict::kAdmitted;
        e.rights = (*stmt)->ColText(0);
        e.decided_at = (*stmt)->ColTime(1);
        e.fact_seq = seq;
        std::size_t at = 0;
        while (at < positions.size() && positions[at] < seq) ++at;
        entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(at), std::move(e));
      }
    }
    return entries;
  });
}

Result<std::uint64_t> SqliteLedger::InsertEvent(EventType type, Kind kind, std::string_view id,
                                                std::string_view ref_id, std::string_view detail,
                                                std::string_view client_instance,
                                                std::string_view related_client_instance,
                                                std::string_view participant, Timestamp at,
                                                Timestamp recorded_at, std::string_view json) {
  std::optional<Stmt> holder;
  auto stmt = Get(kInsertEvent, &holder);
  if (!stmt.ok()) return stmt.status();
  (*stmt)
      ->Text(1, EventTypeName(type))
      .Text(2, KindName(kind))
      .Text(3, id)
      .Text(4, ref_id)
      .Text(5, detail)
      .Text(6, client_instance)
      .Text(7, related_client_instance)
      .Text(8, participant)
      .Int(9, at.unix_seconds)
      .Int(10, at.nanos)
      .Int(11, recorded_at.unix_seconds)
      .Int(12, recorded_at.nanos)
      .Text(13, json);
  if ((*stmt)->Step() != SQLITE_DONE) return SqlError(conn_.db(), "append event");
  last_seq_ = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(conn_.db()));
  return last_seq_;
}

// --- SqliteTransaction -----------------------------------------------------------------------

SqliteTransaction::~SqliteTransaction() {
  if (!done_) {
    (void)ledger_->conn().Exec("ROLLBACK");
    ledger_->EndTransaction();
  }
}

Result<std::optional<AttachmentRecord>> SqliteTransaction::FindAttachment(std::string_view id) {
  return ledger_->FindOne<AttachmentRecord>(kFindAttachment, id, ReadAttachment);
}
Result<std::optional<AttachmentRecord>> SqliteTransaction::FindLiveAttachment(
    std::string_view client_instance) {
  return ledger_->FindOne<AttachmentRecord>(kFindLiveAttachment, client_instance, ReadAttachment);
}
Result<std::optional<DetachmentRecord>> SqliteTransaction::FindDetachment(std::string_view id) {
  return ledger_->FindOne<DetachmentRecord>(kFindDetachment, id, ReadDetachment);
}
Result<std::optional<DetachmentRecord>> SqliteTransaction::FindDetachmentOfAttachment(
    std::string_view attachment_id) {
  return ledger_->FindOne<DetachmentRecord>(kFindDetachmentOfAttachment, attachment_id,
                                            ReadDetachment);
}
Result<std::optional<std::string>> SqliteTransaction::FindEvictedDetachment(std::string_view id) {
  // A ledger kept at an older version on purpose (LedgerOptions::schema_version) has no record
  // of evicted ids; one already at version 4 has them even when opened asking for less.
  if (ledger_->schema_version() < 4) return std::optional<std::string>();
  return ledger_->FindOne<std::string>(kFindEvictedDetachment, id,
                                       [](const Stmt& s) { return s.ColText(0); });
}
Result<std::optional<RecoveryRecord>> SqliteTransaction::FindRecovery(std::string_view id) {
  return ledger_->FindOne<RecoveryRecord>(kFindRecovery, id, ReadRecovery);
}
Result<std::optional<RecoveryRecord>> SqliteTransaction::FindRecoveryOfDetachment(
    std::string_view detachment_id) {
  return ledger_->FindOne<RecoveryRecord>(kFindRecoveryOfDetachment, detachment_id, ReadRecovery);
}
Result<std::optional<StoredArtifact>> SqliteTransaction::GetArtifact(Kind kind,
                                                                     std::string_view id) {
  return ledger_->ArtifactOf(kind, id);
}

Result<std::optional<StoredArtifact>> SqliteTransaction::GetEvictedDetachment(
    std::string_view id, std::string_view attachment_id) {
  std::optional<Stmt> holder;
  auto stmt = ledger_->Get(kEvictedDetachmentAdmission, &holder);
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Text(1, id).Text(2, attachment_id);
  int rc = (*stmt)->Step();
  if (rc == SQLITE_ROW) {
    return std::optional<StoredArtifact>(ReadStoredArtifact(**stmt));
  }
  if (rc == SQLITE_DONE) return std::optional<StoredArtifact>();
  return SqlError(ledger_->conn().db(), "read an evicted detachment's admission");
}

Result<std::uint64_t> SqliteTransaction::RecordAttachment(const AttachmentRecord& r,
                                                          std::string_view json,
                                                          Timestamp recorded_at) {
  return ledger_->Atomically([&]() -> Result<std::uint64_t> {
    auto seq = ledger_->InsertEvent(EventType::kAttached, Kind::kAttachment, r.id, "", "",
                                    r.client_instance, "", r.participant, r.attached_at,
                                    recorded_at, json);
    if (!seq.ok()) return seq;
    std::optional<Stmt> holder;
    auto stmt = ledger_->Get(kInsertAttachment, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->Text(1, r.id)
        .Text(2, r.client_instance)
        .Text(3, r.participant)
        .Text(4, r.bind_id)
        .Int(5, r.attached_at.unix_seconds)
        .Int(6, r.attached_at.nanos)
        .Int(7, r.bound_at.unix_seconds)
        .Int(8, r.bound_at.nanos)
        .Blob(9, r.digest)
        .Int(10, static_cast<std::int64_t>(*seq));
    int rc = (*stmt)->Step();
    if (rc == SQLITE_DONE) return seq;
    sqlite3* db = (*stmt)->db();
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      return Status(ConstraintCode(db), fmt::format("attachment {}: {}", r.id, sqlite3_errmsg(db)));
    }
    return SqlError(db, "record attachment");
  });
}

Result<std::uint64_t> SqliteTransaction::RecordDetachment(const DetachmentRecord& r,
                                                          std::string_view json,
                                                          Timestamp recorded_at) {
  return ledger_->Atomically([&]() -> Result<std::uint64_t> {
    auto seq = ledger_->InsertEvent(EventType::kDetached, Kind::kDetachment, r.id, r.attachment_id,
                                    r.reason, r.client_instance, "", r.participant, r.detached_at,
                                    recorded_at, json);
    if (!seq.ok()) return seq;
    sqlite3* db = ledger_->conn().db();
    {
      std::optional<Stmt> holder;
      auto stmt = ledger_->Get(kInsertDetachment, &holder);
      if (!stmt.ok()) return stmt.status();
      (*stmt)
          ->Text(1, r.id)
          .Text(2, r.attachment_id)
          .Text(3, r.client_instance)
          .Text(4, r.participant)
          .Text(5, r.reason)
          .Int(6, r.detached_at.unix_seconds)
          .Int(7, r.detached_at.nanos)
          .Blob(8, r.digest)
          .Int(9, static_cast<std::int64_t>(*seq));
      int rc = (*stmt)->Step();
      if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        return Status(ConstraintCode(db),
                      fmt::format("detachment {}: {}", r.id, sqlite3_errmsg(db)));
      }
      if (rc != SQLITE_DONE) return SqlError(db, "record detachment");
    }
    std::optional<Stmt> holder;
    auto stmt = ledger_->Get(kMarkDetached, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Text(1, r.attachment_id).Text(2, r.id);
    int rc = (*stmt)->Step();
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      return Status(ConstraintCode(db), fmt::format("detachment {}: {}", r.id, sqlite3_errmsg(db)));
    }
    if (rc != SQLITE_DONE) return SqlError(db, "mark attachment detached");
    if (sqlite3_changes(db) != 1) {
      return Status(Code::kUnknownAttachment,
                    fmt::format("detachment {}: attachment {} is not held or already detached",
                                r.id, r.attachment_id));
    }
    return seq;
  });
}

Result<std::uint64_t> SqliteTransaction::RecordRecovery(const RecoveryRecord& r,
                                                        std::string_view json,
                                                        Timestamp recorded_at) {
  return ledger_->Atomically([&]() -> Result<std::uint64_t> {
    auto seq = ledger_->InsertEvent(
        EventType::kRecovered, Kind::kRecovery, r.id, r.detachment_id, r.mode, r.client_instance,
        r.from_client_instance == r.client_instance ? std::string_view()
                                                    : std::string_view(r.from_client_instance),
        r.participant, r.recovered_at, recorded_at, json);
    if (!seq.ok()) return seq;
    sqlite3* db = ledger_->conn().db();
    {
      std::optional<Stmt> holder;
      auto stmt = ledger_->Get(kInsertRecovery, &holder);
      if (!stmt.ok()) return stmt.status();
      (*stmt)
          ->Text(1, r.id)
          .Text(2, r.detachment_id)
          .Text(3, r.client_instance)
          .Text(4, r.from_client_instance)
          .Text(5, r.participant)
          .Text(6, r.mode)
          .Int(7, r.recovered_at.unix_seconds)
          .Int(8, r.recovered_at.nanos)
          .Blob(9, r.digest)
          .Int(10, static_cast<std::int64_t>(*seq));
      int rc = (*stmt)->Step();
      if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        return Status(ConstraintCode(db), fmt::format("recovery {}: {}", r.id, sqlite3_errmsg(db)));
      }
      if (rc != SQLITE_DONE) return SqlError(db, "record recovery");
    }
    std::optional<Stmt> holder;
    auto stmt = ledger_->Get(kMarkRecovered, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Text(1, r.detachment_id).Text(2, r.id);
    int rc = (*stmt)->Step();
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      return Status(ConstraintCode(db), fmt::format("recovery {}: {}", r.id, sqlite3_errmsg(db)));
    }
    if (rc != SQLITE_DONE) return SqlError(db, "mark detachment recovered");
    if (sqlite3_changes(db) != 1) {
      return Status(Code::kUnknownDetachment,
                    fmt::format("recovery {}: detachment {} is not held or already recovered", r.id,
                                r.detachment_id));
    }
    return seq;
  });
}

Status SqliteTransaction::RecordVerdict(const VerdictEntry& e) {
  std::optional<Stmt> holder;
  if (e.verdict == Verdict::kAdmitted) {
    // Keyed by its event: an append to a rowid table, no secondary index.
    auto stmt = ledger_->Get(kInsertAdmission, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->Int(1, static_cast<std::int64_t>(e.fact_seq))
        .Text(2, e.rights)
        .Int(3, e.decided_at.unix_seconds)
        .Int(4, e.decided_at.nanos);
  } else {
    auto stmt = ledger_->Get(kInsertVerdict, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->Text(1, KindName(e.kind))
        .Text(2, e.artifact_id)
        .Text(3, VerdictName(e.verdict))
        .Text(4, CodeName(e.code))
        .Text(5, e.message)
        .Blob(6, e.digest)
        .Text(7, e.rights)
        .Int(8, e.decided_at.unix_seconds)
        .Int(9, e.decided_at.nanos)
        .Int(10, static_cast<std::int64_t>(e.fact_seq))
        .Int(11, static_cast<std::int64_t>(ledger_->last_seq()));
  }
  if (holder->Step() != SQLITE_DONE) return SqlError(ledger_->conn().db(), "record verdict");
  return Status::Ok();
}

Result<std::vector<std::string>> SqliteTransaction::ApplyRetention(const RetentionPolicy& policy,
                                                                   Timestamp now) {
  struct Victim {
    std::string id, attachment_id, client_instance, participant;
  };
  std::vector<Victim> victims;
  auto collect = [&](Stmt& s) -> Status {
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      victims.push_back({s.ColText(0), s.ColText(1), s.ColText(2), s.ColText(3)});
    }
    if (rc != SQLITE_DONE) return SqlError(s.db(), "read detachments for retention");
    return Status::Ok();
  };
  if (policy.max_age_seconds) {
    Timestamp cutoff = now.PlusSeconds(-*policy.max_age_seconds);
    std::optional<Stmt> holder;
    auto stmt = ledger_->Get(kDetachmentsBefore, &holder);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Int(1, cutoff.unix_seconds).Int(2, cutoff.nanos);
    if (Status s = collect(**stmt); !s.ok()) return s;
  }
  if (policy.max_count) {
    std::int64_t count = 0;
    {
      std::optional<Stmt> holder;
      auto stmt = ledger_->Get(kDetachmentCount, &holder);
      if (!stmt.ok()) return stmt.status();
      if ((*stmt)->Step() != SQLITE_ROW) return SqlError((*stmt)->db(), "count detachments");
      count = (*stmt)->ColInt(0) - static_cast<std::int64_t>(victims.size());
    }
    auto max = static_cast<std::int64_t>(*policy.max_count);
    if (count > max) {
      // The oldest held detachments, past those the age rule already chose (which are the
      // oldest of all, in the same order).
      std::optional<Stmt> holder;
      auto stmt = ledger_->Get(kOldestDetachments, &holder);
      if (!stmt.ok()) return stmt.status();
      (*stmt)->Int(1, static_cast<std::int64_t>(victims.size()) + count - max);
      victims.clear();
      if (Status s = collect(**stmt); !s.ok()) return s;
    }
  }
  std::vector<std::string> evicted;
  for (const auto& v : victims) {
    auto seq = ledger_->Atomically([&]() -> Result<std::uint64_t> {
      auto seq =
          ledger_->InsertEvent(EventType::kEvicted, Kind::kDetachment, v.id, v.attachment_id,
                               "retention", v.client_instance, "", v.participant, now, now, "");
      if (!seq.ok()) return seq;
      std::optional<Stmt> holder;
      auto stmt = ledger_->Get(kDeleteDetachment, &holder);
      if (!stmt.ok()) return stmt.status();
      (*stmt)->Text(1, v.id);
      if ((*stmt)->Step() != SQLITE_DONE) return SqlError((*stmt)->db(), "evict detachment");
      return seq;
    });
    if (!seq.ok()) return seq.status();
    evicted.push_back(v.id);
  }
  return evicted;
}

Status SqliteTransaction::Commit() {
  if (done_) return Status(Code::kInternal, "transaction already finished");
  Status s = ledger_->conn().Exec("COMMIT");
  done_ = true;
  if (!s.ok()) (void)ledger_->conn().Exec("ROLLBACK");
  ledger_->EndTransaction();
  return s;
}

}  // namespace

Result<std::unique_ptr<Ledger>> OpenSqliteLedger(const std::string& path,
                                                 const LedgerOptions& options) {
  auto ledger = std::make_unique<SqliteLedger>();
  if (Status s = ledger->Open(path, options); !s.ok()) return s;
  return std::unique_ptr<Ledger>(std::move(ledger));
}

}  // namespace podgate::store

namespace podgate {

bool TuneSqliteForThisProcess() {
  // SQLITE_MISUSE once SQLite is initialised: then nothing changes.
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

}  // namespace podgate
