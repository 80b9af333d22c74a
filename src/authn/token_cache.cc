#include "authn/token_cache.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

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

TokenDigest DigestToken(std::string_view token) {
  // SHA256() and EVP_sha256() look the algorithm up in OpenSSL 3's provider store on every call
  // (a global read lock and two reference counts): more than the hash of a short token. The
  // algorithm is fetched once and each thread reuses one context.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
  TokenDigest digest{};
  unsigned int length = 0;
  if (kSha256 == nullptr || context == nullptr ||
      EVP_DigestInit_ex2(context.get(), kSha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), token.data(), token.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1 || length != digest.size()) {
    // Never reached with a working libcrypto; the one-shot form cannot fail, so tokens never
    // share a zero digest.
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  }
  return digest;
}

struct TokenCache::Shard {
  struct Entry {
    TokenDigest digest;
    Result<k8s::UserInfo> result;
    std::chrono::steady_clock::time_point fresh_until;
    std::optional<std::chrono::system_clock::time_point> not_after;
  };
  struct Flight {
    std::promise<Result<k8s::UserInfo>> promise;
    std::shared_future<Result<k8s::UserInfo>> future = promise.get_future().share();
  };

  std::mutex mu;
  std::list<Entry> lru;  // front: most recently used
  std::unordered_map<TokenDigest, std::list<Entry>::iterator, DigestHash> index;
  std::unordered_map<TokenDigest, std::shared_ptr<Flight>, DigestHash> flights;

  // Requires mu. The live entry for `digest` (moved to the front), or nullptr; purges a stale one.
  const Entry* FindLocked(const TokenDigest& digest, const Clock& clock) {
    auto it = index.find(digest);
    if (it == index.end()) return nullptr;
    const Entry& entry = *it->second;
    if (clock.Monotonic() >= entry.fresh_until ||
        (entry.not_after && clock.Now() >= *entry.not_after)) {
      lru.erase(it->second);
      index.erase(it);
      return nullptr;
    }
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
  return GetOrCompute(DigestToken(token), compute);
}

Result<k8s::UserInfo> TokenCache::GetOrCompute(const TokenDigest& digest,
                                               const std::function<TokenCacheComputed()>& compute) {
  Shard& shard = ShardFor(digest);
  std::shared_ptr<Shard::Flight> flight;
  bool leader = false;
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (const Shard::Entry* entry = shard.FindLocked(digest, clock_)) {
      (entry->result ? hits_ : negative_hits_).fetch_add(1, std::memory_order_relaxed);
      return entry->result;
    }
    auto [it, inserted] = shard.flights.try_emplace(digest);
    if (inserted) it->second = std::make_shared<Shard::Flight>();
    flight = it->second;
    leader = inserted;
  }
  if (!leader) {
    coalesced_.fetch_add(1, std::memory_order_relaxed);
    return flight->future.get();
  }

  misses_.fetch_add(1, std::memory_order_relaxed);
  std::optional<TokenCacheComputed> computed;
  try {
    computed.emplace(compute());
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(shard.mu);
      shard.flights.erase(digest);
    }
    flight->promise.set_value(MakeError("internal", "token verification failed unexpectedly"));
    throw;
  }
  Store(shard, digest, *computed);
  flight->promise.set_value(computed->result);
  return std::move(computed->result);
}

void TokenCache::Store(Shard& shard, const TokenDigest& digest,
                       const TokenCacheComputed& computed) {
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
  shard.flights.erase(digest);
  if (!keep) return;
  Shard::Entry entry{digest, computed.result, clock_.Monotonic() + ttl, not_after};
  if (auto it = shard.index.find(digest); it != shard.index.end()) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
  shard.lru.push_front(std::move(entry));
  shard.index.emplace(digest, shard.lru.begin());
  while (shard.lru.size() > per_shard_capacity_) {
    shard.index.erase(shard.lru.back().digest);
    shard.lru.pop_back();
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
}

std::optional<Result<k8s::UserInfo>> TokenCache::Find(std::string_view token) {
  const TokenDigest digest = DigestToken(token);
  Shard& shard = ShardFor(digest);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (const Shard::Entry* entry = shard.FindLocked(digest, clock_)) return entry->result;
  return std::nullopt;
}

std::optional<Result<k8s::UserInfo>> TokenCache::Lookup(const TokenDigest& digest) {
  Shard& shard = ShardFor(digest);
  std::lock_guard<std::mutex> lock(shard.mu);
  const Shard::Entry* entry = shard.FindLocked(digest, clock_);
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
