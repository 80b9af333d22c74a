#include "adapters/log/log_rate_limiter.h"

namespace gatehouse::adapters {

std::optional<std::uint64_t> LogRateLimiter::Allow() {
  const auto now = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mutex_);
  if (now - window_start_ >= std::chrono::seconds(1)) {
    window_start_ = now;
    logged_in_window_ = 0;
  }
  if (logged_in_window_ >= per_second_) {
    ++suppressed_;
    return std::nullopt;
  }
  ++logged_in_window_;
  const std::uint64_t left_out = suppressed_;
  suppressed_ = 0;
  return left_out;
}

}  // namespace gatehouse::adapters
