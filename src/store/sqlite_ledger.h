// The SQLite engine of the ledger (DESIGN.md section 5): the embedded default.
//
// One connection per SqliteLedger, in WAL mode with synchronous=FULL, so a committed
// transaction has reached the disk (WAL fsync) before Commit() returns: an acknowledged
// admission survives kill -9 and power loss. Writers take the lock up front (BEGIN IMMEDIATE)
// and wait up to the busy timeout for another writer, so several processes may share a file.
//
// The schema is versioned with PRAGMA user_version and migrated forward on open, one
// migration per version, each in its own transaction; a database written by a newer podgate
// (a version this build does not know) is refused. The invariants of ledger.h are backed by
// the schema itself: primary keys and UNIQUE constraints for first-admitted-wins and for "at
// most once", a partial unique index for one live attachment per client instance, and
// triggers that refuse to change or delete events and admitted records.
//
// Thread safety: as Ledger (one thread at a time).

#ifndef PODGATE_STORE_SQLITE_LEDGER_H_
#define PODGATE_STORE_SQLITE_LEDGER_H_

#include <memory>
#include <string>

#include "podgate/ledger.h"

namespace podgate::store {

// The schema version this build writes.
inline constexpr int kSqliteSchemaVersion = 4;

// The read of a client instance's history: the events about it and those that name it as the
// related client instance (a recovery's former device). Exposed for the test that checks its
// plan searches both indexes instead of scanning the log.
extern const char* const kSqliteClientHistory;
// The read of an evicted detachment's admission (for its duplicate), exposed for the test that
// checks it starts at its attachment's position in the client instance's events.
extern const char* const kSqliteEvictedDetachmentAdmission;

// Opens (creating when missing) the SQLite ledger at `path` (":memory:" for a private
// in-memory database) and migrates it to options.schema_version (0: the latest).
Result<std::unique_ptr<Ledger>> OpenSqliteLedger(const std::string& path,
                                                 const LedgerOptions& options);

}  // namespace podgate::store

#endif  // PODGATE_STORE_SQLITE_LEDGER_H_
