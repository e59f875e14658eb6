// AccessLog: one JSON object per line for every request the server answers (and for every
// connection it cuts off). Lines are whole and never interleave; request lines are written in
// blocks at least every 100 ms (a crash can lose the last 100 ms of the access log, never the
// ledger's own verdict history).
//
//   {"ts":"2026-03-28T20:05:00.123Z","remote":"127.0.0.1:53422","method":"POST",
//    "target":"/v1/detachments","route":"postDetachment","status":201,"code":"admitted",
//    "bytes":1480,"duration_us":412}
//
// Thread safety: Write may be called from any thread.

#ifndef PODGATE_SERVER_ACCESS_LOG_H_
#define PODGATE_SERVER_ACCESS_LOG_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "podgate/status.h"

namespace podgate::server {

struct AccessRecord {
  std::string_view remote;
  std::string_view method;
  std::string_view target;
  std::string_view route;   // operationId, or "" when no route matched
  int status = 0;           // 0: no response was sent (the connection was cut off)
  std::string_view code;    // error code or verdict; for a cut-off, why
  std::uint64_t bytes = 0;  // response body bytes
  std::uint64_t duration_us = 0;
};

class AccessLog {
 public:
  // Logs to standard error.
  AccessLog() : out_(stderr) {}
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Appends to the file at `path` (created 0640) instead of standard error; "-" keeps stderr,
  // "off" logs nothing.
  Status Open(const std::string& path);

  void Write(const AccessRecord& record);
  // A free-form event of the server ({"ts":…,"event":…,"message":…}); written at once.
  void Event(std::string_view event, std::string_view message);

  // Writes out the buffered request lines.
  void Flush();

 private:
  // Request lines are buffered and written when 64 KiB have gathered or 100 ms have passed
  // since the last write (checked at every line, and by Flush), sparing a system call per
  // request; events and the destructor write everything at once.
  void Emit(const std::string& line, bool now);
  void FlushLocked();

  std::mutex mu_;
  std::string buffer_;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
  std::FILE* out_;
  bool owned_ = false;
  bool off_ = false;
};

}  // namespace podgate::server

#endif  // PODGATE_SERVER_ACCESS_LOG_H_
