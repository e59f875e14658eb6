// podgate validate: layers 1 and 2 over files, standard input or NDJSON streams.

#include <fmt/format.h>

#include "artifact/schema.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "json/parser.h"

namespace podgate::cli {

// Fills *report for a document the reader found over the size limit.
void ReportOversized(std::size_t size, std::size_t limit, Report* report) {
  report->code = Code::kMalformedJson;
  report->kind.reset();
  report->id.clear();
  report->errors.clear();
  report->errors.push_back(Violation{
      "", "json", fmt::format("the document is {} bytes, over the limit of {} bytes", size, limit),
      limit});
}

int RunValidate(const CheckOptions& options) {
  json::Parser parser(json::Limits{options.max_bytes, 64});
  InputReader reader(options.max_bytes);
  Reporter reporter(options.format, options.quiet, "valid", "invalid");
  Report report;
  auto on_error = [&](const std::string& input, const Status& error) {
    reporter.InputError(input, error.message());
  };
  (void)reader.ReadAll(
      options.inputs, options.ndjson,
      [&](const InputDocument& doc) {
        if (doc.oversized) {
          ReportOversized(*doc.oversized, options.max_bytes, &report);
        } else {
          artifact::CheckArtifact(&parser, doc.bytes,
                                  options.kind ? options.kind : doc.kind_from_name, &report,
                                  nullptr);
        }
        reporter.Emit(reporter.quiet() ? std::string() : doc.Name(), report);
      },
      on_error);
  return reporter.Finish();
}

}  // namespace podgate::cli
