// Fuzz target: the HTTP request path of podgate serve, from raw bytes to the answer: Beast's
// request parser with the server's limits (src/server/http_server.cc), the router, the rights
// checks and every endpoint of src/server/api.cc, admitting through a real Gate over an
// in-memory SQLite ledger.
//
// An input is the byte stream of one connection: requests are parsed one after another
// (pipelining) until the bytes run out or one is refused, as the transport does. Properties:
//   * parsing never crashes, never reads past the limits (16 KiB of head, 64 KiB of body);
//   * each request is answered exactly once, synchronously here (the admitter is synchronous);
//   * no answer is a 5xx: bad input gets a 4xx (the ledger cannot fail in memory);
//   * every error answer is a JSON object with "code" and "message";
//   * an event stream yields well-formed SSE text.
// The conversion of a parsed Beast message into an HttpRequest repeats the few lines of
// Connection::OnRequest.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "fuzz_check.h"
#include "json/parser.h"
#include "podgate/gate.h"
#include "podgate/ledger.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/backend.h"
#include "server/metrics.h"
#include "signed_artifacts.h"

namespace podgate::fuzz {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// The token of the seeds' "Authorization: Bearer ..." header.
constexpr std::string_view kOperatorToken = "fuzz-operator-token-0123456789";
// The clock of the gate and of participant reads: after every example's times.
const Timestamp kNow{1774730700, 0};  // 2026-03-28T20:45:00Z

class SyncAdmitter : public server::Admitter {
 public:
  explicit SyncAdmitter(Gate* gate) : gate_(gate), preparer_(gate->NewPreparer()) {}
  Report Check(server::AdmissionRequest* request) override {
    request->prepared = preparer_->Prepare(request->body, request->rights, request->kind);
    return request->prepared.report();
  }
  void Admit(server::AdmissionRequest request,
             std::function<void(server::AdmissionOutcome)> done) override {
    server::AdmissionOutcome outcome;
    preparer_->Attest(&request.prepared);
    auto admitted = gate_->Stage(std::move(request.prepared), kNow);
    if (admitted.ok()) {
      if (Status s = gate_->Commit(); !s.ok()) admitted = s;
    } else {
      gate_->Rollback();
    }
    if (admitted.ok()) {
      outcome.admission = std::move(admitted).value();
    } else {
      outcome.status = admitted.status();
    }
    done(std::move(outcome));
  }
  void ExpireSessions(std::int64_t, std::function<void(Result<std::size_t>)> done) override {
    done(std::size_t{0});
  }
  void Drain() override {}

 private:
  Gate* gate_;
  std::unique_ptr<Preparer> preparer_;
};

class LedgerReads : public server::ReadModel {
 public:
  explicit LedgerReads(Ledger* ledger) : ledger_(ledger) {}
  Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) override {
    return ledger_->GetArtifact(kind, id);
  }
  Result<std::optional<ClientInstanceState>> GetClientInstance(std::string_view id) override {
    return ledger_->GetClientInstance(id);
  }
  Result<std::vector<Event>> ClientInstanceHistory(std::string_view id) override {
    return ledger_->ClientInstanceHistory(id);
  }
  Result<std::vector<ClientInstanceState>> ParticipantClientInstances(
      std::string_view participant) override {
    return ledger_->ParticipantClientInstances(participant);
  }
  Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) override {
    return ledger_->EventsAfter(after, limit);
  }

 private:
  Ledger* ledger_;
};

struct World {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Gate> gate;
  std::unique_ptr<SyncAdmitter> admitter;
  std::unique_ptr<LedgerReads> reads;
  std::optional<server::OperatorToken> token;
  server::Metrics metrics;
  std::unique_ptr<server::Api> api;
};

World* MakeWorld() {
  auto* w = new World;
  auto ledger = OpenLedger("sqlite::memory:");
  if (!ledger.ok()) std::abort();
  w->ledger = std::move(ledger).value();
  GateOptions options;
  options.node_id = NodeKey().public_key().ToId(Role::kNode);
  auto cache = std::make_shared<ProofCache>(4096);
  auto gate = Gate::Create(options, w->ledger.get(), NodeKey(), cache);
  if (!gate.ok()) std::abort();
  w->gate = std::move(gate).value();
  w->admitter = std::make_unique<SyncAdmitter>(w->gate.get());
  w->reads = std::make_unique<LedgerReads>(w->ledger.get());
  char path[] = "/tmp/podgate-fuzz-token-XXXXXX";
  int fd = ::mkstemp(path);  // mode 0600
  if (fd < 0 || ::write(fd, kOperatorToken.data(), kOperatorToken.size()) < 0) std::abort();
  ::close(fd);
  auto token = server::OperatorToken::Load(path);
  ::unlink(path);
  if (!token.ok()) std::abort();
  w->token = std::move(token).value();
  server::ApiOptions api_options;
  api_options.node_id = options.node_id;
  w->api = std::make_unique<server::Api>(api_options, w->admitter.get(), w->reads.get(), &*w->token,
                                         &w->metrics, [] { return kNow; });
  return w;
}

void CheckResponse(const server::HttpResponse& r) {
  FUZZ_CHECK(r.status >= 200 && r.status < 500, "status %d (%s): %s", r.status, r.code.c_str(),
             r.body.c_str());
  if (r.status >= 400) {
    static json::Parser parser(json::Limits{1 << 22, 64});
    json::Element root;
    Status parsed = parser.ParseCopy(r.body, &root);
    FUZZ_CHECK(parsed.ok(), "an error body that is not JSON: %s", r.body.c_str());
    FUZZ_CHECK(root["code"].is_string() && root["message"].is_string(),
               "an error body without code and message: %s", r.body.c_str());
  }
  if (r.stream) {
    auto chunk = r.stream->Next();
    FUZZ_CHECK(chunk.ok(), "the event stream failed: %s", chunk.status().ToString().c_str());
    FUZZ_CHECK(chunk->empty() || chunk->ends_with("\n\n"), "an SSE chunk cut in the middle");
  }
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  using namespace podgate::fuzz;
  static World* world = MakeWorld();
  beast::flat_buffer buffer;
  buffer.commit(boost::asio::buffer_copy(buffer.prepare(size), boost::asio::buffer(data, size)));

  for (int request_count = 0; request_count < 8 && buffer.size() > 0; ++request_count) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    beast::error_code ec;
    while (!parser.is_done() && buffer.size() > 0) {
      std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) break;  // the rest of the input is not enough for a whole element
        continue;
      }
      if (ec) break;
    }
    if (!parser.is_done()) {
      // A refused request: the transport answers 400/413/431 and closes; nothing else runs.
      if (ec) FUZZ_CHECK(ec != http::error::need_more, "unreachable");
      break;
    }
    FUZZ_CHECK(parser.get().body().size() <= 64 * 1024, "a body over the limit was read");
    auto message = parser.release();
    server::HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    std::string_view target = request.target;
    std::size_t q = target.find('?');
    request.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote = "127.0.0.1:1";

    int answers = 0;
    world->api->Handle(std::move(request), [&answers](server::HttpResponse response) {
      ++answers;
      CheckResponse(response);
    });
    FUZZ_CHECK(answers == 1, "%d answers to one request", answers);
    if (!message.keep_alive()) break;
  }
  return 0;
}
