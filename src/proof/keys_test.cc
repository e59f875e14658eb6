#include "podgate/keys.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace podgate {
namespace {

using ::testing::HasSubstr;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/podgate-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void Write(const std::string& path, const std::string& text, mode_t mode) {
    std::ofstream(path) << text;
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }

  std::string Pem(const std::vector<std::uint8_t>& der) {
    std::string b64(sodium_base64_ENCODED_LEN(der.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), der.data(), der.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    b64.resize(b64.size() - 1);
    std::string out = "-----BEGIN PRIVATE KEY-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
    return out + "-----END PRIVATE KEY-----\n";
  }

  std::string dir_;
};

TEST_F(KeyFileTest, SavesAPrivateFileAndLoadsItBack) {
  SecretKey key = SecretKey::Generate();
  std::string path = Path("node.pem");
  ASSERT_TRUE(SaveSecretKey(key, path).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::ifstream in(path);
  std::string first, body, last, extra;
  std::getline(in, first);
  std::getline(in, body);
  std::getline(in, last);
  EXPECT_EQ(first, "-----BEGIN PRIVATE KEY-----");
  EXPECT_EQ(body.size(), 64u);
  EXPECT_EQ(body.substr(0, 21), "MC4CAQAwBQYDK2VwBCIEI");  // the fixed RFC 8410 prefix
  EXPECT_EQ(last, "-----END PRIVATE KEY-----");
  EXPECT_FALSE(std::getline(in, extra));

  auto loaded = LoadSecretKey(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key(), key.public_key());
  EXPECT_EQ(loaded->Sign("m"), key.Sign("m"));
}

TEST_F(KeyFileTest, NeverOverwrites) {
  std::string path = Path("exists.pem");
  Write(path, "keep", 0600);
  Status saved = SaveSecretKey(SecretKey::Generate(), path);
  EXPECT_EQ(saved.code(), Code::kIoError);
  EXPECT_THAT(saved.message(), HasSubstr("exists"));
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep");
}

TEST_F(KeyFileTest, RefusesGroupOrWorldReadableFiles) {
  std::string path = Path("open.pem");
  ASSERT_TRUE(SaveSecretKey(SecretKey::Generate(), path).ok());
  for (mode_t mode : {0644, 0640, 0604}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto loaded = LoadSecretKey(path);
    ASSERT_FALSE(loaded.ok()) << std::oct << mode;
    EXPECT_EQ(loaded.status().code(), Code::kBadKey);
    EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 600"));
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(LoadSecretKey(path).ok());
}

TEST_F(KeyFileTest, ReadsTheSeedOfTheVectors) {
  std::vector<std::uint8_t> der = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                   0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
  der.resize(48, 0x29);
  std::string path = Path("node.pem");
  Write(path, Pem(der), 0600);
  auto loaded = LoadSecretKey(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key().ToId(Role::kNode),
            "node:did:key:z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE");

  // The v2 form with the public key appended, and a wrong public key.
  std::vector<std::uint8_t> v2 = der;
  v2[1] = 0x51;
  v2[4] = 0x01;
  v2.insert(v2.end(), {0x81, 0x21, 0x00});
  auto pk = loaded->public_key().bytes;
  v2.insert(v2.end(), pk.begin(), pk.end());
  Write(Path("v2.pem"), Pem(v2), 0600);
  EXPECT_TRUE(LoadSecretKey(Path("v2.pem")).ok());
  v2.back() ^= 1;
  Write(Path("v2bad.pem"), Pem(v2), 0600);
  auto bad = LoadSecretKey(Path("v2bad.pem"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("does not belong"));
}

TEST_F(KeyFileTest, SaysWhatIsWrongWithABadFile) {
  struct Case {
    std::string text;
    std::string message;
  } cases[] = {
      {"hello", "not a PEM file"},
      {"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
       "not a PKCS#8 private key"},
      {"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
       "encrypted"},
      {"-----BEGIN PRIVATE KEY-----\nMC4C!!\n-----END PRIVATE KEY-----\n", "not valid base64"},
      {"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n", "no \"-----END"},
      // An X25519 key (OID 1.3.101.110).
      {"-----BEGIN PRIVATE "
       "KEY-----\nMC4CAQAwBQYDK2VuBCIEICkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkp\n"
       "-----END PRIVATE KEY-----\n",
       "not an Ed25519 key"},
      {"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEICkp\n-----END PRIVATE KEY-----\n",
       "not an Ed25519 PKCS#8 private key"},
  };
  int n = 0;
  for (const auto& c : cases) {
    std::string path = Path("bad" + std::to_string(n++) + ".pem");
    Write(path, c.text, 0600);
    auto loaded = LoadSecretKey(path);
    ASSERT_FALSE(loaded.ok()) << c.text;
    EXPECT_EQ(loaded.status().code(), Code::kBadKey) << c.text;
    EXPECT_THAT(loaded.status().message(), HasSubstr(c.message)) << c.text;
  }
  auto missing = LoadSecretKey(Path("missing.pem"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kIoError);
}

TEST(SecretKeyTest, MovedFromKeysAreWiped) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(0x2a);
  SecretKey key = SecretKey::FromSeed(seed);
  SecretKey moved = std::move(key);
  for (std::uint8_t byte : key.secret_bytes()) EXPECT_EQ(byte, 0);  // NOLINT: use after move
  EXPECT_EQ(moved.public_key().ToMultibase(), "z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn");
}

}  // namespace
}  // namespace podgate
