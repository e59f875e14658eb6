#include <sodium.h>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "codec/base58.h"
#include "podgate/keys.h"

namespace podgate {
namespace {

// The participant key of the vectors (seed 0x2a * 32) and the node key (seed 0x29 * 32).
constexpr std::string_view kParticipantKey = "z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn";
constexpr std::string_view kNodeKey = "z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE";

std::string ErrorOf(const Result<PublicKey>& key) {
  EXPECT_FALSE(key.ok());
  if (key.ok()) return "";
  EXPECT_EQ(key.status().code(), Code::kBadKey);
  return key.status().message();
}

TEST(Base58Test, KnownValues) {
  auto encode = [](std::string_view s) {
    return codec::Base58Encode(
        std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  };
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("hello world"), "StV1DL6CwTryKyV");
  EXPECT_EQ(encode(std::string("\0\0\x01", 3)), "112");
  auto decoded = codec::Base58Decode("112");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value(), (std::vector<std::uint8_t>{0, 0, 1}));
}

TEST(Base58Test, RefusesCharactersOutsideTheAlphabet) {
  for (char c : std::string_view("0OIl+/= ")) {
    auto decoded = codec::Base58Decode(std::string("abc") + c);
    ASSERT_FALSE(decoded.ok()) << c;
    EXPECT_NE(decoded.status().message().find("position 3"), std::string::npos);
  }
}

RC_GTEST_PROP(Base58Property, RoundTrips, (std::vector<std::uint8_t> bytes)) {
  auto decoded = codec::Base58Decode(codec::Base58Encode(bytes));
  RC_ASSERT(decoded.ok());
  RC_ASSERT(decoded.value() == bytes);
}

TEST(DidKeyTest, RoundTripsTheVectorKeys) {
  for (std::string_view multibase : {kParticipantKey, kNodeKey}) {
    auto key = DecodeMultibaseKey(multibase);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(key->ToMultibase(), multibase);
    EXPECT_EQ(key->ToId(Role::kNode), "node:did:key:" + std::string(multibase));
    auto id = DecodeId(key->ToId(Role::kParticipant), Role::kParticipant);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(id.value(), key.value());
  }
}

TEST(DidKeyTest, SaysPreciselyWhatIsWrong) {
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("")), "the key is empty");
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("z")), "the key has no digits after 'z'");
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("u6MkgAnvkP45")),
            "the key is not multibase base58btc: it starts with \"u\", not 'z'");
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("z6Mkg0nvkP45")),
            "the key is not base58btc: character \"0\" at position 5 is not in the alphabet");
  // A secp256k1 key (multicodec 0xe7 0x01).
  std::vector<std::uint8_t> secp(35, 7);
  secp[0] = 0xe7;
  secp[1] = 0x01;
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("z" + codec::Base58Encode(secp))),
            "the key's multicodec prefix is 0xe7 0x01, expected 0xed 0x01 (ed25519-pub)");
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("z2")),
            "the key's multicodec prefix is the single byte 0x01, expected 0xed 0x01 "
            "(ed25519-pub)");
  std::vector<std::uint8_t> short_key(33, 9);
  short_key[0] = 0xed;
  short_key[1] = 0x01;
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("z" + codec::Base58Encode(short_key))),
            "the ed25519 key is 31 bytes, expected 32");
  std::vector<std::uint8_t> long_key(35, 9);
  long_key[0] = 0xed;
  long_key[1] = 0x01;
  EXPECT_EQ(ErrorOf(DecodeMultibaseKey("z" + codec::Base58Encode(long_key))),
            "the ed25519 key is 33 bytes, expected 32");
}

TEST(DidKeyTest, RolePrefixMustMatch) {
  std::string node = "node:did:key:" + std::string(kNodeKey);
  EXPECT_TRUE(DecodeId(node, Role::kNode).ok());
  EXPECT_EQ(ErrorOf(DecodeId(node, Role::kParticipant)),
            "\"" + node +
                "\" is a node identity, expected a participant identity "
                "(\"participant:did:key:...\")");
  EXPECT_EQ(ErrorOf(DecodeId("did:key:z6Mk", Role::kNode)),
            "\"did:key:z6Mk\" does not start with \"node:did:key:\"");
  EXPECT_NE(ErrorOf(DecodeId("node:did:key:x", Role::kNode)).find("not multibase"),
            std::string::npos);
}

TEST(Base64UrlTest, EncodesUnpadded) {
  auto bytes = [](std::string_view s) {
    return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(Base64UrlEncode(bytes("")), "");
  EXPECT_EQ(Base64UrlEncode(bytes("f")), "Zg");
  EXPECT_EQ(Base64UrlEncode(bytes("fo")), "Zm8");
  EXPECT_EQ(Base64UrlEncode(bytes("foo")), "Zm9v");
  EXPECT_EQ(Base64UrlEncode(bytes("\xfb\xff")), "-_8");
}

TEST(Base64UrlTest, DecodesStrictly) {
  EXPECT_EQ(Base64UrlDecode("Zm9v"), "foo");
  EXPECT_EQ(Base64UrlDecode("Zg"), "f");
  EXPECT_EQ(Base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_EQ(Base64UrlDecode(""), "");
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::nullopt);   // padding
  EXPECT_EQ(Base64UrlDecode("Zm8="), std::nullopt);   // padding
  EXPECT_EQ(Base64UrlDecode("+/8"), std::nullopt);    // standard alphabet
  EXPECT_EQ(Base64UrlDecode("Zm 9v"), std::nullopt);  // whitespace
  EXPECT_EQ(Base64UrlDecode("Zm9v\n"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vZ"), std::nullopt);  // 4k+1 characters
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt);     // non-zero unused bits
  EXPECT_EQ(Base64UrlDecode("Zm9"), std::nullopt);    // non-zero unused bits
  EXPECT_EQ(Base64UrlDecode(std::string_view("Zg\0", 3)), std::nullopt);
}

RC_GTEST_PROP(Base64UrlProperty, RoundTrips, (std::vector<std::uint8_t> bytes)) {
  std::string text = Base64UrlEncode(bytes);
  RC_ASSERT(text.find('=') == std::string::npos);
  auto back = Base64UrlDecode(text);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == std::string(bytes.begin(), bytes.end()));
}

}  // namespace
}  // namespace podgate

namespace podgate {
namespace {

// libsodium's strict decoder, the reference for Base64UrlDecode.
std::optional<std::string> SodiumDecode(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 1, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

RC_GTEST_PROP(Base64UrlProperty, AsStrictAsLibsodium, ()) {
  // Strings over the url-safe alphabet plus a few intruders, of every length class.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n";
  auto text = *rc::gen::container<std::string>(
      rc::gen::map(rc::gen::inRange<std::size_t>(0, alphabet.size()),
                   [&](std::size_t i) { return alphabet[i]; }));
  RC_ASSERT(Base64UrlDecode(text) == SodiumDecode(text));
}

RC_GTEST_PROP(Base64UrlProperty, MutatedSignaturesAgreeWithLibsodium,
              (std::vector<std::uint8_t> bytes, std::uint8_t position, char replacement)) {
  std::string text = Base64UrlEncode(bytes);
  RC_PRE(!text.empty());
  text[position % text.size()] = replacement;
  if (static_cast<unsigned char>(replacement) < 0x80) {
    RC_ASSERT(Base64UrlDecode(text) == SodiumDecode(text));
  } else {
    RC_ASSERT(!Base64UrlDecode(text).has_value());
  }
}

TEST(Base64UrlTest, RefusesBytesOutsideAsciiWhereLibsodiumAliasesThem) {
  // libsodium 1.0.18 reads a (signed) char above 0x7f as some alphabet character: "\xffA"
  // decodes to 0xfc there. Such text is not base64url, and a signature must have one spelling.
  EXPECT_TRUE(SodiumDecode("\xff"
                           "A")
                  .has_value());
  EXPECT_EQ(Base64UrlDecode("\xff"
                            "A"),
            std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9\xc3\xa9"), std::nullopt);
}

}  // namespace
}  // namespace podgate
