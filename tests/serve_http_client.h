// A small blocking HTTP/1.1 client for the podgate serve tests, on POSIX sockets so that every
// read has a timeout (a test never hangs on a server that does not answer) and so that tests
// can send malformed bytes a well-behaved client library would refuse to produce.
//
// Thread safety: one TestConnection per thread.

#ifndef PODGATE_TESTS_SERVE_HTTP_CLIENT_H_
#define PODGATE_TESTS_SERVE_HTTP_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podgate::serve_test {

struct HttpResult {
  int status = 0;  // 0: no (complete) response: the connection closed or timed out
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestConnection {
 public:
  explicit TestConnection(std::uint16_t port, int timeout_ms = 10'000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    SetTimeout(timeout_ms);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~TestConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  bool connected() const { return connected_; }

  void SetTimeout(int timeout_ms) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  // Sends raw bytes; false when the peer has gone.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads more bytes into the buffer; false on close, error or timeout.
  bool Fill() {
    char chunk[16384];
    while (true) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = (n == 0);
        return false;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
  }

  // True when the server closed the connection (reads EOF within the timeout).
  bool WaitClosed() {
    while (Fill()) {
    }
    return eof_ || errno == ECONNRESET;
  }

  // Reads one response (head, then a Content-Length or chunked body; a HEAD-less 1xx is
  // skipped). status 0 when it did not come whole.
  HttpResult ReadResponse() {
    while (true) {
      HttpResult result;
      if (!ReadHead(&result)) return {};
      if (result.status == 100) continue;
      if (!ReadBody(&result)) return {};
      return result;
    }
  }

  // Reads only the head; the body follows with ReadChunk (for event streams).
  bool ReadHead(HttpResult* result) {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return false;
    result->status = std::atoi(status_line.substr(9, 3).c_str());
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      std::size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        result->headers[name] = value;
      }
      pos = next + 2;
    }
    return true;
  }

  // The raw body bytes up to and including `needle` (a body without framing, such as an
  // HTTP/1.0 event stream); nullopt on close or timeout before it.
  std::optional<std::string> ReadThrough(std::string_view needle) {
    std::size_t at;
    while ((at = buffer_.find(needle)) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::string data = buffer_.substr(0, at + needle.size());
    buffer_.erase(0, at + needle.size());
    return data;
  }

  // One chunk of a chunked body ("" for the last chunk); nullopt on close or timeout.
  std::optional<std::string> ReadChunk() {
    std::size_t line_end;
    while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::size_t size = std::strtoul(buffer_.substr(0, line_end).c_str(), nullptr, 16);
    while (buffer_.size() < line_end + 2 + size + 2) {
      if (!Fill()) return std::nullopt;
    }
    std::string data = buffer_.substr(line_end + 2, size);
    buffer_.erase(0, line_end + 2 + size + 2);
    return data;
  }

 private:
  bool ReadBody(HttpResult* result) {
    if (result->Header("transfer-encoding") == "chunked") {
      while (true) {
        auto chunk = ReadChunk();
        if (!chunk) return false;
        if (chunk->empty()) return true;
        result->body += *chunk;
      }
    }
    std::size_t length = std::strtoul(result->Header("content-length").c_str(), nullptr, 10);
    while (buffer_.size() < length) {
      if (!Fill()) return false;
    }
    result->body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

// Builds a request with Host and Content-Length (when there is a body).
inline std::string BuildRequest(std::string_view method, std::string_view target,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                std::string_view body, bool close = false) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  out.append(body);
  return out;
}

// One request on a fresh connection.
inline HttpResult Request(std::uint16_t port, std::string_view method, std::string_view target,
                          const std::vector<std::pair<std::string, std::string>>& headers = {},
                          std::string_view body = {}) {
  TestConnection c(port);
  if (!c.connected() || !c.Send(BuildRequest(method, target, headers, body, true))) return {};
  return c.ReadResponse();
}

}  // namespace podgate::serve_test

#endif  // PODGATE_TESTS_SERVE_HTTP_CLIENT_H_
