// Test support for the PostgreSQL engine: a fresh schema per test in the test database, and
// the ledger URL a test runs against.
//
// The test database is the one PODGATE_TEST_PG_URL names (scripts/test and .ci/run start a
// throwaway cluster, scripts/pg-test-cluster, and set it). Tests that need PostgreSQL skip,
// saying why, only when that variable is unset. Each PgTestSchema is a schema of its own
// (podgate_t_<pid>_<n>_<random>), so tests run in parallel without seeing each other; the
// ledger's URL selects it through search_path, and the schema is dropped afterwards.
//
// PODGATE_TEST_ENGINE=postgresql makes TestLedgerUrl() (used by the gate, scenario and serve
// suites) hand out PostgreSQL schemas instead of SQLite files: CTest runs those suites a second
// time that way (tests named pg.*).
//
// Thread safety: a PgTestSchema is used by one thread at a time.

#ifndef PODGATE_TESTS_POSTGRES_TEST_SUPPORT_H_
#define PODGATE_TESTS_POSTGRES_TEST_SUPPORT_H_

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace podgate::testing {

// The test database's URL, or "" when PostgreSQL tests cannot run here.
inline std::string PgTestBaseUrl() {
  const char* url = std::getenv("PODGATE_TEST_PG_URL");
  return url ? std::string(url) : std::string();
}

inline constexpr const char* kPgSkipMessage =
    "PODGATE_TEST_PG_URL is unset: no PostgreSQL test database (scripts/test starts one when "
    "Debian's postgresql package is installed; CI always does)";

// Whether the suites that pick their engine should use PostgreSQL.
inline bool PgEngineSelected() {
  const char* engine = std::getenv("PODGATE_TEST_ENGINE");
  return engine && std::string_view(engine) == "postgresql";
}

// `base` with ?options=-csearch_path=SCHEMA (percent-encoded) appended.
inline std::string PgUrlWithSchema(const std::string& base, const std::string& schema) {
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

// Runs `sql` on a connection of its own to `url`; the first column of the first row ("" when
// there is none), or "error: MESSAGE".
inline std::string PgQuery(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out = std::string("error: ") + PQerrorMessage(conn);
  } else {
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // DROP ... CASCADE notes
    PGresult* r = PQexec(conn, sql.c_str());
    ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_TUPLES_OK) {
      if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) out = PQgetvalue(r, 0, 0);
    } else if (status != PGRES_COMMAND_OK) {
      out = std::string("error: ") + PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  PQfinish(conn);
  return out;
}

// A fresh schema in the test database, dropped with everything in it at destruction.
class PgTestSchema {
 public:
  PgTestSchema() {
    base_ = PgTestBaseUrl();
    if (base_.empty()) return;
    static std::atomic<int> counter{0};
    std::random_device random;
    name_ = fmt::format("podgate_t_{}_{}_{:08x}", ::getpid(), counter++, random());
    error_ = PgQuery(base_, "CREATE SCHEMA " + name_);
    url_ = PgUrlWithSchema(base_, name_);
  }
  ~PgTestSchema() {
    if (!name_.empty()) PgQuery(base_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  }
  PgTestSchema(const PgTestSchema&) = delete;
  PgTestSchema& operator=(const PgTestSchema&) = delete;

  // Whether the schema exists (PODGATE_TEST_PG_URL set and reachable).
  bool ok() const { return !base_.empty() && error_.empty(); }
  // Why not, for a test failure message.
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  // The ledger URL: the test database with this schema first on the search_path.
  const std::string& url() const { return url_; }
  // PgQuery() inside this schema.
  std::string Query(const std::string& sql) const { return PgQuery(url_, sql); }

 private:
  std::string base_, name_, url_, error_;
};

// In a test (or SetUp) of a suite that runs on either engine: skips when PostgreSQL is the
// selected engine but no test database is configured.
#define PODGATE_SKIP_WITHOUT_SELECTED_ENGINE()                                                   \
  do {                                                                                           \
    if (::podgate::testing::PgEngineSelected() && ::podgate::testing::PgTestBaseUrl().empty()) { \
      GTEST_SKIP() << ::podgate::testing::kPgSkipMessage;                                        \
    }                                                                                            \
  } while (false)

// The ledger a suite that runs on either engine uses: "sqlite:" + sqlite_path, or, when
// PODGATE_TEST_ENGINE=postgresql, a fresh schema of the test database.
class TestLedgerUrl {
 public:
  explicit TestLedgerUrl(const std::string& sqlite_path) {
    if (PgEngineSelected()) {
      pg_ = std::make_unique<PgTestSchema>();
      url_ = pg_->url();
    } else {
      url_ = "sqlite:" + sqlite_path;
    }
  }
  const std::string& url() const { return url_; }
  bool postgres() const { return pg_ != nullptr; }

 private:
  std::unique_ptr<PgTestSchema> pg_;
  std::string url_;
};

}  // namespace podgate::testing

#endif  // PODGATE_TESTS_POSTGRES_TEST_SUPPORT_H_
