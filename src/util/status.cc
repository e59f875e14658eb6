#include "podgate/status.h"

#include <array>

namespace podgate {
namespace {

struct CodeEntry {
  Code code;
  std::string_view name;
};

// Order follows the enum; CodeName indexes into it and the test checks the two agree.
constexpr std::array<CodeEntry, 25> kCodes = {{
    {Code::kOk, "ok"},
    {Code::kMalformedJson, "malformed-json"},
    {Code::kSchemaInvalid, "schema-invalid"},
    {Code::kUnknownKind, "unknown-kind"},
    {Code::kKeyMismatch, "key-mismatch"},
    {Code::kBadSignature, "bad-signature"},
    {Code::kWrongNode, "wrong-node"},
    {Code::kUnknownAttachment, "unknown-attachment"},
    {Code::kUnknownDetachment, "unknown-detachment"},
    {Code::kClientMismatch, "client-mismatch"},
    {Code::kParticipantMismatch, "participant-mismatch"},
    {Code::kTimeOrder, "time-order"},
    {Code::kClockSkew, "clock-skew"},
    {Code::kClientBusy, "client-busy"},
    {Code::kAlreadyDetached, "already-detached"},
    {Code::kAlreadyRecovered, "already-recovered"},
    {Code::kIdConflict, "id-conflict"},
    {Code::kUnauthorized, "unauthorized"},
    {Code::kUsage, "usage"},
    {Code::kIoError, "io-error"},
    {Code::kBadKey, "bad-key"},
    {Code::kConfig, "config-error"},
    {Code::kStorage, "storage-error"},
    {Code::kUnavailable, "unavailable"},
    {Code::kInternal, "internal-error"},
}};

}  // namespace

std::string_view CodeName(Code code) {
  auto index = static_cast<std::size_t>(code);
  return index < kCodes.size() && !kCodes[index].name.empty() ? kCodes[index].name : "unknown";
}

std::optional<Code> CodeFromName(std::string_view name) {
  for (const auto& entry : kCodes) {
    if (!entry.name.empty() && entry.name == name) return entry.code;
  }
  return std::nullopt;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

}  // namespace podgate
