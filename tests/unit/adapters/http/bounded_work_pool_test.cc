#include "adapters/http/bounded_work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace gatehouse::adapters {
namespace {

// Holds the pool's only worker in a task until released.
class Blocker {
 public:
  // Submits the holding task and waits until it runs.
  bool Occupy(BoundedWorkPool& pool) {
    std::function<void()> task = [this] {
      std::unique_lock<std::mutex> lock(mutex_);
      started_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
    };
    if (!pool.TrySubmit(task)) return false;
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [this] { return started_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool started_ = false;
  bool released_ = false;
};

TEST(BoundedWorkPoolTest, RunsTasksOffTheCallingThreadInOrder) {
  BoundedWorkPool pool({"test", 1, 8, 0});
  std::mutex mutex;
  std::vector<int> order;
  std::promise<std::thread::id> ran_on;
  std::promise<void> done;
  for (int i = 0; i < 3; ++i) {
    std::function<void()> task = [&, i] {
      std::lock_guard<std::mutex> lock(mutex);
      order.push_back(i);
      if (i == 0) ran_on.set_value(std::this_thread::get_id());
      if (i == 2) done.set_value();
    };
    ASSERT_TRUE(pool.TrySubmit(task));
  }
  auto finished = done.get_future();
  ASSERT_EQ(finished.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(BoundedWorkPoolTest, FullQueueRefusesAtOnceAndKeepsTheTask) {
  BoundedWorkPool pool({"test", 1, 2, 0});
  Blocker blocker;
  ASSERT_TRUE(blocker.Occupy(pool));
  std::atomic<int> ran{0};
  std::function<void()> counted = [&] { ++ran; };
  std::function<void()> a = counted, b = counted;
  EXPECT_TRUE(pool.TrySubmit(a));
  EXPECT_TRUE(pool.TrySubmit(b));
  EXPECT_EQ(pool.queued(), 2u);
  std::function<void()> refused = counted;
  EXPECT_FALSE(pool.TrySubmit(refused));
  EXPECT_TRUE(static_cast<bool>(refused));  // not taken: the caller still owns it
  blocker.Release();
  pool.Stop();  // the running task finishes; what still waits may be dropped
  EXPECT_LE(ran.load(), 2);
}

TEST(BoundedWorkPoolTest, StopDropsQueuedTasksAndRefusesNewOnes) {
  auto owned = std::make_shared<int>(1);
  std::weak_ptr<int> watch = owned;
  BoundedWorkPool pool({"test", 1, 4, 0});
  Blocker blocker;
  ASSERT_TRUE(blocker.Occupy(pool));
  bool queued_ran = false;
  std::function<void()> queued = [&queued_ran, owned = std::move(owned)] { queued_ran = true; };
  ASSERT_TRUE(pool.TrySubmit(queued));
  // The worker is held by the blocker, so the queue empties only when Stop() takes it away;
  // only then is the blocker released.
  std::thread releaser([&] {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (pool.queued() != 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    blocker.Release();
  });
  pool.Stop();
  releaser.join();
  EXPECT_FALSE(queued_ran);
  EXPECT_TRUE(watch.expired());  // the queued task was destroyed, its captures released
  std::function<void()> late = [] {};
  EXPECT_FALSE(pool.TrySubmit(late));
}

}  // namespace
}  // namespace gatehouse::adapters
