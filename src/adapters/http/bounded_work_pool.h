// BoundedWorkPool: a fixed set of worker threads with a bounded queue, for CPU-heavy work that
// must not run where latency-critical requests are answered (PBKDF2 password checks must never
// delay a SubjectAccessReview: the API server's webhook timeout would fail the cluster's
// authorization).
//
// TrySubmit() never blocks: it queues the task, or returns false at once when `queue_capacity`
// tasks already wait (the caller answers "busy" instead of queueing without bound). Workers run
// tasks in FIFO order. On Linux the workers run at the `nice` value given (higher = lower
// priority), so a flood of expensive work yields the CPU to the I/O threads.
//
// Stop() (and the destructor) lets running tasks finish, destroys the tasks still queued without
// running them and joins the workers; TrySubmit() after Stop() returns false.
// Thread-safety: every method may be called from any thread, except Stop() from a task.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::adapters {

struct BoundedWorkPoolOptions {
  std::string name = "pool";  // thread name prefix (at most 15 characters are kept)
  int threads = 1;            // at least 1
  std::size_t queue_capacity = 64;
  int nice = 0;  // added to the process's nice value for these threads (0: unchanged)
};

class BoundedWorkPool {
 public:
  explicit BoundedWorkPool(BoundedWorkPoolOptions options);
  ~BoundedWorkPool();
  BoundedWorkPool(const BoundedWorkPool&) = delete;
  BoundedWorkPool& operator=(const BoundedWorkPool&) = delete;

  // False when the queue is full or the pool is stopped; `task` is then not taken.
  bool TrySubmit(std::function<void()>& task);
  void Stop();

  std::size_t queued() const;
  int threads() const { return static_cast<int>(workers_.size()); }

 private:
  void Run();

  BoundedWorkPoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace gatehouse::adapters
