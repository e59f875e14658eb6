// Timestamp: an instant read from an RFC 3339 date-time (RFC 3339 section 5.6), the only time
// notation the artifacts use.
//
// Parsing is exact: the ABNF of section 5.6 ("T"/"t" separator, "Z"/"z" or a +hh:mm/-hh:mm
// offset, any number of fraction digits), real calendar dates (month lengths, Gregorian leap
// years), hours 00-23, minutes 00-59, offsets within +-23:59, and second 60 only where a leap
// second can be: at 23:59:60 UTC once the offset is applied (as the JSON Schema test suite
// reads the RFC). Instants compare to the nanosecond; fraction digits past the ninth are
// dropped, and a leap second compares equal to the first instant of the next minute.
//
// Thread safety: plain values and pure functions.

#ifndef PODGATE_TIMESTAMP_H_
#define PODGATE_TIMESTAMP_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace podgate {

struct Timestamp {
  std::int64_t unix_seconds = 0;  // seconds since 1970-01-01T00:00:00Z, leap seconds ignored
  std::uint32_t nanos = 0;        // 0 .. 999'999'999

  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;

  // Adds (or, negative, subtracts) whole seconds.
  Timestamp PlusSeconds(std::int64_t seconds) const { return {unix_seconds + seconds, nanos}; }
  // Canonical UTC rendering: YYYY-MM-DDThh:mm:ss[.fraction]Z, fraction without trailing zeros.
  // The instants within 23:59 before year 0000 or after year 9999 that an offset lets a
  // date-time denote get the smallest offset that keeps the year at four digits
  // ("0000-01-01T00:00:00+00:01"): every parsed instant renders, and parses back to itself.
  std::string ToRfc3339() const;
};

// Why a string is not an RFC 3339 date-time, in words for a person ("is not a real date").
struct TimestampError {
  std::string reason;
};

// Parses an RFC 3339 date-time; on failure stores why in *error (when non-null).
std::optional<Timestamp> ParseRfc3339(std::string_view text, TimestampError* error = nullptr);

// The current time from the system clock.
Timestamp NowUtc();

}  // namespace podgate

#endif  // PODGATE_TIMESTAMP_H_
