// Secret keys and their PKCS#8 PEM files (declared in podgate/keys.h).
//
// The PKCS#8 form of an Ed25519 key (RFC 8410) is a fixed 48-byte DER structure:
//
//   30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 || 32-byte seed
//
// which is what `openssl genpkey -algorithm ed25519` writes. The OneAsymmetricKey (v2) form
// that appends the public key ([1] 81 21 00 || key) is read as well, after checking that the
// public key belongs to the seed. Every buffer that held the seed is wiped.

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "podgate/keys.h"
#include "proof/signing.h"

namespace podgate {
namespace {

constexpr std::uint8_t kPkcs8Prefix[16] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                           0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
constexpr std::uint8_t kPkcs8V2Prefix[16] = {0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06,
                                             0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
constexpr std::uint8_t kPkcs8V2PublicTag[3] = {0x81, 0x21, 0x00};
constexpr std::string_view kBegin = "-----BEGIN PRIVATE KEY-----";
constexpr std::string_view kEnd = "-----END PRIVATE KEY-----";

// A byte buffer wiped when it goes out of scope.
class SecretBuffer {
 public:
  explicit SecretBuffer(std::size_t size) : data_(size, '\0') {}
  ~SecretBuffer() { sodium_memzero(data_.data(), data_.size()); }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  std::string& str() { return data_; }
  auto* bytes() { return reinterpret_cast<unsigned char*>(data_.data()); }

 private:
  std::string data_;
};

Status BadKey(const std::string& path, std::string_view why) {
  return Status(Code::kBadKey, fmt::format("{}: {}", path, why));
}

// Parses the PEM text of a key file into a seed.
Status ParsePem(const std::string& path, std::string_view text, std::uint8_t seed[32]) {
  auto begin = text.find(kBegin);
  if (begin == std::string_view::npos) {
    if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos) {
      return BadKey(path,
                    "the key is encrypted; podgate reads unencrypted PKCS#8 keys "
                    "(openssl genpkey -algorithm ed25519)");
    }
    if (text.find("-----BEGIN ") != std::string_view::npos) {
      return BadKey(path,
                    "not a PKCS#8 private key (expected \"-----BEGIN PRIVATE KEY-----\", "
                    "as openssl genpkey -algorithm ed25519 writes)");
    }
    return BadKey(path, "not a PEM file (no \"-----BEGIN PRIVATE KEY-----\" line)");
  }
  begin += kBegin.size();
  auto end = text.find(kEnd, begin);
  if (end == std::string_view::npos) {
    return BadKey(path, "the PEM has no \"-----END PRIVATE KEY-----\" line");
  }
  std::string_view body = text.substr(begin, end - begin);
  SecretBuffer der(body.size());
  std::size_t length = 0;
  if (sodium_base642bin(der.bytes(), der.str().size(), body.data(), body.size(), " \t\r\n", &length,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return BadKey(path, "the PEM body is not valid base64");
  }
  const unsigned char* d = der.bytes();
  bool v1 = length == 48 && std::memcmp(d, kPkcs8Prefix, 16) == 0;
  bool v2 = length == 83 && std::memcmp(d, kPkcs8V2Prefix, 16) == 0 &&
            std::memcmp(d + 48, kPkcs8V2PublicTag, 3) == 0;
  if (!v1 && !v2) {
    if (length >= 12 && std::memcmp(d + 7, kPkcs8Prefix + 7, 5) != 0) {
      return BadKey(path, "not an Ed25519 key (the PKCS#8 algorithm is not 1.3.101.112)");
    }
    return BadKey(path, fmt::format("not an Ed25519 PKCS#8 private key ({} DER bytes, expected "
                                    "the 48-byte RFC 8410 structure)",
                                    length));
  }
  std::memcpy(seed, d + 16, 32);
  if (v2) {
    std::uint8_t pk[32], sk[64];
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(sk, sizeof sk);
    if (std::memcmp(pk, d + 51, 32) != 0) {
      sodium_memzero(seed, 32);
      return BadKey(path, "the public key in the PKCS#8 structure does not belong to its seed");
    }
  }
  return Status::Ok();
}

}  // namespace

SecretKey SecretKey::Generate() {
  proof::EnsureSodium();
  SecretKey key;
  std::uint8_t pk[32];
  crypto_sign_keypair(pk, key.secret_.data());
  return key;
}

SecretKey SecretKey::FromSeed(std::span<const std::uint8_t, 32> seed) {
  proof::EnsureSodium();
  SecretKey key;
  std::uint8_t pk[32];
  crypto_sign_seed_keypair(pk, key.secret_.data(), seed.data());
  return key;
}

SecretKey::SecretKey(const SecretKey& other) : secret_(other.secret_) {}

SecretKey& SecretKey::operator=(const SecretKey& other) {
  secret_ = other.secret_;
  return *this;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : secret_(other.secret_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(secret_.data(), secret_.size()); }

PublicKey SecretKey::public_key() const {
  PublicKey key;
  // libsodium's secret key is seed || public key.
  std::copy(secret_.begin() + 32, secret_.end(), key.bytes.begin());
  return key;
}

std::string SecretKey::Sign(std::string_view message) const {
  std::uint8_t signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return Base64UrlEncode(signature);
}

bool VerifySignature(const PublicKey& key, std::string_view message,
                     std::string_view signature_base64url) {
  auto signature = Base64UrlDecode(signature_base64url);
  if (!signature || signature->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.bytes.data()) == 0;
}

Result<SecretKey> LoadSecretKey(const std::string& path) {
  proof::EnsureSodium();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return BadKey(path, "not a regular file");
  }
  if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    ::close(fd);
    return BadKey(path, fmt::format("the key file is readable by {} (mode {:04o}); a secret key "
                                    "must be private to its owner: chmod 600 {}",
                                    (st.st_mode & S_IROTH) ? "others" : "its group",
                                    st.st_mode & 07777, path));
  }
  constexpr std::size_t kMaxPem = 16 * 1024;
  if (st.st_size > static_cast<off_t>(kMaxPem)) {
    ::close(fd);
    return BadKey(path, "too large for a PEM key file");
  }
  SecretBuffer text(kMaxPem);
  std::size_t size = 0;
  while (size < kMaxPem) {
    ssize_t n = ::read(fd, text.str().data() + size, kMaxPem - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(err)));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  std::uint8_t seed[32];
  Status parsed = ParsePem(path, std::string_view(text.str().data(), size), seed);
  if (!parsed.ok()) return parsed;
  SecretKey key = SecretKey::FromSeed(std::span<const std::uint8_t, 32>(seed, 32));
  sodium_memzero(seed, sizeof seed);
  return key;
}

Status SaveSecretKey(const SecretKey& key, const std::string& path) {
  SecretBuffer der(48);
  std::memcpy(der.bytes(), kPkcs8Prefix, 16);
  std::memcpy(der.bytes() + 16, key.secret_bytes().data(), 32);  // the seed
  // 48 bytes are exactly one 64-character base64 line.
  SecretBuffer b64(sodium_base64_ENCODED_LEN(48, sodium_base64_VARIANT_ORIGINAL));
  sodium_bin2base64(b64.str().data(), b64.str().size(), der.bytes(), 48,
                    sodium_base64_VARIANT_ORIGINAL);
  SecretBuffer pem(0);
  pem.str().reserve(128);
  pem.str().append(kBegin).append("\n");
  pem.str().append(b64.str().data(), 64).append("\n");
  pem.str().append(kEnd).append("\n");

  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status(Code::kIoError,
                    fmt::format("{}: the file exists; podgate never overwrites a key", path));
    }
    return Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(errno)));
  }
  std::size_t done = 0;
  const std::string& data = pem.str();
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  int synced = ::fsync(fd);
  int err = errno;
  if (::close(fd) != 0 && synced == 0) {
    synced = -1;
    err = errno;
  }
  if (synced != 0) {
    ::unlink(path.c_str());
    return Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(err)));
  }
  return Status::Ok();
}

}  // namespace podgate
