#include "server/duration.h"

#include <gtest/gtest.h>

namespace podgate::server {
namespace {

using std::chrono::milliseconds;

TEST(Duration, Units) {
  EXPECT_EQ(ParseDuration("500ms").value(), milliseconds(500));
  EXPECT_EQ(ParseDuration("10s").value(), milliseconds(10'000));
  EXPECT_EQ(ParseDuration("0").value(), milliseconds(0));  // the one number without a unit
  EXPECT_EQ(ParseDuration("30m").value(), milliseconds(30 * 60'000));
  EXPECT_EQ(ParseDuration("12h").value(), milliseconds(12LL * 3'600'000));
  EXPECT_EQ(ParseDuration("7d").value(), milliseconds(7LL * 86'400'000));
  EXPECT_EQ(ParseDuration("0s").value(), milliseconds(0));
}

TEST(Duration, ABareNumberNamesTheUnitsToWrite) {
  auto d = ParseDuration("12");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "the duration \"12\" has no unit: write 12s, 12m, 12h or 12d (or 12ms)");
}

TEST(Duration, Rejections) {
  for (std::string_view bad : {"", "10", "12", "m", "-5m", "5 m", "5x", "5mm", "1.5h",
                               "99999999999999999999d", "9999999999999999d"}) {
    auto d = ParseDuration(bad);
    EXPECT_FALSE(d.ok()) << bad;
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), Code::kUsage) << bad;
    }
  }
}

}  // namespace
}  // namespace podgate::server
