// Status and Result: how errors travel across podgate's layer boundaries.
//
// A Status is either OK or a stable machine code (the strings of DESIGN.md, e.g.
// "malformed-json", "bad-signature", "already-detached") plus a message a person can read.
// Codes are part of the wire and CLI contract: scripts and HTTP clients switch on them, so a
// code's name never changes once released. Result<T> carries either a value or a non-OK
// Status. Neither type throws.
//
// Thread safety: both are plain values; distinct objects may be used from distinct threads,
// const methods may be called concurrently on one object.

#ifndef PODGATE_STATUS_H_
#define PODGATE_STATUS_H_

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace podgate {

// The verdict codes of DESIGN.md sections 1 and 3, followed by operational codes for the
// errors that are not about an artifact (I/O, configuration, usage, storage).
enum class Code : std::uint8_t {
  kOk = 0,
  // Layer 1 and 2.
  kMalformedJson,
  kSchemaInvalid,
  kUnknownKind,
  // Layer 3.
  kKeyMismatch,
  kBadSignature,
  // Layer 4.
  kWrongNode,
  kUnknownAttachment,
  kUnknownDetachment,
  kClientMismatch,
  kParticipantMismatch,
  kTimeOrder,
  kClockSkew,
  kClientBusy,
  kAlreadyDetached,
  kAlreadyRecovered,
  kIdConflict,
  kUnauthorized,
  // Operational.
  kUsage,
  kIoError,
  kBadKey,
  kConfig,
  kStorage,
  kUnavailable,
  kInternal,
};

// The stable wire name of a code ("ok", "malformed-json", ...).
std::string_view CodeName(Code code);
// Inverse of CodeName; nullopt for an unknown name.
std::optional<Code> CodeFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  std::string_view code_name() const { return CodeName(code_); }
  const std::string& message() const { return message_; }

  // "code: message", or "ok".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a T or a non-OK Status. Accessing the value of an error Result is a programming
// error (asserted in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
    if (status_.ok()) status_ = Status(Code::kInternal, "Result built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace podgate

#endif  // PODGATE_STATUS_H_
