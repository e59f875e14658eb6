// Reporter: prints one verdict per input, in input order, as text or JSON lines (DESIGN.md
// section 4), then the closing count line, and turns the tally into the exit code.
//
//   text: "PATH: valid client-instance-detachment detach:01..." and, for a failure, one
//         indented "POINTER: message" line per violation.
//   json: {"input":…,"kind":…,"id":…,"verdict":…,"code":…,"errors":[…]} (+ "receipt" for
//         admit), one object per line. The count line then goes to standard error, so that
//         standard output stays pure JSON lines.
//
// Output is buffered and written in large blocks; Flush() forces it out (admit flushes after
// each durable commit, so a printed verdict is always a committed one).
//
// Thread safety: one thread at a time.

#ifndef PODGATE_CLI_REPORTER_H_
#define PODGATE_CLI_REPORTER_H_

#include <cstdio>
#include <string>
#include <string_view>

#include "podgate/artifact.h"

namespace podgate::cli {

enum class Format { kText, kJson };

class Reporter {
 public:
  // `pass_word`/`fail_word` name the verdicts: "valid"/"invalid" for validate and verify.
  // With `duplicate_word` (admit: "duplicate"), inputs emitted with that verdict are passes
  // counted apart, and the count line names them: "3 inputs: 1 admitted, 2 duplicate, 0
  // rejected".
  Reporter(Format format, bool quiet, std::string_view pass_word, std::string_view fail_word,
           std::FILE* out = stdout, std::string_view duplicate_word = {});
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // Records a verdict. `verdict` overrides the pass/fail word (admit: "duplicate");
  // `receipt` is raw JSON text added as "receipt" in JSON output.
  void Emit(std::string_view input, const Report& report, std::string_view verdict = {},
            std::string_view receipt = {});

  // An input that could not be read at all (exit code 2): named on standard error, and with
  // --format json also given its line (verdict the fail word, code io-error), so that there is
  // one line per input, in input order; the count line counts it as unreadable.
  void InputError(std::string_view input, std::string_view message);

  void Flush();

  // Prints the count line and returns the exit code: 0 all passed, 1 some failed, 2 some
  // input unreadable.
  int Finish();

  bool quiet() const { return quiet_; }
  std::size_t passed() const { return passed_; }
  std::size_t failed() const { return failed_; }

 private:
  void EmitText(std::string_view input, const Report& report, std::string_view verdict);
  void EmitJson(std::string_view input, const Report& report, std::string_view verdict,
                std::string_view receipt);

  Format format_;
  bool quiet_;
  std::string pass_word_;
  std::string fail_word_;
  std::string duplicate_word_;  // empty: duplicates are not counted apart
  std::FILE* out_;
  std::string buffer_;
  std::size_t passed_ = 0;  // duplicates included
  std::size_t duplicates_ = 0;
  std::size_t failed_ = 0;
  std::size_t io_errors_ = 0;
};

}  // namespace podgate::cli

#endif  // PODGATE_CLI_REPORTER_H_
