#include "server/metrics.h"

#include <chrono>
#include <future>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

namespace podgate::server {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

// The group-commit histograms: cumulative buckets, each observation in the first bucket whose
// bound it does not exceed, and the sum and count of what was observed.
TEST(MetricsTest, GroupCommitHistograms) {
  Metrics metrics;
  metrics.ObserveGroupCommit(1, 0.0004);
  metrics.ObserveGroupCommit(17, 0.003);
  metrics.ObserveGroupCommit(64, 0.120);
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "# TYPE podgate_group_commit_duration_seconds histogram")) << text;
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"0.00025\"} 0"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"0.0005\"} 1"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"0.005\"} 2"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"0.1\"} 2"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"0.25\"} 3"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"+Inf\"} 3"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_count 3"));
  EXPECT_TRUE(Has(text, "# TYPE podgate_group_commit_size histogram"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_bucket{le=\"1\"} 1"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_bucket{le=\"16\"} 1"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_bucket{le=\"32\"} 2"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_bucket{le=\"64\"} 3"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_sum 82"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_count 3"));
}

// A batch larger than the last bound counts in +Inf only.
TEST(MetricsTest, GroupCommitSizeOverTheLastBound) {
  Metrics metrics;
  metrics.ObserveGroupCommit(10000, 3.0);
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_bucket{le=\"8192\"} 0")) << text;
  EXPECT_TRUE(Has(text, "podgate_group_commit_size_bucket{le=\"+Inf\"} 1"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"2.5\"} 0"));
  EXPECT_TRUE(Has(text, "podgate_group_commit_duration_seconds_bucket{le=\"+Inf\"} 1"));
}

// The admission latency histogram keeps its labelled form (kind first, then le).
TEST(MetricsTest, AdmissionHistogramIsLabelledByKind) {
  Metrics metrics;
  metrics.CountAdmission("client-instance-detachment", "admitted", "ok", 0.002);
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(
      text,
      "podgate_admission_duration_seconds_bucket{kind=\"client-instance-detachment\",le=\"0.001\"} "
      "0"))
      << text;
  EXPECT_TRUE(Has(text,
                  "podgate_admission_duration_seconds_bucket{kind=\"client-instance-detachment\","
                  "le=\"0.0025\"} "
                  "1"));
  EXPECT_TRUE(
      Has(text, "podgate_admission_duration_seconds_count{kind=\"client-instance-detachment\"} 1"));
  EXPECT_TRUE(
      Has(text,
          "podgate_admissions_total{kind=\"client-instance-detachment\",verdict=\"admitted\","
          "code=\"ok\"} 1"));
}

// A sampler may take its time (the ledger's last sequence is a few database round trips, up to
// a statement timeout when the database is gone): meanwhile requests are still counted and
// commits observed. /metrics needs no credentials, so a scrape that held the metrics' lock
// through its samplers let anyone stall every answer's accounting and the commit thread.
TEST(MetricsTest, ASlowSamplerHoldsUpNoOneElse) {
  Metrics metrics;
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::once_flag first;
  metrics.AddSampler("test_slow", "A sampler that waits.", "gauge", [&, released] {
    std::call_once(first, [&] { entered.set_value(); });
    released.wait();  // the second scrape, below, finds it released
    return 1.0;
  });
  auto scrape = std::async(std::launch::async, [&metrics] { return metrics.Render(); });
  entered.get_future().wait();
  auto others = std::async(std::launch::async, [&metrics] {
    metrics.CountRequest("postDetachment", 201);
    metrics.ObserveGroupCommit(3, 0.001);
  });
  bool counted = others.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  release.set_value();
  EXPECT_TRUE(counted) << "counting waited for the scrape's sampler";
  EXPECT_TRUE(Has(scrape.get(), "test_slow 1"));
  std::string after = metrics.Render();
  EXPECT_TRUE(Has(after, "podgate_http_requests_total{route=\"postDetachment\",status=\"201\"} 1"));
  EXPECT_TRUE(Has(after, "podgate_group_commit_size_count 1"));
}

}  // namespace
}  // namespace podgate::server
