#include "server/ledger_backend.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <future>

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

// A group commit the engine refuses (storage: the ledger answered, and said no) may be one
// artifact's fault; its batch mates are tried again alone and admitted, and only the artifact
// that fails alone gets the failure (a review found one PostgreSQL-unindexable id failing every
// admission batched with it, 503 to each poster).
TEST(GateAdmitterTest, AnArtifactTheEngineRefusesFailsAloneNotItsBatch) {
  std::string dir = (std::filesystem::temp_directory_path() / "podgate-admitter-XXXXXX");
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/ledger.db";
  const SecretKey node = testing::KeyFromByte(1);
  const std::string node_id = testing::NodeId(node);
  const Timestamp now = *ParseRfc3339("2026-03-28T21:00:00Z");
  auto ledger = OpenLedger("sqlite:" + path);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();

  // The poison: an engine-side refusal of one attachment, by a trigger this test adds.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER test_poison BEFORE INSERT ON attachments "
                         "WHEN NEW.id = 'attach:poison' BEGIN SELECT RAISE(ABORT, 'poison'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);

  GateOptions options;
  options.node_id = node_id;
  auto gate = Gate::Create(options, ledger->get(), node, std::make_shared<ProofCache>());
  ASSERT_TRUE(gate.ok()) << gate.status().ToString();
  GateAdmitter admitter(
      std::move(ledger).value(), std::move(gate).value(), [now] { return now; }, nullptr);

  // Hold the write lock so that the posts below queue up and commit in as few batches as the
  // admitter makes of them: the poison shares a batch with at least one other.
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const std::string bind = testing::MakeBind(
      testing::KeyFromByte(2), {.bound_at = "2026-03-28T19:00:00Z", .via_node = node_id});
  std::vector<std::string> ids = {"attach:1", "attach:2", "attach:poison", "attach:3", "attach:4"};
  std::vector<std::future<AdmissionOutcome>> outcomes;
  for (const std::string& id : ids) {
    auto promise = std::make_shared<std::promise<AdmissionOutcome>>();
    outcomes.push_back(promise->get_future());
    AdmissionRequest request{
        Kind::kAttachment,
        testing::MakeAttachment(id, "client:" + id, "2026-03-28T20:00:00Z", node_id, bind),
        Rights::kParticipant,
        {}};
    ASSERT_TRUE(admitter.Check(&request).ok());
    admitter.Admit(std::move(request),
                   [promise](AdmissionOutcome outcome) { promise->set_value(std::move(outcome)); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);

  for (std::size_t i = 0; i < ids.size(); ++i) {
    AdmissionOutcome outcome = outcomes[i].get();
    if (ids[i] == "attach:poison") {
      EXPECT_EQ(outcome.status.code(), Code::kStorage) << outcome.status.ToString();
    } else {
      EXPECT_TRUE(outcome.status.ok()) << ids[i] << ": " << outcome.status.ToString();
      EXPECT_EQ(outcome.admission.verdict, Verdict::kAdmitted) << ids[i];
    }
  }
  admitter.Drain();
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace podgate::server
