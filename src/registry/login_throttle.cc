#include "registry/login_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gatehouse::registry {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// Keys are attacker-chosen: a cap keeps max_tracked keys within a few MiB. No real account or
// address name is this long, so two names sharing the prefix only share a bucket if both are
// fake.
constexpr std::size_t kMaxKeyBytes = 128;

std::string_view Capped(std::string_view key) { return key.substr(0, kMaxKeyBytes); }

// "[v6]:port" → "v6"; "v4:port" → "v4"; a bare address is returned as it is.
std::string_view StripPort(std::string_view address) {
  if (address.starts_with('[')) {
    const std::size_t close = address.find(']');
    return close == std::string_view::npos ? address : address.substr(1, close - 1);
  }
  const std::size_t colon = address.find(':');
  if (colon != std::string_view::npos && address.find(':', colon + 1) == std::string_view::npos) {
    return address.substr(0, colon);
  }
  return address;
}

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleOptions options, const Clock& clock)
    : options_(options), clock_(clock) {
  sources_.burst = std::max(0, options_.source_burst);
  accounts_.burst = std::max(0, options_.account_burst);
}

std::string LoginThrottle::SourceKey(std::string_view remote_address) {
  const std::string host(StripPort(remote_address));
  unsigned char v6[16];
  if (::inet_pton(AF_INET6, host.c_str(), v6) == 1) {
    // An IPv4-mapped address is the IPv4 host it maps.
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, v6)) {
      char text[INET_ADDRSTRLEN];
      if (::inet_ntop(AF_INET, v6 + 12, text, sizeof(text)) != nullptr) return text;
    }
    char key[32];
    std::snprintf(key, sizeof(key), "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", v6[0], v6[1], v6[2],
                  v6[3], v6[4], v6[5], v6[6], v6[7]);
    return key;
  }
  return host;
}

double LoginThrottle::Available(Table& table, std::string_view key, SteadyTime now) {
  auto it = table.buckets.find(std::string(key));
  if (it == table.buckets.end()) return table.burst;
  Bucket& bucket = it->second;
  const double refill_per_second =
      table.burst / std::max(0.001, std::chrono::duration<double>(options_.period).count());
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - bucket.updated).count());
  bucket.tokens = std::min<double>(table.burst, bucket.tokens + elapsed * refill_per_second);
  bucket.updated = now;
  return bucket.tokens;
}

void LoginThrottle::Spend(Table& table, std::string_view key, SteadyTime now) {
  if (table.burst == 0) return;
  const double tokens = Available(table, key, now);
  auto it = table.buckets.find(std::string(key));
  if (it == table.buckets.end()) {
    if (table.buckets.size() >= options_.max_tracked && !table.recency.empty()) {
      table.buckets.erase(table.recency.back());
      table.recency.pop_back();
    }
    table.recency.emplace_front(key);
    Bucket bucket;
    bucket.order = table.recency.begin();
    it = table.buckets.emplace(std::string(key), bucket).first;
  } else {
    table.recency.splice(table.recency.begin(), table.recency, it->second.order);
  }
  it->second.tokens = std::max(0.0, tokens - 1);
  it->second.updated = now;
}

std::chrono::seconds LoginThrottle::WaitFor(const Table& table, double tokens) const {
  const double seconds_per_token =
      std::chrono::duration<double>(options_.period).count() / std::max(1, table.burst);
  const double wait = std::ceil((1 - tokens) * seconds_per_token);
  return std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(wait)));
}

std::optional<Throttled> LoginThrottle::Check(std::string_view source, std::string_view account) {
  source = Capped(source);
  account = Capped(account);
  const SteadyTime now = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mutex_);
  if (sources_.burst > 0) {
    const double tokens = Available(sources_, source, now);
    if (tokens < 1) return Throttled{Throttled::By::kSource, WaitFor(sources_, tokens)};
  }
  if (accounts_.burst > 0) {
    const double tokens = Available(accounts_, account, now);
    if (tokens < 1) return Throttled{Throttled::By::kAccount, WaitFor(accounts_, tokens)};
  }
  return std::nullopt;
}

void LoginThrottle::RecordFailure(std::string_view source, std::string_view account) {
  const SteadyTime now = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mutex_);
  Spend(sources_, Capped(source), now);
  Spend(accounts_, Capped(account), now);
}

std::size_t LoginThrottle::tracked_sources() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sources_.buckets.size();
}

std::size_t LoginThrottle::tracked_accounts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return accounts_.buckets.size();
}

}  // namespace gatehouse::registry
