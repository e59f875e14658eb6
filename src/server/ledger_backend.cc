// Group commit over the gate, and pooled ledger reads.

#include "server/ledger_backend.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "util/thread_name.h"

namespace podgate::server {

GateAdmitter::GateAdmitter(std::unique_ptr<Ledger> ledger, std::unique_ptr<Gate> gate,
                           std::function<Timestamp()> clock, Notifier* notifier,
                           std::size_t max_batch, Completer completer, CommitObserver observer)
    : ledger_(std::move(ledger)),
      gate_(std::move(gate)),
      clock_(std::move(clock)),
      notifier_(notifier),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      completer_(std::move(completer)),
      observer_(std::move(observer)) {
  thread_ = std::thread([this] { Loop(); });
}

GateAdmitter::~GateAdmitter() { Drain(); }

std::unique_ptr<Preparer> GateAdmitter::TakePreparer() {
  {
    std::lock_guard lock(preparers_mu_);
    if (!preparers_.empty()) {
      auto p = std::move(preparers_.back());
      preparers_.pop_back();
      return p;
    }
  }
  return gate_->NewPreparer();  // const, and safe beside the commit thread (gate.h)
}

void GateAdmitter::GivePreparer(std::unique_ptr<Preparer> preparer) {
  std::lock_guard lock(preparers_mu_);
  preparers_.push_back(std::move(preparer));
}

Report GateAdmitter::Check(AdmissionRequest* request) {
  auto preparer = TakePreparer();
  request->prepared = preparer->Prepare(request->body, request->rights, request->kind);
  GivePreparer(std::move(preparer));
  return request->prepared.report();
}

void GateAdmitter::Admit(AdmissionRequest request, std::function<void(AdmissionOutcome)> done) {
  if (!request.prepared.empty()) {
    auto preparer = TakePreparer();
    preparer->Attest(&request.prepared);
    GivePreparer(std::move(preparer));
  }
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Job{std::move(request), std::move(done), -1, {}});
      cv_.notify_one();
      return;
    }
  }
  done(AdmissionOutcome{Status(Code::kUnavailable, "the server is shutting down"), {}});
}

void GateAdmitter::ExpireSessions(std::int64_t ttl_seconds,
                                  std::function<void(Result<std::size_t>)> done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      Job job;
      job.ttl_seconds = ttl_seconds;
      job.expired = std::move(done);
      queue_.push_back(std::move(job));
      cv_.notify_one();
      return;
    }
  }
  done(Status(Code::kUnavailable, "the server is shutting down"));
}

void GateAdmitter::Drain() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void GateAdmitter::Loop() {
  util::NameThisThread("podgate-commit");
  std::vector<Job> batch;
  while (true) {
    batch.clear();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is decided
      // Admissions up to max_batch, stopping before an expiry run; or the expiry run alone.
      if (queue_.front().ttl_seconds >= 0) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      } else {
        while (!queue_.empty() && queue_.front().ttl_seconds < 0 && batch.size() < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (batch.front().ttl_seconds >= 0) {
      RunExpiry(&batch.front());
    } else {
      RunBatch(std::move(batch));
    }
  }
}

// Stages jobs [begin, end) and commits them as one transaction; on failure every one of them
// gets the failure.
void GateAdmitter::StageAndCommit(std::vector<Job>* jobs, std::size_t begin, std::size_t end,
                                  Timestamp now, std::vector<AdmissionOutcome>* outcomes) {
  const auto started = std::chrono::steady_clock::now();
  Status failure;
  for (std::size_t i = begin; i < end && failure.ok(); ++i) {
    AdmissionRequest& r = (*jobs)[i].request;
    // A retry (see RunBatch) stages the raw body again: the prepared artifact was moved.
    auto staged = r.prepared.empty() ? gate_->Stage(r.body, r.rights, now, r.kind)
                                     : gate_->Stage(std::move(r.prepared), now);
    if (!staged.ok()) {
      failure = staged.status();
      break;
    }
    (*outcomes)[i].admission = std::move(staged.value());
  }
  if (failure.ok()) failure = gate_->Commit();
  if (!failure.ok()) gate_->Rollback();
  batches_.fetch_add(1, std::memory_order_relaxed);
  if (observer_) {
    observer_(end - begin,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
              failure);
  }
  if (failure.ok()) return;
  for (std::size_t i = begin; i < end; ++i) (*outcomes)[i] = AdmissionOutcome{failure, {}};
}

void GateAdmitter::RunBatch(std::vector<Job> batch) {
  auto jobs = std::make_shared<std::vector<Job>>(std::move(batch));
  Timestamp now = clock_();
  auto outcomes = std::make_shared<std::vector<AdmissionOutcome>>(jobs->size());
  StageAndCommit(jobs.get(), 0, jobs->size(), now, outcomes.get());
  // The engine refused the group commit (storage, not unavailable: the ledger answered): the
  // cause may be one artifact's, so each is tried again alone, and only those that fail alone
  // get the failure. Unavailable ledgers are not retried: every try would wait out its timeout.
  const Status first = (*outcomes)[0].status;
  if (jobs->size() > 1 && !first.ok() && first.code() == Code::kStorage) {
    for (std::size_t i = 0; i < jobs->size(); ++i) {
      (*outcomes)[i] = AdmissionOutcome{};
      StageAndCommit(jobs.get(), i, i + 1, now, outcomes.get());
      const Status& alone = (*outcomes)[i].status;
      if (!alone.ok() && alone.code() != Code::kStorage) {
        // The ledger went away meanwhile: the rest would each wait out its timeout.
        for (std::size_t j = i + 1; j < jobs->size(); ++j)
          (*outcomes)[j] = AdmissionOutcome{alone, {}};
        break;
      }
    }
  }

  bool admitted = false;
  for (std::size_t i = 0; i < jobs->size(); ++i) {
    if (!(*outcomes)[i].status.ok()) {
      continue;
    } else if ((*outcomes)[i].admission.verdict == Verdict::kAdmitted) {
      admitted = true;
      std::uint64_t seq = (*outcomes)[i].admission.seq;
      std::uint64_t seen = last_seq_.load(std::memory_order_relaxed);
      while (seq > seen && !last_seq_.compare_exchange_weak(seen, seq)) {
      }
    }
  }
  // Wake the streams first: the answers below may lead clients to read the stream at once.
  if (admitted && notifier_ != nullptr) notifier_->Notify();
  auto complete = [jobs, outcomes] {
    for (std::size_t i = 0; i < jobs->size(); ++i) (*jobs)[i].done(std::move((*outcomes)[i]));
  };
  if (completer_) {
    completer_(std::move(complete));
  } else {
    complete();
  }
}

void GateAdmitter::RunExpiry(Job* job) {
  auto minted = gate_->ExpireSessions(clock_(), job->ttl_seconds);
  if (!minted.ok()) {
    gate_->Rollback();
    job->expired(minted.status());
    return;
  }
  std::size_t count = 0;
  for (const Admission& a : *minted) {
    if (a.verdict != Verdict::kAdmitted) continue;
    ++count;
    std::uint64_t seen = last_seq_.load(std::memory_order_relaxed);
    while (a.seq > seen && !last_seq_.compare_exchange_weak(seen, a.seq)) {
    }
  }
  if (count > 0 && notifier_ != nullptr) notifier_->Notify();
  job->expired(count);
}

Result<std::unique_ptr<LedgerReadModel>> LedgerReadModel::Open(const std::string& url,
                                                               std::size_t connections) {
  if (url.find(":memory:") != std::string::npos) {
    return Status(Code::kConfig,
                  "podgate serve needs a ledger its connections share: an in-memory SQLite "
                  "database is private to one connection; give sqlite:PATH");
  }
  auto model = std::unique_ptr<LedgerReadModel>(new LedgerReadModel());
  for (std::size_t i = 0; i < std::max<std::size_t>(connections, 1); ++i) {
    auto ledger = OpenLedger(url);
    if (!ledger.ok()) return ledger.status();
    auto slot = std::make_unique<Slot>();
    slot->ledger = std::move(ledger.value());
    model->slots_.push_back(std::move(slot));
  }
  return model;
}

template <typename F>
auto LedgerReadModel::With(F&& f) {
  std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = *slots_[(start + i) % slots_.size()];
    std::unique_lock lock(slot.mu, std::try_to_lock);
    if (lock.owns_lock()) return f(*slot.ledger);
  }
  Slot& slot = *slots_[start % slots_.size()];
  std::lock_guard lock(slot.mu);
  return f(*slot.ledger);
}

Result<std::optional<StoredArtifact>> LedgerReadModel::GetArtifact(Kind kind, std::string_view id) {
  return With([&](Ledger& l) { return l.GetArtifact(kind, id); });
}

Result<std::optional<ClientInstanceState>> LedgerReadModel::GetClientInstance(
    std::string_view client_instance) {
  return With([&](Ledger& l) { return l.GetClientInstance(client_instance); });
}

Result<std::vector<Event>> LedgerReadModel::ClientInstanceHistory(
    std::string_view client_instance) {
  return With([&](Ledger& l) { return l.ClientInstanceHistory(client_instance); });
}

Result<std::vector<ClientInstanceState>> LedgerReadModel::ParticipantClientInstances(
    std::string_view participant) {
  return With([&](Ledger& l) { return l.ParticipantClientInstances(participant); });
}

Result<std::vector<Event>> LedgerReadModel::EventsAfter(std::uint64_t after, std::size_t limit) {
  return With([&](Ledger& l) { return l.EventsAfter(after, limit); });
}

Result<std::uint64_t> LastSequence(ReadModel* reads, std::uint64_t hint) {
  auto after = [reads](std::uint64_t n) -> Result<bool> {
    auto events = reads->EventsAfter(n, 1);
    if (!events.ok()) return events.status();
    return !events->empty();
  };
  // The answer is the smallest n with no event after it. Invariant below: some event is after
  // `low`; none is after `high`.
  std::uint64_t low = hint;
  auto any = after(low);
  if (!any.ok()) return any.status();
  if (!*any) return low;
  std::uint64_t step = 1;
  std::uint64_t high = low + step;
  while (true) {
    auto more = after(high);
    if (!more.ok()) return more.status();
    if (!*more) break;
    low = high;
    step *= 2;
    high = low + step;
  }
  // Some event after low, none after high: find the smallest n in (low, high] with none after.
  while (high - low > 1) {
    std::uint64_t mid = low + (high - low) / 2;
    auto more = after(mid);
    if (!more.ok()) return more.status();
    if (*more) {
      low = mid;
    } else {
      high = mid;
    }
  }
  return high;
}

}  // namespace podgate::server
