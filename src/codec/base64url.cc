// Unpadded base64url (RFC 4648 section 5), declared in podgate/keys.h.
//
// Encoding is libsodium's. Decoding is a table-driven loop written here, for two reasons:
// libsodium 1.0.18's decoder is not strict enough (it reads a byte above 0x7f as some alphabet
// character, so "\xffA" decodes; a signature must have exactly one spelling), and its
// constant-time loop was a tenth of the CPU time of verifying a cached proof (signatures are
// public: nothing to hide from timing). Otherwise it refuses what libsodium's
// URLSAFE_NO_PADDING variant refuses, which did_key_test.cc checks against it on random ASCII
// inputs: padding, whitespace, characters of the standard alphabet, a length of 4k+1, and
// non-zero unused bits in the last character (only the canonical encoding is accepted).

#include <sodium.h>

#include <array>

#include "codec/base64url.h"
#include "podgate/keys.h"

namespace podgate {
namespace {

constexpr std::array<std::int8_t, 256> MakeTable() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<std::uint8_t>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr std::array<std::int8_t, 256> kTable = MakeTable();

}  // namespace

std::string Base64UrlEncode(std::span<const std::uint8_t> bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

namespace codec {

std::size_t Base64UrlDecodedSize(std::size_t characters) {
  return characters / 4 * 3 + (characters % 4 == 0 ? 0 : characters % 4 - 1);
}

bool Base64UrlDecodeInto(std::string_view text, std::span<std::uint8_t> out) {
  if (text.size() % 4 == 1 || Base64UrlDecodedSize(text.size()) != out.size()) return false;
  std::size_t o = 0, i = 0;
  // Whole quanta: four characters, three bytes.
  for (; i + 4 <= text.size(); i += 4) {
    int a = kTable[static_cast<std::uint8_t>(text[i])];
    int b = kTable[static_cast<std::uint8_t>(text[i + 1])];
    int c = kTable[static_cast<std::uint8_t>(text[i + 2])];
    int d = kTable[static_cast<std::uint8_t>(text[i + 3])];
    if ((a | b | c | d) < 0) return false;
    auto v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
    out[o++] = static_cast<std::uint8_t>(v >> 16);
    out[o++] = static_cast<std::uint8_t>(v >> 8);
    out[o++] = static_cast<std::uint8_t>(v);
  }
  // The tail: two characters (one byte, 4 unused bits) or three (two bytes, 2 unused bits).
  std::size_t rest = text.size() - i;
  if (rest >= 2) {
    int a = kTable[static_cast<std::uint8_t>(text[i])];
    int b = kTable[static_cast<std::uint8_t>(text[i + 1])];
    int c = rest == 3 ? kTable[static_cast<std::uint8_t>(text[i + 2])] : 0;
    if ((a | b | c) < 0) return false;
    auto v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6);
    if (rest == 2 && (b & 0x0f) != 0) return false;
    if (rest == 3 && (c & 0x03) != 0) return false;
    out[o++] = static_cast<std::uint8_t>(v >> 16);
    if (rest == 3) out[o++] = static_cast<std::uint8_t>(v >> 8);
  }
  return true;
}

}  // namespace codec

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out(codec::Base64UrlDecodedSize(text.size()), '\0');
  if (!codec::Base64UrlDecodeInto(
          text, std::span(reinterpret_cast<std::uint8_t*>(out.data()), out.size()))) {
    return std::nullopt;
  }
  return out;
}

}  // namespace podgate
