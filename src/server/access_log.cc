// JSON lines for the access log.

#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "json/writer.h"
#include "podgate/timestamp.h"

namespace podgate::server {
namespace {

std::string NowText() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  Timestamp ts{micros / 1'000'000, static_cast<std::uint32_t>(micros % 1'000'000) * 1000};
  return ts.ToRfc3339();
}

// Request text is attacker-controlled: keep printable ASCII, so a log line is always valid
// UTF-8 JSON whatever bytes came in, and cap it.
std::string Printable(std::string_view text) {
  std::string out;
  std::size_t n = std::min<std::size_t>(text.size(), 512);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  if (text.size() > n) out += "...";
  return out;
}

}  // namespace

AccessLog::~AccessLog() {
  Flush();
  if (owned_) std::fclose(out_);
}

Status AccessLog::Open(const std::string& path) {
  if (path == "-") return Status::Ok();
  if (path == "off") {
    off_ = true;
    return Status::Ok();
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    return Status(Code::kIoError,
                  fmt::format("cannot open access log {}: {}", path, std::strerror(errno)));
  }
  std::FILE* f = ::fdopen(fd, "a");
  if (f == nullptr) {
    ::close(fd);
    return Status(Code::kIoError, fmt::format("cannot open access log {}", path));
  }
  out_ = f;
  owned_ = true;
  return Status::Ok();
}

void AccessLog::FlushLocked() {
  if (!buffer_.empty()) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    std::fflush(out_);
    buffer_.clear();
  }
  last_flush_ = std::chrono::steady_clock::now();
}

void AccessLog::Flush() {
  std::lock_guard lock(mu_);
  FlushLocked();
}

void AccessLog::Emit(const std::string& line, bool now) {
  std::lock_guard lock(mu_);
  buffer_ += line;
  if (now || buffer_.size() >= 64 * 1024 ||
      std::chrono::steady_clock::now() - last_flush_ >= std::chrono::milliseconds(100)) {
    FlushLocked();
  }
}

void AccessLog::Write(const AccessRecord& r) {
  if (off_) return;
  std::string line;
  line.reserve(256);
  json::Writer w(&line);
  w.BeginObject()
      .Key("ts")
      .String(NowText())
      .Key("remote")
      .String(r.remote)
      .Key("method")
      .String(Printable(r.method))
      .Key("target")
      .String(Printable(r.target))
      .Key("route")
      .String(r.route)
      .Key("status")
      .Int(r.status)
      .Key("code")
      .String(r.code)
      .Key("bytes")
      .UInt(r.bytes)
      .Key("duration_us")
      .UInt(r.duration_us)
      .EndObject();
  line.push_back('\n');
  Emit(line, /*now=*/false);
}

void AccessLog::Event(std::string_view event, std::string_view message) {
  if (off_) return;
  std::string line;
  json::Writer w(&line);
  w.BeginObject()
      .Key("ts")
      .String(NowText())
      .Key("event")
      .String(event)
      .Key("message")
      .String(message)
      .EndObject();
  line.push_back('\n');
  Emit(line, /*now=*/true);
}

}  // namespace podgate::server
