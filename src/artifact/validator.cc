#include <string>

#include "artifact/schema.h"
#include "json/parser.h"
#include "podgate/artifact.h"

namespace podgate {

struct Validator::Impl {
  explicit Impl(const ValidatorOptions& options)
      : parser(json::Limits{options.max_bytes, options.max_depth}) {}

  json::Parser parser;
  std::string padded;  // the input followed by json::kPadding bytes
};

Validator::Validator(ValidatorOptions options) : impl_(std::make_unique<Impl>(options)) {}
Validator::~Validator() = default;

Report Validator::Validate(std::string_view json, std::optional<Kind> kind) {
  impl_->padded.assign(json);
  impl_->padded.append(json::kPadding, '\0');
  Report report;
  artifact::CheckArtifact(&impl_->parser, std::string_view(impl_->padded.data(), json.size()), kind,
                          &report, nullptr);
  return report;
}

}  // namespace podgate
