#include "podgate/timestamp.h"

#include <chrono>

#include <fmt/format.h>

namespace podgate {
namespace {

bool IsLeapYear(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool Digits(int count, int* value) {
    if (pos_ + count > text_.size()) return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += count;
    *value = v;
    return true;
  }
  bool Char(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool CharEither(char a, char b, char* which = nullptr) {
    if (pos_ < text_.size() && (text_[pos_] == a || text_[pos_] == b)) {
      if (which != nullptr) *which = text_[pos_];
      ++pos_;
      return true;
    }
    return false;
  }
  bool AtDigit() const { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; }
  char Next() { return text_[pos_++]; }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<Timestamp> Fail(TimestampError* error, std::string reason) {
  if (error != nullptr) error->reason = std::move(reason);
  return std::nullopt;
}

}  // namespace

std::optional<Timestamp> ParseRfc3339(std::string_view text, TimestampError* error) {
  constexpr const char* kShape =
      "is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.frac]Z|+hh:mm)";
  Reader r(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!r.Digits(4, &year) || !r.Char('-') || !r.Digits(2, &month) || !r.Char('-') ||
      !r.Digits(2, &day) || !r.CharEither('T', 't') || !r.Digits(2, &hour) || !r.Char(':') ||
      !r.Digits(2, &minute) || !r.Char(':') || !r.Digits(2, &second)) {
    return Fail(error, kShape);
  }
  std::uint32_t nanos = 0;
  if (r.Char('.')) {
    if (!r.AtDigit()) return Fail(error, kShape);
    int digits = 0;
    while (r.AtDigit()) {
      char c = r.Next();
      if (digits < 9) nanos = nanos * 10 + static_cast<std::uint32_t>(c - '0');
      ++digits;
    }
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int offset_minutes = 0;
  char sign = 0;
  if (r.CharEither('Z', 'z')) {
    offset_minutes = 0;
  } else if (r.CharEither('+', '-', &sign)) {
    int oh = 0, om = 0;
    if (!r.Digits(2, &oh) || !r.Char(':') || !r.Digits(2, &om)) return Fail(error, kShape);
    if (oh > 23 || om > 59) return Fail(error, "has an offset beyond +-23:59");
    offset_minutes = (sign == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return Fail(error, kShape);
  }
  if (!r.AtEnd()) return Fail(error, kShape);

  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return Fail(error, "is not a real date");
  }
  if (hour > 23 || minute > 59 || second > 60) return Fail(error, "is not a real time of day");
  if (second == 60) {
    int utc_minute_of_day = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    if (utc_minute_of_day != 23 * 60 + 59) {
      return Fail(error, "has a leap second outside 23:59 UTC");
    }
  }
  std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second -
                         static_cast<std::int64_t>(offset_minutes) * 60;
  return Timestamp{seconds, nanos};
}

std::string Timestamp::ToRfc3339() const {
  // An offset date-time can denote an instant up to 23:59 before 0000-01-01T00:00:00Z or
  // after 9999-12-31T23:59:59Z ("0000-01-01T00:00:00+00:01"), which has no four-digit UTC
  // year: such an instant is written with the smallest whole-minute offset that brings its
  // local date back into range, so that every instant ParseRfc3339 returns renders as RFC 3339.
  constexpr std::int64_t kFirst = -62167219200;     // 0000-01-01T00:00:00Z
  constexpr std::int64_t kPastLast = 253402300800;  // 10000-01-01T00:00:00Z
  std::int64_t offset_minutes = 0;
  if (unix_seconds < kFirst) {
    offset_minutes = (kFirst - unix_seconds + 59) / 60;
  } else if (unix_seconds >= kPastLast) {
    offset_minutes = -((unix_seconds - kPastLast) / 60 + 1);
  }
  if (offset_minutes > 23 * 60 + 59 || offset_minutes < -(23 * 60 + 59)) offset_minutes = 0;
  std::int64_t local = unix_seconds + offset_minutes * 60;
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t rest = local - days * 86400;
  Civil c = CivilFromDays(days);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day,
                                rest / 3600, rest / 60 % 60, rest % 60);
  if (nanos != 0) {
    std::string frac = fmt::format("{:09}", nanos);
    while (frac.back() == '0') frac.pop_back();
    out += '.';
    out += frac;
  }
  if (offset_minutes == 0) {
    out += 'Z';
  } else {
    std::int64_t magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    out += fmt::format("{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', magnitude / 60,
                       magnitude % 60);
  }
  return out;
}

Timestamp NowUtc() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  return Timestamp{ns / 1'000'000'000, static_cast<std::uint32_t>(ns % 1'000'000'000)};
}

}  // namespace podgate
