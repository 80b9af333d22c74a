#include "adapters/http/bounded_work_pool.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace gatehouse::adapters {
namespace {

// Linux keeps a nice value per thread: lowering this one's priority leaves the I/O threads
// theirs. Failure (a sandbox refusing it) only loses the priority hint.
void LowerPriority(int nice) {
  if (nice <= 0) return;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, tid);
  if (errno != 0) return;
  (void)::setpriority(PRIO_PROCESS, tid, std::min(19, current + nice));
}

}  // namespace

BoundedWorkPool::BoundedWorkPool(BoundedWorkPoolOptions options) : options_(std::move(options)) {
  const int count = std::max(1, options_.threads);
  workers_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    workers_.emplace_back([this, i] {
      const std::string name = (options_.name + "-" + std::to_string(i)).substr(0, 15);
      ::pthread_setname_np(::pthread_self(), name.c_str());
      LowerPriority(options_.nice);
      Run();
    });
  }
}

BoundedWorkPool::~BoundedWorkPool() { Stop(); }

bool BoundedWorkPool::TrySubmit(std::function<void()>& task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || queue_.size() >= options_.queue_capacity) return false;
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void BoundedWorkPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      task();
    } catch (...) {
      // A task owns its own error handling; one that throws must not end the worker.
    }
  }
}

void BoundedWorkPool::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  // Destroyed outside the lock: a task's captures may run arbitrary destructors.
  dropped.clear();
}

std::size_t BoundedWorkPool::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

}  // namespace gatehouse::adapters
