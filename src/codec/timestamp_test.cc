// RFC 3339 date-times (podgate/timestamp.h): the cases of the JSON-Schema-Test-Suite's
// date-time format tests and the calendar around them, the instants they denote, ordering,
// and ToRfc3339 round trips.

#include "podgate/timestamp.h"

#include <cstdio>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace podgate {
namespace {

using ::testing::HasSubstr;

Timestamp At(std::string_view text) {
  TimestampError error;
  auto ts = ParseRfc3339(text, &error);
  EXPECT_TRUE(ts.has_value()) << text << ": " << error.reason;
  return ts.value_or(Timestamp{});
}

std::string WhyNot(std::string_view text) {
  TimestampError error;
  auto ts = ParseRfc3339(text, &error);
  EXPECT_FALSE(ts.has_value()) << text << " parsed as " << (ts ? ts->ToRfc3339() : "");
  EXPECT_FALSE(error.reason.empty()) << text;
  return error.reason;
}

TEST(TimestampTest, ValidDateTimes) {
  for (std::string_view text : {
           "1963-06-19T08:30:06.283185Z",
           "1963-06-19T08:30:06Z",
           "1937-01-01T12:00:27.87+00:20",
           "1990-12-31T15:59:50.123-08:00",
           "1998-12-31T23:59:60Z",           // leap second, UTC
           "1998-12-31T15:59:60.123-08:00",  // leap second, minus offset
           "1999-01-01T01:29:60+01:30",      // leap second, large plus offset
           "1998-12-31T00:00:60-23:59",      // leap second, largest minus offset
           "1963-06-19t08:30:06.283185z",    // case-insensitive T and Z
           "2026-03-28T20:05:00+23:59",      // offsets up to 23:59
           "2026-03-28T20:05:00-23:59",
           "2026-03-28T20:05:00-00:00",
           "2000-02-29T00:00:00Z",  // 2000 is a leap year (divisible by 400)
           "2024-02-29T23:59:59Z",  // 2024 is a leap year
           "2400-02-29T00:00:00Z",
           "0000-01-01T00:00:00Z",
           "9999-12-31T23:59:59.999999999Z",
           "2026-01-31T00:00:00Z",
           "2026-03-31T00:00:00Z",
           "2026-05-31T00:00:00Z",
           "2026-07-31T00:00:00Z",
           "2026-08-31T00:00:00Z",
           "2026-10-31T00:00:00Z",
           "2026-12-31T00:00:00Z",
           "2026-04-30T00:00:00Z",
           "2026-02-28T00:00:00Z",
           "2026-03-28T20:05:00.1234567890123456789Z",  // any number of fraction digits
       }) {
    TimestampError error;
    EXPECT_TRUE(ParseRfc3339(text, &error).has_value()) << text << ": " << error.reason;
  }
}

TEST(TimestampTest, InvalidCalendarDates) {
  for (std::string_view text :
       {"1990-02-31T15:59:59.123-08:00", "2026-02-30T00:00:00Z", "1900-02-29T00:00:00Z",
        "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-06-31T00:00:00Z", "2026-09-31T00:00:00Z", "2026-11-31T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
        "2026-01-32T00:00:00Z"}) {
    EXPECT_EQ(WhyNot(text), "is not a real date") << text;
  }
}

TEST(TimestampTest, InvalidTimesOfDay) {
  for (std::string_view text : {"2026-03-28T24:00:00Z", "2026-03-28T20:60:00Z",
                                "1998-12-31T23:59:61Z", "2026-03-28T99:00:00Z"}) {
    EXPECT_EQ(WhyNot(text), "is not a real time of day") << text;
  }
}

TEST(TimestampTest, LeapSecondsOnlyAt2359Utc) {
  for (std::string_view text :
       {"1998-12-31T23:58:60Z", "1998-12-31T22:59:60Z", "1998-12-31T23:59:60+01:00",
        "1998-12-31T23:59:60-01:00", "1998-12-31T15:59:60-08:01", "2026-03-28T12:00:60Z"}) {
    EXPECT_EQ(WhyNot(text), "has a leap second outside 23:59 UTC") << text;
  }
}

TEST(TimestampTest, OffsetsWithinPlusMinus2359) {
  EXPECT_EQ(WhyNot("1990-12-31T15:59:59-24:00"), "has an offset beyond +-23:59");
  EXPECT_EQ(WhyNot("1990-12-31T15:59:59+24:00"), "has an offset beyond +-23:59");
  EXPECT_EQ(WhyNot("1990-12-31T15:59:59+23:60"), "has an offset beyond +-23:59");
  EXPECT_EQ(WhyNot("1990-12-31T15:59:59+99:99"), "has an offset beyond +-23:59");
}

TEST(TimestampTest, NotTheRfc3339Shape) {
  for (std::string_view text : {
           "",
           "06/19/1963 08:30:06 PST",
           "2013-350T01:01:01",                 // ISO 8601 ordinal date
           "1963-6-19T08:30:06.283185Z",        // non-padded month
           "1963-06-1T08:30:06.283185Z",        // non-padded day
           "1963-06-1\u09eaT00:00:00Z",         // a Bengali 4 in the date
           "1963-06-11T0\u09ea:00:00Z",         // a Bengali 4 in the time
           "2026-03-28T20:05:0\uff10Z",         // a fullwidth 0
           "1963-06-19T08:30:06.28123+01:00Z",  // closing Z after an offset
           "2026-03-28 20:05:00Z",              // space separator
           "2026-03-28_20:05:00Z",
           "2026-03-28T20:05:00",  // missing offset
           "2026-03-28T20:05:00.5",
           "2026-03-28T20:05Z",  // missing seconds
           "2026-03-28",
           "20:05:00Z",
           "2026-03-28T20:05:00.Z",     // empty fraction
           "2026-03-28T20:05:00,5Z",    // comma fraction
           "2026-03-28T20:05:00+0530",  // offset without colon
           "2026-03-28T20:05:00+05",
           "2026-03-28T20:05:00+5:30",
           "2026-03-28T20:05:00ZZ",
           "2026-03-28T20:05:00Z ",
           " 2026-03-28T20:05:00Z",
           "2026-03-28T20:05:00Z\n",
           "+2026-03-28T20:05:00Z",  // expanded years are not RFC 3339
           "-2026-03-28T20:05:00Z",
           "20260-03-28T20:05:00Z",
           "2026-03-28T20:05:00UTC",
           "2026-03-28t20:05:00utc",
           "2026-03-28T20:05:00GMT+1",
       }) {
    EXPECT_THAT(WhyNot(text), HasSubstr("is not an RFC 3339 date-time")) << text;
  }
  // An embedded NUL ends nothing early.
  EXPECT_THAT(WhyNot(std::string_view("2026-03-28T20:05:00Z\0", 21)),
              HasSubstr("is not an RFC 3339"));
}

TEST(TimestampTest, ErrorIsOptional) {
  EXPECT_FALSE(ParseRfc3339("nope").has_value());
  EXPECT_TRUE(ParseRfc3339("2026-03-28T20:05:00Z").has_value());
}

TEST(TimestampTest, InstantsDenoted) {
  EXPECT_EQ(At("1970-01-01T00:00:00Z"), (Timestamp{0, 0}));
  EXPECT_EQ(At("2026-03-28T20:05:00Z"), (Timestamp{1774728300, 0}));
  EXPECT_EQ(At("2000-02-29T12:00:00Z"), (Timestamp{951825600, 0}));
  EXPECT_EQ(At("1969-12-31T23:59:59Z"), (Timestamp{-1, 0}));
  EXPECT_EQ(At("0000-01-01T00:00:00Z"), (Timestamp{-62167219200, 0}));
  EXPECT_EQ(At("9999-12-31T23:59:59Z"), (Timestamp{253402300799, 0}));
  // Offsets are applied: the same instant written three ways.
  EXPECT_EQ(At("2026-03-28T21:35:00+01:30"), At("2026-03-28T20:05:00Z"));
  EXPECT_EQ(At("2026-03-28T12:05:00-08:00"), At("2026-03-28t20:05:00z"));
  EXPECT_EQ(At("2026-03-29T00:04:00+04:59"), At("2026-03-28T19:05:00Z"));
  EXPECT_EQ(At("2026-03-28T20:05:00-00:00"), At("2026-03-28T20:05:00+00:00"));
  // Fractions to the nanosecond; digits past the ninth are dropped.
  EXPECT_EQ(At("1970-01-01T00:00:00.5Z"), (Timestamp{0, 500000000}));
  EXPECT_EQ(At("1970-01-01T00:00:00.000000001Z"), (Timestamp{0, 1}));
  EXPECT_EQ(At("1970-01-01T00:00:00.123456789Z"), (Timestamp{0, 123456789}));
  EXPECT_EQ(At("1970-01-01T00:00:00.1234567899999Z"), (Timestamp{0, 123456789}));
  EXPECT_EQ(At("1969-12-31T23:59:59.25Z"), (Timestamp{-1, 250000000}));
}

TEST(TimestampTest, LeapSecondEqualsTheNextMinutesFirstInstant) {
  EXPECT_EQ(At("1998-12-31T23:59:60Z"), At("1999-01-01T00:00:00Z"));
  EXPECT_EQ(At("1998-12-31T23:59:60Z"), (Timestamp{915148800, 0}));
  EXPECT_EQ(At("1998-12-31T15:59:60.123-08:00"), (Timestamp{915148800, 123000000}));
  EXPECT_EQ(At("1999-01-01T01:29:60+01:30"), At("1999-01-01T00:00:00Z"));
  EXPECT_LT(At("1998-12-31T23:59:59.999Z"), At("1998-12-31T23:59:60Z"));
}

TEST(TimestampTest, Ordering) {
  EXPECT_LT(At("2026-03-28T20:05:00Z"), At("2026-03-28T20:05:00.000000001Z"));
  EXPECT_LT(At("2026-03-28T20:05:00.9Z"), At("2026-03-28T20:05:01Z"));
  EXPECT_LT(At("2026-03-28T21:00:00+02:00"), At("2026-03-28T20:00:00Z"));
  EXPECT_GT(At("2026-03-28T19:00:00-02:00"), At("2026-03-28T20:00:00Z"));
  EXPECT_LT(At("1969-12-31T23:59:59.9Z"), At("1970-01-01T00:00:00Z"));
  EXPECT_LT(At("0000-01-01T00:00:00Z"), At("9999-12-31T23:59:59Z"));
  EXPECT_EQ(At("2026-03-28T20:05:00Z").PlusSeconds(300), At("2026-03-28T20:10:00Z"));
  EXPECT_EQ(At("2026-03-28T20:05:00.5Z").PlusSeconds(-86400), At("2026-03-27T20:05:00.5Z"));
}

TEST(TimestampTest, ToRfc3339IsCanonicalUtc) {
  EXPECT_EQ((Timestamp{0, 0}).ToRfc3339(), "1970-01-01T00:00:00Z");
  EXPECT_EQ((Timestamp{-1, 0}).ToRfc3339(), "1969-12-31T23:59:59Z");
  EXPECT_EQ((Timestamp{-86400, 0}).ToRfc3339(), "1969-12-31T00:00:00Z");
  EXPECT_EQ((Timestamp{-86401, 0}).ToRfc3339(), "1969-12-30T23:59:59Z");
  EXPECT_EQ((Timestamp{0, 500000000}).ToRfc3339(), "1970-01-01T00:00:00.5Z");
  EXPECT_EQ((Timestamp{0, 1}).ToRfc3339(), "1970-01-01T00:00:00.000000001Z");
  EXPECT_EQ((Timestamp{0, 120000000}).ToRfc3339(), "1970-01-01T00:00:00.12Z");
  EXPECT_EQ((Timestamp{-62167219200, 0}).ToRfc3339(), "0000-01-01T00:00:00Z");
  EXPECT_EQ((Timestamp{253402300799, 999999999}).ToRfc3339(), "9999-12-31T23:59:59.999999999Z");
  EXPECT_EQ(At("2026-03-28t21:35:00.100+01:30").ToRfc3339(), "2026-03-28T20:05:00.1Z");
  EXPECT_EQ(At("1998-12-31T23:59:60Z").ToRfc3339(), "1999-01-01T00:00:00Z");
  EXPECT_EQ(At("2024-02-29T12:00:00-23:59").ToRfc3339(), "2024-03-01T11:59:00Z");
}

// Found by tests/hostile_test.cc: an instant before year 0000 UTC (which an offset date-time
// can denote) rendered as "-001-12-31T23:59:00Z", not RFC 3339; the gate renders the
// detached-at of session-expired detachments this way, so such an attachment could never
// expire. Now the smallest offset keeps the year at four digits.
TEST(TimestampTest, ToRfc3339RendersEveryParsedInstant) {
  EXPECT_EQ(At("0000-01-01T00:00:00+00:01").ToRfc3339(), "0000-01-01T00:00:00+00:01");
  EXPECT_EQ(At("0000-01-01T00:00:00+23:59").ToRfc3339(), "0000-01-01T00:00:00+23:59");
  EXPECT_EQ(At("0000-01-01T00:00:30.5+00:01").ToRfc3339(), "0000-01-01T00:00:30.5+00:01");
  EXPECT_EQ((Timestamp{-62167219201, 0}).ToRfc3339(), "0000-01-01T00:00:59+00:01");
  EXPECT_EQ(At("9999-12-31T23:59:59.75-00:01").ToRfc3339(), "9999-12-31T23:59:59.75-00:01");
  EXPECT_EQ(At("9999-12-31T23:59:59-23:59").ToRfc3339(), "9999-12-31T23:59:59-23:59");
  EXPECT_EQ((Timestamp{253402300800, 0}).ToRfc3339(), "9999-12-31T23:59:00-00:01");
  for (std::string_view text :
       {"0000-01-01T00:00:00+23:59", "0000-01-01T00:12:34.000000001+07:13",
        "9999-12-31T23:59:59.999999999-23:59", "9999-12-31T12:00:00-12:00"}) {
    Timestamp ts = At(text);
    auto back = ParseRfc3339(ts.ToRfc3339());
    ASSERT_TRUE(back.has_value()) << text << " renders as " << ts.ToRfc3339();
    EXPECT_EQ(*back, ts) << text;
  }
}

// Any instant from year 0000 to 9999 survives ToRfc3339 and back.
RC_GTEST_PROP(TimestampProperty, RoundTripsThroughRfc3339, ()) {
  std::int64_t seconds =
      *rc::gen::inRange<std::int64_t>(-62167219200, 253402300800);  // 0000-01-01 .. 9999
  auto nanos = *rc::gen::inRange<std::uint32_t>(0, 1000000000);
  Timestamp ts{seconds, nanos};
  std::string text = ts.ToRfc3339();
  auto back = ParseRfc3339(text);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == ts);
  RC_ASSERT(back->ToRfc3339() == text);
}

// Writing an instant with any valid offset denotes the same instant.
RC_GTEST_PROP(TimestampProperty, OffsetsDenoteTheSameInstant, ()) {
  std::int64_t seconds = *rc::gen::inRange<std::int64_t>(0, 4102444800);  // 1970 .. 2100
  int offset = *rc::gen::inRange(-(23 * 60 + 59), 23 * 60 + 60);          // minutes
  Timestamp utc{seconds, 0};
  Timestamp local_clock = utc.PlusSeconds(static_cast<std::int64_t>(offset) * 60);
  std::string text = local_clock.ToRfc3339();
  text.pop_back();  // the Z
  int magnitude = offset < 0 ? -offset : offset;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", offset < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  text += buffer;
  auto parsed = ParseRfc3339(text);
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == utc);
}

TEST(TimestampTest, NowIsAValidInstant) {
  Timestamp now = NowUtc();
  EXPECT_LT(now.nanos, 1000000000u);
  EXPECT_EQ(ParseRfc3339(now.ToRfc3339()), now);
}

}  // namespace
}  // namespace podgate
