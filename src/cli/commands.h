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

}  // namespace podgate::cli

#endif  // PODGATE_CLI_COMMANDS_H_
