// Fuzz target: layer 1, strict JSON (src/json).
//
// Properties, on any input:
//   * the parser answers OK or malformed-json, never anything else, and never crashes;
//   * the fast path (simdjson + duplicate check) and the strict scanner agree on every input
//     within the size limit: same verdict, and the same byte offset for a rejection;
//   * an accepted document survives a round trip: minified by simdjson and parsed again it is
//     the same value (compared through its deterministic CBOR, which is a function of the
//     value alone).

#include <cstddef>
#include <cstdint>
#include <string>

#include "codec/cbor.h"
#include "fuzz_check.h"
#include "json/parser.h"
#include "json/strict_scanner.h"

namespace podgate::fuzz {
namespace {

constexpr json::Limits kLimits{64 * 1024, 64};

std::string Cbor(json::Element root) {
  codec::CborEncoder encoder;
  std::string out;
  encoder.Append(root, &out);
  return out;
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  using podgate::fuzz::AsText;
  static json::Parser parser(podgate::fuzz::kLimits);
  // Minifying may lengthen numbers ("1E9" prints as 1000000000.0): more room on the way back.
  static json::Parser reparser(json::Limits{1 << 20, podgate::fuzz::kLimits.max_depth});
  std::string_view input = AsText(data, size);

  json::Element root;
  json::SyntaxError error;
  Status status = parser.ParseCopy(input, &root, &error);
  FUZZ_CHECK(status.ok() || status.code() == Code::kMalformedJson, "status %s",
             status.ToString().c_str());
  if (size > podgate::fuzz::kLimits.max_bytes) {
    FUZZ_CHECK(!status.ok(), "a document over the size limit was accepted");
    return 0;
  }

  json::ScanResult scan = json::ScanStrict(input, podgate::fuzz::kLimits.max_depth);
  FUZZ_CHECK(status.ok() == scan.ok, "parser says %s, scanner says %s at %zu",
             status.ToString().c_str(), scan.ok ? "ok" : scan.message.c_str(), scan.offset);
  if (!status.ok()) {
    FUZZ_CHECK(error.offset <= size, "offset %zu past the end (%zu bytes)", error.offset, size);
    FUZZ_CHECK(error.offset == scan.offset, "parser offset %zu (%s), scanner offset %zu (%s)",
               error.offset, error.message.c_str(), scan.offset, scan.message.c_str());
    return 0;
  }
  FUZZ_CHECK(root.is_object(), "the top-level value is not an object");

  std::string cbor = podgate::fuzz::Cbor(root);
  std::string minified = simdjson::minify(root);
  json::Element again;
  Status reparsed = reparser.ParseCopy(minified, &again);
  FUZZ_CHECK(reparsed.ok(), "the minified document does not parse: %s (%s)",
             reparsed.ToString().c_str(), minified.c_str());
  FUZZ_CHECK(podgate::fuzz::Cbor(again) == cbor, "the round trip changed the value: %s",
             minified.c_str());
  return 0;
}
