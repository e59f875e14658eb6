// Fuzz target: the one-pass fast path of layers 1 and 2 (src/artifact/fast_path.h) against the
// exact path (the simdjson DOM, then the schema walk: CheckArtifact with a root to fill, which
// never takes the fast path).
//
// The fast path may decline any document, but what it calls valid must be valid: for every
// input, with kind detection and with each kind forced, and under the default limits as well
// as under tight ones (depth 4; the input's own size; one byte less), a FastVerdict implies an
// ok report of the exact path with the same kind and the same id.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "artifact/fast_path.h"
#include "artifact/schema.h"
#include "fuzz_check.h"
#include "json/parser.h"

namespace podgate::fuzz {
namespace {

void Agree(std::string_view padded_input, std::optional<Kind> kind, const json::Limits& limits) {
  auto fast = artifact::FastCheck(padded_input, kind, limits);
  if (!fast) return;
  json::Parser parser(limits);
  Report report;
  json::Object root;
  artifact::CheckArtifact(&parser, padded_input, kind, &report, &root);
  FUZZ_CHECK(report.ok(), "the fast path calls valid what the exact path refuses (%s: %s)",
             std::string(CodeName(report.code)).c_str(),
             report.errors.empty() ? "" : report.errors[0].message.c_str());
  FUZZ_CHECK(report.kind == fast->kind, "the paths detect different kinds");
  FUZZ_CHECK(report.id == fast->id, "the paths read different ids");
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  std::string padded(podgate::fuzz::AsText(data, size));
  padded.append(json::kPadding, '\0');
  std::string_view input(padded.data(), size);

  json::Limits limits[] = {{}, {64 * 1024, 4}, {size, 64}, {size == 0 ? 0 : size - 1, 64}};
  for (const json::Limits& l : limits) {
    podgate::fuzz::Agree(input, std::nullopt, l);
    for (Kind kind : kAllKinds) podgate::fuzz::Agree(input, kind, l);
  }
  return 0;
}
