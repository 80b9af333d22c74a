#include "adapters/oidc/jwks_refresher.h"

#include <algorithm>
#include <utility>

#include "adapters/log/log.h"

namespace gatehouse::adapters {

JwksRefresher::JwksRefresher(std::vector<std::shared_ptr<JwksCache>> caches,
                             JwksRefresherOptions options)
    : caches_(std::move(caches)), options_(options) {}

JwksRefresher::~JwksRefresher() { Stop(); }

void JwksRefresher::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || caches_.empty()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void JwksRefresher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JwksRefresher::Run() {
  using Clock = std::chrono::steady_clock;
  struct Due {
    Clock::time_point at;
    std::chrono::milliseconds backoff;
  };
  std::vector<Due> due;
  for (const auto& cache : caches_) {
    due.push_back({Clock::now() + (cache->ready() ? options_.interval : options_.retry_min),
                   options_.retry_min});
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const auto next = std::min_element(due.begin(), due.end(),
                                       [](const Due& a, const Due& b) { return a.at < b.at; });
    if (wake_.wait_until(lock, next->at, [this] { return stopping_; })) break;
    if (Clock::now() < next->at) continue;
    const std::size_t i = static_cast<std::size_t>(next - due.begin());
    lock.unlock();
    Status refreshed = caches_[i]->Refresh();
    const bool ready = caches_[i]->ready();
    lock.lock();
    if (refreshed) {
      due[i] = {Clock::now() + options_.interval, options_.retry_min};
    } else {
      LogWarn("OIDC key refresh failed; cached keys stay in force",
              {{"issuer", caches_[i]->issuer()}, {"error", refreshed.error().ToString()}});
      // Not ready yet: retry soon with backoff. Ready: the old keys work, retry at the
      // backoff too, but never later than the regular interval.
      const std::chrono::milliseconds wait = std::min(due[i].backoff, options_.interval);
      due[i] = {Clock::now() + wait,
                std::min(due[i].backoff * 2, ready ? options_.interval : options_.retry_max)};
    }
  }
}

}  // namespace gatehouse::adapters
