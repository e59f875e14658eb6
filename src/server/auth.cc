// Operator tokens and participant request signatures.

#include "server/auth.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "json/parser.h"
#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate::server {
namespace {

std::array<std::uint8_t, 32> Hash(std::string_view text) {
  std::array<std::uint8_t, 32> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
  return digest;
}

std::string_view TrimRight(std::string_view text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

Status Unauthorized(std::string message) { return Status(Code::kUnauthorized, std::move(message)); }

}  // namespace

Result<OperatorToken> OperatorToken::Load(const std::string& path) {
  if (sodium_init() < 0) return Status(Code::kInternal, "libsodium cannot be initialised");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status(Code::kIoError, fmt::format("cannot read the operator token file {}: {}", path,
                                              std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status(Code::kConfig,
                  fmt::format("the operator token file {} is not a regular file", path));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Status(Code::kConfig,
                  fmt::format("the operator token file {} is readable by group or others (mode "
                              "{:04o}); run chmod 600 {}",
                              path, st.st_mode & 07777, path));
  }
  std::string text;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > 4096) break;
  }
  ::close(fd);
  std::string_view token = TrimRight(text);
  if (token.size() < 16 || token.size() > 4096) {
    return Status(Code::kConfig,
                  fmt::format("the operator token in {} must be 16 to 4096 characters", path));
  }
  OperatorToken result;
  result.digest_ = Hash(token);
  sodium_memzero(text.data(), text.size());
  return result;
}

Result<OperatorToken> OperatorToken::Create(const std::string& path) {
  if (sodium_init() < 0) return Status(Code::kInternal, "libsodium cannot be initialised");
  std::array<std::uint8_t, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string token = Base64UrlEncode(random);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(Code::kIoError, fmt::format("cannot create the operator token file {}: {}", path,
                                              std::strerror(errno)));
  }
  std::string line = token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) {
    return Status(Code::kIoError, fmt::format("cannot write the operator token file {}", path));
  }
  OperatorToken result;
  result.digest_ = Hash(token);
  sodium_memzero(token.data(), token.size());
  sodium_memzero(line.data(), line.size());
  return result;
}

bool OperatorToken::Matches(std::string_view presented) const {
  auto digest = Hash(presented);
  return sodium_memcmp(digest.data(), digest_.data(), digest.size()) == 0;
}

std::optional<std::string_view> ParseBearer(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  token = TrimRight(token);
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::string> ArtifactParticipant(std::string_view json) {
  // A posted body is held to --max-body by the transport (which may be above the parser's
  // default), and a stored artifact met the limit of its day (one the gate minted, twice that).
  json::Parser parser(json::LimitsFitting(json));
  json::Element root;
  if (!parser.ParseCopy(json, &root).ok()) return std::nullopt;
  auto bind = root["participant-bind"];
  if (bind.error()) return std::nullopt;
  auto id = bind.value()["participant/id"].get_string();
  if (id.error()) return std::nullopt;
  return std::string(id.value());
}

Status VerifyPostSignature(Kind kind, std::string_view body, std::string_view signature) {
  auto domain = RequestDomain(kind);
  if (!domain) {
    return Unauthorized(fmt::format("{} cannot be posted by a participant", KindName(kind)));
  }
  auto participant = ArtifactParticipant(body);
  if (!participant) {
    return Unauthorized(
        "the artifact names no participant-bind participant/id to verify the "
        "Participant-Signature header under");
  }
  auto key = DecodeId(*participant, Role::kParticipant);
  if (!key.ok()) {
    return Unauthorized(fmt::format("participant-bind participant/id is not a participant key: {}",
                                    key.status().message()));
  }
  auto input = SigningInput(*domain, body);
  if (!input.ok()) return Unauthorized(input.status().message());
  if (!VerifySignature(*key, *input, signature)) {
    return Unauthorized(fmt::format(
        "the Participant-Signature header is not a valid Ed25519 signature of {} over the {} "
        "signing input of this artifact",
        *participant, DomainName(*domain)));
  }
  return Status::Ok();
}

std::string ReadSigningInput(std::string_view method, std::string_view target,
                             std::string_view timestamp) {
  std::string input = "podgate.read.v1";
  input.push_back('\0');
  input.append(method);
  input.push_back(' ');
  input.append(target);
  input.push_back('\n');
  input.append(timestamp);
  return input;
}

Result<ReadProof> VerifyReadSignature(std::string_view method, std::string_view target,
                                      std::string_view participant_id, std::string_view timestamp,
                                      std::string_view signature, Timestamp now,
                                      std::int64_t skew_seconds) {
  if (participant_id.empty() || timestamp.empty() || signature.empty()) {
    return Unauthorized(
        "a participant read needs the Participant-Id, Participant-Timestamp and "
        "Participant-Signature headers");
  }
  auto key = DecodeId(participant_id, Role::kParticipant);
  if (!key.ok()) {
    return Unauthorized(
        fmt::format("Participant-Id is not a participant identity: {}", key.status().message()));
  }
  TimestampError error;
  auto at = ParseRfc3339(timestamp, &error);
  if (!at) {
    return Unauthorized(
        fmt::format("Participant-Timestamp is not an RFC 3339 date-time: {}", error.reason));
  }
  if (*at > now.PlusSeconds(skew_seconds) || *at < now.PlusSeconds(-skew_seconds)) {
    return Unauthorized(
        fmt::format("Participant-Timestamp {} is more than {} s away from the server's clock ({})",
                    timestamp, skew_seconds, now.ToRfc3339()));
  }
  if (!VerifySignature(*key, ReadSigningInput(method, target, timestamp), signature)) {
    return Unauthorized(
        "the Participant-Signature header is not a valid Ed25519 signature of the participant "
        "over \"podgate.read.v1\\0METHOD TARGET\\nTIMESTAMP\"");
  }
  return ReadProof{std::string(participant_id)};
}

}  // namespace podgate::server
