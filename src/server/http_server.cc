// The Beast transport: acceptor, connections, limits, event streams and shutdown.

#include "server/http_server.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "util/thread_name.h"

namespace podgate::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

class Connection;

// What the connections share: configuration, collaborators, and the registry the shutdown
// walks.
struct Shared {
  ServerOptions options;
  Handler* handler;
  Metrics* metrics;
  AccessLog* log;
  Notifier* notifier;
  asio::io_context ioc;
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> connections{0};

  std::mutex mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;

  Shared(const ServerOptions& o, Handler* h, Metrics* m, AccessLog* l, Notifier* n, int threads)
      : options(o), handler(h), metrics(m), log(l), notifier(n), ioc(threads) {}
};

std::uint64_t MicrosSince(Clock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

// The stream body of an event-stream response: the head is sent once, then chunks. HTTP/1.0
// has no chunked coding (RFC 9112 section 6.1: no Transfer-Encoding unless the request is
// HTTP/1.1 or later), so an HTTP/1.0 client gets the events unframed, ended by the close.
constexpr std::string_view kStreamHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Cache-Control: no-store\r\n"
    "X-Accel-Buffering: no\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n";
constexpr std::string_view kStreamHeadHttp10 =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Cache-Control: no-store\r\n"
    "X-Accel-Buffering: no\r\n"
    "Connection: close\r\n"
    "\r\n";

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Shared* shared)
      : stream_(std::move(socket)),
        shared_(shared),
        buffer_(shared->options.max_header_bytes + shared->options.max_body_bytes + kReadSlack),
        wait_timer_(stream_.get_executor()) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
    shared_->metrics->ConnectionOpened();
  }

  ~Connection() {
    {
      std::lock_guard lock(shared_->mu);
      shared_->live.erase(this);
    }
    shared_->connections.fetch_sub(1);
    shared_->metrics->ConnectionClosed();
    if (subscription_ != 0) shared_->notifier->Unsubscribe(subscription_);
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

  void Start() {
    {
      std::lock_guard lock(shared_->mu);
      shared_->live.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // Called on the connection's strand when the server begins to shut down.
  void BeginShutdown() {
    closing_ = true;
    switch (phase_) {
      case Phase::kIdle:
        stream_.cancel();  // the pending first-byte read completes with operation_aborted
        break;
      case Phase::kStreaming:
        wait_timer_.cancel();
        break;
      default:  // reading, processing or writing: the response closes the connection
        break;
    }
  }

 private:
  enum class Phase { kIdle, kReading, kProcessing, kWriting, kStreaming };

  // Waits up to the idle timeout for the first byte of the next request.
  void WaitForRequest() {
    if (closing_ || shared_->draining.load()) return Close();
    if (buffer_.size() > 0) return ReadHeader();  // pipelined bytes already here
    phase_ = Phase::kIdle;
    stream_.expires_after(shared_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec || n == 0) {
                                if (ec == beast::error::timeout) self->LogCutOff("idle-timeout");
                                return self->Close();
                              }
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    phase_ = Phase::kReading;
    started_ = Clock::now();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_header_bytes));
    parser_->body_limit(shared_->options.max_body_bytes);
    // One deadline for the whole request: head and body.
    stream_.expires_after(shared_->options.request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& head = parser_->get();
    if (std::string why = MalformedHead(head); !why.empty()) {
      return RefuseMalformed(why);
    }
    head_request_ = head.method() == http::verb::head;
    auto expect = head[http::field::expect];
    // HTTP/1.0 has no 100 Continue: its expectation is ignored (RFC 9110 section 10.1.1).
    if (!parser_->is_done() && head.version() >= 11 && beast::iequals(expect, "100-continue")) {
      auto self = shared_from_this();
      asio::async_write(stream_, asio::buffer(kContinue),
                        [self](beast::error_code ec2, std::size_t) {
                          if (ec2) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

  // What the parser accepts but HTTP/1.1 does not, or "". A Transfer-Encoding that does not
  // end in chunked leaves the body's length unknown (RFC 9112 section 6.3): reading it as no
  // body would run the body as the next request on the connection, which a proxy in front
  // may not do (request smuggling). A request of HTTP/1.1 names exactly one Host (RFC 9112
  // section 3.2).
  template <typename Head>
  std::string MalformedHead(const Head& head) const {
    if (head.count(http::field::transfer_encoding) > 0 && !parser_->chunked()) {
      return fmt::format("Transfer-Encoding \"{}\" does not end in chunked",
                         std::string_view(head[http::field::transfer_encoding]));
    }
    if (head.version() >= 11 && head.count(http::field::host) != 1) {
      return head.count(http::field::host) == 0 ? "an HTTP/1.1 request without Host"
                                                : "more than one Host";
    }
    return "";
  }

  // Answers 400 and closes the connection: after a malformed head its framing is not known.
  void RefuseMalformed(std::string_view why) {
    SendAndClose(ErrorResponse(400, "bad-request", fmt::format("malformed HTTP request: {}", why)));
  }

  // Answers a request that was not read whole (nor routed), then closes the connection.
  void SendAndClose(HttpResponse response) {
    response.close = true;
    request_method_.clear();
    request_target_.clear();
    keep_alive_ = false;
    head_request_ = false;
    Send(std::move(response));
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRequest(ec); });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec == beast::error::timeout) {
      LogCutOff("request-timeout");
      return Close();
    }
    HttpResponse response;
    if (ec == http::error::body_limit) {
      response = ErrorResponse(413, "too-large",
                               fmt::format("the request body is over the limit of {} bytes",
                                           shared_->options.max_body_bytes));
    } else if (ec == http::error::header_limit) {
      response = ErrorResponse(431, "header-too-large",
                               fmt::format("the request head is over the limit of {} bytes",
                                           shared_->options.max_header_bytes));
    } else if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return RefuseMalformed(ec.message());
    } else {
      return Close();  // a transport error: nobody to answer
    }
    SendAndClose(std::move(response));
  }

  void OnRequest(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    phase_ = Phase::kProcessing;
    auto message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    chunked_stream_ = message.version() >= 11;

    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    std::string_view target = request.target;
    std::size_t q = target.find('?');
    request.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    request.headers.reserve(8);
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote = remote_;
    request_method_ = request.method;
    request_target_ = request.target;

    // The answer may come from another thread (the gate's commit thread): hop back onto the
    // strand, and keep the io_context running until it came.
    auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
        shared_->ioc.get_executor());
    auto self = shared_from_this();
    shared_->handler->Handle(std::move(request), [self, guard](HttpResponse response) {
      asio::post(self->stream_.get_executor(),
                 [self, guard, response = std::move(response)]() mutable {
                   self->Send(std::move(response));
                   guard->reset();
                 });
    });
  }

  void Send(HttpResponse response) {
    if (response.stream) return StartStream(std::move(response));
    phase_ = Phase::kWriting;
    bool keep_alive = keep_alive_ && !response.close && !closing_ && !shared_->draining.load();
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(response.status));
    res->reason(ReasonPhrase(response.status));
    res->set(http::field::server, "podgate");
    res->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->insert(name, value);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    // The answer to HEAD is the head alone, Content-Length included (RFC 9110 section 9.3.2):
    // body bytes would be read by the client as the start of the next response.
    Account(response, head_request_ ? 0 : res->body().size());
    stream_.expires_after(shared_->options.request_timeout);
    auto serializer = std::make_shared<http::response_serializer<http::string_body>>(*res);
    auto written = [self = shared_from_this(), res, serializer, keep_alive](beast::error_code ec,
                                                                            std::size_t) {
      if (ec || !keep_alive) return self->Close();
      self->WaitForRequest();
    };
    if (head_request_) return http::async_write_header(stream_, *serializer, std::move(written));
    http::async_write(stream_, *serializer, std::move(written));
  }

  // Access log and request metrics for one answered request.
  void Account(const HttpResponse& response, std::size_t bytes) {
    shared_->metrics->CountRequest(response.route, response.status);
    AccessRecord record;
    record.remote = remote_;
    record.method = request_method_;
    record.target = request_target_;
    record.route = response.route;
    record.status = response.status;
    record.code = response.code;
    record.bytes = bytes;
    record.duration_us = MicrosSince(started_);
    shared_->log->Write(record);
  }

  void LogCutOff(std::string_view why) {
    AccessRecord record;
    record.remote = remote_;
    record.code = why;
    record.duration_us = MicrosSince(started_);
    shared_->log->Write(record);
  }

  // --- event streams ------------------------------------------------------------------

  void StartStream(HttpResponse response) {
    phase_ = Phase::kStreaming;
    stream_source_ = std::move(response.stream);
    Account(response, 0);
    auto weak = weak_from_this();
    auto executor = stream_.get_executor();
    subscription_ = shared_->notifier->Subscribe([weak, executor] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) {
          self->notified_ = true;
          self->wait_timer_.cancel();
        }
      });
    });
    WriteChunk(std::string(chunked_stream_ ? kStreamHead : kStreamHeadHttp10), /*raw=*/true);
  }

  // Writes `text` (as one chunk unless raw), then pumps the stream again.
  void WriteChunk(std::string text, bool raw = false) {
    auto out = std::make_shared<std::string>();
    if (raw || !chunked_stream_) {
      *out = std::move(text);
    } else {
      *out = fmt::format("{:x}\r\n{}\r\n", text.size(), text);
    }
    stream_.expires_after(shared_->options.request_timeout);  // a reader that stalls is cut
    asio::async_write(stream_, asio::buffer(*out),
                      [self = shared_from_this(), out](beast::error_code ec, std::size_t) {
                        if (ec) return self->Close();
                        self->Pump();
                      });
  }

  void Pump() {
    if (closing_ || shared_->draining.load()) return EndStream();
    notified_ = false;
    Result<std::string> next = stream_source_->Next();
    if (!next.ok()) return EndStream();
    if (!next->empty()) return WriteChunk(std::move(next.value()));
    if (notified_) return Pump();
    stream_.expires_never();
    wait_timer_.expires_after(shared_->options.stream_heartbeat);
    wait_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && !self->closing_) return self->WriteChunk(self->stream_source_->Heartbeat());
      self->Pump();
    });
  }

  void EndStream() {
    if (!chunked_stream_) return Close();  // the close ends an HTTP/1.0 stream
    auto out = std::make_shared<std::string>("0\r\n\r\n");
    stream_.expires_after(std::chrono::seconds(1));
    asio::async_write(
        stream_, asio::buffer(*out),
        [self = shared_from_this(), out](beast::error_code, std::size_t) { self->Close(); });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    wait_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  // The read buffer never needs more than one head and one body (and one read of slack), so
  // it is capped there: Beast bounds the head by the header limit and the payload by the body
  // limit, but not the chunk-size lines of a chunked body, whose extensions can be of any
  // length; uncapped, one such line grew the buffer until the request deadline. Past the cap
  // a read fails with buffer_overflow: 400, and the connection closes.
  static constexpr std::size_t kReadSlack = 64 * 1024;

  beast::tcp_stream stream_;
  Shared* shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  asio::steady_timer wait_timer_;
  std::string remote_;
  std::string request_method_;
  std::string request_target_;
  bool head_request_ = false;  // the request being answered is a HEAD
  Clock::time_point started_ = Clock::now();
  Phase phase_ = Phase::kIdle;
  bool keep_alive_ = false;
  bool chunked_stream_ = true;  // false for HTTP/1.0: the stream is ended by the close
  bool closing_ = false;
  bool closed_ = false;
  bool notified_ = false;
  std::shared_ptr<StreamSource> stream_source_;
  std::uint64_t subscription_ = 0;
};

}  // namespace

struct Server::Impl {
  Shared shared;
  // Signals, periodic tasks and the shutdown run on the control strand; the acceptor on its
  // own.
  asio::strand<asio::io_context::executor_type> control;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer grace_timer;
  std::vector<std::unique_ptr<asio::steady_timer>> periodic;
  std::vector<std::shared_ptr<std::function<void()>>> ticks;
  std::atomic<bool> shutdown_started{false};

  Impl(const ServerOptions& options, Handler* handler, Metrics* metrics, AccessLog* log,
       Notifier* notifier)
      : shared(options, handler, metrics, log, notifier, Threads(options)),
        control(asio::make_strand(shared.ioc)),
        acceptor(asio::make_strand(shared.ioc)),
        signals(control),
        grace_timer(control) {}

  static int Threads(const ServerOptions& options) {
    if (options.threads > 0) return options.threads;
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(shared.ioc),
                          [this](beast::error_code ec, tcp::socket socket) {
                            if (ec) {
                              if (ec == asio::error::operation_aborted) return;
                              if (!shared.draining.load()) Accept();
                              return;
                            }
                            OnAccept(std::move(socket));
                            if (!shared.draining.load()) Accept();
                          });
  }

  void OnAccept(tcp::socket socket) {
    if (shared.connections.fetch_add(1) >= shared.options.max_connections) {
      shared.connections.fetch_sub(1);
      shared.metrics->ConnectionRefused();
      Refuse(std::move(socket));
      return;
    }
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Connection>(std::move(socket), &shared)->Start();
  }

  // Over the connection cap: a canned 503 and close, without reading the request.
  void Refuse(tcp::socket socket) {
    static const std::string kRefusal = [] {
      HttpResponse r = ErrorResponse(503, "too-many-connections",
                                     "the server is at its connection limit; retry later");
      return fmt::format(
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
          "Retry-After: 1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{}",
          r.body.size(), r.body);
    }();
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    asio::async_write(*s, asio::buffer(kRefusal), [s](beast::error_code, std::size_t) {
      beast::error_code ec;
      s->shutdown(tcp::socket::shutdown_both, ec);
      s->close(ec);
    });
  }

  void BeginShutdown() {
    if (shutdown_started.exchange(true)) return;
    shared.draining.store(true);
    shared.log->Event("shutdown", "stopping: no new connections, finishing requests in flight");
    asio::post(acceptor.get_executor(), [this] {
      beast::error_code ec;
      acceptor.close(ec);
    });
    beast::error_code ec;
    signals.cancel(ec);
    for (auto& timer : periodic) timer->cancel();
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(shared.mu);
      for (auto& [ptr, weak] : shared.live) {
        if (auto c = weak.lock()) open.push_back(std::move(c));
      }
    }
    for (auto& c : open) {
      // Each connection shuts down on its own strand.
      asio::post(c->executor(), [c] { c->BeginShutdown(); });
    }
    grace_deadline = Clock::now() + shared.options.shutdown_grace;
    WatchDrain();
  }

  // Polls until every connection is gone (then lets Run return) or the grace period is over
  // (then stops the io_context, closing whatever is left).
  void WatchDrain() {
    if (shared.connections.load() == 0) return;
    if (Clock::now() >= grace_deadline) {
      shared.log->Event("shutdown", "grace period over: closing what is still open");
      shared.ioc.stop();
      return;
    }
    grace_timer.expires_after(std::chrono::milliseconds(20));
    grace_timer.async_wait([this](beast::error_code ec) {
      if (!ec) WatchDrain();
    });
  }

  Clock::time_point grace_deadline;
};

Server::Server(ServerOptions options, Handler* handler, Metrics* metrics, AccessLog* log,
               Notifier* notifier)
    : impl_(std::make_unique<Impl>(std::move(options), handler, metrics, log, notifier)) {}

Server::~Server() = default;

Status Server::Listen() {
  const ServerOptions& o = impl_->shared.options;
  beast::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) {
    return Status(Code::kConfig, fmt::format("--listen: \"{}\" is not an IP address", o.host));
  }
  tcp::endpoint endpoint(address, o.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Code::kConfig,
                  fmt::format("cannot listen on {}:{}: {}", o.host, o.port, ec.message()));
  }
  return Status::Ok();
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::Every(std::chrono::milliseconds period, std::function<void()> task) {
  auto timer = std::make_unique<asio::steady_timer>(impl_->control);
  asio::steady_timer* t = timer.get();
  impl_->periodic.push_back(std::move(timer));
  auto tick = std::make_shared<std::function<void()>>();
  Shared* shared = &impl_->shared;
  *tick = [t, period, task = std::move(task), tick_weak = std::weak_ptr(tick), shared] {
    t->expires_after(period);
    t->async_wait([task, tick_weak, shared](beast::error_code ec) {
      if (ec || shared->draining.load()) return;
      task();
      if (auto next = tick_weak.lock()) (*next)();
    });
  };
  impl_->ticks.push_back(tick);
  (*tick)();
}

void Server::Run(bool handle_signals) {
  Impl& impl = *impl_;
  if (handle_signals) {
    impl.signals.add(SIGTERM);
    impl.signals.add(SIGINT);
    impl.signals.async_wait([&impl](beast::error_code ec, int) {
      if (!ec) impl.BeginShutdown();
    });
  }
  asio::post(impl.acceptor.get_executor(), [&impl] { impl.Accept(); });
  int threads = Impl::Threads(impl.shared.options);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads - 1));
  // A handler that throws (only std::bad_alloc can) must not take the server down: log, and
  // go on serving; the connection it ran for is dropped with its handler.
  auto serve = [&impl] {
    while (true) {
      try {
        impl.shared.ioc.run();
        return;
      } catch (const std::exception& e) {
        impl.shared.log->Event("error", std::string("a handler failed: ") + e.what());
      }
    }
  };
  // The calling thread is the first worker and keeps its name (the process's, in ps).
  for (int i = 1; i < threads; ++i) {
    workers.emplace_back([&serve] {
      util::NameThisThread("podgate-http");
      serve();
    });
  }
  serve();
  for (auto& w : workers) w.join();
}

void Server::Post(std::function<void()> task) { asio::post(impl_->shared.ioc, std::move(task)); }

void Server::Shutdown() {
  Impl* impl = impl_.get();
  asio::post(impl->control, [impl] { impl->BeginShutdown(); });
}

}  // namespace podgate::server
