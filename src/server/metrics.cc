// Prometheus text rendering of the server's counters.

#include "server/metrics.h"

#include <fmt/format.h>

namespace podgate::server {
namespace {

// Label values are quoted; backslash, quote and newline escaped as the format requires.
std::string LabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

using Bounds = std::array<double, Metrics::kBuckets.size()>;
using Counts = std::array<std::uint64_t, Metrics::kBuckets.size()>;

// One histogram's bucket, sum and count lines; `labels` is empty or `key="value",...` without
// the braces. Buckets are rendered cumulative, as the format requires.
void AppendHistogram(std::string* out, std::string_view name, std::string_view labels,
                     const Bounds& bounds, const Counts& buckets, std::uint64_t count, double sum) {
  std::string prefix = labels.empty() ? std::string() : fmt::format("{},", labels);
  std::string only = labels.empty() ? std::string() : fmt::format("{{{}}}", labels);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += buckets[i];
    *out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, prefix, bounds[i], cumulative);
  }
  *out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, prefix, count);
  *out += fmt::format("{}_sum{} {}\n", name, only, sum);
  *out += fmt::format("{}_count{} {}\n", name, only, count);
}

}  // namespace

void Metrics::Histogram::Observe(const std::array<double, kBuckets.size()>& bounds, double value) {
  std::size_t i = 0;
  while (i < bounds.size() && value > bounds[i]) ++i;
  if (i < bounds.size()) ++buckets[i];
  ++count;
  sum += value;
}

void Metrics::CountRequest(std::string_view route, int status) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
}

void Metrics::CountAdmission(std::string_view kind, std::string_view verdict, std::string_view code,
                             double seconds) {
  std::lock_guard lock(mu_);
  ++admissions_[{std::string(kind), std::string(verdict), std::string(code)}];
  latency_[std::string(kind)].Observe(kBuckets, seconds);
}

void Metrics::ObserveGroupCommit(std::size_t admissions, double seconds) {
  std::lock_guard lock(mu_);
  commit_seconds_.Observe(kBuckets, seconds);
  commit_size_.Observe(kSizeBuckets, static_cast<double>(admissions));
}

void Metrics::AddSampler(std::string name, std::string help, std::string type,
                         std::function<double()> sample) {
  std::lock_guard lock(mu_);
  samplers_.push_back({std::move(name), std::move(help), std::move(type), std::move(sample)});
}

std::string Metrics::Render() const {
  std::unique_lock lock(mu_);
  std::string out;
  out += "# HELP podgate_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE podgate_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += fmt::format("podgate_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       LabelValue(std::get<0>(key)), std::get<1>(key), n);
  }
  out += "# HELP podgate_admissions_total Admission decisions, by kind, verdict and code.\n";
  out += "# TYPE podgate_admissions_total counter\n";
  for (const auto& [key, n] : admissions_) {
    out += fmt::format("podgate_admissions_total{{kind=\"{}\",verdict=\"{}\",code=\"{}\"}} {}\n",
                       LabelValue(std::get<0>(key)), LabelValue(std::get<1>(key)),
                       LabelValue(std::get<2>(key)), n);
  }
  out +=
      "# HELP podgate_admission_duration_seconds Time from a complete admission request to "
      "its answer.\n";
  out += "# TYPE podgate_admission_duration_seconds histogram\n";
  for (const auto& [kind, h] : latency_) {
    AppendHistogram(&out, "podgate_admission_duration_seconds",
                    fmt::format("kind=\"{}\"", LabelValue(kind)), kBuckets, h.buckets, h.count,
                    h.sum);
  }
  out +=
      "# HELP podgate_group_commit_duration_seconds Time to stage one batch of admissions and "
      "make it durable (or have the ledger refuse it).\n";
  out += "# TYPE podgate_group_commit_duration_seconds histogram\n";
  AppendHistogram(&out, "podgate_group_commit_duration_seconds", "", kBuckets,
                  commit_seconds_.buckets, commit_seconds_.count, commit_seconds_.sum);
  out +=
      "# HELP podgate_group_commit_size Admissions staged in one group commit (when the ledger "
      "refuses a batch, each of its admissions is retried in a commit of its own).\n";
  out += "# TYPE podgate_group_commit_size histogram\n";
  AppendHistogram(&out, "podgate_group_commit_size", "", kSizeBuckets, commit_size_.buckets,
                  commit_size_.count, commit_size_.sum);
  out += "# HELP podgate_http_connections_open Connections open now.\n";
  out += "# TYPE podgate_http_connections_open gauge\n";
  out += fmt::format("podgate_http_connections_open {}\n",
                     open_connections_.load(std::memory_order_relaxed));
  out += "# HELP podgate_http_connections_refused_total Connections refused over the cap.\n";
  out += "# TYPE podgate_http_connections_refused_total counter\n";
  out += fmt::format("podgate_http_connections_refused_total {}\n",
                     refused_connections_.load(std::memory_order_relaxed));
  // Samplers may read the ledger (a database round trip): they run after the lock is released,
  // so that a scrape never holds up the commit thread's ObserveGroupCommit.
  std::vector<Sampler> samplers = samplers_;
  lock.unlock();
  for (const Sampler& s : samplers) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", s.name, s.help, s.name, s.type,
                       s.name, s.sample());
  }
  return out;
}

}  // namespace podgate::server
