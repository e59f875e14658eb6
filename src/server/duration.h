// Durations on the command line of podgate serve: a non-negative integer followed by a unit,
// "500ms", "10s", "30m", "12h", "7d". A bare integer other than 0 is refused: "12" could mean
// seconds or hours, and a session TTL read in the wrong unit detaches sessions for good.
//
// Thread safety: pure functions.

#ifndef PODGATE_SERVER_DURATION_H_
#define PODGATE_SERVER_DURATION_H_

#include <chrono>
#include <string_view>

#include "podgate/status.h"

namespace podgate::server {

// Fails (usage) naming what is wrong: no digits, no unit, an unknown unit, or an overflow.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace podgate::server

#endif  // PODGATE_SERVER_DURATION_H_
