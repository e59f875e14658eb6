// Ledger: the durable record of admitted lifecycle facts (DESIGN.md sections 3 and 5).
//
// A Ledger holds, for each admitted attachment, detachment and recovery, the exact admitted
// JSON bytes (for detachments and recoveries: the gate's attested artifact), the columns the
// decision reads, and an event with a sequence number that increases strictly with every fact
// (admission or eviction), so that a reader can follow the log ("events after N") without
// loss. Every decision the gate takes on an authenticated artifact is also kept in the verdict
// history (admitted, duplicate or rejected, with its code).
//
// Invariants every engine upholds, through its own constraints and not through the caller:
//   * first admitted wins: at most one record per id and kind, never overwritten;
//   * an attachment is detached at most once, a detachment recovered at most once;
//   * a client instance has at most one live (not detached) attachment;
//   * events are never changed or removed; a record's admitted columns and bytes never change
//     (only its state, detached-by / recovered-by, is set once, from empty).
//
// Writes go through a LedgerTransaction: the gate stages several decisions in one transaction
// and commits once (group commit). Reads through the transaction see its own staged writes.
// Nothing a transaction staged is visible to others, or durable, before Commit() returns OK;
// a transaction destroyed without a successful Commit() is rolled back.
//
// Retention bounds the detachment read model: at most `max_count` detachments, none detached
// more than `max_age_seconds` before now. Eviction removes the oldest detached-at first (ties
// by sequence number), records an "evicted" event, and leaves the attachment detached. An
// evicted detachment is unknown to later recoveries. The event log is not pruned.
//
// Thread safety: a Ledger (and its transactions) is used by one thread at a time; at most one
// transaction is open per Ledger. Several Ledger objects, threads or processes may share one
// database: engines serialise writers themselves (SQLite: WAL and a busy timeout; PostgreSQL: a
// row lock every write transaction takes first, see src/store/postgres_ledger.h).

#ifndef PODGATE_LEDGER_H_
#define PODGATE_LEDGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podgate/artifact.h"
#include "podgate/status.h"
#include "podgate/timestamp.h"

namespace podgate {

// An admitted attachment, as the decision reads it.
struct AttachmentRecord {
  std::string id;               // attachment/id
  std::string client_instance;  // client-instance/id
  std::string participant;      // participant-bind participant/id
  std::string bind_id;          // participant-bind bind/id
  Timestamp attached_at;
  Timestamp bound_at;
  std::string digest;                      // SHA-256 of the signing input, proofs aside
  std::uint64_t seq = 0;                   // sequence number of its admission
  std::optional<std::string> detached_by;  // the detachment/id that ended it, if any

  friend bool operator==(const AttachmentRecord&, const AttachmentRecord&) = default;
};

struct DetachmentRecord {
  std::string id;  // detachment/id
  std::string attachment_id;
  std::string client_instance;
  std::string participant;
  std::string reason;  // detach/reason
  Timestamp detached_at;
  std::string digest;
  std::uint64_t seq = 0;
  std::optional<std::string> recovered_by;  // the recovery/id that recovered it, if any

  friend bool operator==(const DetachmentRecord&, const DetachmentRecord&) = default;
};

struct RecoveryRecord {
  std::string id;  // recovery/id
  std::string detachment_id;
  std::string client_instance;       // the recovered (possibly new) client instance
  std::string from_client_instance;  // the detachment's client instance
  std::string participant;
  std::string mode;  // recovery/mode
  Timestamp recovered_at;
  std::string digest;
  std::uint64_t seq = 0;

  friend bool operator==(const RecoveryRecord&, const RecoveryRecord&) = default;
};

enum class EventType : std::uint8_t { kAttached, kDetached, kRecovered, kEvicted };

// "attached", "detached", "recovered", "evicted".
std::string_view EventTypeName(EventType type);
std::optional<EventType> EventTypeFromName(std::string_view name);

// One fact of the log.
struct Event {
  std::uint64_t seq = 0;
  EventType type = EventType::kAttached;
  Kind kind = Kind::kAttachment;  // the artifact's kind (a detachment for kEvicted)
  std::string id;                 // the artifact's id
  // A detachment's (or eviction's) attachment id, a recovery's detachment id; else empty.
  std::string ref_id;
  // A detachment's detach/reason, a recovery's recovery/mode; else empty.
  std::string detail;
  std::string client_instance;
  std::string related_client_instance;  // a recovery's detachment client instance, else empty
  std::string participant;
  Timestamp at;           // attached-at / detached-at / recovered-at; the eviction time
  Timestamp recorded_at;  // the gate's clock when it admitted the fact
  std::string json;       // the stored artifact bytes; empty for kEvicted

  friend bool operator==(const Event&, const Event&) = default;
};

enum class Verdict : std::uint8_t { kAdmitted, kDuplicate, kRejected };

// "admitted", "duplicate", "rejected".
std::string_view VerdictName(Verdict verdict);

// One entry of the verdict history.
struct VerdictEntry {
  Kind kind = Kind::kAttachment;
  std::string artifact_id;
  Verdict verdict = Verdict::kAdmitted;
  Code code = Code::kOk;  // kOk unless rejected
  std::string message;
  std::string digest;
  std::string rights;  // "participant", "operator" or "gate"
  Timestamp decided_at;
  std::uint64_t fact_seq = 0;  // the admitted fact's sequence number (admitted, duplicate)
};

// A client instance as the read model sees it: its latest fact.
struct ClientInstanceState {
  std::string client_instance;
  std::string participant;
  // "attached", "detached" or "recovered": the type of the latest fact about it.
  std::string state;
  std::string attachment_id;  // its latest attachment
  std::string detachment_id;  // set when state is detached or recovered
  std::string recovery_id;    // set when state is recovered
  std::string reason;         // detach/reason when detached
  std::uint64_t last_seq = 0;
  Timestamp since;  // when the latest fact happened

  friend bool operator==(const ClientInstanceState&, const ClientInstanceState&) = default;
};

struct RetentionPolicy {
  std::optional<std::int64_t> max_age_seconds;  // evict detachments older than now - age
  std::optional<std::uint64_t> max_count;       // keep at most this many detachments

  bool enabled() const { return max_age_seconds.has_value() || max_count.has_value(); }
};

// The reads a lifecycle decision makes. An engine error is a non-OK Status (code storage).
class LedgerView {
 public:
  virtual ~LedgerView() = default;

  virtual Result<std::optional<AttachmentRecord>> FindAttachment(std::string_view id) = 0;
  // The client instance's attachment that is not detached, if any.
  virtual Result<std::optional<AttachmentRecord>> FindLiveAttachment(
      std::string_view client_instance) = 0;
  virtual Result<std::optional<DetachmentRecord>> FindDetachment(std::string_view id) = 0;
  virtual Result<std::optional<DetachmentRecord>> FindDetachmentOfAttachment(
      std::string_view attachment_id) = 0;
  virtual Result<std::optional<RecoveryRecord>> FindRecovery(std::string_view id) = 0;
  virtual Result<std::optional<RecoveryRecord>> FindRecoveryOfDetachment(
      std::string_view detachment_id) = 0;
  // Whether retention evicted a detachment with this id: its digest if so (empty when the
  // ledger evicted it before it kept digests). An evicted detachment is unknown to
  // recoveries, but its id stays taken: first admitted wins also after eviction.
  virtual Result<std::optional<std::string>> FindEvictedDetachment(std::string_view id) = 0;
};

// A stored artifact: its bytes and the sequence number of the fact that admitted it.
struct StoredArtifact {
  std::string json;
  std::uint64_t seq = 0;
};

class LedgerTransaction : public LedgerView {
 public:
  // The stored bytes of an admitted artifact (for a duplicate's receipt), if held.
  virtual Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) = 0;
  // The bytes detachment `id`, which ended attachment `attachment_id`, was admitted with, read
  // back from the event log once retention has evicted it (the receipt of its duplicate), if
  // the log holds that admission. A held detachment is read with GetArtifact.
  virtual Result<std::optional<StoredArtifact>> GetEvictedDetachment(
      std::string_view id, std::string_view attachment_id) = 0;

  // Records an admitted fact with its stored bytes and returns its sequence number. The
  // record's seq and state fields are ignored. A detachment marks its attachment detached, a
  // recovery marks its detachment recovered. Fails (code id-conflict, already-detached,
  // already-recovered, client-busy) when a constraint refuses it: the engine enforces them even
  // when the caller's decision was wrong.
  virtual Result<std::uint64_t> RecordAttachment(const AttachmentRecord& record,
                                                 std::string_view json, Timestamp recorded_at) = 0;
  virtual Result<std::uint64_t> RecordDetachment(const DetachmentRecord& record,
                                                 std::string_view json, Timestamp recorded_at) = 0;
  virtual Result<std::uint64_t> RecordRecovery(const RecoveryRecord& record, std::string_view json,
                                               Timestamp recorded_at) = 0;

  virtual Status RecordVerdict(const VerdictEntry& entry) = 0;

  // Evicts the detachments `policy` no longer allows at `now` and returns their ids, oldest
  // first; each eviction is recorded as an event.
  virtual Result<std::vector<std::string>> ApplyRetention(const RetentionPolicy& policy,
                                                          Timestamp now) = 0;

  // Makes every staged write durable and visible, atomically. After a failure nothing of the
  // transaction remains.
  virtual Status Commit() = 0;
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  // Opens a write transaction (SQLite: BEGIN IMMEDIATE, waiting up to the busy timeout).
  virtual Result<std::unique_ptr<LedgerTransaction>> Begin() = 0;

  // Read models; each reads one consistent snapshot.
  virtual Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) = 0;
  virtual Result<std::optional<ClientInstanceState>> GetClientInstance(
      std::string_view client_instance) = 0;
  // Every event about the client instance (as the attached, detached or recovered instance,
  // or as the instance a recovery came from), oldest first.
  virtual Result<std::vector<Event>> ClientInstanceHistory(std::string_view client_instance) = 0;
  // The client instances the participant has attached, each with its current state.
  virtual Result<std::vector<ClientInstanceState>> ParticipantClientInstances(
      std::string_view participant) = 0;
  // Up to `limit` events with a sequence number greater than `after`, in order.
  virtual Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) = 0;
  // Attachments not detached whose attached-at is at or before `cutoff`, oldest first, at
  // most `limit` (for session expiry).
  virtual Result<std::vector<AttachmentRecord>> LiveAttachmentsAttachedBefore(
      Timestamp cutoff, std::size_t limit) = 0;
  // The verdict history of one artifact id, oldest first.
  virtual Result<std::vector<VerdictEntry>> VerdictHistory(Kind kind, std::string_view id) = 0;
};

struct LedgerOptions {
  // SQLite: the busy timeout. PostgreSQL: statement_timeout and lock_timeout (unless the URL
  // sets them); a statement that runs out of it fails with code unavailable.
  int busy_timeout_ms = 10'000;
  // When false, a missing database is an error (for readers such as podgate show).
  bool create_if_missing = true;
  // Tests only: open (or create) the database at this older schema version instead of the
  // latest, to test migrations. 0 means the latest.
  int schema_version = 0;
};

// Opens the ledger a URL names: "sqlite:PATH" (created when missing; "sqlite::memory:" for a
// private in-memory ledger) or "postgresql://..." / "postgres://..." (a libpq connection URI;
// the ledger's tables are created in the database when missing). Any other scheme is a config
// error that names the supported ones.
Result<std::unique_ptr<Ledger>> OpenLedger(std::string_view url, LedgerOptions options = {});

// Process-wide settings of the embedded SQLite engine that podgate runs with; a program calls
// it once, before it opens its first ledger (the podgate binary does, first thing in main).
// It turns off SQLite's memory statistics, which take a process-wide mutex on every
// allocation SQLite makes (docs/PERFORMANCE.md, "admit": 4-5 % of the CPU of an admission).
// Returns false, changing nothing, once SQLite is initialised (any ledger opened before).
// Not thread-safe: call it before any thread uses SQLite.
bool TuneSqliteForThisProcess();

// The ledger URL as messages and logs may show it: a PostgreSQL URL without its password.
std::string RedactLedgerUrl(std::string_view url);

// A running watch on a ledger (WatchLedger); destroying it stops it.
class LedgerWatch {
 public:
  virtual ~LedgerWatch() = default;
};

// Calls `on_change`, from a thread of the watch's own, soon after any connection (of this
// process or another) commits facts to the ledger `url` names, and once more whenever the watch
// reconnects (facts may have been committed while it was away): the event streams of several
// gate processes sharing one PostgreSQL ledger stay current (LISTEN/NOTIFY). For SQLite the
// watch does nothing: the process that writes an embedded ledger wakes its own streams.
// `on_change` must be thread-safe and must not block for long.
Result<std::unique_ptr<LedgerWatch>> WatchLedger(std::string_view url,
                                                 std::function<void()> on_change);

}  // namespace podgate

#endif  // PODGATE_LEDGER_H_
