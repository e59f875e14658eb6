// The subcommands of the podgate command line (DESIGN.md section 4). main.cc parses the
// arguments with CLI11 into these option structs and calls the Run function; each returns the
// process exit code (0 all good, 1 some input rejected, 2 usage, I/O or configuration error).

#ifndef PODGATE_CLI_COMMANDS_H_
#define PODGATE_CLI_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

#include "cli/reporter.h"
#include "podgate/artifact.h"
#include "podgate/keys.h"

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

}  // namespace podgate::cli

#endif  // PODGATE_CLI_COMMANDS_H_
