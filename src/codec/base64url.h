// Allocation-free strict base64url decoding for hot paths (the public Base64UrlDecode of
// podgate/keys.h is built on it; base64url.cc explains the strictness).
//
// Thread safety: pure functions.

#ifndef PODGATE_CODEC_BASE64URL_H_
#define PODGATE_CODEC_BASE64URL_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace podgate::codec {

// The number of bytes `characters` unpadded base64url characters decode to (for 4k+1, which
// no encoding has, a number no decoding will match).
std::size_t Base64UrlDecodedSize(std::size_t characters);

// Decodes `text` into `out`; true only when `text` is the canonical unpadded base64url
// encoding of exactly out.size() bytes.
bool Base64UrlDecodeInto(std::string_view text, std::span<std::uint8_t> out);

}  // namespace podgate::codec

#endif  // PODGATE_CODEC_BASE64URL_H_
