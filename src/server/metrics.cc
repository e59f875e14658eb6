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

}  // namespace

void Metrics::CountRequest(std::string_view route, int status) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
}

void Metrics::CountAdmission(std::string_view kind, std::string_view verdict, std::string_view code,
                             double seconds) {
  std::lock_guard lock(mu_);
  ++admissions_[{std::string(kind), std::string(verdict), std::string(code)}];
  Histogram& h = latency_[std::string(kind)];
  std::size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  if (i < kBuckets.size()) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddSampler(std::string name, std::string help, std::string type,
                         std::function<double()> sample) {
  std::lock_guard lock(mu_);
  samplers_.push_back({std::move(name), std::move(help), std::move(type), std::move(sample)});
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
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
    std::uint64_t cumulative = 0;
    std::string label = LabelValue(kind);
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += fmt::format("podgate_admission_duration_seconds_bucket{{kind=\"{}\",le=\"{}\"}} {}\n",
                         label, kBuckets[i], cumulative);
    }
    out += fmt::format("podgate_admission_duration_seconds_bucket{{kind=\"{}\",le=\"+Inf\"}} {}\n",
                       label, h.count);
    out += fmt::format("podgate_admission_duration_seconds_sum{{kind=\"{}\"}} {}\n", label, h.sum);
    out +=
        fmt::format("podgate_admission_duration_seconds_count{{kind=\"{}\"}} {}\n", label, h.count);
  }
  out += "# HELP podgate_http_connections_open Connections open now.\n";
  out += "# TYPE podgate_http_connections_open gauge\n";
  out += fmt::format("podgate_http_connections_open {}\n",
                     open_connections_.load(std::memory_order_relaxed));
  out += "# HELP podgate_http_connections_refused_total Connections refused over the cap.\n";
  out += "# TYPE podgate_http_connections_refused_total counter\n";
  out += fmt::format("podgate_http_connections_refused_total {}\n",
                     refused_connections_.load(std::memory_order_relaxed));
  for (const Sampler& s : samplers_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", s.name, s.help, s.name, s.type,
                       s.name, s.sample());
  }
  return out;
}

}  // namespace podgate::server
