// Duration parsing.

#include "server/duration.h"

#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

namespace podgate::server {

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end == text.data()) {
    return Status(Code::kUsage,
                  fmt::format("\"{}\" is not a duration: write a number and a unit, e.g. 30m, "
                              "12h, 7d (units ms, s, m, h, d)",
                              text));
  }
  if (ec != std::errc()) {
    return Status(Code::kUsage, fmt::format("the duration \"{}\" is too large", text));
  }
  std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
  std::uint64_t scale = 0;
  if (unit.empty() && value != 0) {
    // A bare number is ambiguous (--session-ttl 12: twelve hours meant, twelve seconds read, and
    // every session older detached for good), so the unit is required.
    return Status(Code::kUsage, fmt::format("the duration \"{0}\" has no unit: write {0}s, "
                                            "{0}m, {0}h or {0}d (or {0}ms)",
                                            text));
  }
  if (unit == "ms") {
    scale = 1;
  } else if (unit.empty() || unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else if (unit == "d") {
    scale = 86'400'000;
  } else {
    return Status(Code::kUsage, fmt::format("the duration \"{}\" has an unknown unit \"{}\" "
                                            "(use ms, s, m, h or d)",
                                            text, unit));
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (value > kMax / scale) {
    return Status(Code::kUsage, fmt::format("the duration \"{}\" is too large", text));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(value * scale));
}

}  // namespace podgate::server
