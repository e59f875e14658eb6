// base58btc (the Bitcoin alphabet), as multibase 'z' and did:key use it.
//
// Leading zero bytes encode as leading '1' characters and back. The big-number conversions are
// quadratic, which is fine for the short strings they serve (keys: 34 bytes).
//
// Thread safety: pure functions.

#ifndef PODGATE_CODEC_BASE58_H_
#define PODGATE_CODEC_BASE58_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "podgate/status.h"

namespace podgate::codec {

inline constexpr std::string_view kBase58Alphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

std::string Base58Encode(std::span<const std::uint8_t> bytes);

// Fails (bad-key) naming the first character outside the alphabet and its position.
Result<std::vector<std::uint8_t>> Base58Decode(std::string_view text);

}  // namespace podgate::codec

#endif  // PODGATE_CODEC_BASE58_H_
