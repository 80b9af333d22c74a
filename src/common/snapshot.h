// Snapshot<T>: an immutable T published to request threads without locks on the read path.
//
// A reload builds a whole new T and Publish()es it; readers Load() a shared_ptr that stays valid
// for as long as they hold it, even across later reloads. Thread-safe.
#pragma once

#include <atomic>
#include <memory>

namespace gatehouse {

template <typename T>
class Snapshot {
 public:
  Snapshot() = default;
  explicit Snapshot(std::shared_ptr<const T> initial) : current_(std::move(initial)) {}

  // nullptr until something was published.
  std::shared_ptr<const T> Load() const { return current_.load(std::memory_order_acquire); }
  void Publish(std::shared_ptr<const T> next) {
    current_.store(std::move(next), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const T>> current_;
};

}  // namespace gatehouse
