// Keys: Ed25519 public keys as did:key identifiers, and secret keys as PKCS#8 PEM files
// (DESIGN.md section 2).
//
// A PublicKey is 32 bytes; its did:key form is multibase base58btc ("z...") of the multicodec
// ed25519-pub prefix 0xed 0x01 followed by the key. Node and participant identities prefix that
// with their role: "node:did:key:z...", "participant:did:key:z...".
//
// A SecretKey holds the libsodium 64-byte secret key (seed || public key) in memory that is
// wiped (sodium_memzero) when the key is destroyed or moved from; it is never printed or
// logged. Key files are the PKCS#8 PEM that `openssl genpkey -algorithm ed25519` writes, are
// created with mode 0600, and are refused when group- or world-readable.
//
// Thread safety: keys are immutable values once built; concurrent const use is safe.

#ifndef PODGATE_KEYS_H_
#define PODGATE_KEYS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "podgate/status.h"

namespace podgate {

enum class Role : std::uint8_t { kNode, kParticipant };

// "node" or "participant".
std::string_view RoleName(Role role);

struct PublicKey {
  std::array<std::uint8_t, 32> bytes{};

  friend bool operator==(const PublicKey&, const PublicKey&) = default;

  // Multibase form: "z6Mk...".
  std::string ToMultibase() const;
  // Role-prefixed did:key identity: "node:did:key:z6Mk...".
  std::string ToId(Role role) const;
};

// Decodes a multibase did:key key ("z6Mk..."). Errors (code bad-key) say precisely what is
// wrong: not multibase base58btc, a character outside the base58 alphabet, a multicodec other
// than ed25519-pub, or a key that is not 32 bytes.
Result<PublicKey> DecodeMultibaseKey(std::string_view multibase);

// Decodes a role-prefixed identity ("node:did:key:z..."); the prefix must name `role`.
Result<PublicKey> DecodeId(std::string_view id, Role role);

class SecretKey {
 public:
  // A fresh random key (libsodium's CSPRNG).
  static SecretKey Generate();
  // The key of a 32-byte seed (RFC 8032 private key).
  static SecretKey FromSeed(std::span<const std::uint8_t, 32> seed);

  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  PublicKey public_key() const;

  // Ed25519 signature over `message`, as unpadded base64url (86 characters).
  std::string Sign(std::string_view message) const;

  // The raw 64-byte libsodium secret key; for the proof layer only.
  std::span<const std::uint8_t, 64> secret_bytes() const { return secret_; }

 private:
  SecretKey() = default;
  std::array<std::uint8_t, 64> secret_{};
};

// Reads a PKCS#8 PEM Ed25519 private key. Fails (bad-key) on a file readable by group or
// others, a PEM that is not an Ed25519 PKCS#8 private key, or an unreadable file (io-error).
Result<SecretKey> LoadSecretKey(const std::string& path);

// Writes `key` as PKCS#8 PEM, created with mode 0600; refuses to overwrite an existing file.
Status SaveSecretKey(const SecretKey& key, const std::string& path);

// Verifies an Ed25519 signature (unpadded base64url) over `message`, strictly as libsodium
// does (canonical encodings, small-order keys refused). False for a malformed signature.
bool VerifySignature(const PublicKey& key, std::string_view message,
                     std::string_view signature_base64url);

// Unpadded base64url (RFC 4648 section 5).
std::string Base64UrlEncode(std::span<const std::uint8_t> bytes);
// Strict decoding: no padding, no whitespace, only the url-safe alphabet, canonical trailing
// bits; nullopt otherwise.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace podgate

#endif  // PODGATE_KEYS_H_
