// Unpadded base64url (RFC 4648 section 5), declared in podgate/keys.h.
//
// libsodium's URLSAFE_NO_PADDING variant is as strict as the signing profile wants: it refuses
// padding, whitespace (no ignore set is passed), characters of the standard alphabet, a length
// of 4k+1, and non-zero unused bits in the last character (non-canonical encodings).

#include <sodium.h>

#include "podgate/keys.h"

namespace podgate {

std::string Base64UrlEncode(std::span<const std::uint8_t> bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 1, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), /*ignore=*/nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace podgate
