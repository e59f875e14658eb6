// podgate admit: layers 1 to 4 over files or NDJSON streams, against a durable ledger.
//
// Artifacts are staged in batches (group commit): a batch is committed with one fsync, and only
// then are its verdicts printed and flushed, so a printed verdict is always a committed one.
// A batch ends after --batch artifacts or at the end of the input.

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/input.h"
#include "podgate/gate.h"
#include "podgate/ledger.h"

namespace podgate::cli {
namespace {

int Fail(const Status& status) {
  fmt::print(stderr, "podgate: {}\n", status.ToString());
  return 2;
}

}  // namespace

std::string CompactJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      out.push_back(c);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '"') in_string = true;
    out.push_back(c);
  }
  return out;
}

int RunAdmit(const AdmitOptions& options) {
  std::optional<Timestamp> fixed_now;
  if (!options.now.empty()) {
    TimestampError error;
    fixed_now = ParseRfc3339(options.now, &error);
    if (!fixed_now) {
      return Fail(Status(Code::kUsage, fmt::format("--now \"{}\" is not an RFC 3339 date-time: {}",
                                                   options.now, error.reason)));
    }
  }
  auto ledger = OpenLedger(options.db);
  if (!ledger.ok()) return Fail(ledger.status());
  auto key = LoadSecretKey(options.node_key);
  if (!key.ok()) return Fail(key.status());
  GateOptions gate_options;
  gate_options.node_id = options.node_id;
  gate_options.skew_seconds = options.skew_seconds;
  gate_options.retention.max_count = options.retain_max_count;
  gate_options.retention.max_age_seconds = options.retain_max_age_seconds;
  gate_options.validator.max_bytes = options.max_bytes;
  auto gate = Gate::Create(gate_options, ledger->get(), std::move(key).value());
  if (!gate.ok()) return Fail(gate.status());

  const Rights rights = options.operator_rights ? Rights::kOperator : Rights::kParticipant;
  Reporter reporter(options.format, options.quiet, "admitted", "rejected");
  struct Pending {
    std::string name;
    Admission admission;
  };
  std::vector<Pending> pending;
  Status fatal;

  // Commits the batch, then (and only then) prints its verdicts.
  auto commit = [&]() {
    if (Status s = (*gate)->Commit(); !s.ok()) {
      fatal = s;
      return;
    }
    for (auto& p : pending) {
      const Admission& a = p.admission;
      std::string receipt;
      if (options.format == Format::kJson && !a.receipt.empty()) receipt = CompactJson(a.receipt);
      std::string_view word = a.verdict == Verdict::kDuplicate ? "duplicate" : "";
      reporter.Emit(p.name, a.report, word, receipt);
    }
    reporter.Flush();
    pending.clear();
  };

  InputReader reader(options.max_bytes);
  auto on_error = [&](const Status& error) { reporter.InputError(error.message()); };
  (void)reader.ReadAll(
      options.inputs, options.ndjson,
      [&](const InputDocument& doc) {
        if (!fatal.ok()) return;
        Pending p{std::string(doc.name), {}};
        if (doc.oversized) {
          ReportOversized(*doc.oversized, options.max_bytes, &p.admission.report);
        } else {
          auto staged = (*gate)->Stage(doc.bytes, rights, fixed_now ? *fixed_now : NowUtc(),
                                       options.kind ? options.kind : doc.kind_from_name);
          if (!staged.ok()) {
            fatal = staged.status();
            (*gate)->Rollback();
            pending.clear();
            return;
          }
          p.admission = std::move(staged).value();
        }
        pending.push_back(std::move(p));
        if (pending.size() >= options.batch) commit();
      },
      on_error);
  if (fatal.ok()) commit();
  if (!fatal.ok()) {
    reporter.Flush();
    fmt::print(stderr,
               "podgate: {}\npodgate: stopped; verdicts not printed above were not committed\n",
               fatal.ToString());
    return 2;
  }
  return reporter.Finish();
}

}  // namespace podgate::cli
