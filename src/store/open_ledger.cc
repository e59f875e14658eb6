// OpenLedger and WatchLedger: the ledger URL ("sqlite:PATH", "postgresql://...") to an engine.

#include <fmt/format.h>

#include "podgate/ledger.h"
#include "store/postgres_ledger.h"
#include "store/sqlite_ledger.h"

namespace podgate {
namespace {

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

// The watch of an embedded ledger: nothing to do (see WatchLedger in ledger.h).
class NoWatch final : public LedgerWatch {};

}  // namespace

Result<std::unique_ptr<Ledger>> OpenLedger(std::string_view url, LedgerOptions options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) {
      return Status(Code::kConfig, "--db sqlite: needs a path, as in sqlite:./var/podgate.db");
    }
    return store::OpenSqliteLedger(path, options);
  }
  if (IsPostgresUrl(url)) return store::OpenPostgresLedger(std::string(url), options);
  return Status(Code::kConfig, fmt::format("ledger URL \"{}\": unsupported scheme; podgate "
                                           "takes sqlite:PATH or postgresql://USER@HOST/DB",
                                           url));
}

std::string RedactLedgerUrl(std::string_view url) {
  return IsPostgresUrl(url) ? store::RedactPostgresUrl(url) : std::string(url);
}

Result<std::unique_ptr<LedgerWatch>> WatchLedger(std::string_view url,
                                                 std::function<void()> on_change) {
  if (IsPostgresUrl(url)) return store::WatchPostgresLedger(std::string(url), std::move(on_change));
  return std::unique_ptr<LedgerWatch>(new NoWatch());
}

}  // namespace podgate
