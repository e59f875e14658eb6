// Regression test from the denial-of-service review of podgate serve (issue 7,
// docs/SECURITY.md). Beast bounds a request's head by the header limit and its payload by the
// body limit, but a chunked body's chunk-size lines are neither: "1;" followed by megabytes of
// chunk extension is one line that Beast wants whole before it parses it, and the connection's
// read buffer grew with it, at the client's bandwidth, until the request deadline (10 s by
// default, on each of up to 1024 connections). The read buffer is now capped at one head plus
// one body plus 64 KiB: past it the server answers 400 and closes at once.

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "serve_http_client.h"
#include "server/http_server.h"

namespace podgate::server {
namespace {

using podgate::serve_test::HttpResult;
using podgate::serve_test::TestConnection;

class EchoHandler : public Handler {
 public:
  void Handle(HttpRequest request, Responder respond) override {
    HttpResponse r;
    r.body = std::to_string(request.body.size());
    respond(r);
  }
};

class HttpBufferLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.max_header_bytes = 2000;
    options.max_body_bytes = 1000;
    // Long deadlines: before the fix the server kept reading for all of them, so a closed
    // connection within the client's (shorter) read timeout is the fix at work.
    options.request_timeout = std::chrono::milliseconds(120'000);
    options.idle_timeout = std::chrono::milliseconds(120'000);
    server_ = std::make_unique<Server>(options, &handler_, &metrics_, &log_, &notifier_);
    ASSERT_TRUE(server_->Listen().ok());
    port_ = server_->port();
    thread_ = std::thread([this] { server_->Run(false); });
  }
  void TearDown() override {
    server_->Shutdown();
    thread_.join();
  }

  EchoHandler handler_;
  Metrics metrics_;
  AccessLog log_;
  Notifier notifier_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(HttpBufferLimitTest, AnEndlessChunkExtensionIsCutOff) {
  TestConnection c(port_, 30'000);
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;"));
  // 8 MiB of one chunk extension, never ended by CRLF. The server stops reading after the cap
  // (about 67 KiB here); the rest of the sending fails once it has closed.
  const std::string piece(64 * 1024, 'a');
  int sent = 0;
  while (sent < 128 && c.Send(piece)) ++sent;
  EXPECT_TRUE(sent < 128 || c.WaitClosed()) << "the server kept reading the chunk extension";
}

TEST_F(HttpBufferLimitTest, BodiesUpToTheLimitStillPass) {
  TestConnection c(port_, 30'000);
  std::string body(1000, 'b');
  // The same body as one chunk with a modest extension, and as plain Content-Length.
  ASSERT_TRUE(
      c.Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8;n=v\r\n" + body +
             "\r\n0\r\n\r\n"));
  HttpResult r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "1000");
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + body));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "1000");
}

}  // namespace
}  // namespace podgate::server
