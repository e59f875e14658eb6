// HTTP messages as the request handlers of podgate serve see them, kept free of Boost.Beast so
// that only the transport (http_server.cc) compiles the Beast templates.
//
// A Handler receives one complete, size-checked HttpRequest and answers exactly once through
// its Responder, from any thread (admissions answer from the gate's commit thread). A response
// may carry a StreamSource instead of a fixed body: the transport then sends the head and
// keeps writing what the source produces (Server-Sent Events), waking up when the Notifier
// fires or a heartbeat interval passes.
//
// Thread safety: HttpRequest and HttpResponse are plain values. A Handler and a Notifier are
// called from many threads at once and must be thread-safe. A StreamSource is driven by one
// connection, one call at a time.

#ifndef PODGATE_SERVER_HTTP_H_
#define PODGATE_SERVER_HTTP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "podgate/status.h"

namespace podgate::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // target up to '?'
  std::string query;   // after '?', without it
  // Header fields in arrival order, names as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote;  // peer address "ip:port"

  // The first header field named `name` (ASCII case-insensitive), or "" when absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

// Produces the successive pieces of a streamed body. Next() returns the text to send now
// ("" when nothing is new); an error ends the stream. Heartbeat() returns text that keeps an
// idle stream open (an SSE comment).
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  virtual Result<std::string> Next() = 0;
  virtual std::string Heartbeat() = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra header fields
  // For the access log and metrics: the error code of a 4xx/5xx body, or the verdict.
  std::string code;
  std::string route;                     // the operationId of the route that answered, "" for none
  bool close = false;                    // close the connection after this response
  std::shared_ptr<StreamSource> stream;  // set: a streamed (chunked) body follows the head
};

using Responder = std::function<void(HttpResponse)>;

class Handler {
 public:
  virtual ~Handler() = default;
  // Answers `request` by calling `respond` exactly once, on any thread, possibly later.
  virtual void Handle(HttpRequest request, Responder respond) = 0;
};

// Wakes up streams when something new may be there to send (a committed admission).
class Notifier {
 public:
  using Callback = std::function<void()>;

  std::uint64_t Subscribe(Callback callback);
  void Unsubscribe(std::uint64_t id);
  // Calls every subscribed callback; callbacks must be quick (post work, do not do it).
  void Notify();

 private:
  std::mutex mu_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Callback> callbacks_;
};

// The reason phrase of a status code ("Not Found").
std::string_view ReasonPhrase(int status);

// The JSON error body {"code":…,"message":…,"errors":[…]} as an HttpResponse.
struct ErrorDetail {
  std::string path;
  std::string keyword;
  std::string message;
};
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           const std::vector<ErrorDetail>& errors = {});

}  // namespace podgate::server

#endif  // PODGATE_SERVER_HTTP_H_
