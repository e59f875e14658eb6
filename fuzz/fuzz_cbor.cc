// Fuzz target: deterministic CBOR (src/codec/cbor.cc), the encoding every signature covers.
//
// Properties, on any JSON document the parser accepts:
//   * the encoding, read back by the independent reader of cbor_check.h, is exactly one item,
//     canonical (shortest heads, definite lengths, keys in bytewise order of their encodings,
//     shortest exact floats) and equal to the parsed value;
//   * encoding is a function of the value: the encoder's scratch space carries nothing from one
//     document to the next (a second encoder that saw other documents gives the same bytes);
//   * omitting the top-level proof members equals encoding the object without them;
//   * JsonToCbor encodes exactly one JSON text: what it accepts is one value (it is wrapped in
//     an array of one element and that array must parse with one element).

#include <cstddef>
#include <cstdint>
#include <string>

#include "cbor_check.h"
#include "codec/cbor.h"
#include "fuzz_check.h"
#include "json/parser.h"
#include "json/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  static json::Parser parser;
  static codec::CborEncoder encoder;
  static codec::CborEncoder fresh_each_other_time;
  static bool flip = false;
  std::string_view input = podgate::fuzz::AsText(data, size);

  // JsonToCbor takes any JSON text; whatever it accepts must be a single value.
  auto tool = codec::JsonToCbor(input);
  if (tool.ok()) {
    static json::Parser wrapper(json::Limits{1 << 20, 66});
    json::Element root;
    std::string wrapped = "{\"v\":[" + std::string(input) + "\n]}";
    Status parsed = wrapper.ParseCopy(wrapped, &root);
    FUZZ_CHECK(parsed.ok(), "JsonToCbor accepted a text that is not one JSON value: %s",
               parsed.ToString().c_str());
    json::Array array = root["v"].get_array().value_unsafe();
    FUZZ_CHECK(array.size() == 1, "JsonToCbor accepted %zu values", array.size());
    podgate::fuzz::CborChecker checker(tool.value());
    FUZZ_CHECK(checker.CheckDocument(array.at(0).value_unsafe()), "JsonToCbor: %s",
               checker.error().c_str());
  }

  json::Element root;
  if (!parser.ParseCopy(input, &root).ok()) return 0;
  std::string cbor;
  encoder.Append(root, &cbor);
  podgate::fuzz::CborChecker checker(cbor);
  FUZZ_CHECK(checker.CheckDocument(root), "%s", checker.error().c_str());

  flip = !flip;
  if (flip) {
    std::string again;
    fresh_each_other_time.Append(root, &again);
    FUZZ_CHECK(again == cbor, "a second encoder gives other bytes");
  }

  // Omitting the proof members: the same bytes as the object rebuilt without them.
  constexpr std::string_view kOmit[] = {"proof/participant-signature", "proof/node-attestation"};
  json::Object object = root.get_object().value_unsafe();
  std::string omitted;
  encoder.AppendObject(object, kOmit, &omitted);
  std::string rebuilt = "{";
  bool first = true;
  for (auto field : object) {
    if (field.key == kOmit[0] || field.key == kOmit[1]) continue;
    if (!first) rebuilt += ',';
    first = false;
    json::AppendQuoted(&rebuilt, field.key);
    rebuilt += ":" + simdjson::minify(field.value);
  }
  rebuilt += "}";
  static json::Parser rebuilt_parser(json::Limits{1 << 20, 64});
  json::Element rebuilt_root;
  Status status = rebuilt_parser.ParseCopy(rebuilt, &rebuilt_root);
  FUZZ_CHECK(status.ok(), "the rebuilt object does not parse: %s", status.ToString().c_str());
  std::string expected;
  encoder.Append(rebuilt_root, &expected);
  FUZZ_CHECK(omitted == expected, "omitting the proof members differs from removing them");
  return 0;
}
