// The subcommands of the podgate command line (DESIGN.md section 4). main.cc parses the
// arguments with CLI11 into these option structs and calls the Run function; each returns the
// process exit code (0 all good, 1 some input rejected, 2 usage, I/O or configuration error).

#ifndef PODGATE_CLI_COMMANDS_H_
#define PODGATE_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/reporter.h"
#include "podgate/artifact.h"
#include "podgate/keys.h"
#include "podgate/ledger.h"

namespace podgate::cli {

// Options shared by validate and verify.
struct CheckOptions {
  std::optional<Kind> kind;
  Format format = Format::kText;
  bool ndjson = false;
  bool quiet = false;
  std::size_t max_bytes = 64 * 1024;
  std::vector<std::string> inputs;
};

int RunValidate(const CheckOptions& options);

// Layers 1 to 3, on every core, reported in input order (verify_command.cc).
int RunVerify(const CheckOptions& options);

// Fills *report for a document the reader found over the size limit (validate_command.cc).
void ReportOversized(std::size_t size, std::size_t limit, Report* report);

struct SignOptions {
  std::string key_file;
  std::optional<Kind> kind;
  std::string out;  // empty: standard output
  std::size_t max_bytes = 64 * 1024;
  std::string input;  // a file, or - for standard input
  // Instead of signing the artifact: the Participant-Signature value for posting it.
  bool request = false;
  // Instead of signing an artifact: the three headers of a participant's read of this
  // "METHOD TARGET", at `at` (RFC 3339; default now).
  std::string read;
  std::string at;
};
int RunSign(const SignOptions& options);

struct KeygenOptions {
  std::string out;
};
int RunKeygen(const KeygenOptions& options);

struct DidOptions {
  std::string key_file;
  std::optional<Role> role;  // none: both identities
  bool multibase = false;
};
int RunDid(const DidOptions& options);

// podgate admit (admit_command.cc): layers 1 to 4 against the ledger, group commit, one
// verdict line per artifact printed only once its batch is durable.
struct AdmitOptions {
  std::string db;        // ledger URL: sqlite:PATH
  std::string node_id;   // must be the identity of node_key
  std::string node_key;  // PKCS#8 PEM file
  std::string now;       // RFC 3339; empty: the system clock
  bool operator_rights = false;
  std::optional<Kind> kind;
  Format format = Format::kText;
  bool ndjson = false;
  bool quiet = false;
  std::size_t max_bytes = 64 * 1024;
  std::size_t batch = 1024;  // artifacts per commit
  std::int64_t skew_seconds = 300;
  std::optional<std::uint64_t> retain_max_count;
  std::optional<std::int64_t> retain_max_age_seconds;
  std::vector<std::string> inputs;
};
int RunAdmit(const AdmitOptions& options);

// `json` without the whitespace between its tokens (strings kept byte for byte): a stored
// artifact as one line of output.
std::string CompactJson(std::string_view json);

// podgate show / podgate history (show_command.cc, history_command.cc): the read models.
struct ShowOptions {
  std::string db;
  Format format = Format::kText;
  std::string participant;      // show: the participant's client instances
  std::string client_instance;  // show / history: one client instance
};
int RunShow(const ShowOptions& options);
int RunHistory(const ShowOptions& options);
// Opens the ledger at `url` for reading; a missing database is an error, not a new ledger.
Result<std::unique_ptr<Ledger>> OpenExistingLedger(const std::string& url);

// podgate serve (serve_command.cc): the gate as an HTTP service (src/server/, openapi.yaml).
// With no options it runs on sqlite:./var/podgate.db at 127.0.0.1:8080, creating ./var/node.pem
// and ./var/operator.token (mode 0600) on first run.
struct ServeOptions {
  std::string db = "sqlite:./var/podgate.db";
  std::string listen = "127.0.0.1:8080";
  std::string node_key = "./var/node.pem";
  std::string operator_token_file = "./var/operator.token";
  std::string session_ttl;       // DURATION ("12h"); empty: no session expiry
  std::string expiry_interval;   // how often expiry runs; empty: ttl/10 within [1s, 60s]
  std::string access_log = "-";  // FILE, "-" (standard error) or "off"
  int threads = 0;               // HTTP worker threads; 0: one per core
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 1024;
  std::string request_timeout = "10s";
  std::string idle_timeout = "60s";
  std::int64_t skew_seconds = 300;
  std::size_t batch = 512;  // admissions per group commit at most
  std::optional<std::uint64_t> retain_max_count;
  std::optional<std::int64_t> retain_max_age_seconds;
};
int RunServe(const ServeOptions& options);

}  // namespace podgate::cli

#endif  // PODGATE_CLI_COMMANDS_H_
