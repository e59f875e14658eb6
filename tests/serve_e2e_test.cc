// End-to-end tests of `podgate serve`: the real binary on a free loopback port, driven through
// a real HTTP client (serve_http_client.h) over every endpoint and every documented status
// code, the event stream with Last-Event-ID resume, session expiry across a restart, and
// bad input of every layer. Each server is stopped with SIGTERM and must exit 0.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "gate_cli.h"
#include "podgate/keys.h"
#include "podgate/proof.h"
#include "postgres_test_support.h"
#include "serve_artifacts.h"
#include "serve_http_client.h"
#include "serve_process.h"
#include "server/auth.h"

namespace podgate::serve_e2e {
namespace {

using serve_test::Attachment;
using serve_test::BuildRequest;
using serve_test::Detachment;
using serve_test::HttpResult;
using serve_test::NodeKey;
using serve_test::ParticipantKey;
using serve_test::PostSignature;
using serve_test::Recovery;
using serve_test::Request;
using serve_test::SeedKey;
using serve_test::ServeProcess;
using serve_test::SignedBind;
using serve_test::TestConnection;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kToken[] = "e2e-operator-token-0123456789abcdef";

// How long a server may take to exit after SIGTERM.
constexpr std::chrono::seconds kStopPatience(20);

std::string MakeTempDir() {
  std::string templ = ::testing::TempDir() + "podgate_serve_XXXXXX";
  char* made = ::mkdtemp(templ.data());
  return made ? std::string(made) : std::string();
}

void WriteSecretFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) {
    [[maybe_unused]] ssize_t n = ::write(fd, text.data(), text.size());
    ::close(fd);
  }
}

// Reads a member of a JSON body by JSON Pointer: its string value or its raw JSON.
std::string Member(const std::string& body, std::string_view pointer) {
  simdjson::dom::parser parser;
  auto doc = parser.parse(body);
  if (doc.error()) return "<not json: " + body + ">";
  auto value = doc.value().at_pointer(pointer);
  if (value.error()) return "<absent>";
  if (value.value().is_string()) return std::string(value.value().get_string().value());
  return simdjson::minify(value.value());
}

bool IsJsonError(const HttpResult& r) {
  simdjson::dom::parser parser;
  auto doc = parser.parse(r.body);
  if (doc.error() || r.Header("content-type") != "application/json") return false;
  return doc.value()["code"].is_string() && doc.value()["message"].is_string() &&
         doc.value()["errors"].is_array();
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PODGATE_SKIP_WITHOUT_SELECTED_ENGINE();
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    ledger_ = std::make_unique<testing::TestLedgerUrl>(dir_ + "/ledger.db");
    ASSERT_TRUE(SaveSecretKey(NodeKey(), dir_ + "/node.pem").ok());
    WriteSecretFile(dir_ + "/operator.token", std::string(kToken) + "\n");
    node_ = NodeKey().public_key().ToId(Role::kNode);
    participant_id_ = ParticipantKey().public_key().ToId(Role::kParticipant);
    bind_ = SignedBind(ParticipantKey(), node_, "pb:e2e-1");
  }

  void StartServer(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServeProcess>(dir_, ledger_->url(), dir_ + "/access.log", extra);
    ASSERT_NE(server_->port(), 0) << "server did not start: " << server_->startup();
  }

  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(server_->Alive()) << "the server died during the test";
      EXPECT_EQ(server_->Stop(kStopPatience), 0) << "SIGTERM must end the server with exit code 0";
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  HttpResult Post(std::string_view path, const std::string& body, Headers headers = {}) {
    headers.emplace_back("Content-Type", "application/json");
    return Request(server_->port(), "POST", path, headers, body);
  }
  HttpResult OperatorPost(std::string_view path, const std::string& body) {
    return Post(path, body, {{"Authorization", std::string("Bearer ") + kToken}});
  }
  HttpResult ParticipantPost(std::string_view path, Kind kind, const std::string& body,
                             const SecretKey& key) {
    return Post(path, body, {{"Participant-Signature", PostSignature(key, kind, body)}});
  }
  HttpResult OperatorGet(const std::string& target) {
    return Request(server_->port(), "GET", target,
                   {{"Authorization", std::string("Bearer ") + kToken}});
  }
  HttpResult ParticipantGet(const std::string& target, const SecretKey& key) {
    std::string ts = NowUtc().ToRfc3339();
    std::string sig = key.Sign(server::ReadSigningInput("GET", target, ts));
    return Request(server_->port(), "GET", target,
                   {{"Participant-Id", key.public_key().ToId(Role::kParticipant)},
                    {"Participant-Timestamp", ts},
                    {"Participant-Signature", sig}});
  }

  // Posts an attachment and its detachment as the operator (both must be admitted).
  void AttachAndDetach(const std::string& n) {
    ASSERT_EQ(
        OperatorPost("/v1/attachments", Attachment("attach:" + n, "client:" + n, node_, bind_))
            .status,
        201);
    ASSERT_EQ(OperatorPost("/v1/detachments",
                           Detachment("detach:" + n, "attach:" + n, "client:" + n, node_, bind_))
                  .status,
              201);
  }

  // Expects `r` to be the documented error.
  static void ExpectError(const HttpResult& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(IsJsonError(r)) << r.body;
    EXPECT_EQ(Member(r.body, "/code"), code) << r.body;
  }

  std::string dir_;
  std::string node_;
  std::string participant_id_;
  std::string bind_;
  std::unique_ptr<ServeProcess> server_;
  // SQLite in dir_, or PostgreSQL (PODGATE_TEST_ENGINE=postgresql).
  std::unique_ptr<testing::TestLedgerUrl> ledger_;
};

TEST_F(ServeTest, HealthAndMetrics) {
  StartServer();
  HttpResult h = Request(server_->port(), "GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(Member(h.body, "/status"), "ok");
  EXPECT_EQ(Member(h.body, "/node_id"), node_);
  EXPECT_NE(server_->startup().find(node_), std::string::npos);
  EXPECT_NE(server_->startup().find(dir_ + "/operator.token"), std::string::npos);

  AttachAndDetach("m1");
  HttpResult m = Request(server_->port(), "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.Header("content-type").rfind("text/plain", 0), 0u);
  for (std::string_view needle :
       {"podgate_admissions_total{kind=\"client-instance-detachment\",verdict=\"admitted\","
        "code=\"ok\"} 1",
        "podgate_admission_duration_seconds_bucket{kind=\"client-instance-attachment\",le=\"+Inf\"}"
        " 1",
        "podgate_ledger_last_sequence 2", "podgate_proof_cache_hits_total",
        // Two posts, each answered before the next: two group commits of one admission each.
        "podgate_group_commit_size_bucket{le=\"1\"} 2", "podgate_group_commit_size_sum 2",
        "podgate_group_commit_duration_seconds_count 2",
        "podgate_http_requests_total{route=\"postDetachment\",status=\"201\"} 1"}) {
    EXPECT_NE(m.body.find(needle), std::string::npos) << needle << "\n" << m.body;
  }
}

TEST_F(ServeTest, LifecycleAsOperatorWithReceiptsAndReads) {
  StartServer();
  std::string a = Attachment("attach:1", "client:1", node_, bind_);
  HttpResult r = OperatorPost("/v1/attachments", a);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Member(r.body, "/verdict"), "admitted");
  EXPECT_EQ(Member(r.body, "/id"), "attach:1");
  EXPECT_EQ(Member(r.body, "/kind"), "client-instance-attachment");
  EXPECT_EQ(Member(r.body, "/receipt/attachment~1id"), "attach:1");
  // The same artifact again: a duplicate, 200, the first receipt.
  HttpResult dup = OperatorPost("/v1/attachments", a);
  EXPECT_EQ(dup.status, 200) << dup.body;
  EXPECT_EQ(Member(dup.body, "/verdict"), "duplicate");
  EXPECT_EQ(Member(dup.body, "/seq"), Member(r.body, "/seq"));

  std::string d = Detachment("detach:1", "attach:1", "client:1", node_, bind_, "device-loss");
  r = OperatorPost("/v1/detachments", d);
  ASSERT_EQ(r.status, 201) << r.body;
  // The receipt is the attested artifact: it verifies under the node key (layer 3).
  std::string receipt = Member(r.body, "/receipt");
  EXPECT_NE(Member(r.body, "/receipt/proof~1node-attestation/value"), "<absent>");
  Verifier verifier;
  EXPECT_TRUE(verifier.Verify(receipt, Kind::kDetachment).ok()) << receipt;

  std::string rec = Recovery("recover:1", "detach:1", "client:2", node_, bind_);
  r = OperatorPost("/v1/recoveries", rec);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(verifier.Verify(Member(r.body, "/receipt"), Kind::kRecovery).ok());

  // Reads.
  r = OperatorGet("/v1/attachments/attach:1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Member(r.body, "/artifact/client-instance~1id"), "client:1");
  r = OperatorGet("/v1/detachments/detach:1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Member(r.body, "/artifact"), receipt);
  r = OperatorGet("/v1/recoveries/recover%3A1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Member(r.body, "/artifact/recovery~1mode"), "replace-device");
  r = OperatorGet("/v1/client-instances/client:1");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Member(r.body, "/current/participant"), participant_id_);
  EXPECT_EQ(Member(r.body, "/history/0/type"), "attached");
  EXPECT_EQ(Member(r.body, "/history/1/type"), "detached");
  r = OperatorGet("/v1/participants/" + participant_id_ + "/client-instances");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Member(r.body, "/participant"), participant_id_);
  EXPECT_NE(r.body.find("client:1"), std::string::npos);

  ExpectError(OperatorGet("/v1/attachments/attach:none"), 404, "not-found");
  ExpectError(OperatorGet("/v1/detachments/detach:none"), 404, "not-found");
  ExpectError(OperatorGet("/v1/recoveries/recover:none"), 404, "not-found");
  ExpectError(OperatorGet("/v1/client-instances/client:none"), 404, "not-found");
}

TEST_F(ServeTest, EveryLayerRejectionHasItsStatusAndAJsonBody) {
  StartServer();
  AttachAndDetach("x");

  // Layer 1 and 2: 400.
  ExpectError(OperatorPost("/v1/attachments", "{\"schema/v\":"), 400, "malformed-json");
  ExpectError(OperatorPost("/v1/attachments", "{\"a\":1,\"a\":2}"), 400, "malformed-json");
  ExpectError(OperatorPost("/v1/attachments", "[]"), 400, "malformed-json");
  HttpResult schema = OperatorPost("/v1/attachments", "{\"schema/v\":1}");
  ExpectError(schema, 400, "schema-invalid");
  EXPECT_NE(Member(schema.body, "/errors/0/path"), "<absent>");
  // A detachment posted where attachments go: the route decides the kind.
  ExpectError(
      OperatorPost("/v1/attachments", Detachment("detach:k", "attach:x", "client:x", node_, bind_)),
      400, "schema-invalid");

  // Layer 3: 403.
  std::string bad_bind = bind_;
  std::size_t value = bad_bind.find("\"value\":\"") + 9;
  bad_bind[value] = bad_bind[value] == 'A' ? 'B' : 'A';
  ExpectError(
      OperatorPost("/v1/attachments", Attachment("attach:bs", "client:bs", node_, bad_bind)), 403,
      "bad-signature");
  std::string other_key = SeedKey(0x33).public_key().ToMultibase();
  std::string mismatched = bind_;
  std::string own_key = ParticipantKey().public_key().ToMultibase();
  mismatched.replace(mismatched.find("\"participant/key/public\":\"" + own_key),
                     own_key.size() + 26, "\"participant/key/public\":\"" + other_key);
  ExpectError(
      OperatorPost("/v1/attachments", Attachment("attach:km", "client:km", node_, mismatched)), 403,
      "key-mismatch");

  // Layer 4.
  ExpectError(OperatorPost("/v1/detachments",
                           Detachment("detach:u", "attach:unknown", "client:x", node_, bind_)),
              404, "unknown-attachment");
  ExpectError(OperatorPost("/v1/recoveries",
                           Recovery("recover:u", "detach:unknown", "client:x", node_, bind_)),
              404, "unknown-detachment");
  ExpectError(OperatorPost("/v1/detachments",
                           Detachment("detach:x2", "attach:x", "client:x", node_, bind_)),
              409, "already-detached");
  ExpectError(OperatorPost("/v1/attachments", Attachment("attach:x", "client:other", node_, bind_)),
              409, "id-conflict");
  ASSERT_EQ(
      OperatorPost("/v1/attachments", Attachment("attach:b1", "client:b", node_, bind_)).status,
      201);
  ExpectError(OperatorPost("/v1/attachments", Attachment("attach:b2", "client:b", node_, bind_)),
              409, "client-busy");
  ASSERT_EQ(OperatorPost("/v1/recoveries", Recovery("recover:x", "detach:x", "client:x", node_,
                                                    bind_, "reattach-existing-device"))
                .status,
            201);
  ExpectError(OperatorPost("/v1/recoveries", Recovery("recover:x2", "detach:x", "client:x", node_,
                                                      bind_, "reattach-existing-device")),
              409, "already-recovered");

  std::string other_node = SeedKey(0x44).public_key().ToId(Role::kNode);
  ExpectError(OperatorPost("/v1/attachments",
                           Attachment("attach:wn", "client:wn", other_node,
                                      SignedBind(ParticipantKey(), other_node, "pb:wn"))),
              422, "wrong-node");
  ExpectError(OperatorPost("/v1/attachments", Attachment("attach:cs", "client:cs", node_, bind_,
                                                         "2099-01-01T00:00:00Z")),
              422, "clock-skew");
  ASSERT_EQ(
      OperatorPost("/v1/attachments", Attachment("attach:t", "client:t", node_, bind_)).status,
      201);
  ExpectError(
      OperatorPost("/v1/detachments", Detachment("detach:t", "attach:t", "client:t", node_, bind_,
                                                 "user-request", "2026-03-28T19:00:00Z")),
      422, "time-order");
  ExpectError(OperatorPost("/v1/detachments",
                           Detachment("detach:cm", "attach:t", "client:wrong", node_, bind_)),
              422, "client-mismatch");
  SecretKey stranger = SeedKey(0x55);
  ExpectError(
      OperatorPost("/v1/detachments", Detachment("detach:pm", "attach:t", "client:t", node_,
                                                 SignedBind(stranger, node_, "pb:stranger"))),
      422, "participant-mismatch");
}

TEST_F(ServeTest, HttpLayerRejections) {
  StartServer({"--max-body", "4096", "--max-header", "2048"});
  std::string a = Attachment("attach:h", "client:h", node_, bind_);
  // 415: not JSON.
  ExpectError(
      Request(server_->port(), "POST", "/v1/attachments",
              {{"Authorization", std::string("Bearer ") + kToken}, {"Content-Type", "text/plain"}},
              a),
      415, "unsupported-media-type");
  ExpectError(Request(server_->port(), "POST", "/v1/attachments",
                      {{"Authorization", std::string("Bearer ") + kToken}}, a),
              415, "unsupported-media-type");
  // 413: too large, by Content-Length.
  ExpectError(OperatorPost("/v1/attachments", std::string(5000, ' ') + a), 413, "too-large");
  // 431: head too large.
  ExpectError(Request(server_->port(), "GET", "/healthz", {{"X-Big", std::string(4000, 'b')}}), 431,
              "header-too-large");
  // 404 and 405.
  ExpectError(Request(server_->port(), "GET", "/v1/nothing"), 404, "not-found");
  HttpResult r = Request(server_->port(), "DELETE", "/v1/attachments/attach:h");
  ExpectError(r, 405, "method-not-allowed");
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
  // HEAD wherever GET is (a load balancer's health check): the head alone, with the length
  // of the body GET would send; not on the event stream.
  {
    TestConnection head(server_->port());
    ASSERT_TRUE(head.Send(BuildRequest("HEAD", "/healthz", {}, "") +
                          BuildRequest("GET", "/healthz", {}, "", true)));
    HttpResult h;
    ASSERT_TRUE(head.ReadHead(&h));
    EXPECT_EQ(h.status, 200);
    HttpResult g = head.ReadResponse();  // follows the HEAD's head directly: no body between
    EXPECT_EQ(g.status, 200);
    EXPECT_EQ(h.Header("content-length"), std::to_string(g.body.size()));
  }
  {
    TestConnection head(server_->port());
    ASSERT_TRUE(head.Send(BuildRequest("HEAD", "/v1/events", {}, "", true)));
    HttpResult h;
    ASSERT_TRUE(head.ReadHead(&h));
    EXPECT_EQ(h.status, 405);
    EXPECT_EQ(h.Header("allow"), "GET");
  }
  // 400: malformed HTTP.
  TestConnection c(server_->port());
  ASSERT_TRUE(c.Send("THIS IS NOT HTTP\r\n\r\n"));
  ExpectError(c.ReadResponse(), 400, "bad-request");
  // application/json with parameters is JSON.
  EXPECT_EQ(Request(server_->port(), "POST", "/v1/attachments",
                    {{"Authorization", std::string("Bearer ") + kToken},
                     {"Content-Type", "application/json; charset=utf-8"}},
                    a)
                .status,
            201);
}

// Standard output of a shell command (standard error discarded).
std::string Output(const std::string& command) {
  std::string out;
  std::FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

// A client developer's path: the participant headers `podgate sign --request` and `--read`
// make are the ones the server accepts, and sign refuses a key that is not the bind's.
TEST_F(ServeTest, SignCommandMakesTheParticipantHeaders) {
  StartServer();
  const std::string key_file = dir_ + "/participant.pem";
  ASSERT_TRUE(SaveSecretKey(ParticipantKey(), key_file).ok());
  const std::string a = Attachment("attach:cli", "client:cli", node_, bind_);
  const std::string artifact = dir_ + "/a.json";
  std::ofstream(artifact) << a;
  const std::string sign = std::string(PODGATE_BINARY) + " sign --key " + key_file;

  std::string signature = Output(sign + " --request " + artifact);
  ASSERT_FALSE(signature.empty());
  ASSERT_EQ(signature.back(), '\n');
  signature.pop_back();
  EXPECT_EQ(Post("/v1/attachments", a, {{"Participant-Signature", signature}}).status, 201);

  const std::string target = "/v1/participants/" + participant_id_ + "/client-instances";
  std::istringstream lines(Output(sign + " --read 'GET " + target + "'"));
  Headers headers;
  for (std::string line; std::getline(lines, line);) {
    std::size_t colon = line.find(": ");
    ASSERT_NE(colon, std::string::npos) << line;
    headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  ASSERT_EQ(headers.size(), 3u);
  HttpResult read = Request(server_->port(), "GET", target, headers);
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("client:cli"), std::string::npos) << read.body;

  const std::string other_key = dir_ + "/other.pem";
  ASSERT_TRUE(SaveSecretKey(SeedKey(0x66), other_key).ok());
  int refused = std::system((std::string(PODGATE_BINARY) + " sign --key " + other_key +
                             " --request " + artifact + " >/dev/null 2>&1")
                                .c_str());
  EXPECT_EQ(WEXITSTATUS(refused), 1);  // key-mismatch: the artifact's fault
}

TEST_F(ServeTest, RightsOfOperatorAndParticipant) {
  StartServer();
  SecretKey participant = ParticipantKey();
  std::string a = Attachment("attach:p", "client:p", node_, bind_);
  // 401: no credentials, a wrong token, a malformed Authorization, a signature that fails.
  HttpResult r = Post("/v1/attachments", a);
  ExpectError(r, 401, "unauthorized");
  EXPECT_FALSE(r.Header("www-authenticate").empty());
  ExpectError(Post("/v1/attachments", a, {{"Authorization", "Bearer wrong-token-0123456789"}}), 401,
              "unauthorized");
  ExpectError(Post("/v1/attachments", a, {{"Authorization", kToken}}), 401, "unauthorized");
  ExpectError(Post("/v1/attachments", a,
                   {{"Participant-Signature", PostSignature(SeedKey(0x66), Kind::kAttachment, a)}}),
              401, "unauthorized");
  // A signature over another artifact does not carry over.
  std::string other = Attachment("attach:p2", "client:p2", node_, bind_);
  ExpectError(
      Post("/v1/attachments", a,
           {{"Participant-Signature", PostSignature(participant, Kind::kAttachment, other)}}),
      401, "unauthorized");

  // The participant posts its own attachment and a participant-reason detachment.
  r = ParticipantPost("/v1/attachments", Kind::kAttachment, a, participant);
  ASSERT_EQ(r.status, 201) << r.body;
  // A node reason from the participant: 403, decided by the gate.
  ExpectError(
      ParticipantPost("/v1/detachments", Kind::kDetachment,
                      Detachment("detach:pol", "attach:p", "client:p", node_, bind_, "policy"),
                      participant),
      403, "unauthorized");
  r = ParticipantPost("/v1/detachments", Kind::kDetachment,
                      Detachment("detach:p", "attach:p", "client:p", node_, bind_, "user-request"),
                      participant);
  ASSERT_EQ(r.status, 201) << r.body;
  // The operator may post node reasons.
  ASSERT_EQ(
      OperatorPost("/v1/attachments", Attachment("attach:o", "client:o", node_, bind_)).status,
      201);
  ASSERT_EQ(OperatorPost("/v1/detachments", Detachment("detach:o", "attach:o", "client:o", node_,
                                                       bind_, "operator-action"))
                .status,
            201);

  // Reads: the participant reads its own data with a read signature.
  std::string mine = "/v1/participants/" + participant_id_ + "/client-instances";
  r = ParticipantGet(mine, participant);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("client:p"), std::string::npos);
  EXPECT_EQ(ParticipantGet("/v1/client-instances/client:p", participant).status, 200);
  EXPECT_EQ(ParticipantGet("/v1/detachments/detach:p", participant).status, 200);
  // Another participant: not its data.
  SecretKey stranger = SeedKey(0x77);
  ExpectError(ParticipantGet(mine, stranger), 403, "unauthorized");
  ExpectError(ParticipantGet("/v1/client-instances/client:p", stranger), 404, "not-found");
  ExpectError(ParticipantGet("/v1/attachments/attach:p", stranger), 404, "not-found");
  ExpectError(ParticipantGet("/v1/events", participant), 403, "unauthorized");
  // No credentials, a signature over another path, a stale timestamp.
  ExpectError(Request(server_->port(), "GET", mine), 401, "unauthorized");
  std::string ts = NowUtc().ToRfc3339();
  ExpectError(Request(server_->port(), "GET", mine,
                      {{"Participant-Id", participant_id_},
                       {"Participant-Timestamp", ts},
                       {"Participant-Signature",
                        participant.Sign(server::ReadSigningInput("GET", "/v1/events", ts))}}),
              401, "unauthorized");
  std::string stale = NowUtc().PlusSeconds(-3600).ToRfc3339();
  ExpectError(Request(server_->port(), "GET", mine,
                      {{"Participant-Id", participant_id_},
                       {"Participant-Timestamp", stale},
                       {"Participant-Signature",
                        participant.Sign(server::ReadSigningInput("GET", mine, stale))}}),
              401, "unauthorized");
}

// Reads SSE events from an open stream until `count` events arrived; returns their ids.
std::vector<std::uint64_t> ReadEvents(TestConnection* c, std::size_t count,
                                      std::vector<std::string>* types = nullptr) {
  std::vector<std::uint64_t> ids;
  std::string pending;
  while (ids.size() < count) {
    auto chunk = c->ReadChunk();
    if (!chunk || chunk->empty()) break;
    pending += *chunk;
    std::size_t end;
    while ((end = pending.find("\n\n")) != std::string::npos) {
      std::string event = pending.substr(0, end);
      pending.erase(0, end + 2);
      if (event.rfind("id: ", 0) == 0) {
        ids.push_back(std::stoull(event.substr(4)));
        std::size_t type = event.find("event: ");
        if (types && type != std::string::npos) {
          types->push_back(event.substr(type + 7, event.find('\n', type) - type - 7));
        }
        std::size_t data = event.find("data: ");
        EXPECT_NE(data, std::string::npos);
      }
    }
  }
  return ids;
}

TEST_F(ServeTest, EventStreamResumesWithoutLossOrDoubling) {
  StartServer();
  for (int i = 0; i < 3; ++i) AttachAndDetach("s" + std::to_string(i));  // 6 events

  Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  std::vector<std::uint64_t> seen;
  {
    TestConnection c(server_->port());
    ASSERT_TRUE(c.Send(BuildRequest("GET", "/v1/events", auth, "")));
    HttpResult head;
    ASSERT_TRUE(c.ReadHead(&head));
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.Header("content-type"), "text/event-stream");
    std::vector<std::string> types;
    seen = ReadEvents(&c, 6, &types);
    ASSERT_EQ(seen.size(), 6u);
    EXPECT_EQ(types[0], "attached");
    EXPECT_EQ(types[1], "detached");
    // A live event arrives on the open stream.
    AttachAndDetach("live");
    auto live = ReadEvents(&c, 2);
    ASSERT_EQ(live.size(), 2u);
    seen.insert(seen.end(), live.begin(), live.end());
  }  // disconnect

  for (int i = 0; i < 4; ++i) AttachAndDetach("after" + std::to_string(i));  // 8 more

  TestConnection c(server_->port());
  Headers resume = auth;
  resume.emplace_back("Last-Event-ID", std::to_string(seen.back()));
  ASSERT_TRUE(c.Send(BuildRequest("GET", "/v1/events", resume, "")));
  HttpResult head;
  ASSERT_TRUE(c.ReadHead(&head));
  auto rest = ReadEvents(&c, 8);
  ASSERT_EQ(rest.size(), 8u);
  seen.insert(seen.end(), rest.begin(), rest.end());
  // Strictly increasing, no duplicates, nothing missing in between.
  std::set<std::uint64_t> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i - 1] + 1);
  // ?after=N works too, and a non-number is 400.
  TestConnection q(server_->port());
  ASSERT_TRUE(
      q.Send(BuildRequest("GET", "/v1/events?after=" + std::to_string(seen[13]), auth, "")));
  ASSERT_TRUE(q.ReadHead(&head));
  auto tail = ReadEvents(&q, 2);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0], seen[14]);
  resume.back().second = "twelve";
  ExpectError(Request(server_->port(), "GET", "/v1/events", resume), 400, "bad-request");
}

TEST_F(ServeTest, SessionExpiryMintsOnceAcrossRestarts) {
  StartServer({"--session-ttl", "1h", "--expiry-interval", "50ms"});
  // Attached in March 2026: long past the TTL.
  ASSERT_EQ(
      OperatorPost("/v1/attachments", Attachment("attach:e", "client:e", node_, bind_)).status,
      201);
  std::string state;
  for (int i = 0; i < 400 && state != "detached"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    state = Member(OperatorGet("/v1/client-instances/client:e").body, "/current/state");
  }
  ASSERT_EQ(state, "detached");
  HttpResult r = OperatorGet("/v1/client-instances/client:e");
  EXPECT_EQ(Member(r.body, "/current/reason"), "session-expired");
  std::string detachment_id = Member(r.body, "/current/detachment_id");
  HttpResult d = OperatorGet("/v1/detachments/" + detachment_id);
  ASSERT_EQ(d.status, 200);
  Verifier verifier;
  EXPECT_TRUE(verifier.Verify(Member(d.body, "/artifact"), Kind::kDetachment).ok());

  // Restart on the same ledger: the attachment is not expired twice.
  EXPECT_EQ(server_->Stop(kStopPatience), 0);
  StartServer({"--session-ttl", "1h", "--expiry-interval", "50ms"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  r = OperatorGet("/v1/client-instances/client:e");
  int detached = 0;
  for (int i = 0; i < 10; ++i) {
    if (Member(r.body, "/history/" + std::to_string(i) + "/type") == "detached") ++detached;
  }
  EXPECT_EQ(detached, 1) << r.body;
  // The restarted server reports the ledger's size, not what it admitted itself (nothing).
  HttpResult m = Request(server_->port(), "GET", "/metrics");
  EXPECT_NE(m.body.find("\npodgate_ledger_last_sequence 2\n"), std::string::npos) << m.body;
}

TEST_F(ServeTest, GarbageNeverGetsA5xxNorKillsTheServer) {
  StartServer({"--max-body", "2048"});
  std::mt19937 rng(12345);
  std::string a = Attachment("attach:g", "client:g", node_, bind_);
  const std::vector<std::string> paths = {"/v1/attachments", "/v1/detachments", "/v1/recoveries"};
  static constexpr char kSplices[] = "{}[]\",:\\\x01\xff";  // the bytes spliced in
  for (int i = 0; i < 150; ++i) {
    std::string body = a;
    // Mutate a few bytes, or truncate, or splice.
    int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations; ++m) {
      std::size_t at = rng() % body.size();
      switch (rng() % 3) {
        case 0:
          body[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          body.resize(at);
          break;
        default:
          body.insert(at, 1, kSplices[rng() % (sizeof kSplices - 1)]);
          break;
      }
      if (body.empty()) body = "x";
    }
    HttpResult r = OperatorPost(paths[rng() % paths.size()], body);
    ASSERT_NE(r.status, 0) << "no answer for body " << i;
    EXPECT_LT(r.status, 500) << r.body;
    if (r.status >= 400) {
      EXPECT_TRUE(IsJsonError(r)) << r.body;
    }
  }
  // Raw garbage on the socket.
  for (int i = 0; i < 50; ++i) {
    std::string junk(1 + rng() % 300, '\0');
    for (char& ch : junk) ch = static_cast<char>(rng() % 256);
    if (i % 2 == 0) junk = "POST /v1/attachments HTTP/1.1\r\n" + junk;
    TestConnection c(server_->port(), 3000);
    c.Send(junk + "\r\n\r\n");
    HttpResult r = c.ReadResponse();
    if (r.status != 0) {
      EXPECT_LT(r.status, 500) << r.body;
    }
  }
  EXPECT_EQ(Request(server_->port(), "GET", "/healthz").status, 200);
}

TEST_F(ServeTest, RefusesAWorldReadableTokenFile) {
  ASSERT_EQ(::chmod((dir_ + "/operator.token").c_str(), 0644), 0);
  ServeProcess refused(dir_, ledger_->url(), dir_ + "/access.log");
  EXPECT_EQ(refused.port(), 0);
  EXPECT_EQ(refused.Stop(kStopPatience), 2);
}

// A duration without a unit is refused at start-up: "--session-ttl 12" once meant twelve
// seconds, and every session older than that was detached for good.
TEST_F(ServeTest, RefusesADurationWithoutAUnit) {
  for (const char* option : {"--session-ttl", "--request-timeout"}) {
    ServeProcess refused(dir_, ledger_->url(), dir_ + "/access.log", {option, "12"});
    EXPECT_EQ(refused.port(), 0) << option;
    EXPECT_EQ(refused.Stop(kStopPatience), 2) << option;
  }
}

// The trap of a lost node key: serve creates a new one when the file is missing, and the new
// node would answer wrong-node to every attachment in the ledger. It refuses to start instead,
// naming both nodes.
TEST_F(ServeTest, RefusesToServeALedgerOfAnotherNode) {
  StartServer();
  ASSERT_EQ(
      OperatorPost("/v1/attachments", Attachment("attach:k", "client:k", node_, bind_)).status,
      201);
  server_->Stop(kStopPatience);
  server_.reset();
  std::filesystem::remove(dir_ + "/node.pem");
  std::string said =
      Output("(" + std::string(PODGATE_BINARY) + " serve --db '" + ledger_->url() +
             "' --listen 127.0.0.1:0 --node-key " + dir_ + "/node.pem --operator-token-file " +
             dir_ + "/operator.token 2>&1; echo exit=$?)");
  EXPECT_NE(said.find("the ledger belongs to node " + node_), std::string::npos) << said;
  EXPECT_NE(said.find("exit=2"), std::string::npos) << said;
  // The key this start created for itself is gone again: the old one can be put back.
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/node.pem"));
}

// Two gates of different keys started on one empty ledger (two hosts, each with a node.pem of
// its own): the first to commit owns the ledger; the other answers the post that reaches the
// ledger with the configuration error naming both nodes, stops, and exits 2, as it would have
// refused to start.
TEST_F(ServeTest, OfTwoGatesStartedOnAnEmptyLedgerTheOneThatLosesStops) {
  StartServer();
  testing::ScratchDir scratch;
  const std::string& other_dir = scratch.path();
  SecretKey other_key = SeedKey(0x39);
  std::string other_node = other_key.public_key().ToId(Role::kNode);
  ASSERT_TRUE(SaveSecretKey(other_key, other_dir + "/node.pem").ok());
  WriteSecretFile(other_dir + "/operator.token", std::string(kToken) + "\n");
  ServeProcess other(other_dir, ledger_->url(), other_dir + "/access.log");
  ASSERT_NE(other.port(), 0) << "the other gate did not start: " << other.startup();

  ASSERT_EQ(
      OperatorPost("/v1/attachments", Attachment("attach:own", "client:own", node_, bind_)).status,
      201);
  std::string other_bind = SignedBind(ParticipantKey(), other_node, "pb:e2e-other");
  HttpResult refused = Request(
      other.port(), "POST", "/v1/attachments",
      {{"Authorization", std::string("Bearer ") + kToken}, {"Content-Type", "application/json"}},
      Attachment("attach:other", "client:other", other_node, other_bind));
  ExpectError(refused, 500, "config-error");
  EXPECT_NE(refused.body.find("the ledger belongs to node " + node_), std::string::npos)
      << refused.body;
  EXPECT_EQ(other.WaitExit(kStopPatience), 2);
  std::ifstream log(other_dir + "/access.log");
  std::string logged((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(logged.find("\"event\":\"config-error\",\"message\":\"stopping: the ledger belongs"),
            std::string::npos)
      << logged;
  EXPECT_NE(logged.find("configuration error: the ledger belongs to node " + node_),
            std::string::npos)
      << logged;
  // The owner goes on.
  EXPECT_EQ(OperatorPost("/v1/attachments", Attachment("attach:own2", "client:own2", node_, bind_))
                .status,
            201);
}

TEST_F(ServeTest, FirstRunCreatesKeyAndToken) {
  std::filesystem::remove(dir_ + "/node.pem");
  std::filesystem::remove(dir_ + "/operator.token");
  StartServer();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/node.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/operator.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(dir_ + "/operator.token");
  std::string token;
  std::getline(in, token);
  auto key = LoadSecretKey(dir_ + "/node.pem");
  ASSERT_TRUE(key.ok());
  EXPECT_NE(server_->startup().find(key->public_key().ToId(Role::kNode)), std::string::npos);
  // The created token is the operator's: it reads (404: nothing there yet, not 401).
  ExpectError(Request(server_->port(), "GET", "/v1/client-instances/client:none",
                      {{"Authorization", "Bearer " + token}}),
              404, "not-found");
}

}  // namespace
}  // namespace podgate::serve_e2e
