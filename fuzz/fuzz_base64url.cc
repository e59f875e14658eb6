// Fuzz target: strict unpadded base64url (src/codec/base64url.cc) and signature checks on
// malformed signatures.
//
// Properties, on any input:
//   * decoding is strict, hence a bijection onto canonical text: what decodes re-encodes to
//     exactly the same text, and what is encoded decodes back to the same bytes;
//   * the decoded length is 3/4 of the text length, rounded down (no padding, no whitespace);
//   * VerifySignature on an arbitrary signature string never crashes and never says true (the
//     message is fixed and the key is a real key: only a forgery would verify).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "fuzz_check.h"
#include "podgate/keys.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  static const PublicKey kKey = [] {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(0x42);
    return SecretKey::FromSeed(seed).public_key();
  }();
  std::string_view text = podgate::fuzz::AsText(data, size);

  auto decoded = Base64UrlDecode(text);
  if (decoded) {
    FUZZ_CHECK(decoded->size() == size * 3 / 4, "decoded %zu bytes from %zu characters",
               decoded->size(), size);
    std::span<const std::uint8_t> raw(reinterpret_cast<const std::uint8_t*>(decoded->data()),
                                      decoded->size());
    FUZZ_CHECK(Base64UrlEncode(raw) == text, "decode/encode is not the identity");
  }
  std::string encoded = Base64UrlEncode(std::span<const std::uint8_t>(data, size));
  FUZZ_CHECK(encoded.find('=') == std::string::npos, "padding in the encoding");
  auto back = Base64UrlDecode(encoded);
  FUZZ_CHECK(back && *back == text, "encode/decode is not the identity");

  FUZZ_CHECK(!VerifySignature(kKey, "podgate fuzz message", text), "a fuzzed signature verified");
  return 0;
}
