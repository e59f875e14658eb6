// podgate admit: layers 1 to 4 over files or NDJSON streams, against a durable ledger.
//
// Artifacts are staged in batches (group commit): a batch is committed with one fsync, and only
// then are its verdicts printed and flushed, so a printed verdict is always a committed one.
// A batch ends after --batch artifacts or at the end of the input.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/input.h"
#include "podgate/gate.h"
#include "podgate/ledger.h"
#include "util/thread_name.h"

namespace podgate::cli {
namespace {

int Fail(const Status& status) {
  fmt::print(stderr, "podgate: {}\n", status.ToString());
  return 2;
}

// One input document, copied out of the reader, and once through the Prefetcher, prepared.
struct Doc {
  std::string name;  // empty with --quiet
  std::string bytes;
  std::optional<Kind> kind;
  std::optional<std::size_t> oversized;
  PreparedArtifact prepared;  // empty until prefetched, and for an oversized document
};

// The gate's preparation (gate.h) on a thread of its own: layers 1 to 3, the facts, the
// digest and the speculative node attestation of each document, so that the thread that
// holds the ledger only decides, writes and commits, and the two Ed25519 operations of a
// detachment run beside it. A preparation decides nothing: the gate does, in input order.
// One prefetch thread, first in first out: documents come back in input order.
class Prefetcher {
 public:
  Prefetcher(std::unique_ptr<Preparer> preparer, Rights rights)
      : preparer_(std::move(preparer)), rights_(rights), thread_([this] { Run(); }) {}
  ~Prefetcher() {
    {
      std::lock_guard lock(mu_);
      in_.clear();
      closed_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  void Push(Doc doc) {
    {
      std::lock_guard lock(mu_);
      in_.push_back(std::move(doc));
      ++pending_;
    }
    cv_.notify_all();
  }
  // No more documents will be pushed.
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // Pushed and not yet popped.
  std::size_t pending() {
    std::lock_guard lock(mu_);
    return pending_;
  }
  // The next document, in input order, once prepared. Without `wait`: nullopt when it is not
  // ready yet. With `wait`: waits for kWakeBatch prepared documents (or for all of them, when
  // fewer are pushed), so that the two threads meet once per batch rather than once per
  // document (a futex wake-up and a context switch each); nullopt only once closed and drained.
  std::optional<Doc> Pop(bool wait) {
    std::unique_lock lock(mu_);
    if (wait && out_.empty()) {
      cv_.wait(lock, [&] { return out_.size() >= kWakeBatch || (in_.empty() && !busy_); });
    }
    if (out_.empty()) return std::nullopt;
    Doc doc = std::move(out_.front());
    out_.pop_front();
    --pending_;
    return doc;
  }

 private:
  static constexpr std::size_t kWakeBatch = 64;

  void Run() {
    util::NameThisThread("podgate-prepare");
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !in_.empty() || closed_; });
      if (in_.empty()) return;
      Doc doc = std::move(in_.front());
      in_.pop_front();
      busy_ = true;
      lock.unlock();
      if (!doc.oversized) {
        doc.prepared = preparer_->Prepare(doc.bytes, rights_, doc.kind);
        preparer_->Attest(&doc.prepared);
        doc.bytes.clear();  // the prepared artifact holds its own copy
      }
      lock.lock();
      out_.push_back(std::move(doc));
      busy_ = false;
      if (out_.size() >= kWakeBatch || in_.empty()) cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Doc> in_, out_;
  std::size_t pending_ = 0;
  bool closed_ = false;
  bool busy_ = false;
  std::unique_ptr<Preparer> preparer_;
  Rights rights_;
  std::thread thread_;  // last: starts once everything above is built
};

// How far the prefetch may run ahead of the gate, in documents (well inside the proof cache).
constexpr std::size_t kPrefetchAhead = 512;

}  // namespace

std::string CompactJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      out.push_back(c);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '"') in_string = true;
    out.push_back(c);
  }
  return out;
}

int RunAdmit(const AdmitOptions& options) {
  std::optional<Timestamp> fixed_now;
  if (!options.now.empty()) {
    TimestampError error;
    fixed_now = ParseRfc3339(options.now, &error);
    if (!fixed_now) {
      return Fail(Status(Code::kUsage, fmt::format("--now \"{}\" is not an RFC 3339 date-time: {}",
                                                   options.now, error.reason)));
    }
  }
  auto ledger = OpenLedger(options.db);
  if (!ledger.ok()) return Fail(ledger.status());
  auto key = LoadSecretKey(options.node_key);
  if (!key.ok()) return Fail(key.status());
  GateOptions gate_options;
  gate_options.node_id = options.node_id;
  gate_options.skew_seconds = options.skew_seconds;
  gate_options.retention.max_count = options.retain_max_count;
  gate_options.retention.max_age_seconds = options.retain_max_age_seconds;
  gate_options.validator.max_bytes = options.max_bytes;
  auto cache = std::make_shared<ProofCache>();
  auto gate = Gate::Create(gate_options, ledger->get(), std::move(key).value(), cache);
  if (!gate.ok()) return Fail(gate.status());

  const Rights rights = options.operator_rights ? Rights::kOperator : Rights::kParticipant;
  Reporter reporter(options.format, options.quiet, "admitted", "rejected", stdout, "duplicate");
  struct Pending {
    std::string name;
    Admission admission;
  };
  std::vector<Pending> pending;
  Status fatal;

  // Commits the batch, then (and only then) prints its verdicts.
  bool commit_outcome_unknown = false;
  auto commit = [&]() {
    if (Status s = (*gate)->Commit(); !s.ok()) {
      fatal = s;
      // A commit whose answer was lost (PostgreSQL: the connection dropped after COMMIT was
      // sent) may have been applied: say so rather than that it was not.
      commit_outcome_unknown = s.code() == Code::kUnavailable;
      return;
    }
    for (auto& p : pending) {
      const Admission& a = p.admission;
      std::string receipt;
      if (options.format == Format::kJson && !a.receipt.empty()) receipt = CompactJson(a.receipt);
      std::string_view word = a.verdict == Verdict::kDuplicate ? "duplicate" : "";
      reporter.Emit(p.name, a.report, word, receipt);
    }
    reporter.Flush();
    pending.clear();
  };

  auto handle = [&](Doc& doc) {
    if (!fatal.ok()) return;
    Pending p{std::move(doc.name), {}};
    if (doc.oversized) {
      ReportOversized(*doc.oversized, options.max_bytes, &p.admission.report);
    } else {
      auto staged = (*gate)->Stage(std::move(doc.prepared), fixed_now ? *fixed_now : NowUtc());
      if (!staged.ok()) {
        fatal = staged.status();
        (*gate)->Rollback();
        pending.clear();
        return;
      }
      p.admission = std::move(staged).value();
    }
    pending.push_back(std::move(p));
    if (pending.size() >= options.batch) commit();
  };

  Prefetcher prefetch((*gate)->NewPreparer(), rights);
  InputReader reader(options.max_bytes);
  auto on_error = [&](const std::string& input, const Status& error) {
    // Everything read before the unreadable input is decided, committed and printed first.
    while (fatal.ok() && prefetch.pending() > 0) {
      if (auto ready = prefetch.Pop(true)) handle(*ready);
    }
    if (fatal.ok()) commit();
    reporter.InputError(input, error.message());
  };
  (void)reader.ReadAll(
      options.inputs, options.ndjson,
      [&](const InputDocument& doc) {
        if (!fatal.ok()) return;
        prefetch.Push(Doc{options.quiet ? std::string() : doc.Name(),
                          std::string(doc.bytes),
                          options.kind ? options.kind : doc.kind_from_name,
                          doc.oversized,
                          {}});
        while (auto ready = prefetch.Pop(prefetch.pending() > kPrefetchAhead)) handle(*ready);
      },
      on_error);
  prefetch.Close();
  while (auto ready = prefetch.Pop(true)) handle(*ready);
  if (fatal.ok()) commit();
  if (!fatal.ok()) {
    reporter.Flush();
    fmt::print(stderr, "podgate: {}\npodgate: stopped; {}\n", fatal.ToString(),
               commit_outcome_unknown
                   ? "the last group commit may or may not have been applied: its verdicts "
                     "were not printed; admit the same input again (what was committed answers "
                     "duplicate)"
                   : "verdicts not printed above were not committed");
    return 2;
  }
  return reporter.Finish();
}

}  // namespace podgate::cli
