// podgate verify: layers 1 to 3 over files, standard input or NDJSON streams.
//
// Verification is CPU-bound (an Ed25519 check is ~50 µs, parsing a few), so documents are
// gathered in batches and verified by one thread per core, each with its own Verifier and all
// sharing one ProofCache (a bind verified inside an attachment is not verified again inside
// its detachment). The reader and the reporter stay on the main thread, which reads the next
// batch while the workers verify the current one; each batch is reported in input order once
// it is done, so the output is the same as with one thread.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/input.h"
#include "json/parser.h"
#include "podgate/proof.h"

namespace podgate::cli {
namespace {

constexpr std::size_t kBatchDocuments = 1024;
constexpr std::size_t kBatchBytes = 4 << 20;

// Documents copied out of the reader, and their reports.
struct Batch {
  struct Item {
    std::size_t input_offset, input_size, line;
    std::size_t bytes_offset, bytes_size;
    std::optional<Kind> kind;
    std::optional<std::size_t> oversized;
    Report report;
  };

  void Add(const InputDocument& doc) {
    Item item{data.size(),      doc.input.size(),   doc.line,      0,
              doc.bytes.size(), doc.kind_from_name, doc.oversized, {}};
    data.append(doc.input);
    item.bytes_offset = data.size();
    data.append(doc.bytes);
    items.push_back(std::move(item));
  }

  // "path", "-" or "path:LINE", built only for the reports that print it.
  std::string Name(const Item& item) const {
    InputDocument doc;
    doc.input = std::string_view(data).substr(item.input_offset, item.input_size);
    doc.line = item.line;
    return doc.Name();
  }
  std::string_view Bytes(const Item& item) const {
    return std::string_view(data).substr(item.bytes_offset, item.bytes_size);
  }
  bool Full() const { return items.size() >= kBatchDocuments || data.size() >= kBatchBytes; }
  void Clear() {
    data.clear();
    items.clear();
  }

  std::string data;
  std::vector<Item> items;
};

// Threads that verify the items of one batch at a time, while the calling thread reads the
// next batch and reports the previous one.
class VerifyPool {
 public:
  VerifyPool(std::size_t threads, const CheckOptions& options)
      : options_(options), cache_(std::make_shared<ProofCache>(1 << 16)) {
    ValidatorOptions limits{options.max_bytes, 64};
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
      verifiers_.push_back(std::make_unique<Verifier>(cache_, limits));
    }
    for (std::size_t i = 0; i < verifiers_.size(); ++i) {
      workers_.emplace_back([this, i] { WorkerLoop(i); });
    }
  }

  ~VerifyPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

  VerifyPool(const VerifyPool&) = delete;
  VerifyPool& operator=(const VerifyPool&) = delete;

  // Starts verifying every item of `batch`, which must stay untouched until Wait() returns.
  // At most one batch is in flight.
  void Start(Batch* batch) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batch_ = batch;
      next_.store(0, std::memory_order_relaxed);
      busy_ = workers_.size();
      ++generation_;
    }
    start_.notify_all();
  }

  // Returns when every item of the batch in flight has its report.
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
    batch_ = nullptr;
  }

 private:
  void WorkerLoop(std::size_t index) {
    std::uint64_t seen = 0;
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      Work(index);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--busy_ == 0) done_.notify_one();
    }
  }

  void Work(std::size_t index) {
    Verifier& verifier = *verifiers_[index];
    Batch* batch = batch_;
    while (true) {
      std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
      if (i >= batch->items.size()) return;
      Batch::Item& item = batch->items[i];
      if (item.oversized) {
        ReportOversized(*item.oversized, options_.max_bytes, &item.report);
      } else {
        item.report =
            verifier.Verify(batch->Bytes(item), options_.kind ? options_.kind : item.kind);
      }
    }
  }

  const CheckOptions& options_;
  std::shared_ptr<ProofCache> cache_;
  std::vector<std::unique_ptr<Verifier>> verifiers_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  std::uint64_t generation_ = 0;
  std::size_t busy_ = 0;
  bool stop_ = false;
  Batch* batch_ = nullptr;  // written under mutex_ before a generation starts
  std::atomic<std::size_t> next_{0};
};

}  // namespace

int RunVerify(const CheckOptions& options) {
  InputReader reader(options.max_bytes);
  Reporter reporter(options.format, options.quiet, "valid", "invalid");
  VerifyPool pool(std::thread::hardware_concurrency(), options);
  // Two batches: the pool verifies one while this thread fills the other. The batch in flight
  // is always the older one, so reporting it first keeps input order.
  Batch batches[2];
  Batch* filling = &batches[0];
  Batch* in_flight = nullptr;
  auto finish_in_flight = [&] {
    if (in_flight == nullptr) return;
    pool.Wait();
    for (const auto& item : in_flight->items) {
      reporter.Emit(reporter.quiet() ? std::string() : in_flight->Name(item), item.report);
    }
    in_flight->Clear();
    in_flight = nullptr;
  };
  auto launch = [&] {
    finish_in_flight();
    if (filling->items.empty()) return;
    pool.Start(filling);
    in_flight = filling;
    filling = filling == &batches[0] ? &batches[1] : &batches[0];
  };
  (void)reader.ReadAll(
      options.inputs, options.ndjson,
      [&](const InputDocument& doc) {
        filling->Add(doc);
        if (filling->Full()) launch();
      },
      [&](const std::string& input, const Status& error) {
        // Everything read before the unreadable input is reported before it.
        launch();
        finish_in_flight();
        reporter.InputError(input, error.message());
      });
  launch();
  finish_in_flight();
  return reporter.Finish();
}

}  // namespace podgate::cli
