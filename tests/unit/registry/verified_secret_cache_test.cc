#include "registry/verified_secret_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace gatehouse::registry {
namespace {

constexpr std::string_view kHash = "pbkdf2-sha256$1000$c2FsdA==$aGFzaA==";

TEST(VerifiedSecretCacheTest, RemembersOnlyExactCredentials) {
  ManualClock clock;
  VerifiedSecretCache cache({}, clock);
  EXPECT_FALSE(cache.Contains("robot+a+ci", "secret", kHash));
  cache.Remember("robot+a+ci", "secret", kHash);
  EXPECT_TRUE(cache.Contains("robot+a+ci", "secret", kHash));
  EXPECT_FALSE(cache.Contains("robot+a+ci", "secreT", kHash));
  EXPECT_FALSE(cache.Contains("robot+a+cj", "secret", kHash));
  // A rotated secret has a new stored hash: the old verification no longer counts.
  EXPECT_FALSE(cache.Contains("robot+a+ci", "secret", "pbkdf2-sha256$1000$other"));
  // Length-prefixed fields: moving bytes between login and secret is another key.
  EXPECT_FALSE(cache.Contains("robot+a+cis", "ecret", kHash));
  VerifiedSecretCacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 5u);
  EXPECT_EQ(stats.entries, 1u);
}

TEST(VerifiedSecretCacheTest, EntriesExpireAfterTtl) {
  ManualClock clock;
  VerifiedSecretCacheOptions options;
  options.ttl = std::chrono::seconds(30);
  VerifiedSecretCache cache(options, clock);
  cache.Remember("robot+a+ci", "secret", kHash);
  clock.Advance(std::chrono::seconds(29));
  EXPECT_TRUE(cache.Contains("robot+a+ci", "secret", kHash));
  clock.Advance(std::chrono::seconds(1));
  EXPECT_FALSE(cache.Contains("robot+a+ci", "secret", kHash));
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(VerifiedSecretCacheTest, InvalidateDropsEveryEntryOfALogin) {
  ManualClock clock;
  VerifiedSecretCache cache({}, clock);
  cache.Remember("robot+a+ci", "one", kHash);
  cache.Remember("robot+a+ci", "two", "pbkdf2-sha256$1000$x");
  cache.Remember("robot+a+pull", "one", kHash);
  cache.Invalidate("robot+a+ci");
  EXPECT_FALSE(cache.Contains("robot+a+ci", "one", kHash));
  EXPECT_FALSE(cache.Contains("robot+a+ci", "two", "pbkdf2-sha256$1000$x"));
  EXPECT_TRUE(cache.Contains("robot+a+pull", "one", kHash));
  cache.Clear();
  EXPECT_FALSE(cache.Contains("robot+a+pull", "one", kHash));
}

TEST(VerifiedSecretCacheTest, BoundedWithLeastRecentlyUsedEviction) {
  ManualClock clock;
  VerifiedSecretCacheOptions options;
  options.max_entries = 64;  // 4 per shard
  VerifiedSecretCache cache(options, clock);
  for (int i = 0; i < 1000; ++i) {
    cache.Remember("robot+a+r" + std::to_string(i), "secret", kHash);
  }
  VerifiedSecretCacheStats stats = cache.stats();
  EXPECT_LE(stats.entries, 64u);
  EXPECT_GE(stats.evictions, 1000u - 64u);
  // The most recent entry survives.
  EXPECT_TRUE(cache.Contains("robot+a+r999", "secret", kHash));
  EXPECT_FALSE(cache.Contains("robot+a+r0", "secret", kHash));
}

TEST(VerifiedSecretCacheTest, RecentlyUsedEntrySurvivesEviction) {
  ManualClock clock;
  VerifiedSecretCacheOptions options;
  options.max_entries = 16;  // one entry per shard
  VerifiedSecretCache cache(options, clock);
  // With one entry per shard, any insertion into the same shard evicts; fill all shards with
  // many logins and check that the total never exceeds the bound.
  for (int i = 0; i < 200; ++i) cache.Remember("l" + std::to_string(i), "s", kHash);
  EXPECT_LE(cache.stats().entries, 16u);
}

TEST(VerifiedSecretCacheTest, ZeroCapacityDisables) {
  ManualClock clock;
  VerifiedSecretCacheOptions options;
  options.max_entries = 0;
  VerifiedSecretCache cache(options, clock);
  cache.Remember("robot+a+ci", "secret", kHash);
  EXPECT_FALSE(cache.Contains("robot+a+ci", "secret", kHash));
}

TEST(VerifiedSecretCacheTest, ConcurrentUse) {
  ManualClock clock;
  VerifiedSecretCacheOptions options;
  options.max_entries = 256;
  VerifiedSecretCache cache(options, clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string login = "robot+p+r" + std::to_string((i + t) % 50);
        if (!cache.Contains(login, "s", kHash)) cache.Remember(login, "s", kHash);
        if (i % 500 == 0) cache.Invalidate(login);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  VerifiedSecretCacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits + stats.misses, 8000u);
  EXPECT_LE(stats.entries, 256u);
  EXPECT_GT(stats.hits, 0u);
}

}  // namespace
}  // namespace gatehouse::registry
