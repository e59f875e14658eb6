// Test helpers for running the real `podgate admit` / `show` / `history` binary
// (PODGATE_BINARY) against a ledger in a temporary directory, with a node key made in the test.
//
// Thread safety: one test at a time.

#ifndef PODGATE_TESTS_GATE_CLI_H_
#define PODGATE_TESTS_GATE_CLI_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "gate_artifacts.h"
#include "podgate/keys.h"
#include "postgres_test_support.h"

namespace podgate::testing {

// A fresh directory, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = std::filesystem::temp_directory_path() / "podgate-gate-XXXXXX";
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command line; stdout captured, stderr discarded.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return result;
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// One line of `podgate admit --format json`.
struct VerdictLine {
  std::string input, kind, id, verdict, code, receipt;
};

inline std::vector<VerdictLine> ParseVerdicts(const std::string& out) {
  std::vector<VerdictLine> lines;
  simdjson::dom::parser parser;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) break;  // an unfinished line is not a verdict
    std::string_view line(out.data() + start, end - start);
    start = end + 1;
    simdjson::dom::element doc;
    if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS) continue;
    VerdictLine v;
    auto text = [&](const char* key) {
      std::string_view s;
      return doc[key].get_string().get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
    };
    v.input = text("input");
    v.kind = text("kind");
    v.id = text("id");
    v.verdict = text("verdict");
    v.code = text("code");
    simdjson::dom::element receipt;
    if (doc["receipt"].get(receipt) == simdjson::SUCCESS) v.receipt = simdjson::minify(receipt);
    lines.push_back(std::move(v));
  }
  return lines;
}

// A gate node in a scratch directory: its key file, its ledger (a SQLite file there, or a
// PostgreSQL schema when PODGATE_TEST_ENGINE=postgresql), and the admit command line.
class GateNode {
 public:
  explicit GateNode(const ScratchDir& dir, std::uint8_t seed = 1)
      : key_(KeyFromByte(seed)),
        id_(NodeId(key_)),
        key_file_(dir.File("node-" + std::to_string(seed) + ".pem")),
        ledger_(dir.File("ledger.db")),
        db_(ledger_.url()),
        db_path_(dir.File("ledger.db")) {
    (void)SaveSecretKey(key_, key_file_);
  }

  const SecretKey& key() const { return key_; }
  const std::string& id() const { return id_; }
  const std::string& key_file() const { return key_file_; }
  const std::string& db() const { return db_; }
  const std::string& db_path() const { return db_path_; }

  // The admit command line (JSON output) for `args` (files and extra options).
  std::string AdmitCommand(const std::string& args, const std::string& now) const {
    return std::string(PODGATE_BINARY) + " admit --db " + db_ + " --node-id " + id_ +
           " --node-key " + key_file_ + " --now " + now + " --format json " + args;
  }

 private:
  SecretKey key_;
  std::string id_;
  std::string key_file_;
  TestLedgerUrl ledger_;  // SQLite in the directory, or PostgreSQL (PODGATE_TEST_ENGINE)
  std::string db_;
  std::string db_path_;
};

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace podgate::testing

#endif  // PODGATE_TESTS_GATE_CLI_H_
