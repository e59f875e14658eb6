#include "server/ledger_backend.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>

#include <gtest/gtest.h>

#include "gate_artifacts.h"

namespace podgate::server {
namespace {

// Events at the given sequence numbers; counts the probes.
class SeqReads : public ReadModel {
 public:
  explicit SeqReads(std::vector<std::uint64_t> seqs) : seqs_(std::move(seqs)) {}
  Result<std::optional<StoredArtifact>> GetArtifact(Kind, std::string_view) override {
    return std::optional<StoredArtifact>();
  }
  Result<std::optional<ClientInstanceState>> GetClientInstance(std::string_view) override {
    return std::optional<ClientInstanceState>();
  }
  Result<std::vector<Event>> ClientInstanceHistory(std::string_view) override {
    return std::vector<Event>();
  }
  Result<std::vector<ClientInstanceState>> ParticipantClientInstances(std::string_view) override {
    return std::vector<ClientInstanceState>();
  }
  Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) override {
    ++probes;
    if (fail) return Status(Code::kStorage, "down");
    std::vector<Event> out;
    for (std::uint64_t s : seqs_) {
      if (s > after && out.size() < limit) {
        Event e;
        e.seq = s;
        out.push_back(e);
      }
    }
    return out;
  }
  int probes = 0;
  bool fail = false;

 private:
  std::vector<std::uint64_t> seqs_;
};

TEST(LastSequence, FindsTheLatestFactWithFewProbes) {
  std::vector<std::uint64_t> dense;
  for (std::uint64_t i = 1; i <= 100'000; ++i) dense.push_back(i);
  SeqReads reads(dense);
  EXPECT_EQ(LastSequence(&reads, 0).value(), 100'000u);
  EXPECT_LE(reads.probes, 40);
  reads.probes = 0;
  EXPECT_EQ(LastSequence(&reads, 99'990).value(), 100'000u);
  EXPECT_LE(reads.probes, 10);
}

TEST(LastSequence, GapsEmptyAndFailure) {
  SeqReads gaps({3, 4, 9, 1000, 1001, 5000});
  EXPECT_EQ(LastSequence(&gaps, 0).value(), 5000u);
  EXPECT_EQ(LastSequence(&gaps, 1001).value(), 5000u);
  SeqReads empty({});
  EXPECT_EQ(LastSequence(&empty, 0).value(), 0u);
  SeqReads failing({1});
  failing.fail = true;
  EXPECT_EQ(LastSequence(&failing, 0).status().code(), Code::kStorage);
}

// A GateAdmitter over a SQLite ledger in a directory of its own, with a second connection of
// the test's (`other`) to hold the ledger's lock or change its schema.
class GateAdmitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / "podgate-admitter-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir_.data()), nullptr);
    ASSERT_EQ(sqlite3_open((dir_ + "/ledger.db").c_str(), &other_), SQLITE_OK);
  }
  void TearDown() override {
    if (admitter_) admitter_->Drain();
    admitter_.reset();
    sqlite3_close(other_);
    std::filesystem::remove_all(dir_);
  }

  void Start(LedgerOptions ledger_options = {}, GateAdmitter::CommitObserver observer = nullptr) {
    auto ledger = OpenLedger("sqlite:" + dir_ + "/ledger.db", ledger_options);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    GateOptions options;
    options.node_id = node_id_;
    auto gate = Gate::Create(options, ledger->get(), node_, std::make_shared<ProofCache>());
    ASSERT_TRUE(gate.ok()) << gate.status().ToString();
    admitter_ = std::make_unique<GateAdmitter>(
        std::move(ledger).value(), std::move(gate).value(),
        [] { return *ParseRfc3339("2026-03-28T21:00:00Z"); }, nullptr, 512, nullptr,
        std::move(observer));
  }

  bool Exec(const char* sql) { return sqlite3_exec(other_, sql, nullptr, nullptr, nullptr) == 0; }

  // Posts an attachment of client "client:" + id; its outcome comes later.
  std::future<AdmissionOutcome> Post(const std::string& id) {
    auto promise = std::make_shared<std::promise<AdmissionOutcome>>();
    auto outcome = promise->get_future();
    AdmissionRequest request{
        Kind::kAttachment,
        testing::MakeAttachment(id, "client:" + id, "2026-03-28T20:00:00Z", node_id_, bind_),
        Rights::kParticipant,
        {}};
    EXPECT_TRUE(admitter_->Check(&request).ok());
    admitter_->Admit(std::move(request),
                     [promise](AdmissionOutcome o) { promise->set_value(std::move(o)); });
    return outcome;
  }

  std::string dir_;
  sqlite3* other_ = nullptr;
  SecretKey node_ = testing::KeyFromByte(1);
  std::string node_id_ = testing::NodeId(node_);
  std::string bind_ = testing::MakeBind(testing::KeyFromByte(2),
                                        {.bound_at = "2026-03-28T19:00:00Z", .via_node = node_id_});
  std::unique_ptr<GateAdmitter> admitter_;
};

// A group commit the engine refuses (storage: the ledger answered, and said no) may be one
// artifact's fault; its batch mates are tried again alone and admitted, and only the artifact
// that fails alone gets the failure (a review found one PostgreSQL-unindexable id failing every
// admission batched with it, 503 to each poster).
TEST_F(GateAdmitterTest, AnArtifactTheEngineRefusesFailsAloneNotItsBatch) {
  Start();
  // The poison: an engine-side refusal of one attachment, by a trigger this test adds.
  ASSERT_TRUE(
      Exec("CREATE TRIGGER test_poison BEFORE INSERT ON attachments "
           "WHEN NEW.id = 'attach:poison' BEGIN SELECT RAISE(ABORT, 'poison'); END"));
  // Hold the write lock so that the posts below queue up and commit in as few batches as the
  // admitter makes of them: the poison shares a batch with at least one other.
  ASSERT_TRUE(Exec("BEGIN IMMEDIATE"));
  std::vector<std::string> ids = {"attach:1", "attach:2", "attach:poison", "attach:3", "attach:4"};
  std::vector<std::future<AdmissionOutcome>> outcomes;
  for (const std::string& id : ids) outcomes.push_back(Post(id));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(Exec("COMMIT"));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    AdmissionOutcome outcome = outcomes[i].get();
    if (ids[i] == "attach:poison") {
      EXPECT_EQ(outcome.status.code(), Code::kStorage) << outcome.status.ToString();
    } else {
      EXPECT_TRUE(outcome.status.ok()) << ids[i] << ": " << outcome.status.ToString();
      EXPECT_EQ(outcome.admission.verdict, Verdict::kAdmitted) << ids[i];
    }
  }
}

// A ledger locked by another writer past the busy timeout is unavailable: the batch is
// answered with that at once, not retried admission by admission (each retry would wait out
// the timeout again).
TEST_F(GateAdmitterTest, ALockedLedgerAnswersTheBatchUnavailableWithoutRetries) {
  LedgerOptions quick;
  quick.busy_timeout_ms = 100;
  std::mutex mu;
  std::size_t reported = 0;  // admissions the commit observer was told failed, unavailable
  Start(quick, [&](std::size_t admissions, double, const Status& outcome) {
    EXPECT_EQ(outcome.code(), Code::kUnavailable) << outcome.ToString();
    std::lock_guard lock(mu);
    reported += admissions;
  });
  ASSERT_TRUE(Exec("BEGIN IMMEDIATE"));
  std::vector<std::future<AdmissionOutcome>> outcomes;
  for (int i = 0; i < 4; ++i) outcomes.push_back(Post("attach:" + std::to_string(i)));
  for (auto& outcome : outcomes) {
    AdmissionOutcome o = outcome.get();
    EXPECT_EQ(o.status.code(), Code::kUnavailable) << o.status.ToString();
  }
  ASSERT_TRUE(Exec("ROLLBACK"));
  std::lock_guard lock(mu);
  EXPECT_EQ(reported, 4u);  // each batch reported once: no retries
}

// Every group commit is reported with its size and its duration, the ledger's lock wait
// included: here the first batch waits for a writer that holds the lock for 300 ms, and the
// admissions queued meanwhile commit after it.
TEST_F(GateAdmitterTest, ReportsEachGroupCommitWithItsSizeAndDuration) {
  std::mutex mu;
  std::vector<std::pair<std::size_t, double>> commits;
  Start({}, [&](std::size_t admissions, double seconds, const Status& outcome) {
    EXPECT_TRUE(outcome.ok()) << outcome.ToString();
    std::lock_guard lock(mu);
    commits.emplace_back(admissions, seconds);
  });
  ASSERT_TRUE(Exec("BEGIN IMMEDIATE"));
  std::vector<std::future<AdmissionOutcome>> outcomes;
  for (int i = 0; i < 4; ++i) outcomes.push_back(Post("attach:c" + std::to_string(i)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(Exec("COMMIT"));
  for (auto& outcome : outcomes) ASSERT_TRUE(outcome.get().status.ok());
  std::lock_guard lock(mu);
  ASSERT_FALSE(commits.empty());
  std::size_t total = 0;
  double longest = 0;
  for (const auto& [admissions, seconds] : commits) {
    EXPECT_GE(admissions, 1u);
    total += admissions;
    longest = std::max(longest, seconds);
  }
  EXPECT_EQ(total, 4u);
  EXPECT_LT(commits.size(), 4u);  // at least two shared a commit
  EXPECT_GE(longest, 0.1);        // the first waited out (most of) the other writer
}

// The names of this process's threads, as ps -L and top -H show them.
std::vector<std::string> ThreadNames() {
  std::vector<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.push_back(name);
  }
  return names;
}

// The operator tells the commit thread from the HTTP workers by its name (top -H, perf).
TEST_F(GateAdmitterTest, TheCommitThreadIsNamed) {
  Start();
  ASSERT_TRUE(Post("attach:named").get().status.ok());  // the thread has run its loop
  auto names = ThreadNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "podgate-commit"), names.end());
  admitter_->Drain();
  // A joined thread may stay listed for a moment after pthread_join returns.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    names = ThreadNames();
    if (std::find(names.begin(), names.end(), "podgate-commit") == names.end()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(std::find(names.begin(), names.end(), "podgate-commit"), names.end());
}

}  // namespace
}  // namespace podgate::server
