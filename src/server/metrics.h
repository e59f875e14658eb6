// Metrics: the counters and histograms podgate serve exposes at GET /metrics, in the
// Prometheus text exposition format (version 0.0.4).
//
//   podgate_http_requests_total{route,status}               every answered request
//   podgate_admissions_total{kind,verdict,code}             every admission decision
//   podgate_admission_duration_seconds{kind} (histogram)    from request complete to answer
//   podgate_group_commit_duration_seconds (histogram)        one batch staged and made durable
//   podgate_group_commit_size (histogram)                    admissions in that batch
//   podgate_http_connections_open (gauge), podgate_http_connections_refused_total
//   + the gauges and counters registered with AddSampler (ledger size, proof cache hits, ...)
//
// Thread safety: every method may be called from any thread.

#ifndef PODGATE_SERVER_METRICS_H_
#define PODGATE_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace podgate::server {

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds.
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
  // Upper bounds of the batch size histogram buckets, in admissions.
  static constexpr std::array<double, 14> kSizeBuckets = {1,   2,   4,   8,    16,   32,   64,
                                                          128, 256, 512, 1024, 2048, 4096, 8192};

  void CountRequest(std::string_view route, int status);
  void CountAdmission(std::string_view kind, std::string_view verdict, std::string_view code,
                      double seconds);
  // One group commit of the gate: `admissions` staged and committed (or refused) in `seconds`.
  // A commit that waits for the disk shows here before it shows in every answer of its batch.
  void ObserveGroupCommit(std::size_t admissions, double seconds);
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRefused() { refused_connections_.fetch_add(1, std::memory_order_relaxed); }
  std::int64_t open_connections() const {
    return open_connections_.load(std::memory_order_relaxed);
  }

  // A value read at every scrape: `type` is "gauge" or "counter". `sample` runs without the
  // metrics' lock held, on the scraping thread, and may take its time (it may read the ledger).
  void AddSampler(std::string name, std::string help, std::string type,
                  std::function<double()> sample);

  // The whole exposition text.
  std::string Render() const;

 private:
  // Both bucket lists have 14 bounds; each histogram is read against its own.
  static_assert(kBuckets.size() == kSizeBuckets.size());
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;

    void Observe(const std::array<double, kBuckets.size()>& bounds, double value);
  };
  struct Sampler {
    std::string name, help, type;
    std::function<double()> sample;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, int>, std::uint64_t> requests_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> admissions_;
  std::map<std::string, Histogram> latency_;
  Histogram commit_seconds_;
  Histogram commit_size_;
  std::vector<Sampler> samplers_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
};

}  // namespace podgate::server

#endif  // PODGATE_SERVER_METRICS_H_
