// Several `podgate serve` processes on one PostgreSQL ledger (DESIGN.md section 5), through the
// real binary on loopback ports:
//
//  * the race: two gates, 1,000 attachments, then 1,000 pairs of conflicting detachments fired
//    at both gates in parallel (one member of each pair to each gate). Exactly one of each pair
//    is admitted, the other gets what the rules say (already-detached, id-conflict, or
//    duplicate), nothing gets a 5xx, and the event streams of both gates list the same facts in
//    the same order, numbered 1..N without gaps;
//  * the restart: two gates under a steady load of admissions while their PostgreSQL server
//    (a private cluster of scripts/pg-test-cluster) stops and starts again. Requests during the
//    outage get 503 `unavailable`, the gates recover by themselves, and every admission that
//    was acknowledged (201) is in the ledger afterwards.
//
// Both skip, saying why, when PODGATE_TEST_PG_URL is unset.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "podgate/keys.h"
#include "postgres_test_support.h"
#include "serve_artifacts.h"
#include "serve_http_client.h"
#include "serve_process.h"

namespace podgate::pg_serve {
namespace {

using serve_test::Attachment;
using serve_test::BuildRequest;
using serve_test::Detachment;
using serve_test::HttpResult;
using serve_test::NodeKey;
using serve_test::ParticipantKey;
using serve_test::Request;
using serve_test::ServeProcess;
using serve_test::SignedBind;
using serve_test::TestConnection;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kToken[] = "pg-operator-token-0123456789abcdef0123";

// A scratch directory with the node key and the operator token both gates use.
class GateDir {
 public:
  GateDir() {
    std::string pattern = std::filesystem::temp_directory_path() / "podgate-pgserve-XXXXXX";
    path_ = ::mkdtemp(pattern.data());
    (void)SaveSecretKey(NodeKey(), path_ + "/node.pem");
    int fd = ::open((path_ + "/operator.token").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::string token = std::string(kToken) + "\n";
    if (fd >= 0) {
      [[maybe_unused]] ssize_t n = ::write(fd, token.data(), token.size());
      ::close(fd);
    }
  }
  ~GateDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A `podgate serve` child process on 127.0.0.1 and a free port, with an access log of its own
// (access-NAME.log) in the shared directory.
class GateProcess : public ServeProcess {
 public:
  GateProcess(const GateDir& dir, const std::string& db, const std::string& name)
      : ServeProcess(dir.path(), db, dir.path() + "/access-" + name + ".log") {}

  HttpResult Post(std::string_view path, const std::string& body) const {
    return Request(
        port(), "POST", path,
        {{"Content-Type", "application/json"}, {"Authorization", std::string("Bearer ") + kToken}},
        body);
  }
};

// The "code" member of an error body.
std::string CodeOf(const HttpResult& r) {
  std::string needle = "\"code\":\"";
  std::size_t at = r.body.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  return r.body.substr(at, r.body.find('"', at) - at);
}

// One event of GET /v1/events: its sequence number, type and data, as sent.
struct StreamEvent {
  std::uint64_t seq = 0;
  std::string type;
  std::string data;
  friend bool operator==(const StreamEvent&, const StreamEvent&) = default;
};

// A subscriber of a gate's event stream, from the beginning of the log.
class EventStream {
 public:
  explicit EventStream(std::uint16_t port) : connection_(port, 60'000) {
    Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
    HttpResult head;
    ok_ = connection_.Send(BuildRequest("GET", "/v1/events", auth, "")) &&
          connection_.ReadHead(&head) && head.status == 200;
  }
  bool ok() const { return ok_; }

  // Reads until `count` events arrived in all (or the stream stalls for a minute).
  const std::vector<StreamEvent>& ReadUntil(std::size_t count) {
    while (events_.size() < count) {
      auto chunk = connection_.ReadChunk();
      if (!chunk || chunk->empty()) break;
      pending_ += *chunk;
      std::size_t end;
      while ((end = pending_.find("\n\n")) != std::string::npos) {
        std::string block = pending_.substr(0, end);
        pending_.erase(0, end + 2);
        if (!block.starts_with("id: ")) continue;  // retry:, keepalive comments
        StreamEvent e;
        std::size_t line = 0;
        while (line < block.size()) {
          std::size_t next = block.find('\n', line);
          if (next == std::string::npos) next = block.size();
          std::string_view text(block.data() + line, next - line);
          if (text.starts_with("id: ")) e.seq = std::stoull(std::string(text.substr(4)));
          if (text.starts_with("event: ")) e.type = text.substr(7);
          if (text.starts_with("data: ")) e.data.append(text.substr(6)).push_back('\n');
          line = next + 1;
        }
        events_.push_back(std::move(e));
      }
    }
    return events_;
  }

 private:
  TestConnection connection_;
  bool ok_ = false;
  std::string pending_;
  std::vector<StreamEvent> events_;
};

TEST(PostgresServeTest, TwoGatesRacingOnOneLedgerAdmitExactlyOneOfEachConflictingPair) {
  if (testing::PgTestBaseUrl().empty()) GTEST_SKIP() << testing::kPgSkipMessage;
  testing::PgTestSchema schema;
  ASSERT_TRUE(schema.ok()) << schema.error();
  GateDir dir;
  GateProcess a(dir, schema.url(), "a");
  ASSERT_NE(a.port(), 0) << a.startup();
  GateProcess b(dir, schema.url(), "b");
  ASSERT_NE(b.port(), 0) << b.startup();

  EventStream stream_a(a.port());
  EventStream stream_b(b.port());
  ASSERT_TRUE(stream_a.ok());
  ASSERT_TRUE(stream_b.ok());

  constexpr int kPairs = 1000;
  constexpr int kThreads = 4;  // per gate
  const std::string node = NodeKey().public_key().ToId(Role::kNode);
  const std::string bind = SignedBind(ParticipantKey(), node, "pb:race");
  auto n = [](int i) { return std::to_string(i); };

  // The attachments, half through each gate.
  std::mutex mu;
  std::vector<std::string> failures;
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 2 * kThreads; ++t) {
      threads.emplace_back([&, t] {
        const GateProcess& gate = t % 2 == 0 ? a : b;
        for (int i = t; i < kPairs; i += 2 * kThreads) {
          HttpResult r = gate.Post("/v1/attachments",
                                   Attachment("attach:" + n(i), "client:" + n(i), node, bind));
          if (r.status != 201) {
            std::lock_guard lock(mu);
            failures.push_back("attach:" + n(i) + " " + std::to_string(r.status) + " " + r.body);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  ASSERT_THAT(failures, ::testing::IsEmpty());

  // The conflicting pairs, both members at once (the two threads of a lane meet at a barrier
  // before each pair): member 0 of an even pair and member 1 of an odd pair to gate A, the
  // others to gate B.
  //   i % 3 == 0: two detachment ids for one attachment  -> 201 + 409 already-detached
  //   i % 3 == 1: one id, two contents (reasons)           -> 201 + 409 id-conflict
  //   i % 3 == 2: the same detachment twice                -> 201 + 200 duplicate
  auto member = [&](int i, int which) {
    std::string attachment = "attach:" + n(i), client = "client:" + n(i);
    switch (i % 3) {
      case 0:
        return Detachment("detach:" + n(i) + (which == 0 ? ":a" : ":b"), attachment, client, node,
                          bind);
      case 1:
        return Detachment("detach:" + n(i), attachment, client, node, bind,
                          which == 0 ? "user-request" : "device-loss");
      default:
        return Detachment("detach:" + n(i), attachment, client, node, bind);
    }
  };
  std::vector<std::array<HttpResult, 2>> results(kPairs);
  {
    std::vector<std::unique_ptr<std::barrier<>>> lanes;
    for (int t = 0; t < kThreads; ++t) lanes.push_back(std::make_unique<std::barrier<>>(2));
    std::vector<std::thread> threads;
    for (int which = 0; which < 2; ++which) {
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, which, t] {
          for (int i = t; i < kPairs; i += kThreads) {
            const GateProcess& gate = (i + which) % 2 == 0 ? a : b;
            lanes[static_cast<std::size_t>(t)]->arrive_and_wait();
            results[static_cast<std::size_t>(i)][static_cast<std::size_t>(which)] =
                gate.Post("/v1/detachments", member(i, which));
          }
        });
      }
    }
    for (auto& t : threads) t.join();
  }

  std::map<std::string, int> outcomes;  // "201", "409 already-detached", ...
  int won_by_a = 0;
  for (int i = 0; i < kPairs; ++i) {
    const auto& pair = results[static_cast<std::size_t>(i)];
    for (const HttpResult& r : pair) {
      ASSERT_NE(r.status, 0) << "no answer for pair " << i;
      ASSERT_LT(r.status, 500) << "pair " << i << ": " << r.body;
    }
    int winners = (pair[0].status == 201) + (pair[1].status == 201);
    ASSERT_EQ(winners, 1) << "pair " << i << ": " << pair[0].status << " " << pair[1].status;
    won_by_a += pair[static_cast<std::size_t>(i % 2)].status == 201;  // the A-bound member
    const HttpResult& loser = pair[0].status == 201 ? pair[1] : pair[0];
    std::string expected = i % 3 == 0   ? "409 already-detached"
                           : i % 3 == 1 ? "409 id-conflict"
                                        : "200 ";
    std::string got =
        std::to_string(loser.status) + " " + (loser.status == 200 ? "" : CodeOf(loser));
    EXPECT_EQ(got, expected) << "pair " << i << ": " << loser.body;
    ++outcomes[got];
  }
  EXPECT_EQ(outcomes["409 already-detached"], (kPairs + 2) / 3);
  EXPECT_EQ(outcomes["409 id-conflict"], (kPairs + 1) / 3);
  EXPECT_EQ(outcomes["200 "], kPairs / 3);
  // Which gate won how many (both do, unless the scheduler stalls one for the whole run).
  ::testing::Test::RecordProperty("pairs_won_by_gate_a", won_by_a);

  // Every fact once, numbered 1..N without gaps, the same list on both gates' streams.
  const std::size_t facts = 2 * kPairs;
  const auto& seen_a = stream_a.ReadUntil(facts);
  const auto& seen_b = stream_b.ReadUntil(facts);
  ASSERT_EQ(seen_a.size(), facts);
  ASSERT_EQ(seen_b.size(), facts);
  std::set<std::string> detached;
  for (std::size_t i = 0; i < facts; ++i) {
    ASSERT_EQ(seen_a[i].seq, i + 1);
    if (seen_a[i].type == "detached") {
      std::size_t at = seen_a[i].data.find("\"ref_id\":\"");
      detached.insert(seen_a[i].data.substr(at, seen_a[i].data.find('"', at + 10) - at));
    }
  }
  EXPECT_TRUE(seen_a == seen_b) << "the two gates' event streams differ";
  EXPECT_EQ(detached.size(), static_cast<std::size_t>(kPairs));  // each attachment once
  EXPECT_EQ(schema.Query("SELECT count(*) FROM detachments"), std::to_string(kPairs));
  EXPECT_EQ(schema.Query("SELECT max(seq) FROM events"), std::to_string(facts));

  EXPECT_TRUE(a.Alive());
  EXPECT_TRUE(b.Alive());
  EXPECT_EQ(a.Stop(), 0);
  EXPECT_EQ(b.Stop(), 0);
}

// A private PostgreSQL cluster (scripts/pg-test-cluster) that the test may stop and start.
class PrivateCluster {
 public:
  PrivateCluster() {
    std::string pattern = std::filesystem::temp_directory_path() / "podgate-pg-XXXXXX";
    dir_ = ::mkdtemp(pattern.data());
    url_ = Script("start");
  }
  ~PrivateCluster() {
    if (!dir_.empty()) Script("stop");
  }
  const std::string& url() const { return url_; }
  bool Pause() { return Script("pause", /*want_output=*/false) == "ok"; }
  bool Resume() { return Script("resume", /*want_output=*/false) == "ok"; }

 private:
  // Runs the script; its first output line (or "ok"/"" for success/failure).
  std::string Script(const std::string& command, bool want_output = true) {
    std::string line = std::string(PODGATE_SOURCE_DIR) + "/scripts/pg-test-cluster " + command +
                       " " + dir_ + " 2>/dev/null";
    std::FILE* pipe = ::popen(line.c_str(), "r");
    if (!pipe) return {};
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    int status = ::pclose(pipe);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!want_output) return ok ? "ok" : "";
    if (!ok) return {};
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

  std::string dir_;
  std::string url_;
};

TEST(PostgresServeTest, GatesRecoverWhenPostgresRestartsUnderLoadAndLoseNoAcknowledgedAdmission) {
  if (testing::PgTestBaseUrl().empty()) GTEST_SKIP() << testing::kPgSkipMessage;
  PrivateCluster cluster;
  ASSERT_FALSE(cluster.url().empty()) << "scripts/pg-test-cluster start failed";
  GateDir dir;
  GateProcess a(dir, cluster.url(), "a");
  ASSERT_NE(a.port(), 0) << a.startup();
  GateProcess b(dir, cluster.url(), "b");
  ASSERT_NE(b.port(), 0) << b.startup();
  const std::string node = NodeKey().public_key().ToId(Role::kNode);
  const std::string bind = SignedBind(ParticipantKey(), node, "pb:restart");

  // The load: attachments, each to one of the gates, until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> phase{0};  // 0 before the outage, 1 during, 2 after the server is back
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::array<int, 2> acknowledged_after{0, 0};  // per gate, after the restart
  int unavailable = 0;
  std::vector<std::string> unexpected;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        std::string id = "attach:" + std::to_string(t) + ":" + std::to_string(i);
        const int which = (t + i) % 2;
        const int seen_phase = phase.load();
        HttpResult r =
            (which == 0 ? a : b)
                .Post("/v1/attachments", Attachment(id, "client:" + id.substr(7), node, bind));
        std::lock_guard lock(mu);
        if (r.status == 201) {
          acknowledged.insert(id);
          if (seen_phase == 2) ++acknowledged_after[static_cast<std::size_t>(which)];
        } else if (r.status == 503 && CodeOf(r) == "unavailable") {
          ++unavailable;
        } else {
          unexpected.push_back(std::to_string(r.status) + " " + r.body);
        }
      }
    });
  }
  auto wait_for = [&](auto condition) {
    for (int i = 0; i < 6000 && !condition(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
  };
  auto count = [&] {
    std::lock_guard lock(mu);
    return acknowledged.size();
  };

  bool loaded = wait_for([&] { return count() >= 100; });
  bool paused = loaded && cluster.Pause();
  phase = 1;
  std::size_t at_pause = count();
  // Admissions go on failing with 503 while the server is away.
  bool refused = paused && wait_for([&] {
                   std::lock_guard lock(mu);
                   return unavailable >= 20;
                 });
  bool resumed = cluster.Resume();
  phase = 2;
  // The gates recover by themselves: both admit again.
  bool recovered = resumed && wait_for([&] {
                     std::lock_guard lock(mu);
                     return acknowledged_after[0] >= 50 && acknowledged_after[1] >= 50;
                   });
  stop = true;
  for (auto& t : threads) t.join();

  EXPECT_TRUE(loaded);
  EXPECT_TRUE(paused) << "scripts/pg-test-cluster pause failed";
  EXPECT_TRUE(refused) << "no 503 while PostgreSQL was down";
  EXPECT_TRUE(resumed) << "scripts/pg-test-cluster resume failed";
  EXPECT_TRUE(recovered) << "the gates did not admit again after the restart: "
                         << acknowledged_after[0] << " " << acknowledged_after[1];
  EXPECT_THAT(unexpected, ::testing::IsEmpty());
  EXPECT_GT(count(), at_pause);

  // Every acknowledged admission is in the ledger, and the log has no gap.
  std::string held = testing::PgQuery(cluster.url(), "SELECT string_agg(id, ' ') FROM attachments");
  std::set<std::string> stored;
  for (std::size_t start = 0; start < held.size();) {
    std::size_t end = held.find(' ', start);
    if (end == std::string::npos) end = held.size();
    stored.insert(held.substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::string> lost;
  for (const auto& id : acknowledged) {
    if (!stored.contains(id)) lost.push_back(id);
  }
  EXPECT_THAT(lost, ::testing::IsEmpty()) << "acknowledged admissions missing from the ledger";
  EXPECT_GE(stored.size(), acknowledged.size());
  EXPECT_EQ(testing::PgQuery(cluster.url(), "SELECT count(*) = max(seq) FROM events"), "t");

  EXPECT_EQ(a.Stop(), 0);
  EXPECT_EQ(b.Stop(), 0);
}

}  // namespace
}  // namespace podgate::pg_serve
