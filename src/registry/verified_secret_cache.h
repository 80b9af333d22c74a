// VerifiedSecretCache: remembers successful secret verifications (robot secrets, personal access
// tokens) for a short time, so a burst of CI jobs authenticating with the same credentials pays
// for PBKDF2 once instead of once per request.
//
// Only successes are kept (a wrong secret always costs a full PBKDF2 check, so guessing does not
// get cheaper). An entry is keyed by SHA-256 over a random per-process pepper, the login name,
// the secret and the stored hash it was verified against, all length-prefixed: neither the
// secret nor an unpeppered digest of it is held, and a rotated secret (new stored hash) misses
// at once, on every replica, without any message between them. Invalidate(login) drops a login's
// entries at once on this replica (rotation, disable, delete); other replicas are covered by the
// stored-hash binding and by `ttl`. Disabled and expired robots must still be refused by the
// caller, which loads the robot on every request anyway.
//
// Bounded: at most `max_entries` (least recently used evicted first); entries older than `ttl`
// (Clock::Monotonic) are never returned. Thread-safety: all members may be called concurrently;
// entries live in shards with one mutex each.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace gatehouse::registry {

struct VerifiedSecretCacheOptions {
  std::chrono::seconds ttl{60};
  std::size_t max_entries = 4096;  // 0 disables the cache
};

struct VerifiedSecretCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
  std::size_t entries = 0;
};

class VerifiedSecretCache {
 public:
  VerifiedSecretCache(VerifiedSecretCacheOptions options, const Clock& clock);
  ~VerifiedSecretCache();
  VerifiedSecretCache(const VerifiedSecretCache&) = delete;
  VerifiedSecretCache& operator=(const VerifiedSecretCache&) = delete;

  // True when `secret` was remembered for `login` and `stored_hash` less than `ttl` ago.
  bool Contains(std::string_view login, std::string_view secret, std::string_view stored_hash);
  // Records a successful verification (call only after SecretMatches() said yes).
  void Remember(std::string_view login, std::string_view secret, std::string_view stored_hash);
  // Drops every entry of `login` (exact login name).
  void Invalidate(std::string_view login);
  void Clear();

  VerifiedSecretCacheStats stats() const;

 private:
  struct Shard;
  static constexpr std::size_t kShards = 16;
  using Digest = std::array<std::uint8_t, 32>;

  Digest KeyOf(std::string_view login, std::string_view secret, std::string_view stored_hash) const;
  Shard& ShardOf(const Digest& digest) const;

  VerifiedSecretCacheOptions options_;
  const Clock& clock_;
  std::array<std::uint8_t, 32> pepper_{};
  std::size_t per_shard_capacity_ = 0;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace gatehouse::registry
