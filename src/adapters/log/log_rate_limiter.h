// LogRateLimiter: at most `per_second` log lines a second for one kind of event an outsider can
// trigger at will (failed logins), so a flood cannot fill the disk or drown other lines.
//
// Allow() says whether this event may be logged now and, when it may, how many events were
// left out since the last line that was logged (to be put in that line). Time comes from the
// injected Clock. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "common/clock.h"

namespace gatehouse::adapters {

class LogRateLimiter {
 public:
  LogRateLimiter(int per_second, const Clock& clock) : per_second_(per_second), clock_(clock) {}

  // nullopt: leave this event out. Otherwise log it, with the count of events left out before.
  std::optional<std::uint64_t> Allow();

 private:
  const int per_second_;
  const Clock& clock_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point window_start_{};
  int logged_in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace gatehouse::adapters
