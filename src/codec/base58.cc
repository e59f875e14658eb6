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
  // The number as 32-bit limbs, least significant first, fed five digits at a time
  // (58^5 < 2^32): a did:key decodes in a few dozen multiply-adds.
  std::vector<std::uint32_t> limbs;
  limbs.reserve((text.size() - ones) * 6 / 32 + 2);
  std::size_t i = ones;
  while (i < text.size()) {
    std::uint64_t group = 0, scale = 1;
    for (std::size_t k = 0; k < 5 && i < text.size(); ++k, ++i) {
      int digit = kDigits[static_cast<std::uint8_t>(text[i])];
      if (digit < 0) {
        return Status(Code::kBadKey, fmt::format("character {} at position {} is not in the "
                                                 "base58btc alphabet",
                                                 Describe(text[i]), i));
      }
      group = group * 58 + static_cast<std::uint64_t>(digit);
      scale *= 58;
    }
    std::uint64_t carry = group;
    for (auto& limb : limbs) {
      carry += static_cast<std::uint64_t>(limb) * scale;
      limb = static_cast<std::uint32_t>(carry);
      carry >>= 32;
    }
    while (carry > 0) {
      limbs.push_back(static_cast<std::uint32_t>(carry));
      carry >>= 32;
    }
  }
  std::vector<std::uint8_t> out(ones, 0);
  out.reserve(ones + limbs.size() * 4);
  bool leading = true;  // skip the zero bytes at the top of the most significant limb
  for (auto it = limbs.rbegin(); it != limbs.rend(); ++it) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      auto byte = static_cast<std::uint8_t>(*it >> shift);
      if (leading && byte == 0) continue;
      leading = false;
      out.push_back(byte);
    }
  }
  return out;
}

}  // namespace podgate::codec
