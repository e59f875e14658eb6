// Fuzz target: did:key identities and base58btc (src/codec/did_key.cc, src/codec/base58.cc).
//
// Properties, on any input:
//   * decoding never crashes, and every failure is bad-key with a message;
//   * base58btc decoding agrees with a plain reference implementation (byte at a time, as in
//     the textbook), and is a bijection: decode then encode gives the text back, encode then
//     decode gives the bytes back;
//   * a decoded did:key re-encodes to exactly the text it came from, for the multibase form
//     and both role-prefixed identities.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/base58.h"
#include "fuzz_check.h"
#include "podgate/keys.h"

namespace podgate::fuzz {
namespace {

// The textbook base58btc decoder: nullopt for a character outside the alphabet.
std::optional<std::vector<std::uint8_t>> ReferenceBase58Decode(std::string_view text) {
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  std::vector<std::uint8_t> little;  // least significant byte first
  for (std::size_t i = ones; i < text.size(); ++i) {
    std::size_t digit = codec::kBase58Alphabet.find(text[i]);
    if (digit == std::string_view::npos) return std::nullopt;
    std::uint32_t carry = static_cast<std::uint32_t>(digit);
    for (auto& byte : little) {
      carry += static_cast<std::uint32_t>(byte) * 58;
      byte = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    for (; carry > 0; carry >>= 8) little.push_back(static_cast<std::uint8_t>(carry & 0xff));
  }
  std::vector<std::uint8_t> out(ones, 0);
  out.insert(out.end(), little.rbegin(), little.rend());
  return out;
}

void CheckKey(const Result<PublicKey>& key, std::string_view text, std::string expected_form) {
  if (key.ok()) {
    FUZZ_CHECK(expected_form == text, "decoded key re-encodes as %s", expected_form.c_str());
  } else {
    FUZZ_CHECK(key.status().code() == Code::kBadKey && !key.status().message().empty(),
               "failure %s", key.status().ToString().c_str());
  }
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  // base58 is quadratic by design (keys are 34 bytes); keep inputs near that scale.
  if (size > 512) return 0;
  std::string_view text = podgate::fuzz::AsText(data, size);

  auto decoded = codec::Base58Decode(text);
  auto reference = podgate::fuzz::ReferenceBase58Decode(text);
  FUZZ_CHECK(decoded.ok() == reference.has_value(), "base58 validity differs from the reference");
  if (decoded.ok()) {
    FUZZ_CHECK(decoded.value() == *reference, "base58 value differs from the reference");
    FUZZ_CHECK(codec::Base58Encode(decoded.value()) == text, "base58 decode/encode not identity");
  } else {
    FUZZ_CHECK(decoded.status().code() == Code::kBadKey, "base58 failure %s",
               decoded.status().ToString().c_str());
  }
  std::span<const std::uint8_t> bytes(data, size);
  auto back = codec::Base58Decode(codec::Base58Encode(bytes));
  FUZZ_CHECK(back.ok() && std::equal(back->begin(), back->end(), bytes.begin(), bytes.end()),
             "base58 encode/decode not identity");

  auto multibase = DecodeMultibaseKey(text);
  podgate::fuzz::CheckKey(multibase, text, multibase.ok() ? multibase->ToMultibase() : "");
  for (Role role : {Role::kNode, Role::kParticipant}) {
    auto id = DecodeId(text, role);
    podgate::fuzz::CheckKey(id, text, id.ok() ? id->ToId(role) : "");
  }
  return 0;
}
