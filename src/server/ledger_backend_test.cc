#include "server/ledger_backend.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace podgate::server
