// The transport against a real socket: limits, timeouts, the connection cap, streams and the
// graceful shutdown, with a scripted handler.

#include "server/http_server.h"

#include <atomic>
#include <condition_variable>
#include <thread>

#include <gtest/gtest.h>

#include "serve_http_client.h"

namespace podgate::server {
namespace {

using podgate::serve_test::BuildRequest;
using podgate::serve_test::HttpResult;
using podgate::serve_test::Request;
using podgate::serve_test::TestConnection;

// A stream that sends "data: N\n\n" for every Notify() it was woken by, up to `limit`.
class CountingStream : public StreamSource {
 public:
  explicit CountingStream(std::atomic<int>* produced) : produced_(produced) {}
  Result<std::string> Next() override {
    std::string out;
    while (sent_ < produced_->load()) out += "data: " + std::to_string(++sent_) + "\n\n";
    return out;
  }
  std::string Heartbeat() override { return ": hb\n\n"; }

 private:
  std::atomic<int>* produced_;
  int sent_ = 0;
};

// Echoes the request; "/slow" answers from another thread after the test releases it;
// "/stream" streams.
class ScriptedHandler : public Handler {
 public:
  void Handle(HttpRequest request, Responder respond) override {
    if (request.path == "/slow") {
      std::thread([this, respond] {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return released_; });
        HttpResponse r;
        r.body = "{\"slow\":true}";
        respond(r);
      }).detach();
      slow_started_.store(true);
      return;
    }
    if (request.path == "/stream") {
      HttpResponse r;
      r.content_type = "text/event-stream";
      r.stream = std::make_shared<CountingStream>(&produced_);
      return respond(r);
    }
    HttpResponse r;
    r.body = request.method + " " + request.target + " " + std::to_string(request.body.size()) +
             " " + std::string(request.Header("x-test"));
    respond(r);
  }

  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  std::atomic<bool> slow_started_{false};
  std::atomic<int> produced_{0};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<Server>(options, &handler_, &metrics_, &log_, &notifier_);
    ASSERT_TRUE(server_->Listen().ok());
    port_ = server_->port();
    thread_ = std::thread([this] { server_->Run(false); });
  }
  void TearDown() override {
    handler_.Release();
    if (server_) {
      server_->Shutdown();
      thread_.join();
    }
  }
  ServerOptions Small() {
    ServerOptions o;
    o.max_body_bytes = 1000;
    o.max_header_bytes = 2000;
    o.request_timeout = std::chrono::milliseconds(1000);
    o.idle_timeout = std::chrono::milliseconds(1000);
    o.stream_heartbeat = std::chrono::milliseconds(100);
    return o;
  }

  ScriptedHandler handler_;
  Metrics metrics_;
  AccessLog log_;
  Notifier notifier_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(HttpServerTest, AnswersAndKeepsTheConnectionAlive) {
  Start();
  TestConnection c(port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(BuildRequest("GET", "/a?b=1", {{"X-Test", "one"}}, "")));
  HttpResult r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /a?b=1 0 one");
  // Two pipelined requests on the same connection.
  ASSERT_TRUE(c.Send(BuildRequest("POST", "/p", {}, "12345") + BuildRequest("GET", "/q", {}, "")));
  EXPECT_EQ(c.ReadResponse().body, "POST /p 5 ");
  EXPECT_EQ(c.ReadResponse().body, "GET /q 0 ");
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  Start();
  TestConnection c(port_);
  ASSERT_TRUE(
      c.Send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  HttpResult interim;
  ASSERT_TRUE(c.ReadHead(&interim));
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(c.Send("abc"));
  EXPECT_EQ(c.ReadResponse().body, "POST /p 3 ");
}

// HTTP/1.0 has no Host requirement and no 100 Continue: its expectation is ignored.
TEST_F(HttpServerTest, Http10NeedsNoHostAndGetsNoInterimResponse) {
  Start();
  TestConnection c(port_);
  ASSERT_TRUE(c.Send("POST /p HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc"));
  HttpResult r;
  ASSERT_TRUE(c.ReadHead(&r));
  EXPECT_EQ(r.status, 200);
}

// The answer to HEAD is a head alone: the next response on the connection follows it directly.
TEST_F(HttpServerTest, HeadIsAnsweredWithoutABody) {
  Start();
  TestConnection c(port_);
  ASSERT_TRUE(c.Send(BuildRequest("HEAD", "/a", {}, "") + BuildRequest("GET", "/b", {}, "")));
  HttpResult head;
  ASSERT_TRUE(c.ReadHead(&head));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(std::string("HEAD /a 0 ").size()));
  HttpResult next = c.ReadResponse();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "GET /b 0 ");
}

TEST_F(HttpServerTest, OversizedBodyIs413ByLengthAndByChunks) {
  Start(Small());
  HttpResult r = Request(port_, "POST", "/p", {}, std::string(1001, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("\"code\":\"too-large\""), std::string::npos) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/json");

  TestConnection c(port_);
  std::string chunked = "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "190\r\n" + std::string(400, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  ASSERT_TRUE(c.Send(chunked));
  EXPECT_EQ(c.ReadResponse().status, 413);
  EXPECT_TRUE(c.WaitClosed());
  // Exactly at the limit passes.
  EXPECT_EQ(Request(port_, "POST", "/p", {}, std::string(1000, 'x')).status, 200);
}

TEST_F(HttpServerTest, OversizedHeadIs431) {
  Start(Small());
  HttpResult r = Request(port_, "GET", "/h", {{"X-Big", std::string(3000, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_NE(r.body.find("\"code\":\"header-too-large\""), std::string::npos);
}

TEST_F(HttpServerTest, MalformedHttpIs400WithAJsonBody) {
  Start();
  for (std::string_view garbage :
       {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        // A body of unknown length: answering it as empty would run the rest as a request.
        "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
        "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
        // HTTP/1.1 names exactly one Host.
        "GET /a HTTP/1.1\r\n\r\n", "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"}) {
    TestConnection c(port_);
    ASSERT_TRUE(c.Send(garbage));
    HttpResult r = c.ReadResponse();
    EXPECT_EQ(r.status, 400) << garbage;
    EXPECT_NE(r.body.find("\"code\":\"bad-request\""), std::string::npos) << garbage;
    EXPECT_TRUE(c.WaitClosed()) << garbage;
  }
  // The server is still there.
  EXPECT_EQ(Request(port_, "GET", "/ok").status, 200);
}

TEST_F(HttpServerTest, SlowLorisIsCutOff) {
  Start(Small());
  TestConnection c(port_, 10000);
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: x\r\n"));  // never finishes the head
  // Keep dribbling header bytes: the request deadline still holds.
  bool closed = false;
  for (int i = 0; i < 80 && !closed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    closed = !c.Send("X-a: b\r\n");
  }
  EXPECT_TRUE(closed || c.WaitClosed());
}

TEST_F(HttpServerTest, IdleConnectionIsClosed) {
  Start(Small());
  TestConnection c(port_, 10000);
  ASSERT_TRUE(c.connected());
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(HttpServerTest, ConnectionsOverTheCapGet503) {
  ServerOptions o;
  o.max_connections = 2;
  Start(o);
  TestConnection a(port_), b(port_);
  // Make sure both are accepted and counted before the third.
  ASSERT_TRUE(a.Send(BuildRequest("GET", "/a", {}, "")));
  ASSERT_EQ(a.ReadResponse().status, 200);
  ASSERT_TRUE(b.Send(BuildRequest("GET", "/b", {}, "")));
  ASSERT_EQ(b.ReadResponse().status, 200);
  TestConnection c(port_);
  HttpResult r = c.ReadResponse();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("too-many-connections"), std::string::npos);
}

TEST_F(HttpServerTest, StreamWakesUpOnNotifyAndSendsHeartbeats) {
  ServerOptions o = Small();
  o.idle_timeout = std::chrono::seconds(10);
  Start(o);
  TestConnection c(port_);
  ASSERT_TRUE(c.Send(BuildRequest("GET", "/stream", {}, "")));
  HttpResult head;
  ASSERT_TRUE(c.ReadHead(&head));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-type"), "text/event-stream");
  auto chunk = c.ReadChunk();  // a heartbeat: nothing produced yet
  ASSERT_TRUE(chunk);
  EXPECT_EQ(*chunk, ": hb\n\n");
  handler_.produced_.store(2);
  notifier_.Notify();
  std::string got;
  while (got.find("data: 2") == std::string::npos) {
    auto next = c.ReadChunk();
    ASSERT_TRUE(next);
    got += *next;
  }
  EXPECT_NE(got.find("data: 1\n\ndata: 2\n\n"), std::string::npos) << got;
}

// HTTP/1.0 has no chunked coding: its event stream comes unframed and ends with the close.
TEST_F(HttpServerTest, Http10StreamIsUnframedAndEndedByTheClose) {
  ServerOptions o = Small();
  o.idle_timeout = std::chrono::seconds(10);
  Start(o);
  TestConnection c(port_);
  ASSERT_TRUE(c.Send("GET /stream HTTP/1.0\r\n\r\n"));
  HttpResult head;
  ASSERT_TRUE(c.ReadHead(&head));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-type"), "text/event-stream");
  EXPECT_EQ(head.Header("transfer-encoding"), "");
  EXPECT_EQ(head.Header("connection"), "close");
  EXPECT_EQ(c.ReadThrough("\n\n"), ": hb\n\n");
  handler_.produced_.store(2);
  notifier_.Notify();
  std::string got;
  while (got.find("data: 2\n\n") == std::string::npos) {
    auto next = c.ReadThrough("\n\n");
    ASSERT_TRUE(next);
    if (*next != ": hb\n\n") got += *next;
  }
  EXPECT_EQ(got, "data: 1\n\ndata: 2\n\n");
  server_->Shutdown();
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(HttpServerTest, ShutdownFinishesInFlightRequests) {
  Start();
  TestConnection idle(port_);
  TestConnection busy(port_);
  ASSERT_TRUE(busy.Send(BuildRequest("GET", "/slow", {}, "")));
  while (!handler_.slow_started_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->Shutdown();
  EXPECT_TRUE(idle.WaitClosed());
  handler_.Release();
  HttpResult r = busy.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"slow\":true}");
  EXPECT_EQ(r.Header("connection"), "close");
  thread_.join();  // Run returned
  server_.reset();
  TestConnection after(port_);
  EXPECT_FALSE(after.connected());
}

}  // namespace
}  // namespace podgate::server
