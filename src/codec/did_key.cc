// did:key identities of Ed25519 keys (declared in podgate/keys.h):
//
//   multibase = "z" base58btc(0xed 0x01 || 32 key bytes)       e.g. "z6Mk..."
//   id        = ROLE ":did:key:" multibase                      e.g. "node:did:key:z6Mk..."
//
// Every way a string can fail to be such a key gets its own message, because a person reading
// a rejection needs to know which part of a 48-character string is wrong.

#include <fmt/format.h>

#include "codec/base58.h"
#include "podgate/keys.h"

namespace podgate {
namespace {

constexpr std::uint8_t kEd25519PubCodec[2] = {0xed, 0x01};

std::string_view PrefixOf(Role role) {
  return role == Role::kNode ? "node:did:key:" : "participant:did:key:";
}

}  // namespace

std::string_view RoleName(Role role) { return role == Role::kNode ? "node" : "participant"; }

std::string PublicKey::ToMultibase() const {
  std::uint8_t buffer[34];
  buffer[0] = kEd25519PubCodec[0];
  buffer[1] = kEd25519PubCodec[1];
  std::copy(bytes.begin(), bytes.end(), buffer + 2);
  std::string out = "z";  // multibase base58btc
  out += codec::Base58Encode(buffer);
  return out;
}

std::string PublicKey::ToId(Role role) const {
  std::string id(PrefixOf(role));
  id += ToMultibase();
  return id;
}

Result<PublicKey> DecodeMultibaseKey(std::string_view multibase) {
  if (multibase.empty()) return Status(Code::kBadKey, "the key is empty");
  if (multibase[0] != 'z') {
    return Status(Code::kBadKey,
                  fmt::format("the key is not multibase base58btc: it starts with \"{}\", not 'z'",
                              std::string_view(multibase.data(), 1)));
  }
  if (multibase.size() == 1) return Status(Code::kBadKey, "the key has no digits after 'z'");
  auto decoded = codec::Base58Decode(multibase.substr(1));
  if (!decoded.ok()) {
    // Positions in the message count from the start of the multibase string, 'z' included.
    auto bad = multibase.find_first_not_of(codec::kBase58Alphabet, 1);
    return Status(Code::kBadKey,
                  fmt::format("the key is not base58btc: character \"{}\" at position {} is not in "
                              "the alphabet",
                              std::string_view(multibase.data() + bad, 1), bad));
  }
  const std::vector<std::uint8_t>& raw = decoded.value();
  if (raw.size() < 2 || raw[0] != kEd25519PubCodec[0] || raw[1] != kEd25519PubCodec[1]) {
    std::string seen = raw.size() >= 2   ? fmt::format("0x{:02x} 0x{:02x}", raw[0], raw[1])
                       : raw.size() == 1 ? fmt::format("the single byte 0x{:02x}", raw[0])
                                         : std::string("nothing");
    return Status(Code::kBadKey,
                  fmt::format("the key's multicodec prefix is {}, expected 0xed 0x01 "
                              "(ed25519-pub)",
                              seen));
  }
  if (raw.size() != 34) {
    return Status(Code::kBadKey,
                  fmt::format("the ed25519 key is {} bytes, expected 32", raw.size() - 2));
  }
  PublicKey key;
  std::copy(raw.begin() + 2, raw.end(), key.bytes.begin());
  return key;
}

Result<PublicKey> DecodeId(std::string_view id, Role role) {
  std::string_view prefix = PrefixOf(role);
  if (id.substr(0, prefix.size()) != prefix) {
    Role other = role == Role::kNode ? Role::kParticipant : Role::kNode;
    if (id.starts_with(PrefixOf(other))) {
      return Status(Code::kBadKey, fmt::format("\"{}\" is a {} identity, expected a {} identity "
                                               "(\"{}...\")",
                                               id, RoleName(other), RoleName(role), prefix));
    }
    return Status(Code::kBadKey, fmt::format("\"{}\" does not start with \"{}\"", id, prefix));
  }
  auto key = DecodeMultibaseKey(id.substr(prefix.size()));
  if (!key.ok()) {
    return Status(Code::kBadKey, fmt::format("\"{}\": {}", id, key.status().message()));
  }
  return key;
}

}  // namespace podgate
