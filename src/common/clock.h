// Clock: the only source of "now" in the core, injected so tests never sleep.
//
// SystemClock reads the real clocks; ManualClock is advanced by tests. Both are thread-safe.
#pragma once

#include <atomic>
#include <chrono>

namespace gatehouse {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for comparing with timestamps from the outside (token expiry).
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time, for TTLs, deadlines and latency.
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
  static const SystemClock& Instance() {
    static const SystemClock clock;
    return clock;
  }
};

// Starts at the given wall time; Monotonic() advances together with Now().
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start =
                           std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)))
      : wall_start_(start) {}

  std::chrono::system_clock::time_point Now() const override {
    return wall_start_ + std::chrono::nanoseconds(offset_ns_.load());
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(offset_ns_.load()));
  }
  void Advance(std::chrono::nanoseconds by) { offset_ns_ += by.count(); }

 private:
  std::chrono::system_clock::time_point wall_start_;
  std::atomic<long long> offset_ns_{0};
};

}  // namespace gatehouse
