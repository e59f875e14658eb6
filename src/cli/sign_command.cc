// podgate sign: adds the signature a key holder owes to an artifact (DESIGN.md section 4).
//
//   participant-bind            -> proof/participant-signature, by the bind's participant
//   client-instance-detachment  -> proof/node-attestation, by the serving node
//   client-instance-recovery    -> proof/node-attestation, by the serving node
//   client-instance-attachment  -> refused: it carries no signature of its own
//
// The input must pass layers 1 and 2 (an unsigned bind may lack the signature being added),
// and the key must be the signer the artifact names. Every byte of the input other than the
// signature member is kept.
//
// For podgate serve's participant rights (openapi.yaml), it also makes a participant's headers:
//   --request FILE   -> the Participant-Signature value for posting FILE (any of the three
//                       posted kinds), by the bind's participant; FILE is not changed
//   --read "M T"     -> Participant-Id, -Timestamp and -Signature of a read of target T

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/input.h"
#include "podgate/keys.h"
#include "podgate/proof.h"
#include "podgate/timestamp.h"
#include "server/auth.h"

namespace podgate::cli {
namespace {

// Exit code of a refusal: the artifact's fault (1) or the setup's (2).
int ExitFor(Code code) {
  switch (code) {
    case Code::kMalformedJson:
    case Code::kSchemaInvalid:
    case Code::kUnknownKind:
    case Code::kKeyMismatch:
      return 1;
    default:
      return 2;
  }
}

Status WriteAll(const std::string& path, std::string_view text) {
  int fd = path == "-" ? 1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(errno)));
  std::size_t done = 0;
  Status status;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      status = Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(errno)));
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (fd != 1 && ::close(fd) != 0 && status.ok()) {
    status = Status(Code::kIoError, fmt::format("{}: {}", path, std::strerror(errno)));
  }
  return status;
}

}  // namespace

// The headers of a participant's read (openapi.yaml, "Who may read"), ready for curl -H @FILE.
int RunSignRead(const SignOptions& options) {
  std::string_view read = options.read;
  std::size_t space = read.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 == read.size() ||
      read[space + 1] != '/') {
    fmt::print(stderr,
               "podgate sign: --read takes \"METHOD TARGET\", the target as it will be sent "
               "(e.g. \"GET /v1/client-instances/client:1\"), not \"{}\"\n",
               options.read);
    return 2;
  }
  std::string at = options.at;
  if (at.empty()) {
    at = Timestamp{NowUtc().unix_seconds, 0}.ToRfc3339();
  } else if (!ParseRfc3339(at)) {
    fmt::print(stderr, "podgate sign: --at \"{}\" is not an RFC 3339 date-time\n", at);
    return 2;
  }
  auto key = LoadSecretKey(options.key_file);
  if (!key.ok()) {
    fmt::print(stderr, "podgate: {}\n", key.status().ToString());
    return 2;
  }
  std::string input = server::ReadSigningInput(read.substr(0, space), read.substr(space + 1), at);
  std::string headers =
      fmt::format("Participant-Id: {}\nParticipant-Timestamp: {}\nParticipant-Signature: {}\n",
                  key->public_key().ToId(Role::kParticipant), at, key->Sign(input));
  Status written = WriteAll(options.out.empty() ? "-" : options.out, headers);
  if (!written.ok()) {
    fmt::print(stderr, "podgate: {}\n", written.ToString());
    return 2;
  }
  return 0;
}

int RunSign(const SignOptions& options) {
  if (!options.read.empty()) return RunSignRead(options);
  // Read the one input (the same reader as validate, so the same size limit and errors).
  InputReader reader(options.max_bytes);
  std::string json;
  std::optional<Kind> kind = options.kind;
  bool oversized = false;
  Status read = reader.ReadAll({options.input}, false, [&](const InputDocument& doc) {
    if (doc.oversized) {
      oversized = true;
      return;
    }
    json.assign(doc.bytes);
    if (!kind) kind = doc.kind_from_name;
  });
  if (!read.ok()) {
    fmt::print(stderr, "podgate: {}\n", read.message());
    return 2;
  }
  if (oversized) {
    fmt::print(stderr, "podgate: {}: malformed-json: over the limit of {} bytes\n", options.input,
               options.max_bytes);
    return 1;
  }
  if (!kind) {
    Validator validator(ValidatorOptions{options.max_bytes, 64});
    Report report = validator.Validate(json);
    if (!report.kind) {
      fmt::print(stderr, "podgate: {}: {}: {}\n", options.input, CodeName(report.code),
                 report.errors.empty() ? "" : report.errors.front().message);
      return 1;
    }
    kind = report.kind;
  }
  if (*kind == Kind::kAttachment && !options.request) {
    fmt::print(stderr,
               "podgate: {}: a client-instance-attachment carries no signature of its own; sign "
               "its participant-bind (podgate sign --kind participant-bind) before embedding it\n",
               options.input);
    return 1;
  }

  auto key = LoadSecretKey(options.key_file);
  if (!key.ok()) {
    fmt::print(stderr, "podgate: {}\n", key.status().ToString());
    return 2;
  }
  Result<std::string> signed_json = options.request ? SignRequest(*kind, json, key.value())
                                    : *kind == Kind::kParticipantBind
                                        ? SignBind(json, key.value())
                                        : Attest(*kind, json, key.value());
  if (options.request && signed_json.ok()) signed_json.value().push_back('\n');
  if (!signed_json.ok()) {
    fmt::print(stderr, "podgate: {}: {}\n", options.input, signed_json.status().ToString());
    return ExitFor(signed_json.status().code());
  }
  Status written = WriteAll(options.out.empty() ? "-" : options.out, signed_json.value());
  if (!written.ok()) {
    fmt::print(stderr, "podgate: {}\n", written.ToString());
    return 2;
  }
  return 0;
}

}  // namespace podgate::cli
