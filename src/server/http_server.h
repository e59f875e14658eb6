// Server: the HTTP/1.1 transport of podgate serve, on Boost.Beast and Asio.
//
// One io_context served by `threads` worker threads; each connection runs on its own strand,
// so a connection's handlers never run concurrently while different connections proceed in
// parallel. The server protects the host before any handler runs:
//
//   * connection cap: a connection over max_connections gets a 503 and is closed at once;
//   * idle timeout: a connection with no request byte for idle_timeout is closed;
//   * request timeout: from the first byte of a request, the whole request (head and body)
//     must arrive within request_timeout, so a slow-loris client is cut off cleanly;
//   * header limit: a head over max_header_bytes is answered 431 and the connection closed;
//   * body limit: a body over max_body_bytes (by Content-Length or by counting a chunked body)
//     is answered 413 and the connection closed, without reading the rest;
//   * malformed HTTP is answered 400 and the connection closed.
// Every error answer carries the JSON error body of http.h; every request, and every
// connection cut off, is one line of the access log.
//
// Shutdown (Shutdown(), or SIGTERM/SIGINT when Run handles signals): stop accepting, close
// idle connections, end event streams, let requests being read or processed finish (their
// responses close the connection), then return from Run. Handlers answering later (an
// admission waiting for its group commit) keep Run from returning until they answered.
// After shutdown_grace, whatever is still open is closed.
//
// Thread safety: Listen, Every and Run are called once, from one thread, in that order;
// Shutdown may be called from any thread at any time.

#ifndef PODGATE_SERVER_HTTP_SERVER_H_
#define PODGATE_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "podgate/status.h"
#include "server/access_log.h"
#include "server/http.h"
#include "server/metrics.h"

namespace podgate::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: a free port, see Server::port()
  int threads = 0;            // 0: one per core
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 1024;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds stream_heartbeat{15'000};
  std::chrono::milliseconds shutdown_grace{10'000};
};

class Server {
 public:
  // `handler`, `metrics`, `log` and `notifier` must outlive the server.
  Server(ServerOptions options, Handler* handler, Metrics* metrics, AccessLog* log,
         Notifier* notifier);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (config error naming the address when it cannot).
  Status Listen();
  // The bound port (after Listen).
  std::uint16_t port() const;

  // Runs `task` every `period` on a worker thread until shutdown (session expiry).
  void Every(std::chrono::milliseconds period, std::function<void()> task);

  // Serves until shutdown; returns once every connection is closed.
  void Run(bool handle_signals);

  // Runs `task` on a worker thread soon; thread-safe. While tasks are pending, Run does not
  // return (admission answers completed this way are never lost at shutdown).
  void Post(std::function<void()> task);

  // Begins the graceful shutdown; thread-safe, idempotent.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace podgate::server

#endif  // PODGATE_SERVER_HTTP_SERVER_H_
