// The production backends of the HTTP API: GateAdmitter puts a Gate behind a group-commit
// queue, LedgerReadModel answers reads from a small pool of ledger connections.
//
// GateAdmitter owns one thread, the only one that touches its Gate and the Gate's Ledger. It
// takes every queued admission (up to max_batch), stages them in order in one batch, commits
// once (one fsync for the batch), and only then answers each: an answer is always durable.
// When the engine refuses a batch (storage: the ledger answered no), nothing of it happened,
// and each admission is tried again alone, so that only those that fail alone get the failure;
// an unavailable ledger (lost, or locked past its timeout) answers the whole batch with that
// failure at once. Session-expiry runs are queued on the same thread, between batches.
// After every commit that admitted something, the notifier wakes the event streams.
//
// LedgerReadModel opens `connections` ledgers on the same database; each read borrows one
// (they are one-thread-at-a-time objects). A private in-memory database cannot be shared
// between connections, so "sqlite::memory:" is refused.
//
// Thread safety: both are thread-safe (see backend.h).

#ifndef PODGATE_SERVER_LEDGER_BACKEND_H_
#define PODGATE_SERVER_LEDGER_BACKEND_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "podgate/gate.h"
#include "podgate/ledger.h"
#include "server/backend.h"
#include "server/http.h"

namespace podgate::server {

class GateAdmitter : public Admitter {
 public:
  // Runs a batch's completions (the `done` callbacks) somewhere other than the commit
  // thread, so that building answers never delays the next batch. Default: inline.
  using Completer = std::function<void(std::function<void()>)>;
  // Told of every group commit of posted admissions, on the commit thread: how many it staged,
  // how long staging and committing (or the ledger's refusal) took, and the outcome (OK, or
  // the failure every admission of the batch got). The one-by-one retries of a refused batch
  // are commits of one each; session-expiry runs are not reported.
  using CommitObserver =
      std::function<void(std::size_t admissions, double seconds, const Status& outcome)>;

  // `gate` works on `ledger`; both are owned. `notifier` must outlive the admitter.
  GateAdmitter(std::unique_ptr<Ledger> ledger, std::unique_ptr<Gate> gate,
               std::function<Timestamp()> clock, Notifier* notifier, std::size_t max_batch = 512,
               Completer completer = nullptr, CommitObserver observer = nullptr);
  ~GateAdmitter() override;  // Drain()

  // Prepares (gate.h) on the calling thread, with a pool of Preparers.
  Report Check(AdmissionRequest* request) override;
  // Signs the speculative attestation on the calling thread, then queues.
  void Admit(AdmissionRequest request, std::function<void(AdmissionOutcome)> done) override;
  void ExpireSessions(std::int64_t ttl_seconds,
                      std::function<void(Result<std::size_t>)> done) override;
  void Drain() override;

  // The highest sequence number this admitter has seen admitted (for /metrics).
  std::uint64_t last_seq() const { return last_seq_.load(std::memory_order_relaxed); }
  std::uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }

 private:
  struct Job {
    AdmissionRequest request;
    std::function<void(AdmissionOutcome)> done;
    // A session-expiry run instead of an admission when set.
    std::int64_t ttl_seconds = -1;
    std::function<void(Result<std::size_t>)> expired;
  };

  std::unique_ptr<Preparer> TakePreparer();
  void GivePreparer(std::unique_ptr<Preparer> preparer);
  void Loop();
  void RunBatch(std::vector<Job> jobs);
  void StageAndCommit(std::vector<Job>* jobs, std::size_t begin, std::size_t end, Timestamp now,
                      std::vector<AdmissionOutcome>* outcomes);
  void RunExpiry(Job* job);

  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<Gate> gate_;
  std::function<Timestamp()> clock_;
  Notifier* notifier_;
  std::size_t max_batch_;
  Completer completer_;
  CommitObserver observer_;

  std::mutex preparers_mu_;
  std::vector<std::unique_ptr<Preparer>> preparers_;  // idle ones; one per concurrent caller

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> last_seq_{0};
  std::atomic<std::uint64_t> batches_{0};
  std::thread thread_;
};

class LedgerReadModel : public ReadModel {
 public:
  static Result<std::unique_ptr<LedgerReadModel>> Open(const std::string& url,
                                                       std::size_t connections);

  Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) override;
  Result<std::optional<ClientInstanceState>> GetClientInstance(
      std::string_view client_instance) override;
  Result<std::vector<Event>> ClientInstanceHistory(std::string_view client_instance) override;
  Result<std::vector<ClientInstanceState>> ParticipantClientInstances(
      std::string_view participant) override;
  Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) override;

 private:
  struct Slot {
    std::mutex mu;
    std::unique_ptr<Ledger> ledger;
  };

  // Runs `f(Ledger&)` on a free connection (waiting for one when all are busy).
  template <typename F>
  auto With(F&& f);

  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::size_t> next_{0};
};

// The sequence number of the latest fact in the ledger (0 for an empty one), found with
// O(log N) "events after n" probes starting from `hint` (a sequence number known to exist, or
// 0): the predicate "some event is after n" is monotone in n, gaps or not.
Result<std::uint64_t> LastSequence(ReadModel* reads, std::uint64_t hint);

}  // namespace podgate::server

#endif  // PODGATE_SERVER_LEDGER_BACKEND_H_
