// Fuzz target: layers 1 and 2, strict JSON and the schema of each kind (src/artifact).
//
// Each input is validated with kind detection and then as each of the four kinds. Properties:
//   * the code is ok, malformed-json, schema-invalid or unknown-kind, and a report is ok
//     exactly when it lists no violation;
//   * every violation names a JSON Pointer ("" or "/..."), a keyword and a message;
//     malformed-json reports exactly one violation, with a byte offset inside the input;
//   * a document valid as kind K is detected as K (the kind-specific id members decide);
//   * the verdict is a function of the input: a second Validator that saw other inputs before
//     reaches the same report.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz_check.h"
#include "podgate/artifact.h"

namespace podgate::fuzz {
namespace {

void CheckReport(const Report& report, std::size_t size) {
  FUZZ_CHECK(report.code == Code::kOk || report.code == Code::kMalformedJson ||
                 report.code == Code::kSchemaInvalid || report.code == Code::kUnknownKind,
             "unexpected code %s", std::string(CodeName(report.code)).c_str());
  FUZZ_CHECK(report.ok() == report.errors.empty(), "code %s with %zu violations",
             std::string(CodeName(report.code)).c_str(), report.errors.size());
  for (const Violation& v : report.errors) {
    FUZZ_CHECK(v.path.empty() || v.path[0] == '/', "path %s is not a JSON Pointer", v.path.c_str());
    FUZZ_CHECK(!v.keyword.empty() && !v.message.empty(), "violation at %s without words",
               v.path.c_str());
  }
  if (report.code == Code::kMalformedJson) {
    FUZZ_CHECK(report.errors.size() == 1, "malformed-json with %zu violations",
               report.errors.size());
    FUZZ_CHECK(report.errors[0].offset.has_value() && *report.errors[0].offset <= size,
               "malformed-json without an offset inside the input");
  }
  if (report.ok()) FUZZ_CHECK(report.kind.has_value(), "a valid document without a kind");
}

bool SameReport(const Report& a, const Report& b) {
  return a.code == b.code && a.kind == b.kind && a.id == b.id && a.errors == b.errors;
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  static Validator validator;
  static Validator other;
  std::string_view input = podgate::fuzz::AsText(data, size);

  Report detected = validator.Validate(input);
  podgate::fuzz::CheckReport(detected, size);
  Report forced[4];
  for (std::size_t i = 0; i < kAllKinds.size(); ++i) {
    forced[i] = validator.Validate(input, kAllKinds[i]);
    podgate::fuzz::CheckReport(forced[i], size);
    FUZZ_CHECK(forced[i].code != Code::kUnknownKind, "unknown-kind with a forced kind");
    if (forced[i].ok()) {
      FUZZ_CHECK(detected.ok() && detected.kind == kAllKinds[i],
                 "valid as %s but detected as %s (%s)", std::string(KindName(kAllKinds[i])).c_str(),
                 detected.kind ? std::string(KindName(*detected.kind)).c_str() : "nothing",
                 std::string(CodeName(detected.code)).c_str());
    }
  }
  // The other validator sees the kinds in the opposite order, detection last.
  for (std::size_t i = kAllKinds.size(); i-- > 0;) {
    Report again = other.Validate(input, kAllKinds[i]);
    FUZZ_CHECK(podgate::fuzz::SameReport(again, forced[i]), "a second validator disagrees");
  }
  FUZZ_CHECK(podgate::fuzz::SameReport(other.Validate(input), detected),
             "a second validator disagrees on detection");
  return 0;
}
