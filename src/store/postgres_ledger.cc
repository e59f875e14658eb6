#include "store/postgres_ledger.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <limits>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "json/writer.h"
#include "store/libpq.h"
#include "util/thread_name.h"

namespace podgate::store {
namespace {

// Keys of the session advisory lock that serialises migrations: 'pdgt', and the schema.
constexpr int kLockKey = 0x70646774;

// The NOTIFY channel of committed facts; the payload is the ledger's schema.
constexpr const char* kChannel = "podgate_events";

// --- schema ---------------------------------------------------------------------------------

// Version 1: the head row (sequence numbers and the writers' lock), the log, the three record
// tables, the verdict history, the triggers that keep records and events as admitted, and the
// functions that record one fact each in a single round trip. A record function runs in a
// subtransaction (its EXCEPTION block): when a constraint refuses the fact, nothing of it
// remains, the enclosing transaction goes on, and the function names the constraint.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE podgate_head(
  id integer PRIMARY KEY CHECK (id = 1),
  last_seq bigint NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO podgate_head(id, last_seq) VALUES (1, 0);

CREATE FUNCTION podgate_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER podgate_head_kept BEFORE DELETE OR TRUNCATE ON podgate_head
  FOR EACH STATEMENT EXECUTE FUNCTION podgate_refuse('the ledger head is never removed');

CREATE TABLE events(
  seq bigint PRIMARY KEY CHECK (seq > 0),
  type text NOT NULL CHECK (type IN ('attached', 'detached', 'recovered', 'evicted')),
  kind text NOT NULL,
  artifact_id text NOT NULL,
  ref_id text NOT NULL,
  detail text NOT NULL,
  client_instance text NOT NULL,
  related_client_instance text NOT NULL,
  participant text NOT NULL,
  at_s bigint NOT NULL,
  at_ns integer NOT NULL,
  recorded_s bigint NOT NULL,
  recorded_ns integer NOT NULL,
  json text NOT NULL
);
CREATE INDEX events_client ON events(client_instance, seq);
CREATE INDEX events_related ON events(related_client_instance, seq)
  WHERE related_client_instance <> '';
CREATE INDEX events_participant ON events(participant);
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION podgate_refuse('events are append-only');
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION podgate_refuse('events are append-only');

CREATE TABLE attachments(
  id text PRIMARY KEY,
  client_instance text NOT NULL,
  participant text NOT NULL,
  bind_id text NOT NULL,
  attached_s bigint NOT NULL,
  attached_ns integer NOT NULL,
  bound_s bigint NOT NULL,
  bound_ns integer NOT NULL,
  digest bytea NOT NULL,
  seq bigint NOT NULL UNIQUE REFERENCES events(seq),
  detached_by text CONSTRAINT attachments_detached_by_key UNIQUE
);
CREATE UNIQUE INDEX attachments_one_live ON attachments(client_instance)
  WHERE detached_by IS NULL;
CREATE INDEX attachments_live_age ON attachments(attached_s, attached_ns, seq)
  WHERE detached_by IS NULL;
CREATE FUNCTION attachments_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.detached_by IS NOT NULL OR
     ROW(NEW.id, NEW.client_instance, NEW.participant, NEW.bind_id, NEW.attached_s,
         NEW.attached_ns, NEW.bound_s, NEW.bound_ns, NEW.digest, NEW.seq) IS DISTINCT FROM
     ROW(OLD.id, OLD.client_instance, OLD.participant, OLD.bind_id, OLD.attached_s,
         OLD.attached_ns, OLD.bound_s, OLD.bound_ns, OLD.digest, OLD.seq) THEN
    RAISE EXCEPTION 'an admitted attachment never changes'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER attachments_frozen BEFORE UPDATE ON attachments
  FOR EACH ROW EXECUTE FUNCTION attachments_frozen();
CREATE TRIGGER attachments_kept BEFORE DELETE ON attachments
  FOR EACH ROW EXECUTE FUNCTION podgate_refuse('an admitted attachment is never removed');
CREATE TRIGGER attachments_no_truncate BEFORE TRUNCATE ON attachments
  FOR EACH STATEMENT EXECUTE FUNCTION podgate_refuse('an admitted attachment is never removed');

CREATE TABLE detachments(
  id text PRIMARY KEY,
  attachment_id text NOT NULL CONSTRAINT detachments_attachment_id_key UNIQUE,
  client_instance text NOT NULL,
  participant text NOT NULL,
  reason text NOT NULL,
  detached_s bigint NOT NULL,
  detached_ns integer NOT NULL,
  digest bytea NOT NULL,
  seq bigint NOT NULL UNIQUE REFERENCES events(seq),
  recovered_by text CONSTRAINT detachments_recovered_by_key UNIQUE
);
CREATE INDEX detachments_age ON detachments(detached_s, detached_ns, seq);
CREATE FUNCTION detachments_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.recovered_by IS NOT NULL OR
     ROW(NEW.id, NEW.attachment_id, NEW.client_instance, NEW.participant, NEW.reason,
         NEW.detached_s, NEW.detached_ns, NEW.digest, NEW.seq) IS DISTINCT FROM
     ROW(OLD.id, OLD.attachment_id, OLD.client_instance, OLD.participant, OLD.reason,
         OLD.detached_s, OLD.detached_ns, OLD.digest, OLD.seq) THEN
    RAISE EXCEPTION 'an admitted detachment never changes'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER detachments_frozen BEFORE UPDATE ON detachments
  FOR EACH ROW EXECUTE FUNCTION detachments_frozen();

CREATE TABLE recoveries(
  id text PRIMARY KEY,
  detachment_id text NOT NULL CONSTRAINT recoveries_detachment_id_key UNIQUE,
  client_instance text NOT NULL,
  from_client_instance text NOT NULL,
  participant text NOT NULL,
  mode text NOT NULL,
  recovered_s bigint NOT NULL,
  recovered_ns integer NOT NULL,
  digest bytea NOT NULL,
  seq bigint NOT NULL UNIQUE REFERENCES events(seq)
);
CREATE TRIGGER recoveries_frozen BEFORE UPDATE OR DELETE ON recoveries
  FOR EACH ROW EXECUTE FUNCTION podgate_refuse('an admitted recovery never changes');
CREATE TRIGGER recoveries_no_truncate BEFORE TRUNCATE ON recoveries
  FOR EACH STATEMENT EXECUTE FUNCTION podgate_refuse('an admitted recovery never changes');

CREATE TABLE verdicts(
  n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  artifact_id text NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('admitted', 'duplicate', 'rejected')),
  code text NOT NULL,
  message text NOT NULL,
  digest bytea NOT NULL,
  rights text NOT NULL,
  decided_s bigint NOT NULL,
  decided_ns integer NOT NULL,
  fact_seq bigint NOT NULL
);
CREATE INDEX verdicts_artifact ON verdicts(kind, artifact_id, n);

-- The record functions take the fact's sequence number from the writer, which holds the head
-- row's lock (Begin) and knows the last number; podgate_finish writes the head row once per
-- transaction. (Updating one row once per fact would make a batch quadratic: each update of a
-- row in one transaction walks the row's version chain.) Each returns NULL when the fact is
-- recorded, else the name of the constraint that refused it (or unknown-...).
CREATE FUNCTION podgate_record_attachment(
    p_seq bigint, p_kind text, p_id text, p_client text, p_participant text, p_bind text,
    p_at_s bigint, p_at_ns integer, p_bound_s bigint, p_bound_ns integer, p_digest bytea,
    p_json text, p_recorded_s bigint, p_recorded_ns integer, OUT o_refused text)
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events VALUES (p_seq, 'attached', p_kind, p_id, '', '', p_client, '',
                             p_participant, p_at_s, p_at_ns, p_recorded_s, p_recorded_ns, p_json);
  INSERT INTO attachments(id, client_instance, participant, bind_id, attached_s, attached_ns,
                          bound_s, bound_ns, digest, seq)
    VALUES (p_id, p_client, p_participant, p_bind, p_at_s, p_at_ns, p_bound_s, p_bound_ns,
            p_digest, p_seq);
EXCEPTION WHEN unique_violation THEN
  GET STACKED DIAGNOSTICS o_refused = CONSTRAINT_NAME;
END $$;

CREATE FUNCTION podgate_record_detachment(
    p_seq bigint, p_kind text, p_id text, p_attachment text, p_client text, p_participant text,
    p_reason text, p_at_s bigint, p_at_ns integer, p_digest bytea,
    p_json text, p_recorded_s bigint, p_recorded_ns integer, OUT o_refused text)
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events VALUES (p_seq, 'detached', p_kind, p_id, p_attachment, p_reason, p_client,
                             '', p_participant, p_at_s, p_at_ns, p_recorded_s, p_recorded_ns,
                             p_json);
  INSERT INTO detachments(id, attachment_id, client_instance, participant, reason, detached_s,
                          detached_ns, digest, seq)
    VALUES (p_id, p_attachment, p_client, p_participant, p_reason, p_at_s, p_at_ns, p_digest,
            p_seq);
  UPDATE attachments SET detached_by = p_id WHERE id = p_attachment AND detached_by IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'attachment not held or already detached' USING ERRCODE = 'no_data_found';
  END IF;
EXCEPTION
  WHEN unique_violation THEN
    GET STACKED DIAGNOSTICS o_refused = CONSTRAINT_NAME;
  WHEN no_data_found THEN
    o_refused := 'unknown-attachment';
END $$;

CREATE FUNCTION podgate_record_recovery(
    p_seq bigint, p_kind text, p_id text, p_detachment text, p_client text,
    p_related_client text, p_from_client text, p_participant text, p_mode text, p_at_s bigint,
    p_at_ns integer, p_digest bytea, p_json text, p_recorded_s bigint, p_recorded_ns integer,
    OUT o_refused text)
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events VALUES (p_seq, 'recovered', p_kind, p_id, p_detachment, p_mode, p_client,
                             p_related_client, p_participant, p_at_s, p_at_ns, p_recorded_s,
                             p_recorded_ns, p_json);
  INSERT INTO recoveries(id, detachment_id, client_instance, from_client_instance, participant,
                         mode, recovered_s, recovered_ns, digest, seq)
    VALUES (p_id, p_detachment, p_client, p_from_client, p_participant, p_mode, p_at_s, p_at_ns,
            p_digest, p_seq);
  UPDATE detachments SET recovered_by = p_id WHERE id = p_detachment AND recovered_by IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'detachment not held or already recovered' USING ERRCODE = 'no_data_found';
  END IF;
EXCEPTION
  WHEN unique_violation THEN
    GET STACKED DIAGNOSTICS o_refused = CONSTRAINT_NAME;
  WHEN no_data_found THEN
    o_refused := 'unknown-detachment';
END $$;

-- Refuses to commit a log with a gap: the events after the head's last number must be exactly
-- old+1 .. p_last_seq.
CREATE FUNCTION podgate_check_log(p_old bigint, p_last_seq bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF p_last_seq < p_old OR
     (SELECT count(*) FROM events WHERE seq > p_old) <> p_last_seq - p_old OR
     (SELECT coalesce(max(seq), 0) FROM events) <> p_last_seq THEN
    RAISE EXCEPTION 'the event log would not be numbered % .. % without gaps', p_old + 1,
      p_last_seq USING ERRCODE = 'integrity_constraint_violation';
  END IF;
END $$;

-- The verdicts of the transaction, as a JSON array, inserted in order.
CREATE FUNCTION podgate_insert_verdicts(p_verdicts json) RETURNS void LANGUAGE sql AS $$
  INSERT INTO verdicts(kind, artifact_id, verdict, code, message, digest, rights, decided_s,
                       decided_ns, fact_seq)
  SELECT v->>'kind', v->>'id', v->>'verdict', v->>'code', v->>'message',
         decode(v->>'digest', 'hex'), v->>'rights', (v->>'s')::bigint, (v->>'ns')::integer,
         (v->>'fact')::bigint
  FROM json_array_elements(p_verdicts) WITH ORDINALITY AS e(v, i) ORDER BY i
$$;

-- The end of a write transaction: its verdicts, the head row (once), and the notification of
-- new facts (delivered at commit).
CREATE FUNCTION podgate_finish(p_last_seq bigint, p_verdicts json) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  old bigint;
BEGIN
  SELECT last_seq INTO old FROM podgate_head WHERE id = 1;
  PERFORM podgate_check_log(old, p_last_seq);
  PERFORM podgate_insert_verdicts(p_verdicts);
  IF p_last_seq > old THEN
    UPDATE podgate_head SET last_seq = p_last_seq WHERE id = 1;
    PERFORM pg_notify('podgate_events', current_schema());
  END IF;
END $$;
)sql";

// Version 2: the count of held detachments in the head row (kept by the writer like the last
// sequence number), so that the max-count retention rule does not scan the table on every
// admission, and retention in one round trip.
constexpr const char* kMigration2 = R"sql(
ALTER TABLE podgate_head ADD COLUMN detachments bigint NOT NULL DEFAULT 0;
UPDATE podgate_head SET detachments = (SELECT count(*) FROM detachments);
DROP FUNCTION podgate_finish(bigint, json);
CREATE FUNCTION podgate_finish(p_last_seq bigint, p_detachments bigint, p_verdicts json)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  old bigint;
  held bigint;
BEGIN
  SELECT last_seq, detachments INTO old, held FROM podgate_head WHERE id = 1;
  PERFORM podgate_check_log(old, p_last_seq);
  PERFORM podgate_insert_verdicts(p_verdicts);
  IF p_last_seq > old OR p_detachments <> held THEN
    UPDATE podgate_head SET last_seq = p_last_seq, detachments = p_detachments WHERE id = 1;
  END IF;
  IF p_last_seq > old THEN
    PERFORM pg_notify('podgate_events', current_schema());
  END IF;
END $$;

-- Evicts what the policy no longer allows (NULL: no such bound) out of p_held detachments, and
-- returns the evicted ids, oldest detached-at first (ties by sequence number), recording an
-- event for each, numbered from p_first_seq.
CREATE FUNCTION podgate_apply_retention(
    p_first_seq bigint, p_held bigint, p_kind text, p_cutoff_s bigint, p_cutoff_ns bigint,
    p_max_count bigint, p_now_s bigint, p_now_ns integer)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  victims bigint := 0;
  v record;
  s bigint := p_first_seq;
BEGIN
  IF p_cutoff_s IS NOT NULL THEN
    SELECT count(*) INTO victims FROM detachments
      WHERE detached_s < p_cutoff_s OR (detached_s = p_cutoff_s AND detached_ns < p_cutoff_ns);
  END IF;
  IF p_max_count IS NOT NULL THEN
    victims := greatest(victims, p_held - p_max_count);
  END IF;
  IF victims <= 0 THEN
    RETURN;
  END IF;
  FOR v IN SELECT id, attachment_id, client_instance, participant FROM detachments
           ORDER BY detached_s, detached_ns, seq LIMIT victims LOOP
    INSERT INTO events VALUES (s, 'evicted', p_kind, v.id, v.attachment_id, 'retention',
                               v.client_instance, '', v.participant, p_now_s, p_now_ns, p_now_s,
                               p_now_ns, '');
    DELETE FROM detachments WHERE id = v.id;
    s := s + 1;
    RETURN NEXT v.id;
  END LOOP;
END $$;
)sql";

// Version 3: retention forgets a detachment, not its id (as SQLite's version 4). Deleting a
// held detachment (only retention does) leaves its id and digest behind, and inserting a
// detachment under an id so left is refused as the unique violation of
// evicted_detachments_pkey, whatever the caller decided: the first admitted record for an id is
// never overwritten, also after eviction (DESIGN.md section 3). Ids evicted before this version
// come from the log's `evicted` events, without their digests (empty: any content under such
// an id conflicts).
constexpr const char* kMigration3 = R"sql(
CREATE TABLE evicted_detachments(
  id text PRIMARY KEY,
  digest bytea NOT NULL  -- empty: evicted before version 3, digest not kept
);
INSERT INTO evicted_detachments(id, digest)
  SELECT artifact_id, ''::bytea FROM events WHERE type = 'evicted' ORDER BY seq
  ON CONFLICT (id) DO NOTHING;
CREATE TRIGGER evicted_detachments_kept BEFORE UPDATE OR DELETE ON evicted_detachments
  FOR EACH ROW EXECUTE FUNCTION podgate_refuse('an evicted detachment keeps its id');
CREATE TRIGGER evicted_detachments_no_truncate BEFORE TRUNCATE ON evicted_detachments
  FOR EACH STATEMENT EXECUTE FUNCTION podgate_refuse('an evicted detachment keeps its id');
CREATE FUNCTION detachments_evicted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO evicted_detachments(id, digest) VALUES (OLD.id, OLD.digest)
    ON CONFLICT (id) DO NOTHING;
  RETURN OLD;
END $$;
CREATE TRIGGER detachments_evicted BEFORE DELETE ON detachments
  FOR EACH ROW EXECUTE FUNCTION detachments_evicted();
CREATE FUNCTION detachments_id_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM evicted_detachments WHERE id = NEW.id) THEN
    RAISE EXCEPTION 'detachment % was evicted; its id stays taken', NEW.id
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'evicted_detachments_pkey';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER detachments_id_kept BEFORE INSERT ON detachments
  FOR EACH ROW EXECUTE FUNCTION detachments_id_kept();
-- TRUNCATE fires no row trigger: it would free the ids without leaving them behind.
CREATE TRIGGER detachments_no_truncate BEFORE TRUNCATE ON detachments
  FOR EACH STATEMENT EXECUTE FUNCTION podgate_refuse('an evicted detachment keeps its id');
)sql";

constexpr std::array<const char*, kPostgresSchemaVersion> kMigrations = {kMigration1, kMigration2,
                                                                         kMigration3};

// --- libpq plumbing -------------------------------------------------------------------------

struct ResultDeleter {
  const LibPq* pq;
  void operator()(PGresult* r) const { pq->PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A named statement, prepared on each connection the first time it is used.
struct Sql {
  const char* name;
  const char* text;
};

// Parameters of one statement, all in text format.
class Params {
 public:
  Params& Text(std::string_view text) {
    values_.emplace_back(text);
    nulls_.push_back(false);
    return *this;
  }
  Params& Int(std::int64_t value) { return Text(std::to_string(value)); }
  Params& Bytes(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex = "\\x";
    hex.reserve(2 + bytes.size() * 2);
    for (unsigned char c : bytes) {
      hex.push_back(kHex[c >> 4]);
      hex.push_back(kHex[c & 15]);
    }
    return Text(hex);
  }
  Params& Null() {
    values_.emplace_back();
    nulls_.push_back(true);
    return *this;
  }

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> Pointers() const {
    std::vector<const char*> out;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      out.push_back(nulls_[i] ? nullptr : values_[i].c_str());
    }
    return out;
  }

 private:
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

// Reading one row of a text-format result.
class Row {
 public:
  Row(const LibPq& pq, const PGresult* result, int row) : pq_(&pq), result_(result), row_(row) {}

  bool Null(int col) const { return pq_->PQgetisnull(result_, row_, col) != 0; }
  std::string Text(int col) const {
    return std::string(pq_->PQgetvalue(result_, row_, col),
                       static_cast<std::size_t>(pq_->PQgetlength(result_, row_, col)));
  }
  std::optional<std::string> OptText(int col) const {
    if (Null(col)) return std::nullopt;
    return Text(col);
  }
  std::int64_t Int(int col) const {
    const char* text = pq_->PQgetvalue(result_, row_, col);
    std::int64_t value = 0;
    std::from_chars(text, text + pq_->PQgetlength(result_, row_, col), value);
    return value;
  }
  Timestamp Time(int col) const {
    return Timestamp{Int(col), static_cast<std::uint32_t>(Int(col + 1))};
  }
  // A bytea column in the hex output format ("\x0a1b...").
  std::string Bytes(int col) const {
    std::string_view hex(pq_->PQgetvalue(result_, row_, col),
                         static_cast<std::size_t>(pq_->PQgetlength(result_, row_, col)));
    if (hex.starts_with("\\x")) hex.remove_prefix(2);
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return 0;
    };
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      bytes.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    }
    return bytes;
  }

 private:
  const LibPq* pq_;
  const PGresult* result_;
  int row_;
};

// `text` with U+0000 shown as U+FFFD (for verdict messages and ids, which are for people).
std::string TextWithoutNul(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') {
      out += "\xef\xbf\xbd";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string TrimMessage(const char* text) {
  std::string message = text ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

// The URL as podgate prints it: user, host, port and database, never the password.
std::string RedactPostgresUrl(const LibPq& pq, std::string_view url);

// A connection to the ledger's database, re-established on demand, with its prepared
// statements. One thread at a time.
class Connection {
 public:
  Connection(std::shared_ptr<const LibPq> pq, std::string url, int timeout_ms)
      : url_(std::move(url)),
        where_(RedactPostgresUrl(*pq, url_)),
        timeout_ms_(timeout_ms),
        pq_(std::move(pq)) {}
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // (Re)connects and applies the session settings.
  Status Connect() {
    Close();
    std::string connect_timeout = std::to_string(std::max(2, timeout_ms_ / 1000));
    // The URL comes last, so what it sets wins over these defaults.
    const char* keys[] = {"connect_timeout", "application_name",    "client_encoding", "keepalives",
                          "keepalives_idle", "keepalives_interval", "dbname",          nullptr};
    const char* values[] = {
        connect_timeout.c_str(), "podgate", "UTF8", "1", "30", "10", url_.c_str(), nullptr};
    conn_ = pq_->PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (conn_ == nullptr || pq_->PQstatus(conn_) != CONNECTION_OK) {
      lost_ = true;
      Status s(Code::kUnavailable, fmt::format("cannot connect to the PostgreSQL ledger {}: {}",
                                               where_, TrimMessage(pq_->PQerrorMessage(conn_))));
      Close();
      return s;
    }
    lost_ = false;
    // Server notices (and a FATAL that arrives between queries) reach the caller as errors of
    // the next statement; libpq would also print them on stderr.
    pq_->PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    std::string_view encoding = pq_->PQparameterStatus(conn_, "server_encoding")
                                    ? pq_->PQparameterStatus(conn_, "server_encoding")
                                    : "";
    if (encoding != "UTF8" && encoding != "SQL_ASCII") {
      Status s(Code::kConfig, fmt::format("the PostgreSQL database {} has encoding {}; the "
                                          "ledger needs UTF8 (createdb -E UTF8)",
                                          where_, encoding));
      Close();
      return s;
    }
    // Timeouts, unless the URL's options set them. A session that stays idle inside a
    // transaction (a frozen gate holding the writers' lock) is ended by the server.
    int idle_ms = std::max(60'000, timeout_ms_ * 6);
    std::string settings = fmt::format(
        "SELECT set_config('statement_timeout', '{0}', false) "
        "WHERE current_setting('statement_timeout') = '0';"
        "SELECT set_config('lock_timeout', '{0}', false) "
        "WHERE current_setting('lock_timeout') = '0';"
        "SELECT set_config('idle_in_transaction_session_timeout', '{1}', false) "
        "WHERE current_setting('idle_in_transaction_session_timeout') = '0'",
        timeout_ms_, idle_ms);
    auto applied = Exec("apply session settings", settings.c_str());
    return applied.ok() ? Status::Ok() : applied.status();
  }

  void Close() {
    if (conn_ != nullptr) pq_->PQfinish(conn_);
    conn_ = nullptr;
    prepared_.clear();
  }

  // Whether the last failure was the connection's (not a statement's).
  bool lost() const { return lost_ || conn_ == nullptr || pq_->PQstatus(conn_) != CONNECTION_OK; }
  bool InTransaction() const {
    return conn_ != nullptr && pq_->PQtransactionStatus(conn_) != PQTRANS_IDLE;
  }
  const std::string& where() const { return where_; }
  PGconn* raw() const { return conn_; }
  const LibPq& pq() const { return *pq_; }

  // Runs `sql` (one or several statements, no parameters); the last statement's result.
  Result<PgResult> Exec(std::string_view what, const char* sql) {
    if (conn_ == nullptr) return Lost(what);
    PgResult result(pq_->PQexec(conn_, sql), ResultDeleter{pq_.get()});
    return Check(what, std::move(result));
  }

  // Runs the prepared statement `sql` with `params`.
  Result<PgResult> Run(std::string_view what, const Sql& sql, const Params& params) {
    if (conn_ == nullptr) return Lost(what);
    if (!prepared_.contains(sql.name)) {
      PgResult prepared(pq_->PQprepare(conn_, sql.name, sql.text, 0, nullptr),
                        ResultDeleter{pq_.get()});
      auto checked = Check(what, std::move(prepared));
      if (!checked.ok()) return checked.status();
      prepared_.insert(sql.name);
    }
    std::vector<const char*> values = params.Pointers();
    PgResult result(pq_->PQexecPrepared(conn_, sql.name, params.size(), values.data(), nullptr,
                                        nullptr, /*resultFormat=*/0),
                    ResultDeleter{pq_.get()});
    return Check(what, std::move(result));
  }

 private:
  Status Lost(std::string_view what) {
    lost_ = true;
    return Status(
        Code::kUnavailable,
        fmt::format("the PostgreSQL ledger {} is unavailable ({}): not connected", where_, what));
  }

  Result<PgResult> Check(std::string_view what, PgResult result) {
    ExecStatusType status = result ? pq_->PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    const char* state = result ? pq_->PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    std::string_view sqlstate = state ? state : "";
    std::string message =
        TrimMessage(result ? pq_->PQresultErrorMessage(result.get()) : pq_->PQerrorMessage(conn_));
    if (message.empty()) message = TrimMessage(pq_->PQerrorMessage(conn_));
    // Connection exceptions (08), the server shutting down or starting (57P01-57P03), and a
    // connection libpq gave up on.
    bool gone = pq_->PQstatus(conn_) != CONNECTION_OK || sqlstate.starts_with("08") ||
                sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
    if (gone) {
      lost_ = true;
      return Status(Code::kUnavailable, fmt::format("the PostgreSQL ledger {} is unavailable "
                                                    "({}): {}",
                                                    where_, what, message));
    }
    // Timeouts (statement, lock), too many connections, resources: try again later.
    bool busy = sqlstate == "57014" || sqlstate == "55P03" || sqlstate.starts_with("53") ||
                sqlstate == "40001" || sqlstate == "40P01";
    return Status(busy ? Code::kUnavailable : Code::kStorage,
                  fmt::format("postgresql: {}: {}{}", what, message,
                              sqlstate.empty() ? "" : fmt::format(" (SQLSTATE {})", sqlstate)));
  }

  std::string url_;
  std::string where_;
  int timeout_ms_;
  PGconn* conn_ = nullptr;
  bool lost_ = true;
  std::unordered_set<std::string_view> prepared_;
  std::shared_ptr<const LibPq> pq_;
};

// --- SQL -----------------------------------------------------------------------------------

constexpr Sql kFindAttachment{
    "find_attachment",
    "SELECT id, client_instance, participant, bind_id, attached_s, attached_ns, bound_s, "
    "bound_ns, digest, seq, detached_by FROM attachments WHERE id = $1"};
constexpr Sql kFindLiveAttachment{
    "find_live_attachment",
    "SELECT id, client_instance, participant, bind_id, attached_s, attached_ns, bound_s, "
    "bound_ns, digest, seq, detached_by FROM attachments "
    "WHERE client_instance = $1 AND detached_by IS NULL"};
constexpr Sql kLiveAttachedBefore{
    "live_attached_before",
    "SELECT id, client_instance, participant, bind_id, attached_s, attached_ns, bound_s, "
    "bound_ns, digest, seq, detached_by FROM attachments WHERE detached_by IS NULL AND "
    "(attached_s < $1 OR (attached_s = $1 AND attached_ns <= $2)) "
    "ORDER BY attached_s, attached_ns, seq LIMIT $3"};
constexpr Sql kFindDetachment{
    "find_detachment",
    "SELECT id, attachment_id, client_instance, participant, reason, detached_s, detached_ns, "
    "digest, seq, recovered_by FROM detachments WHERE id = $1"};
constexpr Sql kFindDetachmentOfAttachment{
    "find_detachment_of_attachment",
    "SELECT id, attachment_id, client_instance, participant, reason, detached_s, detached_ns, "
    "digest, seq, recovered_by FROM detachments WHERE attachment_id = $1"};
constexpr Sql kRestoreTimeouts{"restore_timeouts",
                               "SELECT set_config('statement_timeout', $1, false), "
                               "set_config('lock_timeout', $2, false)"};
constexpr Sql kFindEvictedDetachment{"find_evicted_detachment",
                                     "SELECT digest FROM evicted_detachments WHERE id = $1"};
constexpr Sql kFindRecovery{
    "find_recovery",
    "SELECT id, detachment_id, client_instance, from_client_instance, participant, mode, "
    "recovered_s, recovered_ns, digest, seq FROM recoveries WHERE id = $1"};
constexpr Sql kFindRecoveryOfDetachment{
    "find_recovery_of_detachment",
    "SELECT id, detachment_id, client_instance, from_client_instance, participant, mode, "
    "recovered_s, recovered_ns, digest, seq FROM recoveries WHERE detachment_id = $1"};

constexpr Sql kArtifactOfAttachment{
    "artifact_of_attachment",
    "SELECT e.json, e.seq FROM attachments t JOIN events e ON e.seq = t.seq WHERE t.id = $1"};
constexpr Sql kArtifactOfDetachment{
    "artifact_of_detachment",
    "SELECT e.json, e.seq FROM detachments t JOIN events e ON e.seq = t.seq WHERE t.id = $1"};
// An evicted detachment's admission, found through its attachment (never deleted, and named
// by the detachment's own content): the first matching event of that client instance after
// the attachment's own (events_client from the attachment's position on). A client instance
// has one live attachment at a time, so between the attachment and its detachment the log
// holds no other attachment's events for it, and the read does not grow with the client
// instance's history before or after.
constexpr Sql kEvictedDetachmentAdmission{
    "evicted_detachment_admission",
    "SELECT e.json, e.seq FROM attachments t JOIN events e "
    "ON e.client_instance = t.client_instance AND e.seq > t.seq WHERE t.id = $2 "
    "AND t.detached_by = $1 AND e.type = 'detached' AND e.artifact_id = $1 "
    "AND e.ref_id = $2 ORDER BY e.seq LIMIT 1"};
constexpr Sql kArtifactOfRecovery{
    "artifact_of_recovery",
    "SELECT e.json, e.seq FROM recoveries t JOIN events e ON e.seq = t.seq WHERE t.id = $1"};

constexpr Sql kRecordAttachment{
    "record_attachment",
    "SELECT podgate_record_attachment($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14)"};
constexpr Sql kRecordDetachment{
    "record_detachment",
    "SELECT podgate_record_detachment($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"};
constexpr Sql kRecordRecovery{
    "record_recovery",
    "SELECT podgate_record_recovery($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15)"};
constexpr Sql kApplyRetention{"apply_retention",
                              "SELECT podgate_apply_retention($1, $2, $3, $4, $5, $6, $7, $8)"};
constexpr Sql kVerdictHistory{
    "verdict_history",
    "SELECT kind, artifact_id, verdict, code, message, digest, rights, decided_s, decided_ns, "
    "fact_seq FROM verdicts WHERE kind = $1 AND artifact_id = $2 ORDER BY n"};

#define PODGATE_EVENT_COLUMNS                                                                \
  "seq, type, kind, artifact_id, ref_id, detail, client_instance, related_client_instance, " \
  "participant, at_s, at_ns, recorded_s, recorded_ns, json"

constexpr Sql kEventsAfter{"events_after", "SELECT " PODGATE_EVENT_COLUMNS
                                           " FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"};
constexpr Sql kClientHistory{"client_history", "SELECT " PODGATE_EVENT_COLUMNS
                                               " FROM events WHERE client_instance = $1 UNION "
                                               "SELECT " PODGATE_EVENT_COLUMNS
                                               " FROM events WHERE related_client_instance = $1 "
                                               "AND related_client_instance <> '' ORDER BY seq"};

#undef PODGATE_EVENT_COLUMNS

// A client instance's latest fact (evictions aside) and its latest attachment, in one
// statement (one snapshot).
#define PODGATE_STATE_OF(client)                                                     \
  "SELECT f.seq, f.type, f.artifact_id, f.ref_id, f.detail, f.participant, f.at_s, " \
  "f.at_ns, (SELECT a.artifact_id FROM events a WHERE a.client_instance = " client   \
  " AND a.type = 'attached' ORDER BY a.seq DESC LIMIT 1) AS latest_attachment "      \
  "FROM events f "                                                                   \
  "WHERE f.client_instance = " client " AND f.type <> 'evicted' ORDER BY f.seq DESC LIMIT 1"

constexpr Sql kClientState{"client_state", PODGATE_STATE_OF("$1")};
constexpr Sql kParticipantClients{
    "participant_clients",
    "SELECT c.client_instance, s.* FROM (SELECT client_instance, MIN(seq) AS first "
    "FROM events WHERE participant = $1 AND type IN ('attached', 'recovered') "
    "GROUP BY client_instance) c CROSS JOIN LATERAL (" PODGATE_STATE_OF(
        "c.client_instance") ") s ORDER BY c.first"};

#undef PODGATE_STATE_OF

// A stored artifact from the row "json, seq".
StoredArtifact ReadStoredArtifact(const Row& r) {
  return StoredArtifact{r.Text(0), static_cast<std::uint64_t>(r.Int(1))};
}

AttachmentRecord ReadAttachment(const Row& r) {
  AttachmentRecord a;
  a.id = r.Text(0);
  a.client_instance = r.Text(1);
  a.participant = r.Text(2);
  a.bind_id = r.Text(3);
  a.attached_at = r.Time(4);
  a.bound_at = r.Time(6);
  a.digest = r.Bytes(8);
  a.seq = static_cast<std::uint64_t>(r.Int(9));
  a.detached_by = r.OptText(10);
  return a;
}

DetachmentRecord ReadDetachment(const Row& r) {
  DetachmentRecord d;
  d.id = r.Text(0);
  d.attachment_id = r.Text(1);
  d.client_instance = r.Text(2);
  d.participant = r.Text(3);
  d.reason = r.Text(4);
  d.detached_at = r.Time(5);
  d.digest = r.Bytes(7);
  d.seq = static_cast<std::uint64_t>(r.Int(8));
  d.recovered_by = r.OptText(9);
  return d;
}

RecoveryRecord ReadRecovery(const Row& r) {
  RecoveryRecord x;
  x.id = r.Text(0);
  x.detachment_id = r.Text(1);
  x.client_instance = r.Text(2);
  x.from_client_instance = r.Text(3);
  x.participant = r.Text(4);
  x.mode = r.Text(5);
  x.recovered_at = r.Time(6);
  x.digest = r.Bytes(8);
  x.seq = static_cast<std::uint64_t>(r.Int(9));
  return x;
}

Event ReadEvent(const Row& r) {
  Event e;
  e.seq = static_cast<std::uint64_t>(r.Int(0));
  e.type = EventTypeFromName(r.Text(1)).value_or(EventType::kAttached);
  e.kind = KindFromName(r.Text(2)).value_or(Kind::kAttachment);
  e.id = r.Text(3);
  e.ref_id = r.Text(4);
  e.detail = r.Text(5);
  e.client_instance = r.Text(6);
  e.related_client_instance = r.Text(7);
  e.participant = r.Text(8);
  e.at = r.Time(9);
  e.recorded_at = r.Time(11);
  e.json = r.Text(13);
  return e;
}

// A client instance's state from the columns of PODGATE_STATE_OF, starting at `col`.
ClientInstanceState ReadState(std::string client_instance, const Row& r, int col) {
  ClientInstanceState state;
  state.client_instance = std::move(client_instance);
  state.last_seq = static_cast<std::uint64_t>(r.Int(col));
  state.state = r.Text(col + 1);
  std::string id = r.Text(col + 2), ref = r.Text(col + 3), detail = r.Text(col + 4);
  state.participant = r.Text(col + 5);
  state.since = r.Time(col + 6);
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
  if (state.attachment_id.empty() && !r.Null(col + 8)) state.attachment_id = r.Text(col + 8);
  return state;
}

// The code a refusing constraint stands for (the record functions name it).
Code RefusalCode(std::string_view refused) {
  if (refused == "unknown-attachment") return Code::kUnknownAttachment;
  if (refused == "unknown-detachment") return Code::kUnknownDetachment;
  if (refused == "attachments_one_live") return Code::kClientBusy;
  if (refused == "detachments_attachment_id_key" || refused == "attachments_detached_by_key") {
    return Code::kAlreadyDetached;
  }
  if (refused == "recoveries_detachment_id_key" || refused == "detachments_recovered_by_key") {
    return Code::kAlreadyRecovered;
  }
  if (refused == "attachments_pkey" || refused == "detachments_pkey" ||
      refused == "recoveries_pkey" || refused == "evicted_detachments_pkey") {
    return Code::kIdConflict;
  }
  return Code::kStorage;
}

std::string RefusalMessage(std::string_view what, std::string_view id, std::string_view refused,
                           std::string_view ref) {
  if (refused == "unknown-attachment") {
    return fmt::format("{} {}: attachment {} is not held or already detached", what, id, ref);
  }
  if (refused == "unknown-detachment") {
    return fmt::format("{} {}: detachment {} is not held or already recovered", what, id, ref);
  }
  return fmt::format("{} {}: refused by the ledger's constraint {}", what, id, refused);
}

// PostgreSQL text cannot hold U+0000, which a JSON string may escape (\u0000) into an id.
bool HasNul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// A fact whose columns hold U+0000 cannot be stored: refused as its schema's problem, for this
// artifact alone (a storage error would fail the whole batch).
Status Storable(std::string_view what, std::string_view id,
                std::initializer_list<std::string_view> columns) {
  for (std::string_view column : columns) {
    if (HasNul(column)) {
      return Status(Code::kSchemaInvalid,
                    fmt::format("{} {}: a string holds U+0000, which a PostgreSQL ledger cannot "
                                "store",
                                what, TextWithoutNul(id)));
    }
  }
  return Status::Ok();
}

class PostgresLedger;

// The state a write transaction keeps: the writer holds the head row's lock, so it numbers
// the facts itself (last_seq + 1, ...) and counts the held detachments; Commit() writes both to
// the head row once, with the buffered verdicts, in the round trip of COMMIT.
class PostgresTransaction final : public LedgerTransaction {
 public:
  PostgresTransaction(PostgresLedger* ledger, std::uint64_t last_seq, std::int64_t held)
      : ledger_(ledger), last_seq_(last_seq), held_(held) {}
  ~PostgresTransaction() override;

  Result<std::optional<AttachmentRecord>> FindAttachment(std::string_view id) override;
  Result<std::optional<AttachmentRecord>> FindLiveAttachment(
      std::string_view client_instance) override;
  Result<std::optional<DetachmentRecord>> FindDetachment(std::string_view id) override;
  Result<std::optional<std::string>> FindEvictedDetachment(std::string_view id) override;
  Result<std::optional<DetachmentRecord>> FindDetachmentOfAttachment(
      std::string_view attachment_id) override;
  Result<std::optional<RecoveryRecord>> FindRecovery(std::string_view id) override;
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
  // Runs a record function for the fact numbered last_seq_ + 1 and turns its answer into that
  // number or a refusal.
  Result<std::uint64_t> Record(std::string_view what, std::string_view id, std::string_view ref,
                               const Sql& sql, const Params& params);

  PostgresLedger* ledger_;
  std::uint64_t last_seq_;  // the number of the last fact, staged ones included
  std::int64_t held_;       // detachments held, staged ones included (schema version 2)
  std::string verdicts_;    // a JSON array of the staged verdicts, for podgate_finish
  bool done_ = false;
};

class PostgresLedger final : public Ledger {
 public:
  PostgresLedger(std::shared_ptr<const LibPq> pq, std::string url, const LedgerOptions& options)
      : conn_(std::move(pq), std::move(url), options.busy_timeout_ms) {}

  Status Open(const LedgerOptions& options);

  Result<std::unique_ptr<LedgerTransaction>> Begin() override;

  Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) override {
    return Reading([&] { return ArtifactOf(kind, id); });
  }
  Result<std::optional<ClientInstanceState>> GetClientInstance(
      std::string_view client_instance) override;
  Result<std::vector<Event>> ClientInstanceHistory(std::string_view client_instance) override;
  Result<std::vector<ClientInstanceState>> ParticipantClientInstances(
      std::string_view participant) override;
  Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) override;
  Result<std::vector<AttachmentRecord>> LiveAttachmentsAttachedBefore(Timestamp cutoff,
                                                                      std::size_t limit) override;
  Result<std::vector<VerdictEntry>> VerdictHistory(Kind kind, std::string_view id) override;

  // --- used by PostgresTransaction ---

  template <typename Record, typename Reader>
  Result<std::optional<Record>> FindOne(std::string_view what, const Sql& sql, std::string_view key,
                                        Reader reader) {
    if (HasNul(key)) return std::optional<Record>();  // nothing stored can hold it
    auto result = conn_.Run(what, sql, Params().Text(key));
    if (!result.ok()) return result.status();
    if (conn_.pq().PQntuples(result->get()) == 0) return std::optional<Record>();
    return std::optional<Record>(reader(Row(conn_.pq(), result->get(), 0)));
  }
  template <typename Record, typename Reader>
  Result<std::vector<Record>> FindAll(std::string_view what, const Sql& sql, const Params& params,
                                      Reader reader) {
    auto result = conn_.Run(what, sql, params);
    if (!result.ok()) return result.status();
    std::vector<Record> records;
    int rows = conn_.pq().PQntuples(result->get());
    records.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) records.push_back(reader(Row(conn_.pq(), result->get(), i)));
    return records;
  }
  Result<std::optional<StoredArtifact>> ArtifactOf(Kind kind, std::string_view id);

  Connection& conn() { return conn_; }
  int version() const { return version_; }
  void EndTransaction() { in_transaction_ = false; }
  // Rolls back whatever the connection has open (after a failure), keeping it when it works.
  void Abandon() {
    if (conn_.InTransaction() && !conn_.lost()) (void)conn_.Exec("roll back", "ROLLBACK");
  }

 private:
  Status Migrate(int target, bool create);
  Status MigrateLocked(int target, bool create);

  // A read outside a transaction: on a lost connection, reconnects and tries once more (reads
  // change nothing, so repeating one is safe).
  template <typename F>
  auto Reading(F read) -> decltype(read()) {
    if (in_transaction_) return read();
    if (conn_.lost()) {
      if (Status s = conn_.Connect(); !s.ok()) return s;
    }
    auto result = read();
    if (!result.ok() && conn_.lost()) {
      if (Status s = conn_.Connect(); !s.ok()) return s;
      result = read();
    }
    return result;
  }

  Connection conn_;
  // The ledger's schema version as Open found or made it: the version options asked for, or a
  // later one the database already had (whose functions and triggers are then the ones in force).
  int version_ = kPostgresSchemaVersion;
  bool in_transaction_ = false;
};

// --- PostgresLedger --------------------------------------------------------------------------

Status PostgresLedger::Open(const LedgerOptions& options) {
  int target = options.schema_version == 0 ? kPostgresSchemaVersion : options.schema_version;
  if (target < 1 || target > kPostgresSchemaVersion) {
    return Status(Code::kConfig, fmt::format("no ledger schema version {}", target));
  }
  if (Status s = conn_.Connect(); !s.ok()) return s;
  return Migrate(target, options.create_if_missing);
}

Status PostgresLedger::Migrate(int target, bool create) {
  auto schema = conn_.Exec("find the schema", "SELECT current_schema()");
  if (!schema.ok()) return schema.status();
  if (conn_.pq().PQgetisnull(schema->get(), 0, 0)) {
    return Status(Code::kConfig,
                  fmt::format("the PostgreSQL ledger {}: no schema of the search_path exists to "
                              "hold the ledger",
                              conn_.where()));
  }
  // A migration may outlast the timeouts of a gate's statements (a version's backfill reads
  // the whole log), and a process that finds another one migrating must wait for it rather than
  // fail: the two run without them, and the session's own come back afterwards.
  auto saved = conn_.Exec("read the session timeouts",
                          "SELECT current_setting('statement_timeout'), "
                          "current_setting('lock_timeout')");
  if (!saved.ok()) return saved.status();
  const std::string statement_timeout = conn_.pq().PQgetvalue(saved->get(), 0, 0);
  const std::string lock_timeout = conn_.pq().PQgetvalue(saved->get(), 0, 1);
  auto unbounded = conn_.Exec("lift the session timeouts for the migration",
                              "SET statement_timeout = 0; SET lock_timeout = 0");
  if (!unbounded.ok()) return unbounded.status();
  std::string lock =
      fmt::format("SELECT pg_advisory_lock({}, hashtext(current_schema()))", kLockKey);
  Status s;
  if (auto locked = conn_.Exec("lock the schema for migration", lock.c_str()); !locked.ok()) {
    s = locked.status();
  } else {
    s = MigrateLocked(target, create);
    if (conn_.InTransaction()) (void)conn_.Exec("roll back the migration", "ROLLBACK");
    std::string unlock =
        fmt::format("SELECT pg_advisory_unlock({}, hashtext(current_schema()))", kLockKey);
    (void)conn_.Exec("unlock the schema", unlock.c_str());
  }
  auto restored = conn_.Run("restore the session timeouts", kRestoreTimeouts,
                            Params().Text(statement_timeout).Text(lock_timeout));
  if (s.ok() && !restored.ok()) return restored.status();
  return s;
}

Status PostgresLedger::MigrateLocked(int target, bool create) {
  for (;;) {
    auto found = conn_.Exec("read the schema version",
                            "BEGIN; SELECT to_regclass(quote_ident(current_schema()) || "
                            "'.podgate_schema') IS NOT NULL");
    if (!found.ok()) return found.status();
    int version = 0;
    if (std::string_view(conn_.pq().PQgetvalue(found->get(), 0, 0)) == "t") {
      auto read = conn_.Exec("read the schema version", "SELECT version FROM podgate_schema");
      if (!read.ok()) return read.status();
      if (conn_.pq().PQntuples(read->get()) == 1)
        version = std::atoi(conn_.pq().PQgetvalue(read->get(), 0, 0));
    }
    if (version > kPostgresSchemaVersion) {
      return Status(Code::kConfig, fmt::format("the ledger {} has schema version {}, newer than "
                                               "this podgate knows ({}); upgrade podgate",
                                               conn_.where(), version, kPostgresSchemaVersion));
    }
    if (version == 0 && !create) {
      return Status(Code::kStorage,
                    fmt::format("no podgate ledger in the PostgreSQL database {}", conn_.where()));
    }
    if (version >= target) {
      version_ = version;
      auto done = conn_.Exec("finish the migration", "COMMIT");
      return done.ok() ? Status::Ok() : done.status();
    }
    std::string what = fmt::format("migrate the ledger to schema version {}", version + 1);
    auto migrated = conn_.Exec(what, kMigrations[static_cast<std::size_t>(version)]);
    if (!migrated.ok()) return migrated.status();
    std::string bump =
        version == 0 ? "CREATE TABLE podgate_schema(version integer NOT NULL); "
                       "INSERT INTO podgate_schema(version) VALUES (1); COMMIT"
                     : fmt::format("UPDATE podgate_schema SET version = {}; COMMIT", version + 1);
    auto bumped = conn_.Exec(what, bump.c_str());
    if (!bumped.ok()) return bumped.status();
  }
}

Result<std::unique_ptr<LedgerTransaction>> PostgresLedger::Begin() {
  if (in_transaction_) {
    return Status(Code::kInternal, "a ledger transaction is already open on this connection");
  }
  // The writers' lock: every write transaction of every process takes the head row first.
  const char* begin = version_ >= 2 ? "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT last_seq, "
                                      "detachments FROM podgate_head WHERE id = 1 FOR UPDATE"
                                    : "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT last_seq, "
                                      "0 FROM podgate_head WHERE id = 1 FOR UPDATE";
  auto begun = Reading([&]() -> Result<PgResult> {
    auto result = conn_.Exec("begin a transaction", begin);
    if (!result.ok()) Abandon();
    return result;
  });
  if (!begun.ok()) return begun.status();
  if (conn_.pq().PQntuples(begun->get()) != 1) {
    Abandon();
    return Status(Code::kStorage, "postgresql: the ledger's head row is missing");
  }
  Row head(conn_.pq(), begun->get(), 0);
  in_transaction_ = true;
  return std::unique_ptr<LedgerTransaction>(
      new PostgresTransaction(this, static_cast<std::uint64_t>(head.Int(0)), head.Int(1)));
}

Result<std::optional<StoredArtifact>> PostgresLedger::ArtifactOf(Kind kind, std::string_view id) {
  const Sql* sql = nullptr;
  switch (kind) {
    case Kind::kAttachment:
      sql = &kArtifactOfAttachment;
      break;
    case Kind::kDetachment:
      sql = &kArtifactOfDetachment;
      break;
    case Kind::kRecovery:
      sql = &kArtifactOfRecovery;
      break;
    case Kind::kParticipantBind:
      return std::optional<StoredArtifact>();
  }
  return FindOne<StoredArtifact>("read an artifact", *sql, id, ReadStoredArtifact);
}

Result<std::optional<ClientInstanceState>> PostgresLedger::GetClientInstance(
    std::string_view client_instance) {
  return Reading([&] {
    return FindOne<ClientInstanceState>(
        "read a client instance", kClientState, client_instance,
        [&](const Row& r) { return ReadState(std::string(client_instance), r, 0); });
  });
}

Result<std::vector<Event>> PostgresLedger::ClientInstanceHistory(std::string_view client_instance) {
  if (HasNul(client_instance)) return std::vector<Event>();  // nothing stored can hold it
  return Reading([&] {
    return FindAll<Event>("read history", kClientHistory, Params().Text(client_instance),
                          ReadEvent);
  });
}

Result<std::vector<ClientInstanceState>> PostgresLedger::ParticipantClientInstances(
    std::string_view participant) {
  if (HasNul(participant)) return std::vector<ClientInstanceState>();
  return Reading([&] {
    return FindAll<ClientInstanceState>("read a participant", kParticipantClients,
                                        Params().Text(participant),
                                        [](const Row& r) { return ReadState(r.Text(0), r, 1); });
  });
}

Result<std::vector<Event>> PostgresLedger::EventsAfter(std::uint64_t after, std::size_t limit) {
  constexpr std::uint64_t kMaxSeq = std::numeric_limits<std::int64_t>::max();
  return Reading([&] {
    return FindAll<Event>(
        "read events", kEventsAfter,
        // Sequence numbers are signed 64-bit: a position past the largest is past every event
        // (cast as it is, it would wrap negative and name the whole log).
        Params()
            .Int(static_cast<std::int64_t>(std::min<std::uint64_t>(after, kMaxSeq)))
            .Int(static_cast<std::int64_t>(std::min<std::uint64_t>(limit, kMaxSeq))),
        ReadEvent);
  });
}

Result<std::vector<AttachmentRecord>> PostgresLedger::LiveAttachmentsAttachedBefore(
    Timestamp cutoff, std::size_t limit) {
  return Reading([&] {
    return FindAll<AttachmentRecord>(
        "read live attachments", kLiveAttachedBefore,
        Params().Int(cutoff.unix_seconds).Int(cutoff.nanos).Int(static_cast<std::int64_t>(limit)),
        ReadAttachment);
  });
}

Result<std::vector<VerdictEntry>> PostgresLedger::VerdictHistory(Kind kind, std::string_view id) {
  return Reading([&] {
    return FindAll<VerdictEntry>("read verdicts", kVerdictHistory,
                                 Params().Text(KindName(kind)).Text(TextWithoutNul(id)),
                                 [kind](const Row& r) {
                                   VerdictEntry e;
                                   e.kind = KindFromName(r.Text(0)).value_or(kind);
                                   e.artifact_id = r.Text(1);
                                   std::string verdict = r.Text(2);
                                   e.verdict = verdict == "admitted"    ? Verdict::kAdmitted
                                               : verdict == "duplicate" ? Verdict::kDuplicate
                                                                        : Verdict::kRejected;
                                   e.code = CodeFromName(r.Text(3)).value_or(Code::kInternal);
                                   e.message = r.Text(4);
                                   e.digest = r.Bytes(5);
                                   e.rights = r.Text(6);
                                   e.decided_at = r.Time(7);
                                   e.fact_seq = static_cast<std::uint64_t>(r.Int(9));
                                   return e;
                                 });
  });
}

// --- PostgresTransaction ---------------------------------------------------------------------

PostgresTransaction::~PostgresTransaction() {
  if (!done_) {
    ledger_->Abandon();
    ledger_->EndTransaction();
  }
}

Result<std::optional<AttachmentRecord>> PostgresTransaction::FindAttachment(std::string_view id) {
  return ledger_->FindOne<AttachmentRecord>("read an attachment", kFindAttachment, id,
                                            ReadAttachment);
}
Result<std::optional<AttachmentRecord>> PostgresTransaction::FindLiveAttachment(
    std::string_view client_instance) {
  return ledger_->FindOne<AttachmentRecord>("read a live attachment", kFindLiveAttachment,
                                            client_instance, ReadAttachment);
}
Result<std::optional<DetachmentRecord>> PostgresTransaction::FindDetachment(std::string_view id) {
  return ledger_->FindOne<DetachmentRecord>("read a detachment", kFindDetachment, id,
                                            ReadDetachment);
}
Result<std::optional<DetachmentRecord>> PostgresTransaction::FindDetachmentOfAttachment(
    std::string_view attachment_id) {
  return ledger_->FindOne<DetachmentRecord>("read a detachment", kFindDetachmentOfAttachment,
                                            attachment_id, ReadDetachment);
}
Result<std::optional<std::string>> PostgresTransaction::FindEvictedDetachment(std::string_view id) {
  // A ledger kept at an older version on purpose (LedgerOptions::schema_version) has no record
  // of evicted ids.
  if (ledger_->version() < 3) return std::optional<std::string>();
  return ledger_->FindOne<std::string>("read an evicted detachment", kFindEvictedDetachment, id,
                                       [](const Row& r) { return r.Bytes(0); });
}
Result<std::optional<RecoveryRecord>> PostgresTransaction::FindRecovery(std::string_view id) {
  return ledger_->FindOne<RecoveryRecord>("read a recovery", kFindRecovery, id, ReadRecovery);
}
Result<std::optional<RecoveryRecord>> PostgresTransaction::FindRecoveryOfDetachment(
    std::string_view detachment_id) {
  return ledger_->FindOne<RecoveryRecord>("read a recovery", kFindRecoveryOfDetachment,
                                          detachment_id, ReadRecovery);
}
Result<std::optional<StoredArtifact>> PostgresTransaction::GetArtifact(Kind kind,
                                                                       std::string_view id) {
  return ledger_->ArtifactOf(kind, id);
}

Result<std::optional<StoredArtifact>> PostgresTransaction::GetEvictedDetachment(
    std::string_view id, std::string_view attachment_id) {
  if (HasNul(id) || HasNul(attachment_id)) return std::optional<StoredArtifact>();
  auto found = ledger_->FindAll<StoredArtifact>(
      "read an evicted detachment's admission", kEvictedDetachmentAdmission,
      Params().Text(id).Text(attachment_id), ReadStoredArtifact);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<StoredArtifact>();
  return std::optional<StoredArtifact>(std::move(found->front()));
}

Result<std::uint64_t> PostgresTransaction::Record(std::string_view what, std::string_view id,
                                                  std::string_view ref, const Sql& sql,
                                                  const Params& params) {
  if (done_) return Status(Code::kInternal, "transaction already finished");
  auto result = ledger_->conn().Run(fmt::format("record {} {}", what, id), sql, params);
  if (!result.ok()) return result.status();
  Row row(ledger_->conn().pq(), result->get(), 0);
  if (row.Null(0)) return ++last_seq_;
  std::string refused = row.Text(0);
  return Status(RefusalCode(refused), RefusalMessage(what, id, refused, ref));
}

Result<std::uint64_t> PostgresTransaction::RecordAttachment(const AttachmentRecord& r,
                                                            std::string_view json,
                                                            Timestamp recorded_at) {
  if (Status s =
          Storable("attachment", r.id, {r.id, r.client_instance, r.participant, r.bind_id, json});
      !s.ok()) {
    return s;
  }
  Params p;
  p.Int(static_cast<std::int64_t>(last_seq_ + 1))
      .Text(KindName(Kind::kAttachment))
      .Text(r.id)
      .Text(r.client_instance)
      .Text(r.participant)
      .Text(r.bind_id)
      .Int(r.attached_at.unix_seconds)
      .Int(r.attached_at.nanos)
      .Int(r.bound_at.unix_seconds)
      .Int(r.bound_at.nanos)
      .Bytes(r.digest)
      .Text(json)
      .Int(recorded_at.unix_seconds)
      .Int(recorded_at.nanos);
  return Record("attachment", r.id, "", kRecordAttachment, p);
}

Result<std::uint64_t> PostgresTransaction::RecordDetachment(const DetachmentRecord& r,
                                                            std::string_view json,
                                                            Timestamp recorded_at) {
  if (Status s =
          Storable("detachment", r.id,
                   {r.id, r.attachment_id, r.client_instance, r.participant, r.reason, json});
      !s.ok()) {
    return s;
  }
  Params p;
  p.Int(static_cast<std::int64_t>(last_seq_ + 1))
      .Text(KindName(Kind::kDetachment))
      .Text(r.id)
      .Text(r.attachment_id)
      .Text(r.client_instance)
      .Text(r.participant)
      .Text(r.reason)
      .Int(r.detached_at.unix_seconds)
      .Int(r.detached_at.nanos)
      .Bytes(r.digest)
      .Text(json)
      .Int(recorded_at.unix_seconds)
      .Int(recorded_at.nanos);
  auto seq = Record("detachment", r.id, r.attachment_id, kRecordDetachment, p);
  if (seq.ok()) ++held_;
  return seq;
}

Result<std::uint64_t> PostgresTransaction::RecordRecovery(const RecoveryRecord& r,
                                                          std::string_view json,
                                                          Timestamp recorded_at) {
  if (Status s = Storable("recovery", r.id,
                          {r.id, r.detachment_id, r.client_instance, r.from_client_instance,
                           r.participant, r.mode, json});
      !s.ok()) {
    return s;
  }
  Params p;
  p.Int(static_cast<std::int64_t>(last_seq_ + 1))
      .Text(KindName(Kind::kRecovery))
      .Text(r.id)
      .Text(r.detachment_id)
      .Text(r.client_instance)
      .Text(r.from_client_instance == r.client_instance ? std::string_view()
                                                        : std::string_view(r.from_client_instance))
      .Text(r.from_client_instance)
      .Text(r.participant)
      .Text(r.mode)
      .Int(r.recovered_at.unix_seconds)
      .Int(r.recovered_at.nanos)
      .Bytes(r.digest)
      .Text(json)
      .Int(recorded_at.unix_seconds)
      .Int(recorded_at.nanos);
  return Record("recovery", r.id, r.detachment_id, kRecordRecovery, p);
}

Status PostgresTransaction::RecordVerdict(const VerdictEntry& e) {
  if (done_) return Status(Code::kInternal, "transaction already finished");
  // Staged here and inserted by Commit(), in order: a verdict refuses nothing, so it needs no
  // round trip of its own.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string digest;
  for (unsigned char c : e.digest) {
    digest.push_back(kHex[c >> 4]);
    digest.push_back(kHex[c & 15]);
  }
  verdicts_.push_back(verdicts_.empty() ? '[' : ',');
  json::Writer w(&verdicts_);
  w.BeginObject()
      .Key("kind")
      .String(KindName(e.kind))
      .Key("id")
      .String(TextWithoutNul(e.artifact_id))
      .Key("verdict")
      .String(VerdictName(e.verdict))
      .Key("code")
      .String(CodeName(e.code))
      .Key("message")
      .String(TextWithoutNul(e.message))
      .Key("digest")
      .String(digest)
      .Key("rights")
      .String(TextWithoutNul(e.rights))
      .Key("s")
      .Int(e.decided_at.unix_seconds)
      .Key("ns")
      .Int(e.decided_at.nanos)
      .Key("fact")
      .UInt(e.fact_seq)
      .EndObject();
  return Status::Ok();
}

Result<std::vector<std::string>> PostgresTransaction::ApplyRetention(const RetentionPolicy& policy,
                                                                     Timestamp now) {
  if (done_) return Status(Code::kInternal, "transaction already finished");
  if (!policy.enabled()) return std::vector<std::string>();
  if (ledger_->version() < 2) {
    return Status(Code::kStorage, "retention needs ledger schema version 2 or later");
  }
  Params p;
  p.Int(static_cast<std::int64_t>(last_seq_ + 1)).Int(held_).Text(KindName(Kind::kDetachment));
  if (policy.max_age_seconds) {
    Timestamp cutoff = now.PlusSeconds(-*policy.max_age_seconds);
    p.Int(cutoff.unix_seconds).Int(cutoff.nanos);
  } else {
    p.Null().Null();
  }
  if (policy.max_count) {
    p.Int(static_cast<std::int64_t>(
        std::min<std::uint64_t>(*policy.max_count, std::numeric_limits<std::int64_t>::max())));
  } else {
    p.Null();
  }
  p.Int(now.unix_seconds).Int(now.nanos);
  auto evicted = ledger_->FindAll<std::string>("apply retention", kApplyRetention, p,
                                               [](const Row& r) { return r.Text(0); });
  if (evicted.ok()) {
    last_seq_ += evicted->size();
    held_ -= static_cast<std::int64_t>(evicted->size());
  }
  return evicted;
}

Status PostgresTransaction::Commit() {
  if (done_) return Status(Code::kInternal, "transaction already finished");
  done_ = true;
  Connection& conn = ledger_->conn();
  Status s;
  if (conn.raw() != nullptr && conn.pq().PQtransactionStatus(conn.raw()) == PQTRANS_INERROR) {
    s = Status(Code::kStorage, "postgresql: the transaction failed earlier; nothing of it stays");
  } else {
    // One round trip: the verdicts, the head row (checked against the log: numbered without
    // gaps), and COMMIT. A failing podgate_finish skips the COMMIT: nothing stays.
    std::string verdicts = verdicts_.empty() ? "[]" : verdicts_ + "]";
    char* literal = conn.pq().PQescapeLiteral(conn.raw(), verdicts.data(), verdicts.size());
    std::string sql;
    if (literal == nullptr) {
      s = Status(Code::kStorage, "postgresql: cannot quote the verdicts");
    } else if (ledger_->version() >= 2) {
      sql = fmt::format("SELECT podgate_finish({}, {}, {}); COMMIT", last_seq_, held_, literal);
    } else {
      sql = fmt::format("SELECT podgate_finish({}, {}); COMMIT", last_seq_, literal);
    }
    if (literal != nullptr) conn.pq().PQfreemem(literal);
    if (s.ok()) {
      auto result = conn.Exec("commit", sql.c_str());
      if (!result.ok()) {
        s = result.status();
      } else if (std::string_view(conn.pq().PQcmdStatus(result->get())) != "COMMIT") {
        s = Status(Code::kStorage, "postgresql: the transaction was rolled back, not committed");
      }
    }
  }
  if (!s.ok()) ledger_->Abandon();
  ledger_->EndTransaction();
  return s;
}

// --- the watch -------------------------------------------------------------------------------

class PostgresWatch final : public LedgerWatch {
 public:
  PostgresWatch(std::shared_ptr<const LibPq> pq, std::string url, std::function<void()> on_change)
      : conn_(std::move(pq), std::move(url), 10'000), on_change_(std::move(on_change)) {
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    thread_ = std::thread([this] {
      util::NameThisThread("podgate-watch");
      Loop();
    });
  }
  ~PostgresWatch() override {
    stop_.store(true);
    std::uint64_t one = 1;
    if (wake_ >= 0) (void)!::write(wake_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    if (wake_ >= 0) ::close(wake_);
  }

 private:
  // Waits up to `timeout_ms` for the connection's socket (when `socket` >= 0) or a stop.
  // Returns whether the socket is readable.
  bool Wait(int socket, int timeout_ms) {
    pollfd fds[2] = {{wake_, POLLIN, 0}, {socket, POLLIN, 0}};
    int n = ::poll(fds, socket >= 0 ? 2 : 1, timeout_ms);
    return n > 0 && socket >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  }

  bool Listen() {
    if (!conn_.Connect().ok()) return false;
    auto schema = conn_.Exec("find the schema", "SELECT current_schema()");
    if (!schema.ok()) return false;
    schema_ = conn_.pq().PQgetisnull(schema->get(), 0, 0)
                  ? ""
                  : conn_.pq().PQgetvalue(schema->get(), 0, 0);
    std::string listen = fmt::format("LISTEN {}", kChannel);
    return conn_.Exec("listen", listen.c_str()).ok();
  }

  void Loop() {
    int backoff_ms = 100;
    bool listening = false;
    while (!stop_.load()) {
      if (!listening) {
        listening = Listen();
        if (!listening) {
          Wait(-1, backoff_ms);
          backoff_ms = std::min(backoff_ms * 2, 2000);
          continue;
        }
        backoff_ms = 100;
        on_change_();  // facts may have been committed while the watch was away
      }
      int socket = conn_.pq().PQsocket(conn_.raw());
      if (!Wait(socket, 1000)) continue;
      if (stop_.load()) break;
      if (conn_.pq().PQconsumeInput(conn_.raw()) == 0) {
        listening = false;  // the server went away: reconnect
        continue;
      }
      bool changed = false;
      while (PGnotify* n = conn_.pq().PQnotifies(conn_.raw())) {
        if (schema_ == n->extra) changed = true;
        conn_.pq().PQfreemem(n);
      }
      if (changed) on_change_();
    }
    conn_.Close();
  }

  Connection conn_;
  std::function<void()> on_change_;
  std::string schema_;
  int wake_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string RedactPostgresUrl(const LibPq& pq, std::string_view url) {
  std::string text(url);
  char* error = nullptr;
  PQconninfoOption* options = pq.PQconninfoParse(text.c_str(), &error);
  if (options == nullptr) {
    std::string out = fmt::format("(an unreadable URL: {})", TrimMessage(error));
    if (error) pq.PQfreemem(error);
    return out;
  }
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view key = o->keyword;
    if (key == "user") user = o->val;
    if (key == "host" || (key == "hostaddr" && host.empty())) host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") dbname = o->val;
  }
  pq.PQconninfoFree(options);
  return fmt::format("postgresql://{}{}{}{}/{}", user, user.empty() ? "" : "@", host,
                     port.empty() ? "" : ":" + port, dbname);
}

}  // namespace

std::string RedactPostgresUrl(std::string_view url) {
  auto pq = LoadLibPq();
  if (!pq.ok()) return "(a PostgreSQL URL, not shown: " + pq.status().message() + ")";
  return RedactPostgresUrl(**pq, url);
}

Result<std::unique_ptr<Ledger>> OpenPostgresLedger(const std::string& url,
                                                   const LedgerOptions& options) {
  auto pq = LoadLibPq();
  if (!pq.ok()) return pq.status();
  auto ledger = std::make_unique<PostgresLedger>(std::move(pq).value(), url, options);
  if (Status s = ledger->Open(options); !s.ok()) return s;
  return std::unique_ptr<Ledger>(std::move(ledger));
}

Result<std::unique_ptr<LedgerWatch>> WatchPostgresLedger(const std::string& url,
                                                         std::function<void()> on_change) {
  if (!on_change) return Status(Code::kInternal, "a ledger watch needs a callback");
  auto pq = LoadLibPq();
  if (!pq.ok()) return pq.status();
  return std::unique_ptr<LedgerWatch>(
      new PostgresWatch(std::move(pq).value(), url, std::move(on_change)));
}

}  // namespace podgate::store
