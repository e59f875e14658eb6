// Crash test of the durable ledger: `kill -9` of a running `podgate admit` at random moments,
// twenty times, over the same ledger. After each kill:
//   * every verdict that had been printed is in the ledger, with the printed receipt, and its
//     replay (in the next run) answers duplicate;
//   * nothing is half there: every event has its record and its admitted verdict, every record
//     its event, every detached attachment its detachment;
//   * PRAGMA integrity_check is ok.
// A last run without a kill then admits the rest: every artifact ends admitted or duplicate.
// The random seed is printed, so that a failure can be replayed (PODGATE_CRASH_SEED=N).

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "gate_artifacts.h"
#include "gate_cli.h"
#include "podgate/ledger.h"

namespace podgate::testing {
namespace {

constexpr int kRounds = 20;
constexpr int kPairs = 1500;

// The first column of the first row of `sql`, as text.
std::string Query(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string out = "error";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      out = text ? reinterpret_cast<const char*>(text) : "";
    } else {
      out = std::string("error: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

// Consistency checks: each query counts violations and must answer 0.
constexpr const char* kHalfThere[] = {
    // an event without its record
    "SELECT COUNT(*) FROM events e WHERE e.type <> 'evicted' "
    "AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.seq = e.seq AND a.id = e.artifact_id) "
    "AND NOT EXISTS (SELECT 1 FROM detachments d WHERE d.seq = e.seq AND d.id = e.artifact_id) "
    "AND NOT EXISTS (SELECT 1 FROM recoveries r WHERE r.seq = e.seq AND r.id = e.artifact_id)",
    // a record without its event
    "SELECT COUNT(*) FROM attachments a WHERE NOT EXISTS "
    "(SELECT 1 FROM events e WHERE e.seq = a.seq AND e.artifact_id = a.id)",
    "SELECT COUNT(*) FROM detachments d WHERE NOT EXISTS "
    "(SELECT 1 FROM events e WHERE e.seq = d.seq AND e.artifact_id = d.id)",
    // a detached attachment without its detachment, or the other way round
    "SELECT COUNT(*) FROM attachments a WHERE a.detached_by IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM detachments d WHERE d.id = a.detached_by AND d.attachment_id = a.id)",
    "SELECT COUNT(*) FROM detachments d JOIN attachments a ON a.id = d.attachment_id "
    "WHERE a.detached_by IS NOT d.id",
    // an admitted fact without its verdict, or an admitted verdict without its fact
    "SELECT COUNT(*) FROM events e WHERE e.type <> 'evicted' AND NOT EXISTS "
    "(SELECT 1 FROM admissions v WHERE v.seq = e.seq)",
    "SELECT COUNT(*) FROM admissions v WHERE NOT EXISTS "
    "(SELECT 1 FROM events e WHERE e.seq = v.seq)",
};

struct ChildRun {
  std::string out;
  bool killed = false;
};

// Runs `argv`, reads its standard output until `lines` lines arrived, waits `delay`, then
// kills it with SIGKILL (unless it has finished) and returns everything it printed.
ChildRun RunAndKill(const std::vector<std::string>& argv, std::size_t lines,
                    std::chrono::microseconds delay) {
  int fds[2];
  ChildRun run;
  if (::pipe(fds) != 0) return run;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  char buffer[65536];
  std::size_t seen = 0;
  while (seen < lines) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    run.out.append(buffer, static_cast<std::size_t>(n));
    seen += static_cast<std::size_t>(std::count(buffer, buffer + n, '\n'));
  }
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) {
    run.out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.killed = WIFSIGNALED(status);
  return run;
}

TEST(GateCrashTest, KillNineAtRandomMomentsLosesNoPrintedVerdict) {
  std::uint64_t seed = std::random_device{}();
  if (const char* fixed = std::getenv("PODGATE_CRASH_SEED"))
    seed = std::strtoull(fixed, nullptr, 10);
  std::printf("PODGATE_CRASH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);

  ScratchDir dir;
  GateNode node(dir);
  std::vector<std::string> binds;
  for (std::uint8_t p = 0; p < 4; ++p) {
    binds.push_back(MakeBind(KeyFromByte(static_cast<std::uint8_t>(10 + p)),
                             {.id = "pb:" + std::to_string(p),
                              .bound_at = "2026-03-28T19:00:00Z",
                              .via_node = node.id()}));
  }
  std::string input;
  std::size_t total = 0;
  for (int i = 0; i < kPairs; ++i) {
    std::string n = std::to_string(i);
    const std::string& bind = binds[static_cast<std::size_t>(i) % binds.size()];
    input += MakeAttachment("attach:" + n, "client:" + n, "2026-03-28T19:42:00Z", node.id(), bind);
    input += '\n';
    input += MakeDetachment("detach:" + n, "attach:" + n, "client:" + n, "user-request",
                            "2026-03-28T20:05:00Z", node.id(), bind);
    input += '\n';
    total += 2;
    if (i % 50 == 7) {  // a rejection now and then: a detachment of an unknown attachment
      input += MakeDetachment("detach:ghost:" + n, "attach:ghost:" + n, "client:" + n,
                              "user-request", "2026-03-28T20:05:00Z", node.id(), bind);
      input += '\n';
      ++total;
    }
  }
  std::string input_path = dir.File("input.ndjson");
  WriteFile(input_path, input);
  std::vector<std::string> argv = {
      PODGATE_BINARY, "admit",      "--db",          node.db(), "--node-id",
      node.id(),      "--node-key", node.key_file(), "--now",   "2026-03-28T21:00:00Z",
      "--format",     "json",       "--batch",       "64",      "--ndjson",
      input_path};

  // kind/id -> the receipt printed for it.
  std::map<std::string, std::string> printed;
  int killed = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + ", seed " + std::to_string(seed));
    std::size_t lines = std::uniform_int_distribution<std::size_t>(0, total)(rng);
    // Half the kills land the moment a batch's verdicts arrive (a verdict printed before its
    // commit would be lost there), the others anywhere in the next batches.
    auto delay = std::chrono::microseconds(
        round % 2 == 0 ? 0 : std::uniform_int_distribution<int>(0, 4000)(rng));
    ChildRun run = RunAndKill(argv, lines, delay);
    killed += run.killed;

    for (const VerdictLine& v : ParseVerdicts(run.out)) {
      if (v.verdict != "admitted" && v.verdict != "duplicate") continue;
      std::string key = v.kind + "/" + v.id;
      auto [it, fresh] = printed.emplace(key, v.receipt);
      if (!fresh) {
        // Printed in an earlier round: it must now be a duplicate with the same receipt.
        EXPECT_EQ(v.verdict, "duplicate") << key;
        EXPECT_EQ(v.receipt, it->second) << key;
      }
    }

    EXPECT_EQ(Query(node.db_path(), "PRAGMA integrity_check"), "ok");
    for (const char* check : kHalfThere) EXPECT_EQ(Query(node.db_path(), check), "0") << check;
    auto ledger = OpenLedger(node.db());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    for (const auto& [key, receipt] : printed) {
      Kind kind =
          key.starts_with("client-instance-attachment/") ? Kind::kAttachment : Kind::kDetachment;
      std::string id = key.substr(key.find('/') + 1);
      auto stored = (*ledger)->GetArtifact(kind, id);
      ASSERT_TRUE(stored.ok());
      ASSERT_TRUE(stored->has_value()) << "printed but not in the ledger: " << key;
      EXPECT_EQ((*stored)->json, receipt) << key;  // the artifacts here are compact JSON
    }
  }
  std::printf("%d of %d runs were killed before they finished; %zu verdicts printed\n", killed,
              kRounds, printed.size());

  // A run to the end: everything is admitted or a duplicate, and what was printed before is
  // a duplicate now.
  ChildRun last = RunAndKill(argv, static_cast<std::size_t>(-1), std::chrono::microseconds(0));
  EXPECT_FALSE(last.killed);
  auto verdicts = ParseVerdicts(last.out);
  EXPECT_EQ(verdicts.size(), total);
  std::size_t rejected = 0;
  for (const VerdictLine& v : verdicts) {
    if (v.verdict == "rejected") {
      ++rejected;
      EXPECT_EQ(v.code, "unknown-attachment") << v.id;
      continue;
    }
    if (printed.count(v.kind + "/" + v.id)) {
      EXPECT_EQ(v.verdict, "duplicate") << v.id;
    }
  }
  EXPECT_EQ(rejected, total - 2 * kPairs);
  EXPECT_EQ(Query(node.db_path(), "SELECT COUNT(*) FROM attachments"), std::to_string(kPairs));
  EXPECT_EQ(Query(node.db_path(), "SELECT COUNT(*) FROM detachments"), std::to_string(kPairs));
}

}  // namespace
}  // namespace podgate::testing
