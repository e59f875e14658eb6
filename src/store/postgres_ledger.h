// The PostgreSQL engine of the ledger (DESIGN.md section 5): several gate processes, on one
// host or several, share one ledger.
//
// One libpq connection per PostgresLedger; podgate serve pools them (LedgerReadModel keeps
// several for reads, the gate's admitter one for writes). A connection that breaks (the
// server restarted, the network dropped) is re-established on the next use: a transaction in
// flight fails with code `unavailable` (HTTP 503) and leaves nothing behind, because it never
// committed; a read is retried once on a fresh connection. Every statement runs under a
// statement_timeout and every lock wait under a lock_timeout (LedgerOptions::busy_timeout_ms,
// unless the URL sets them), and a timeout is `unavailable` as well.
//
// First admitted wins across processes. Begin() opens a READ COMMITTED transaction and locks
// the single row of podgate_head (SELECT ... FOR UPDATE), so write transactions of all
// processes run one after the other: the gate's reads, its decision and its writes happen
// inside the transaction that records them, and each statement sees everything committed
// before the lock was granted. No serialization failure or deadlock can arise (every writer
// takes that one lock first), so there is nothing to retry. The schema backs the invariants
// of ledger.h on its own as well (primary keys, UNIQUE constraints, a partial unique index for
// one live attachment per client instance, triggers that refuse to change events and
// admitted records), so a wrong decision is still refused.
//
// Sequence numbers: the writer reads the last number from podgate_head when it locks the row
// in Begin(), numbers its facts last+1, last+2, ... and Commit() writes the new last number to
// the row, in the same transaction and the same round trip as COMMIT (podgate_finish, which
// also refuses to commit unless the log holds exactly last+1 .. new). A transaction that rolls
// back leaves the row as it was, and the next writer starts from the last committed number:
// the numbers of committed facts have no gaps. Writers commit in lock order, so commit order is
// sequence order: a snapshot that holds fact N holds every fact before N, and a reader following
// "events after N" on any instance sees every fact exactly once, in the same order. A commit
// that recorded facts sends NOTIFY podgate_events, which WatchLedger() turns into a wake-up of
// event streams. Verdicts are buffered and inserted by podgate_finish as well: a gate's write
// transaction costs its reads and one round trip per fact, plus two per batch.
//
// The schema is versioned (table podgate_schema) and migrated forward on open, one migration
// per version, each in its own transaction, under a session advisory lock, so that several
// processes starting at once migrate once. Tables live in the connection's current schema
// (the first of search_path that exists; set it with ?options=-csearch_path%3DNAME).
//
// Thread safety: as Ledger (one thread at a time).

#ifndef PODGATE_STORE_POSTGRES_LEDGER_H_
#define PODGATE_STORE_POSTGRES_LEDGER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "podgate/ledger.h"

namespace podgate::store {

// The schema version this build writes.
inline constexpr int kPostgresSchemaVersion = 3;

// Connects to the database `url` names (a libpq connection URI, postgresql://...) and
// migrates the ledger in it to options.schema_version (0: the latest), creating it when
// missing if options.create_if_missing.
Result<std::unique_ptr<Ledger>> OpenPostgresLedger(const std::string& url,
                                                   const LedgerOptions& options);

// LISTEN on its own connection; see WatchLedger() in ledger.h.
Result<std::unique_ptr<LedgerWatch>> WatchPostgresLedger(const std::string& url,
                                                         std::function<void()> on_change);

// The URL without its password, for messages: postgresql://USER@HOST:PORT/DBNAME.
std::string RedactPostgresUrl(std::string_view url);

}  // namespace podgate::store

#endif  // PODGATE_STORE_POSTGRES_LEDGER_H_
