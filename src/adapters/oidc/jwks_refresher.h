// JwksRefresher: one background thread that keeps the key sets of OIDC issuers fresh.
//
// A cache whose keys are loaded is refreshed every `interval`; one that is not ready yet (the
// provider was down at start-up) is retried with a backoff from `retry_min` doubling up to
// `retry_max`, so an issuer becomes ready without a restart. Failures are logged (never with a
// token) and counted by the caches themselves. Start() does not refresh synchronously: the caller
// decides whether to do a first Refresh() itself. Stop() (also run by the destructor) wakes and
// joins the thread. Thread-safe; the caches must outlive the refresher.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/oidc/jwks_cache.h"

namespace gatehouse::adapters {

struct JwksRefresherOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(10)};
  std::chrono::milliseconds retry_min{std::chrono::seconds(1)};
  std::chrono::milliseconds retry_max{std::chrono::seconds(30)};
};

class JwksRefresher {
 public:
  JwksRefresher(std::vector<std::shared_ptr<JwksCache>> caches, JwksRefresherOptions options);
  ~JwksRefresher();
  JwksRefresher(const JwksRefresher&) = delete;
  JwksRefresher& operator=(const JwksRefresher&) = delete;

  void Start();
  void Stop();

 private:
  void Run();

  std::vector<std::shared_ptr<JwksCache>> caches_;
  JwksRefresherOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::adapters
