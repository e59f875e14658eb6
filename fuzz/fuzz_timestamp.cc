// Fuzz target: RFC 3339 date-times (src/codec/timestamp.cc).
//
// Properties, on any input:
//   * ParseRfc3339 agrees with an independent reference (a regular expression for the ABNF of
//     RFC 3339 section 5.6, std::chrono for the calendar) on which texts are date-times and on
//     the instant they denote, to the nanosecond;
//   * a failure always says why;
//   * the rendering parses back to the same instant, for every instant the parser returns: in
//     UTC ("Z") for the years 0000 to 9999, else with the smallest offset that keeps the year
//     at four digits (a regression: such instants rendered as "-001-12-31T23:59:00Z").

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>

#include "fuzz_check.h"
#include "podgate/timestamp.h"

namespace podgate::fuzz {
namespace {

std::optional<Timestamp> ReferenceParse(const std::string& text) {
  static const std::regex kShape(
      "([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
      "(\\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))");
  std::smatch m;
  if (!std::regex_match(text, m, kShape)) return std::nullopt;
  auto number = [&](int group) { return std::stoi(m[group].str()); };
  int y = number(1), mo = number(2), d = number(3), h = number(4), mi = number(5), s = number(6);
  using namespace std::chrono;
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  int offset = 0;
  if (m[9].matched) {
    int oh = number(10), om = number(11);
    if (oh > 23 || om > 59) return std::nullopt;
    offset = (m[9].str() == "-" ? -1 : 1) * (oh * 60 + om);
  }
  if (s == 60 && ((h * 60 + mi - offset) % 1440 + 1440) % 1440 != 23 * 60 + 59) {
    return std::nullopt;
  }
  std::uint32_t nanos = 0;
  if (m[7].matched) {
    std::string frac = m[7].str().substr(1);
    frac.resize(9, '0');
    nanos = static_cast<std::uint32_t>(std::stoul(frac.substr(0, 9)));
  }
  std::int64_t days = sys_days(date).time_since_epoch().count();
  return Timestamp{days * 86400 + h * 3600 + mi * 60 + s - std::int64_t{offset} * 60, nanos};
}

// The instants whose UTC date has a four-digit year.
constexpr std::int64_t kYear0 = -62167219200;      // 0000-01-01T00:00:00Z
constexpr std::int64_t kYear10000 = 253402300800;  // 10000-01-01T00:00:00Z

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  if (size > 256) return 0;  // the shape is 20 characters plus a fraction
  std::string text(podgate::fuzz::AsText(data, size));

  TimestampError error;
  std::optional<Timestamp> parsed = ParseRfc3339(text, &error);
  std::optional<Timestamp> reference = podgate::fuzz::ReferenceParse(text);
  FUZZ_CHECK(parsed.has_value() == reference.has_value(), "parser %s, reference %s: %s",
             parsed ? "accepts" : error.reason.c_str(), reference ? "accepts" : "refuses",
             text.c_str());
  if (!parsed) {
    FUZZ_CHECK(!error.reason.empty(), "a failure without a reason");
    return 0;
  }
  FUZZ_CHECK(*parsed == *reference, "instants differ: %lld.%09u vs %lld.%09u",
             static_cast<long long>(parsed->unix_seconds), parsed->nanos,
             static_cast<long long>(reference->unix_seconds), reference->nanos);
  FUZZ_CHECK(parsed->nanos < 1'000'000'000u, "nanos %u", parsed->nanos);
  std::string canonical = parsed->ToRfc3339();
  std::optional<Timestamp> again = ParseRfc3339(canonical);
  FUZZ_CHECK(again && *again == *parsed, "%s renders as %s, which does not parse back",
             text.c_str(), canonical.c_str());
  bool utc = parsed->unix_seconds >= podgate::fuzz::kYear0 &&
             parsed->unix_seconds < podgate::fuzz::kYear10000;
  FUZZ_CHECK(utc == canonical.ends_with("Z"), "%s renders as %s", text.c_str(), canonical.c_str());
  return 0;
}
