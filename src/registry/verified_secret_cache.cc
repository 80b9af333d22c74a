#include "registry/verified_secret_cache.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <list>
#include <mutex>
#include <unordered_map>

namespace gatehouse::registry {

struct VerifiedSecretCache::Shard {
  struct Entry {
    Digest key;
    std::string login;
    std::chrono::steady_clock::time_point expires;
  };
  struct DigestHash {
    std::size_t operator()(const Digest& d) const {
      std::size_t h;
      std::memcpy(&h, d.data(), sizeof(h));  // already uniformly random
      return h;
    }
  };
  mutable std::mutex mutex;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<Digest, std::list<Entry>::iterator, DigestHash> index;
};

namespace {

void AppendField(std::string& buffer, std::string_view field) {
  const std::uint64_t size = field.size();
  buffer.append(reinterpret_cast<const char*>(&size), sizeof(size));
  buffer.append(field);
}

}  // namespace

VerifiedSecretCache::VerifiedSecretCache(VerifiedSecretCacheOptions options, const Clock& clock)
    : options_(options), clock_(clock), shards_(new Shard[kShards]) {
  per_shard_capacity_ =
      options_.max_entries == 0 ? 0 : (options_.max_entries + kShards - 1) / kShards;
  // The pepper is defence in depth (a memory dump does not give digests to brute-force weak
  // chosen secrets against); if the generator fails the cache still works and stays correct.
  if (RAND_bytes(pepper_.data(), static_cast<int>(pepper_.size())) != 1) pepper_.fill(0);
}

VerifiedSecretCache::~VerifiedSecretCache() = default;

VerifiedSecretCache::Digest VerifiedSecretCache::KeyOf(std::string_view login,
                                                       std::string_view secret,
                                                       std::string_view stored_hash) const {
  std::string buffer;
  buffer.reserve(pepper_.size() + 24 + login.size() + secret.size() + stored_hash.size());
  buffer.append(reinterpret_cast<const char*>(pepper_.data()), pepper_.size());
  AppendField(buffer, login);
  AppendField(buffer, secret);
  AppendField(buffer, stored_hash);
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(buffer.data()), buffer.size(), digest.data());
  OPENSSL_cleanse(buffer.data(), buffer.size());
  return digest;
}

VerifiedSecretCache::Shard& VerifiedSecretCache::ShardOf(const Digest& digest) const {
  return shards_[digest[31] % kShards];
}

bool VerifiedSecretCache::Contains(std::string_view login, std::string_view secret,
                                   std::string_view stored_hash) {
  if (per_shard_capacity_ == 0) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const Digest key = KeyOf(login, secret, stored_hash);
  Shard& shard = ShardOf(key);
  const auto now = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.index.find(key);
  if (it == shard.index.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (it->second->expires <= now) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
    misses_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void VerifiedSecretCache::Remember(std::string_view login, std::string_view secret,
                                   std::string_view stored_hash) {
  if (per_shard_capacity_ == 0 || options_.ttl.count() <= 0) return;
  const Digest key = KeyOf(login, secret, stored_hash);
  Shard& shard = ShardOf(key);
  const auto expires = clock_.Monotonic() + options_.ttl;
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (auto it = shard.index.find(key); it != shard.index.end()) {
    it->second->expires = expires;
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
    return;
  }
  while (shard.lru.size() >= per_shard_capacity_) {
    shard.index.erase(shard.lru.back().key);
    shard.lru.pop_back();
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  shard.lru.push_front(Shard::Entry{key, std::string(login), expires});
  shard.index.emplace(key, shard.lru.begin());
}

void VerifiedSecretCache::Invalidate(std::string_view login) {
  for (std::size_t i = 0; i < kShards; ++i) {
    Shard& shard = shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (auto it = shard.lru.begin(); it != shard.lru.end();) {
      if (it->login == login) {
        shard.index.erase(it->key);
        it = shard.lru.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void VerifiedSecretCache::Clear() {
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mutex);
    shards_[i].lru.clear();
    shards_[i].index.clear();
  }
}

VerifiedSecretCacheStats VerifiedSecretCache::stats() const {
  VerifiedSecretCacheStats out;
  out.hits = hits_.load(std::memory_order_relaxed);
  out.misses = misses_.load(std::memory_order_relaxed);
  out.evictions = evictions_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mutex);
    out.entries += shards_[i].lru.size();
  }
  return out;
}

}  // namespace gatehouse::registry
