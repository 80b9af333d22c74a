// TokenCache: remembers authentication outcomes per bearer token, shared by identity sources.
//
// Entries are keyed by a TokenKey (token_digest.h): the digest of the token's credential part,
// plus its visible part compared byte for byte; the token itself is never stored. A success is kept
// for `positive_ttl` but never past the token's own expiry; a cacheable failure (token invalid,
// expired, wrongly scoped) for `negative_ttl`; failures the caller marks uncacheable (identity
// provider unavailable) are not kept. The number of entries is bounded (least recently used
// entries are evicted first). Time comes from the injected Clock.
//
// Thread-safety: all members may be called concurrently. Entries live in shards, each with its
// own mutex, so lookups of different tokens rarely contend. GetOrCompute() is single-flight:
// concurrent calls for the same uncached token run `compute` once (in the first caller's
// thread, with no lock held) and the others wait for its outcome instead of calling the
// identity provider again; `compute` must therefore bound its own time.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "authn/token_digest.h"
#include "common/clock.h"
#include "common/result.h"
#include "k8s/user_info.h"

namespace gatehouse::authn {

struct TokenCacheOptions {
  std::chrono::seconds positive_ttl{60};
  std::chrono::seconds negative_ttl{10};
  std::size_t max_entries = 10000;  // 0 disables caching (single flight still applies)
};

// What an identity source computed for one token, and whether/how long it may be reused.
struct TokenCacheComputed {
  Result<k8s::UserInfo> result;
  // When the token stops being valid (wall clock); a success is never served after it.
  std::optional<std::chrono::system_clock::time_point> token_expires_at;
  // false: do not keep this outcome (e.g. a transient "keystone_unavailable").
  bool cacheable = true;
};

struct TokenCacheStats {
  std::uint64_t hits = 0;           // answered from a cached success
  std::uint64_t negative_hits = 0;  // answered from a cached failure
  std::uint64_t misses = 0;         // `compute` ran
  std::uint64_t coalesced = 0;      // waited for another caller's `compute`
  std::uint64_t evictions = 0;      // dropped to respect max_entries
  std::size_t entries = 0;          // currently stored (including not yet purged stale ones)
};

class TokenCache {
 public:
  TokenCache(TokenCacheOptions options, const Clock& clock);
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // The cached outcome for `token`, or the outcome of `compute` (run once across concurrent
  // callers for the same token). If `compute` throws, waiting callers get an "internal" error
  // and the exception propagates to the caller that ran it.
  Result<k8s::UserInfo> GetOrCompute(std::string_view token,
                                     const std::function<TokenCacheComputed()>& compute);

  // The same for a token the caller has already keyed (e.g. KeyOfJws). One cache must key a
  // given kind of token the same way every time.
  Result<k8s::UserInfo> GetOrCompute(const TokenKey& key,
                                     const std::function<TokenCacheComputed()>& compute);

  // The cached outcome without computing; nullopt when absent or stale. Not counted in stats.
  std::optional<Result<k8s::UserInfo>> Find(std::string_view token);
  // The same by key, counted as a hit when found (a front-end lookup on the request path).
  std::optional<Result<k8s::UserInfo>> Lookup(const TokenKey& key);

  // Drops every entry (e.g. after a configuration change).
  void Clear();

  TokenCacheStats stats() const;

 private:
  struct Shard;
  Shard& ShardFor(const TokenDigest& digest) const;
  // `leader`: the caller leads the single flight for key.digest, which ends with the insert.
  void Store(Shard& shard, const TokenKey& key, const TokenCacheComputed& computed, bool leader);

  TokenCacheOptions options_;
  const Clock& clock_;
  std::size_t per_shard_capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> negative_hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> coalesced_{0};
  std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace gatehouse::authn
