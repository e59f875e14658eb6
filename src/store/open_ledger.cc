// OpenLedger: the ledger URL ("sqlite:PATH") to an engine.

#include <fmt/format.h>

#include "podgate/ledger.h"
#include "store/sqlite_ledger.h"

namespace podgate {

Result<std::unique_ptr<Ledger>> OpenLedger(std::string_view url, LedgerOptions options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) {
      return Status(Code::kConfig, "--db sqlite: needs a path, as in sqlite:./var/podgate.db");
    }
    return store::OpenSqliteLedger(path, options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return Status(Code::kConfig,
                  fmt::format("ledger URL \"{}\": the PostgreSQL engine is not part of this build "
                              "yet; use sqlite:PATH",
                              url));
  }
  return Status(Code::kConfig, fmt::format("ledger URL \"{}\": unsupported scheme; podgate "
                                           "takes sqlite:PATH (or postgresql://...)",
                                           url));
}

}  // namespace podgate
