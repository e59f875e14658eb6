// The API over fake backends: what the end-to-end tests cannot provoke (a failing ledger, an
// admitter that is shutting down) and the exact shape of streamed events.

#include "server/api.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include <gtest/gtest.h>

#include "serve_artifacts.h"

namespace podgate::server {
namespace {

constexpr char kToken[] = "api-test-operator-token-0123456789";

// Checks with a real Verifier (layers 1 to 3), and answers every admission with a fixed
// outcome.
class FakeAdmitter : public Admitter {
 public:
  Report Check(AdmissionRequest* request) override {
    ++checks;
    return verifier.Verify(request->body, request->kind);
  }
  void Admit(AdmissionRequest request, std::function<void(AdmissionOutcome)> done) override {
    last_rights = request.rights;
    ++calls;
    done(outcome);
  }
  void ExpireSessions(std::int64_t, std::function<void(Result<std::size_t>)> done) override {
    done(std::size_t{0});
  }
  void Drain() override {}

  Verifier verifier;
  AdmissionOutcome outcome;
  Rights last_rights = Rights::kGate;
  int checks = 0;
  int calls = 0;
};

class FakeReads : public ReadModel {
 public:
  Result<std::optional<StoredArtifact>> GetArtifact(Kind, std::string_view) override {
    if (!status.ok()) return status;
    return std::optional<StoredArtifact>();
  }
  Result<std::optional<ClientInstanceState>> GetClientInstance(std::string_view) override {
    if (!status.ok()) return status;
    return std::optional<ClientInstanceState>();
  }
  Result<std::vector<Event>> ClientInstanceHistory(std::string_view) override {
    return std::vector<Event>();
  }
  Result<std::vector<ClientInstanceState>> ParticipantClientInstances(std::string_view) override {
    if (!status.ok()) return status;
    return std::vector<ClientInstanceState>();
  }
  Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) override {
    std::vector<Event> out;
    for (const Event& e : events) {
      if (e.seq > after && out.size() < limit) out.push_back(e);
    }
    return out;
  }

  Status status;
  std::vector<Event> events;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string path =
        ::testing::TempDir() + "podgate_api_test_token_" + std::to_string(::getpid());
    std::remove(path.c_str());
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(kToken, f);
    std::fclose(f);
    ::chmod(path.c_str(), 0600);
    token_ = std::make_unique<OperatorToken>(OperatorToken::Load(path).value());
    ApiOptions options;
    options.node_id = node_;
    api_ = std::make_unique<Api>(options, &admitter_, &reads_, token_.get(), &metrics_, NowUtc);
  }

  HttpResponse Call(std::string method, std::string target, std::string body = {},
                    bool as_operator = true) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = target;
    std::size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", "application/json");
    if (as_operator) r.headers.emplace_back("Authorization", std::string("Bearer ") + kToken);
    HttpResponse out;
    bool answered = false;
    api_->Handle(std::move(r), [&](HttpResponse response) {
      out = std::move(response);
      answered = true;
    });
    EXPECT_TRUE(answered);
    return out;
  }

  std::string Attachment() {
    return serve_test::Attachment(
        "attach:1", "client:1", node_,
        serve_test::SignedBind(serve_test::ParticipantKey(), node_, "pb:1"));
  }

  std::string node_ = serve_test::NodeKey().public_key().ToId(Role::kNode);
  FakeAdmitter admitter_;
  FakeReads reads_;
  Metrics metrics_;
  std::unique_ptr<OperatorToken> token_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiTest, EveryVerdictCodeHasA4xxAndOperationalOnesA5xx) {
  for (int c = 1; c <= static_cast<int>(Code::kUnauthorized); ++c) {
    int status = HttpStatusFor(static_cast<Code>(c));
    EXPECT_GE(status, 400) << CodeName(static_cast<Code>(c));
    EXPECT_LT(status, 500) << CodeName(static_cast<Code>(c));
  }
  EXPECT_EQ(HttpStatusFor(Code::kStorage), 503);
  EXPECT_EQ(HttpStatusFor(Code::kUnavailable), 503);
}

TEST_F(ApiTest, StorageFailureOfTheBatchIs503AndRetryable) {
  admitter_.outcome.status = Status(Code::kStorage, "disk I/O error");
  HttpResponse r = Call("POST", "/v1/attachments", Attachment());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.code, "storage-error");
  EXPECT_NE(r.body.find("disk I/O error"), std::string::npos);
  EXPECT_EQ(admitter_.last_rights, Rights::kOperator);
  admitter_.outcome.status = Status(Code::kUnavailable, "the server is shutting down");
  EXPECT_EQ(Call("POST", "/v1/attachments", Attachment()).status, 503);
}

TEST_F(ApiTest, LayersOneToThreeAreDecidedBeforeTheGate) {
  EXPECT_EQ(Call("POST", "/v1/attachments", "{").status, 400);
  EXPECT_EQ(Call("POST", "/v1/attachments", "{}").status, 400);
  EXPECT_EQ(admitter_.checks, 2);
  EXPECT_EQ(admitter_.calls, 0);
  // Unauthenticated posts are refused before anything is checked.
  EXPECT_EQ(Call("POST", "/v1/attachments", Attachment(), /*as_operator=*/false).status, 401);
  EXPECT_EQ(admitter_.checks, 2);
}

TEST_F(ApiTest, ReadFailuresAre503) {
  reads_.status = Status(Code::kStorage, "database is locked");
  EXPECT_EQ(Call("GET", "/v1/attachments/attach:1").status, 503);
  EXPECT_EQ(Call("GET", "/v1/client-instances/client:1").status, 503);
  EXPECT_EQ(Call("GET", "/v1/participants/p/client-instances").status, 503);
}

TEST_F(ApiTest, EventsStreamMultiLineArtifactsAsSeveralDataLines) {
  Event e;
  e.seq = 7;
  e.type = EventType::kAttached;
  e.id = "attach:1";
  e.json = "{\n  \"a\": 1,\r\n  \"b\": 2\r}";
  reads_.events.push_back(e);
  e.seq = 8;
  e.json = "{}";
  reads_.events.push_back(e);
  HttpResponse r = Call("GET", "/v1/events?after=6");
  ASSERT_TRUE(r.stream);
  EXPECT_EQ(r.content_type, "text/event-stream");
  auto text = r.stream->Next();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->rfind("retry: 2000\n\nid: 7\nevent: attached\ndata: {\"seq\":7,", 0), 0u)
      << *text;
  EXPECT_NE(text->find("\"artifact\":{\ndata:   \"a\": 1,\ndata:   \"b\": 2\ndata: }}\n\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("id: 8\n"), std::string::npos);
  // Nothing new: nothing sent; a new event: only it.
  EXPECT_EQ(r.stream->Next().value(), "");
  e.seq = 9;
  reads_.events.push_back(e);
  std::string next = r.stream->Next().value();
  EXPECT_EQ(next.rfind("id: 9\n", 0), 0u) << next;
  EXPECT_EQ(next.find("id: 8"), std::string::npos);
  EXPECT_EQ(r.stream->Heartbeat(), ": keepalive\n\n");
}

TEST_F(ApiTest, EventsResumeAfterLastEventId) {
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    Event e;
    e.seq = seq;
    reads_.events.push_back(e);
  }
  HttpRequest r;
  r.method = "GET";
  r.target = r.path = "/v1/events";
  r.headers = {{"Authorization", std::string("Bearer ") + kToken}, {"Last-Event-ID", "3"}};
  HttpResponse out;
  api_->Handle(r, [&](HttpResponse response) { out = std::move(response); });
  ASSERT_TRUE(out.stream);
  std::string text = out.stream->Next().value();
  EXPECT_EQ(text.find("id: 3\n"), std::string::npos);
  EXPECT_NE(text.find("id: 4\n"), std::string::npos);
  EXPECT_NE(text.find("id: 5\n"), std::string::npos);
}

TEST_F(ApiTest, RoutesTagTheirResponses) {
  EXPECT_EQ(Call("GET", "/healthz").route, "getHealth");
  EXPECT_EQ(Call("GET", "/v1/attachments/x").route, "getAttachment");
  EXPECT_EQ(Call("GET", "/nowhere").route, "");
}

}  // namespace
}  // namespace podgate::server
