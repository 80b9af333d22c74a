#include "adapters/oidc/jwks_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/oidc/discovery.h"
#include "adapters/oidc/oidc_provider_errors.h"
#include "fake_oidc_http.h"
#include "oidc_test_support.h"

namespace gatehouse::adapters {
namespace {

using testing::kIssuer;

class JwksCacheTest : public ::testing::Test {
 protected:
  JwksCacheTest() : http_(std::make_shared<testing::FakeOidcHttp>(kIssuer)) {
    http_->SetJwks(testing::JwksOf(testing::KeyA(), "a"));
  }
  std::unique_ptr<JwksCache> Make(JwksCacheOptions options = {}) {
    options.issuer = kIssuer;
    return std::make_unique<JwksCache>(options, http_, clock_, &metrics_);
  }
  double Refreshes(const std::string& outcome) {
    return metrics_
        .AddCounter("gatehouse_jwks_refreshes_total", "JWKS refreshes of OIDC issuers, by outcome.",
                    {{"issuer", kIssuer}, {"outcome", outcome}})
        .Value();
  }

  ManualClock clock_;
  MetricsRegistry metrics_;
  std::shared_ptr<testing::FakeOidcHttp> http_;
};

TEST_F(JwksCacheTest, NotReadyUntilFirstRefresh) {
  auto cache = Make();
  EXPECT_FALSE(cache->ready());
  EXPECT_EQ(cache->Current(), nullptr);
  ASSERT_TRUE(cache->Refresh());
  ASSERT_TRUE(cache->ready());
  EXPECT_EQ(cache->Current()->FindByKid("a").size(), 1u);
  EXPECT_EQ(Refreshes("success"), 1);
  EXPECT_EQ(cache->stats().refreshes, 1u);
  EXPECT_EQ(http_->Requests(DiscoveryUrl(kIssuer)), 1);
}

TEST_F(JwksCacheTest, FailureKeepsPreviousKeysAndIsCounted) {
  auto cache = Make();
  ASSERT_TRUE(cache->Refresh());
  auto before = cache->Current();
  http_->SetDown(true);
  Status failed = cache->Refresh();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, OidcProviderError::kJwksFetchFailed);
  EXPECT_EQ(cache->Current(), before);
  EXPECT_EQ(Refreshes("failure"), 1);
  EXPECT_EQ(cache->stats().failures, 1u);
  EXPECT_FALSE(cache->stats().last_error.empty());
  // A broken key set is a failure too, and the old keys stay.
  http_->SetDown(false);
  http_->SetJwks(R"({"keys":"nope"})");
  EXPECT_FALSE(cache->Refresh());
  EXPECT_EQ(cache->Current(), before);
  EXPECT_EQ(Refreshes("failure"), 2);
}

TEST_F(JwksCacheTest, RediscoversAfterAFailedFetchOnly) {
  auto cache = Make();
  ASSERT_TRUE(cache->Refresh());
  ASSERT_TRUE(cache->Refresh());
  EXPECT_EQ(http_->Requests(DiscoveryUrl(kIssuer)), 1);  // jwks_uri remembered
  http_->SetDiscovery(kIssuer, std::string(kIssuer) + "/keys2");
  http_->Set(std::string(kIssuer) + "/keys2", testing::JwksOf(testing::KeyB(), "b"));
  http_->Set(std::string(kIssuer) + "/keys", "");  // empty body: unusable
  http_->SetDown(true);
  EXPECT_FALSE(cache->Refresh());
  http_->SetDown(false);
  ASSERT_TRUE(cache->Refresh());
  EXPECT_EQ(http_->Requests(DiscoveryUrl(kIssuer)), 2);
  EXPECT_EQ(cache->Current()->FindByKid("b").size(), 1u);
}

TEST_F(JwksCacheTest, DiscoveryIssuerMismatchIsNotReady) {
  http_->SetDiscovery("https://evil.test", std::string(kIssuer) + "/keys");
  auto cache = Make();
  Status failed = cache->Refresh();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, OidcProviderError::kDiscoveryIssuerMismatch);
  EXPECT_FALSE(cache->ready());
}

TEST_F(JwksCacheTest, UnknownKidRefreshIsRateLimited) {
  JwksCacheOptions options;
  options.min_unknown_kid_interval = std::chrono::seconds(10);
  auto cache = Make(options);
  ASSERT_TRUE(cache->Refresh());
  const std::string keys_url = std::string(kIssuer) + "/keys";
  http_->SetJwks(testing::JwksOf(testing::KeyB(), "b"));
  auto seen = cache->Current();
  EXPECT_TRUE(cache->RefreshForUnknownKid(seen));  // the first one always goes out
  EXPECT_EQ(http_->Requests(keys_url), 2);
  auto after = cache->Current();
  EXPECT_EQ(after->FindByKid("b").size(), 1u);
  // A caller that checked the old set learns that a newer one exists, without a fetch.
  EXPECT_TRUE(cache->RefreshForUnknownKid(seen));
  EXPECT_EQ(http_->Requests(keys_url), 2);
  // Forged kids against the current set: no fetch within the interval.
  EXPECT_FALSE(cache->RefreshForUnknownKid(after));
  clock_.Advance(std::chrono::seconds(9));
  EXPECT_FALSE(cache->RefreshForUnknownKid(after));
  EXPECT_EQ(http_->Requests(keys_url), 2);
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_TRUE(cache->RefreshForUnknownKid(after));
  EXPECT_EQ(http_->Requests(keys_url), 3);
}

TEST_F(JwksCacheTest, StaticFileIsReadOnEveryRefresh) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("gatehouse-jwks-" + std::to_string(::getpid()));
  { std::ofstream(file) << testing::JwksOf(testing::KeyA(), "a"); }
  JwksCacheOptions options;
  options.issuer = kIssuer;
  options.jwks_file = file.string();
  JwksCache cache(options, nullptr, clock_);
  ASSERT_TRUE(cache.Refresh());
  EXPECT_EQ(cache.Current()->FindByKid("a").size(), 1u);
  { std::ofstream(file) << testing::JwksOf(testing::KeyB(), "b"); }
  ASSERT_TRUE(cache.Refresh());
  EXPECT_EQ(cache.Current()->FindByKid("b").size(), 1u);
  std::filesystem::remove(file);
  Status missing = cache.Refresh();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, OidcProviderError::kJwksUnreadable);
  EXPECT_EQ(cache.Current()->FindByKid("b").size(), 1u);
  EXPECT_EQ(http_->TotalRequests(), 0);
}

}  // namespace
}  // namespace gatehouse::adapters
