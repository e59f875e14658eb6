#include "codec/base58.h"

#include <array>

#include <fmt/format.h>

namespace podgate::codec {
namespace {

constexpr std::array<std::int8_t, 256> MakeDigits() {
  std::array<std::int8_t, 256> digits{};
  for (auto& d : digits) d = -1;
  for (std::size_t i = 0; i < kBase58Alphabet.size(); ++i) {
    digits[static_cast<std::uint8_t>(kBase58Alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return digits;
}

constexpr std::array<std::int8_t, 256> kDigits = MakeDigits();

// How a character reads in a message: printable ASCII as is, anything else as a byte value.
std::string Describe(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", byte);
}

}  // namespace

std::string Base58Encode(std::span<const std::uint8_t> bytes) {
  std::size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  // Base-58 digits, least significant first; log(256)/log(58) < 1.37.
  std::vector<std::uint8_t> digits;
  digits.reserve((bytes.size() - zeros) * 137 / 100 + 1);
  for (std::size_t i = zeros; i < bytes.size(); ++i) {
    std::uint32_t carry = bytes[i];
    for (auto& digit : digits) {
      carry += static_cast<std::uint32_t>(digit) << 8;
      digit = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kBase58Alphabet[*it]);
  return out;
}

Result<std::vector<std::uint8_t>> Base58Decode(std::string_view text) {
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  // Bytes, least significant first; log(58)/log(256) < 0.74.
  std::vector<std::uint8_t> bytes;
  bytes.reserve((text.size() - ones) * 74 / 100 + 1);
  for (std::size_t i = ones; i < text.size(); ++i) {
    int digit = kDigits[static_cast<std::uint8_t>(text[i])];
    if (digit < 0) {
      return Status(Code::kBadKey, fmt::format("character {} at position {} is not in the "
                                               "base58btc alphabet",
                                               Describe(text[i]), i));
    }
    auto carry = static_cast<std::uint32_t>(digit);
    for (auto& byte : bytes) {
      carry += static_cast<std::uint32_t>(byte) * 58;
      byte = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  std::vector<std::uint8_t> out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

}  // namespace podgate::codec
