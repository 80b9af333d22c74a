#include "authn/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/keystone/keystone_auth_errors.h"
#include "authn/jwt/jwt_errors.h"

namespace gatehouse::authn {
namespace {

using std::chrono::seconds;

k8s::UserInfo User(std::string name) {
  k8s::UserInfo user;
  user.username = std::move(name);
  user.extra = k8s::Extra{};
  return user;
}

class TokenCacheTest : public ::testing::Test {
 protected:
  // Computes a success named after the call number, so a recomputation is visible.
  std::function<TokenCacheComputed()> Success(
      std::optional<std::chrono::system_clock::time_point> expires_at = std::nullopt) {
    return [this, expires_at] {
      ++calls_;
      return TokenCacheComputed{User("u" + std::to_string(calls_)), expires_at, true};
    };
  }
  std::function<TokenCacheComputed()> Failure(ErrorCode code, bool cacheable) {
    return [this, code, cacheable] {
      ++calls_;
      return TokenCacheComputed{MakeError(code, "m"), std::nullopt, cacheable};
    };
  }

  ManualClock clock_;
  int calls_ = 0;
};

TEST(DigestTokenTest, IsSha256) {
  TokenDigest d = DigestToken("abc");
  // FIPS 180-2 test vector: ba7816bf 8f01cfea ... f20015ad
  EXPECT_EQ(d[0], 0xba);
  EXPECT_EQ(d[1], 0x78);
  EXPECT_EQ(d[30], 0x15);
  EXPECT_EQ(d[31], 0xad);
  EXPECT_NE(DigestToken("abd"), d);
}

TEST(DigestTokenTest, SameOnEveryThreadAndForLongTokens) {
  const std::string long_token(100000, 'x');
  const TokenDigest here = DigestToken(long_token);
  TokenDigest there{};
  std::thread([&] { there = DigestToken(long_token); }).join();
  EXPECT_EQ(here, there);
  EXPECT_NE(DigestToken(long_token + "y"), here);
  EXPECT_NE(DigestToken(""), DigestToken(std::string(1, '\0')));
}

TEST_F(TokenCacheTest, LookupByDigestCountsHitsAndNeverComputes) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  EXPECT_FALSE(cache.Lookup(KeyOfOpaqueToken("t")).has_value());
  EXPECT_EQ(cache.GetOrCompute(KeyOfOpaqueToken("t"), Success())->username, "u1");
  auto found = cache.Lookup(KeyOfOpaqueToken("t"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ((*found)->username, "u1");
  EXPECT_EQ(cache.GetOrCompute("t", Success())->username, "u1");  // same key as the digest form
  clock_.Advance(seconds(60));
  EXPECT_FALSE(cache.Lookup(KeyOfOpaqueToken("t")).has_value());
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(cache.stats().hits, 2u);
}

TEST_F(TokenCacheTest, PositiveTtl) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  EXPECT_EQ(cache.GetOrCompute("t", Success())->username, "u1");
  clock_.Advance(seconds(59));
  EXPECT_EQ(cache.GetOrCompute("t", Success())->username, "u1");
  EXPECT_EQ(cache.GetOrCompute("other", Success())->username, "u2");
  clock_.Advance(seconds(1));
  EXPECT_EQ(cache.GetOrCompute("t", Success())->username, "u3");
  TokenCacheStats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 3u);
  EXPECT_EQ(s.entries, 2u);
}

TEST_F(TokenCacheTest, NeverServedPastTokenExpiry) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  auto expires = clock_.Now() + seconds(5);
  EXPECT_EQ(cache.GetOrCompute("t", Success(expires))->username, "u1");
  clock_.Advance(seconds(4));
  EXPECT_EQ(cache.GetOrCompute("t", Success(expires))->username, "u1");
  clock_.Advance(seconds(1));
  EXPECT_FALSE(cache.Find("t").has_value());
  EXPECT_EQ(cache.GetOrCompute("t", Success(expires))->username, "u2");
}

TEST_F(TokenCacheTest, AlreadyExpiredSuccessIsNotStored) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  auto expired = clock_.Now() - seconds(1);
  EXPECT_TRUE(cache.GetOrCompute("t", Success(expired)).has_value());
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST_F(TokenCacheTest, NegativeTtl) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  Result<k8s::UserInfo> r =
      cache.GetOrCompute("bad", Failure(adapters::KeystoneAuthError::kTokenInvalid, true));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, adapters::KeystoneAuthError::kTokenInvalid);
  clock_.Advance(seconds(9));
  r = cache.GetOrCompute("bad", Success());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, adapters::KeystoneAuthError::kTokenInvalid);
  EXPECT_EQ(cache.stats().negative_hits, 1u);
  clock_.Advance(seconds(1));
  EXPECT_TRUE(cache.GetOrCompute("bad", Success()).has_value());
  EXPECT_EQ(calls_, 2);
}

TEST_F(TokenCacheTest, UncacheableFailureIsRecomputed) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  EXPECT_FALSE(cache.GetOrCompute("t", Failure(adapters::KeystoneAuthError::kUnavailable, false))
                   .has_value());
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_TRUE(cache.GetOrCompute("t", Success()).has_value());
  EXPECT_EQ(calls_, 2);
}

TEST_F(TokenCacheTest, ZeroTtlsDisableCaching) {
  TokenCache cache({seconds(0), seconds(0), 100}, clock_);
  EXPECT_TRUE(cache.GetOrCompute("t", Success()).has_value());
  EXPECT_FALSE(cache.GetOrCompute("b", Failure(adapters::KeystoneAuthError::kTokenInvalid, true))
                   .has_value());
  EXPECT_TRUE(cache.GetOrCompute("t", Success()).has_value());
  EXPECT_EQ(calls_, 3);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST_F(TokenCacheTest, EvictsLeastRecentlyUsed) {
  TokenCache cache({seconds(60), seconds(10), 2}, clock_);
  (void)cache.GetOrCompute("a", Success());                       // u1
  (void)cache.GetOrCompute("b", Success());                       // u2
  EXPECT_EQ(cache.GetOrCompute("a", Success())->username, "u1");  // a is now the most recent
  (void)cache.GetOrCompute("c", Success());                       // u3 evicts b
  EXPECT_EQ(cache.stats().evictions, 1u);
  EXPECT_EQ(cache.stats().entries, 2u);
  EXPECT_TRUE(cache.Find("a").has_value());
  EXPECT_FALSE(cache.Find("b").has_value());
  EXPECT_TRUE(cache.Find("c").has_value());
}

TEST_F(TokenCacheTest, ShardedCacheStaysWithinBound) {
  TokenCache cache({seconds(60), seconds(10), 2000}, clock_);
  for (int i = 0; i < 5000; ++i) (void)cache.GetOrCompute("tok" + std::to_string(i), Success());
  TokenCacheStats s = cache.stats();
  EXPECT_LE(s.entries, 2000u);
  EXPECT_GT(s.entries, 1000u);
  EXPECT_EQ(s.entries + s.evictions, 5000u);
}

TEST_F(TokenCacheTest, ZeroEntriesDisablesStorage) {
  TokenCache cache({seconds(60), seconds(10), 0}, clock_);
  (void)cache.GetOrCompute("a", Success());
  (void)cache.GetOrCompute("a", Success());
  EXPECT_EQ(calls_, 2);
}

TEST_F(TokenCacheTest, ClearDropsEntries) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  (void)cache.GetOrCompute("a", Success());
  cache.Clear();
  EXPECT_EQ(cache.GetOrCompute("a", Success())->username, "u2");
}

TEST_F(TokenCacheTest, ExceptionPropagatesAndIsNotCached) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  EXPECT_THROW((void)cache.GetOrCompute(
                   "a", []() -> TokenCacheComputed { throw std::runtime_error("boom"); }),
               std::runtime_error);
  EXPECT_EQ(cache.GetOrCompute("a", Success())->username, "u1");
}

TEST_F(TokenCacheTest, SingleFlightRunsComputationOnce) {
  constexpr int kThreads = 8;
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  std::atomic<int> computations{0};
  std::latch start(kThreads);
  std::vector<std::string> names(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      Result<k8s::UserInfo> r = cache.GetOrCompute("same-token", [&] {
        int n = ++computations;
        // Hold the computation until every other caller waits on it. Bounded, so a broken
        // single flight fails the assertions below instead of hanging.
        auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (cache.stats().coalesced < kThreads - 1 &&
               std::chrono::steady_clock::now() < give_up) {
          std::this_thread::yield();
        }
        return TokenCacheComputed{User("computed" + std::to_string(n)), std::nullopt, true};
      });
      names[i] = r ? r->username : std::string(r.error().code.wire());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(computations.load(), 1);
  for (const std::string& name : names) EXPECT_EQ(name, "computed1");
  TokenCacheStats s = cache.stats();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.coalesced, static_cast<std::uint64_t>(kThreads - 1));
}

TEST_F(TokenCacheTest, SingleFlightSharesUncacheableFailureButDoesNotKeepIt) {
  constexpr int kThreads = 4;
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  std::atomic<int> computations{0};
  std::latch start(kThreads);
  std::vector<std::string> codes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      Result<k8s::UserInfo> r = cache.GetOrCompute("t", [&] {
        ++computations;
        auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (cache.stats().coalesced < kThreads - 1 &&
               std::chrono::steady_clock::now() < give_up) {
          std::this_thread::yield();
        }
        return TokenCacheComputed{MakeError(adapters::KeystoneAuthError::kUnavailable, "down"),
                                  std::nullopt, false};
      });
      codes[i] = r ? "ok" : std::string(r.error().code.wire());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(computations.load(), 1);
  for (const std::string& code : codes) EXPECT_EQ(code, "keystone_unavailable");
  EXPECT_TRUE(cache.GetOrCompute("t", Success()).has_value());
}

TEST_F(TokenCacheTest, ConcurrentDistinctTokens) {
  TokenCache cache({seconds(60), seconds(10), 5000}, clock_);
  constexpr int kThreads = 4;
  std::latch start(kThreads);
  std::atomic<int> computations{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < 500; ++i) {
        Result<k8s::UserInfo> r = cache.GetOrCompute("tok" + std::to_string(i), [&] {
          ++computations;
          return TokenCacheComputed{User("x"), std::nullopt, true};
        });
        ASSERT_TRUE(r.has_value());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  TokenCacheStats s = cache.stats();
  EXPECT_EQ(s.entries, 500u);
  EXPECT_EQ(computations.load(), 500);  // every token computed exactly once
  EXPECT_EQ(s.hits + s.misses + s.coalesced, 2000u);
}

// A JWS is keyed by its signature; the claims must match byte for byte, so the same signature
// replayed under other claims is another token.
TEST_F(TokenCacheTest, JwsKeyHitsOnlyForTheSameTokenBytes) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  const std::string token = "aGVhZA.Y2xhaW1z.c2ln";
  const std::string forged = "aGVhZA.b3RoZXI.c2ln";  // other claims, same signature
  EXPECT_EQ(cache.GetOrCompute(KeyOfJws(token), Success())->username, "u1");
  EXPECT_EQ(cache.Lookup(KeyOfJws(token))->value().username, "u1");
  EXPECT_FALSE(cache.Lookup(KeyOfJws(forged)).has_value());
  EXPECT_EQ(cache.GetOrCompute(KeyOfJws(forged), Failure(jwt::JwtError::kBadSignature, true))
                .error()
                .code,
            jwt::JwtError::kBadSignature);
  EXPECT_EQ(calls_, 2);
  // The forged token's refusal replaced the entry (one per digest); the real token is verified
  // again, never answered with the forged token's outcome.
  EXPECT_EQ(cache.GetOrCompute(KeyOfJws(token), Success())->username, "u3");
  EXPECT_EQ(cache.GetOrCompute(KeyOfJws(token), Success())->username, "u3");
}

TEST_F(TokenCacheTest, SameDigestOtherClaimsNeverJoinsAnotherFlight) {
  TokenCache cache({seconds(60), seconds(10), 100}, clock_);
  const std::string token = "aGVhZA.Y2xhaW1z.c2ln";
  const std::string forged = "aGVhZA.b3RoZXI.c2ln";
  std::latch in_flight(1);
  std::latch release(1);
  std::string first;
  std::thread leader([&] {
    Result<k8s::UserInfo> r = cache.GetOrCompute(KeyOfJws(token), [&] {
      in_flight.count_down();
      release.wait();
      return TokenCacheComputed{User("real"), std::nullopt, true};
    });
    first = r ? r->username : std::string(r.error().code.wire());
  });
  in_flight.wait();
  Result<k8s::UserInfo> second = cache.GetOrCompute(KeyOfJws(forged), [] {
    return TokenCacheComputed{MakeError(jwt::JwtError::kBadSignature, "m"), std::nullopt, false};
  });
  release.count_down();
  leader.join();
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, jwt::JwtError::kBadSignature);
  EXPECT_EQ(first, "real");
  EXPECT_EQ(cache.stats().coalesced, 0u);
  EXPECT_EQ(cache.Lookup(KeyOfJws(token))->value().username, "real");
}

}  // namespace
}  // namespace gatehouse::authn
