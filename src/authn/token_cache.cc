#include "authn/token_cache.h"

#include <cstring>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/common_errors.h"

namespace gatehouse::authn {
namespace {

// Small caches use one shard so eviction is exactly least-recently-used; large ones spread
// over shards (LRU per shard) so concurrent requests rarely take the same mutex.
constexpr std::size_t kShards = 16;
constexpr std::size_t kShardingThreshold = 1024;

struct DigestHash {
  std::size_t operator()(const TokenDigest& d) const {
    std::size_t h;
    std::memcpy(&h, d.data() + 8, sizeof(h));  // SHA-256 bits are already uniform
    return h;
  }
};

}  // namespace

struct TokenCache::Shard {
  struct Entry {
    TokenDigest digest;
    std::string visible_part;  // must equal the key's, byte for byte (token_digest.h)
    Result<k8s::UserInfo> result;
    std::chrono::steady_clock::time_point fresh_until;
    std::optional<std::chrono::system_clock::time_point> not_after;
  };
  struct Flight {
    std::string visible_part;
    std::promise<Result<k8s::UserInfo>> promise;
    std::shared_future<Result<k8s::UserInfo>> future = promise.get_future().share();
  };

  std::mutex mu;
  std::list<Entry> lru;  // front: most recently used
  std::unordered_map<TokenDigest, std::list<Entry>::iterator, DigestHash> index;
  std::unordered_map<TokenDigest, std::shared_ptr<Flight>, DigestHash> flights;

  // Requires mu. The live entry for `key` (moved to the front), or nullptr; purges a stale one.
  // An entry with the same digest but another visible part belongs to another token.
  const Entry* FindLocked(const TokenKey& key, const Clock& clock) {
    auto it = index.find(key.digest);
    if (it == index.end()) return nullptr;
    const Entry& entry = *it->second;
    if (clock.Monotonic() >= entry.fresh_until ||
        (entry.not_after && clock.Now() >= *entry.not_after)) {
      lru.erase(it->second);
      index.erase(it);
      return nullptr;
    }
    if (entry.visible_part != key.visible_part) return nullptr;
    lru.splice(lru.begin(), lru, it->second);
    return &lru.front();
  }
};

TokenCache::TokenCache(TokenCacheOptions options, const Clock& clock)
    : options_(options), clock_(clock) {
  std::size_t shard_count = options_.max_entries >= kShardingThreshold ? kShards : 1;
  per_shard_capacity_ = options_.max_entries / shard_count;
  for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<Shard>());
}

TokenCache::~TokenCache() = default;

TokenCache::Shard& TokenCache::ShardFor(const TokenDigest& digest) const {
  return *shards_[digest[0] % shards_.size()];
}

Result<k8s::UserInfo> TokenCache::GetOrCompute(std::string_view token,
                                               const std::function<TokenCacheComputed()>& compute) {
  return GetOrCompute(KeyOfOpaqueToken(token), compute);
}

Result<k8s::UserInfo> TokenCache::GetOrCompute(const TokenKey& key,
                                               const std::function<TokenCacheComputed()>& compute) {
  Shard& shard = ShardFor(key.digest);
  std::shared_ptr<Shard::Flight> flight;
  bool leader = false;
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (const Shard::Entry* entry = shard.FindLocked(key, clock_)) {
      (entry->result ? hits_ : negative_hits_).fetch_add(1, std::memory_order_relaxed);
      return entry->result;
    }
    auto [it, inserted] = shard.flights.try_emplace(key.digest);
    if (inserted) {
      it->second = std::make_shared<Shard::Flight>();
      it->second->visible_part = key.visible_part;
      flight = it->second;
      leader = true;
    } else if (it->second->visible_part == key.visible_part) {
      flight = it->second;
    }
    // Otherwise another token with the same digested part is in flight (someone replayed a
    // signature under other claims): compute alone, neither waiting for nor replacing it.
  }
  if (flight != nullptr && !leader) {
    coalesced_.fetch_add(1, std::memory_order_relaxed);
    return flight->future.get();
  }

  misses_.fetch_add(1, std::memory_order_relaxed);
  std::optional<TokenCacheComputed> computed;
  try {
    computed.emplace(compute());
  } catch (...) {
    if (flight != nullptr) {
      {
        std::lock_guard<std::mutex> lock(shard.mu);
        shard.flights.erase(key.digest);
      }
      flight->promise.set_value(
          MakeError(CommonError::kInternal, "token verification failed unexpectedly"));
    }
    throw;
  }
  Store(shard, key, *computed, leader);
  if (flight != nullptr) flight->promise.set_value(computed->result);
  return std::move(computed->result);
}

void TokenCache::Store(Shard& shard, const TokenKey& key, const TokenCacheComputed& computed,
                       bool leader) {
  const bool success = computed.result.has_value();
  const std::chrono::seconds ttl = success ? options_.positive_ttl : options_.negative_ttl;
  bool keep = computed.cacheable && ttl.count() > 0 && per_shard_capacity_ > 0;
  std::optional<std::chrono::system_clock::time_point> not_after;
  if (success && computed.token_expires_at) {
    not_after = computed.token_expires_at;
    if (clock_.Now() >= *not_after) keep = false;
  }

  std::lock_guard<std::mutex> lock(shard.mu);
  // Erase the flight in the same critical section as the insert, so a caller arriving now
  // either finds the entry or starts a new computation; never a finished flight.
  if (leader) shard.flights.erase(key.digest);
  if (!keep) return;
  Shard::Entry entry{key.digest, std::string(key.visible_part), computed.result,
                     clock_.Monotonic() + ttl, not_after};
  if (auto it = shard.index.find(key.digest); it != shard.index.end()) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
  shard.lru.push_front(std::move(entry));
  shard.index.emplace(key.digest, shard.lru.begin());
  while (shard.lru.size() > per_shard_capacity_) {
    shard.index.erase(shard.lru.back().digest);
    shard.lru.pop_back();
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
}

std::optional<Result<k8s::UserInfo>> TokenCache::Find(std::string_view token) {
  const TokenKey key = KeyOfOpaqueToken(token);
  Shard& shard = ShardFor(key.digest);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (const Shard::Entry* entry = shard.FindLocked(key, clock_)) return entry->result;
  return std::nullopt;
}

std::optional<Result<k8s::UserInfo>> TokenCache::Lookup(const TokenKey& key) {
  Shard& shard = ShardFor(key.digest);
  std::lock_guard<std::mutex> lock(shard.mu);
  const Shard::Entry* entry = shard.FindLocked(key, clock_);
  if (entry == nullptr) return std::nullopt;
  (entry->result ? hits_ : negative_hits_).fetch_add(1, std::memory_order_relaxed);
  return entry->result;
}

void TokenCache::Clear() {
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mu);
    shard->lru.clear();
    shard->index.clear();
  }
}

TokenCacheStats TokenCache::stats() const {
  TokenCacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.negative_hits = negative_hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.coalesced = coalesced_.load(std::memory_order_relaxed);
  s.evictions = evictions_.load(std::memory_order_relaxed);
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mu);
    s.entries += shard->lru.size();
  }
  return s;
}

}  // namespace gatehouse::authn
