#include "adapters/oidc/oidc_authenticator.h"

#include <gtest/gtest.h>

#include "adapters/oidc/oidc_provider_errors.h"
#include "authn/jwt/jwt_errors.h"
#include "common/codec/base64.h"
#include "fake_oidc_http.h"
#include "oidc_test_support.h"

namespace gatehouse::adapters {
namespace {

using testing::kAudience;
using testing::kIssuer;
using Strings = std::vector<std::string>;

class OidcAuthenticatorTest : public ::testing::Test {
 protected:
  OidcAuthenticatorTest() : http_(std::make_shared<testing::FakeOidcHttp>(kIssuer)) {
    http_->SetJwks(testing::JwksOf(testing::KeyA(), "a"));
    JwksCacheOptions cache_options;
    cache_options.issuer = kIssuer;
    keys_ = std::make_shared<JwksCache>(cache_options, http_, clock_);
  }

  std::unique_ptr<OidcAuthenticator> Make(std::size_t max_entries = 100) {
    OidcAuthenticatorOptions options;
    options.verify.issuer = kIssuer;
    options.verify.audiences = {"other-client", kAudience};
    options.mapping.username_claim = "preferred_username";
    options.mapping.username_prefix = "oidc:";
    options.mapping.groups_claim = "groups";
    options.mapping.group_path_rule = authn::oidc::GroupPathRule::kLastSegment;
    options.max_entries = max_entries;
    Result<std::unique_ptr<OidcAuthenticator>> created =
        OidcAuthenticator::Create(options, keys_, clock_);
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    return std::move(created).value();
  }

  std::string TokenA() { return testing::Token(testing::KeyA(), "a", testing::BaseClaims(clock_)); }
  std::string KeysUrl() const { return std::string(kIssuer) + "/keys"; }

  ManualClock clock_;
  std::shared_ptr<testing::FakeOidcHttp> http_;
  std::shared_ptr<JwksCache> keys_;
};

TEST_F(OidcAuthenticatorTest, CreateRefusesIncompleteOptions) {
  OidcAuthenticatorOptions options;
  options.verify.issuer = kIssuer;
  EXPECT_EQ(OidcAuthenticator::Create(options, keys_, clock_).error().code,
            OidcProviderError::kInvalidOptions);  // no audience
  options.verify.audiences = {kAudience};
  options.verify.allowed_algs = {"HS256"};
  EXPECT_EQ(OidcAuthenticator::Create(options, keys_, clock_).error().code,
            OidcProviderError::kInvalidOptions);
  options.verify.allowed_algs = {"RS256"};
  EXPECT_FALSE(OidcAuthenticator::Create(options, nullptr, clock_).has_value());
  options.verify.issuer = "https://other.test";
  EXPECT_FALSE(OidcAuthenticator::Create(options, keys_, clock_).has_value());
}

TEST_F(OidcAuthenticatorTest, IssuerUnavailableUntilKeysLoad) {
  auto authenticator = Make();
  const std::string token = TokenA();
  Result<k8s::UserInfo> early = authenticator->Authenticate(token);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, OidcProviderError::kIssuerUnavailable);
  EXPECT_FALSE(authenticator->ready());
  ASSERT_TRUE(keys_->Refresh());
  // Not cached: the same token works as soon as the keys are there.
  Result<k8s::UserInfo> user = authenticator->Authenticate(token);
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_TRUE(authenticator->ready());
}

TEST_F(OidcAuthenticatorTest, ValidTokenIsMapped) {
  ASSERT_TRUE(keys_->Refresh());
  auto authenticator = Make();
  Result<k8s::UserInfo> user = authenticator->Authenticate(TokenA());
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->username, "oidc:alice");
  EXPECT_EQ(user->groups, (Strings{"team-dev", "team-demo"}));
  ASSERT_NE(user->FindExtra(authn::oidc::kOidcExtraIssuer), nullptr);
  EXPECT_EQ(*user->FindExtra(authn::oidc::kOidcExtraIssuer), Strings{kIssuer});
  EXPECT_EQ(*user->FindExtra(authn::oidc::kOidcExtraSubject), Strings{"user-1"});
}

TEST_F(OidcAuthenticatorTest, SuccessIsCachedButNotPastExpiry) {
  ASSERT_TRUE(keys_->Refresh());
  auto authenticator = Make();
  const std::string token =
      testing::Token(testing::KeyA(), "a", testing::BaseClaims(clock_, std::chrono::seconds(30)));
  ASSERT_TRUE(authenticator->Authenticate(token).has_value());
  ASSERT_TRUE(authenticator->Authenticate(token).has_value());
  EXPECT_EQ(authenticator->stats().verified, 1u);
  EXPECT_EQ(authenticator->stats().cache.hits, 1u);
  clock_.Advance(std::chrono::seconds(31 + 60));  // past exp and the default clock skew
  Result<k8s::UserInfo> expired = authenticator->Authenticate(token);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, authn::jwt::JwtError::kExpired);
}

TEST_F(OidcAuthenticatorTest, RefusesWrongAudienceIssuerAndTamperedTokens) {
  ASSERT_TRUE(keys_->Refresh());
  auto authenticator = Make();
  value::Value claims = testing::BaseClaims(clock_);
  claims.Set("aud", "someone-else");
  Result<k8s::UserInfo> audience =
      authenticator->Authenticate(testing::Token(testing::KeyA(), "a", claims));
  ASSERT_FALSE(audience.has_value());
  EXPECT_EQ(audience.error().code, authn::jwt::JwtError::kAudienceNotAllowed);

  claims = testing::BaseClaims(clock_);
  claims.Set("iss", "https://sso.test/realms/other");
  Result<k8s::UserInfo> issuer =
      authenticator->Authenticate(testing::Token(testing::KeyA(), "a", claims));
  ASSERT_FALSE(issuer.has_value());
  EXPECT_EQ(issuer.error().code, authn::jwt::JwtError::kIssuerMismatch);

  // Same signature, different claims: the username is swapped for "admin".
  const std::string good = TokenA();
  claims = testing::BaseClaims(clock_);
  claims.Set("preferred_username", "admin");
  const std::string forged_payload = codec::EncodeBase64Url(value::ToJson(claims));
  const std::size_t dot1 = good.find('.');
  const std::size_t dot2 = good.find('.', dot1 + 1);
  const std::string tampered = good.substr(0, dot1 + 1) + forged_payload + good.substr(dot2);
  Result<k8s::UserInfo> refused = authenticator->Authenticate(tampered);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, authn::jwt::JwtError::kBadSignature);
  EXPECT_EQ(refused.error().message.find(tampered), std::string::npos);

  // A key the issuer never published, under its kid.
  Result<k8s::UserInfo> wrong_key = authenticator->Authenticate(
      testing::Token(testing::KeyB(), "a", testing::BaseClaims(clock_)));
  ASSERT_FALSE(wrong_key.has_value());
  EXPECT_EQ(wrong_key.error().code, authn::jwt::JwtError::kBadSignature);
}

TEST_F(OidcAuthenticatorTest, RotationIsFollowedWithOneRefresh) {
  ASSERT_TRUE(keys_->Refresh());
  auto authenticator = Make();
  ASSERT_TRUE(authenticator->Authenticate(TokenA()).has_value());
  EXPECT_EQ(http_->Requests(KeysUrl()), 1);
  // The provider rotates to key b.
  http_->SetJwks(testing::JwksOf(testing::KeyB(), "b"));
  const std::string token_b = testing::Token(testing::KeyB(), "b", testing::BaseClaims(clock_));
  Result<k8s::UserInfo> user = authenticator->Authenticate(token_b);
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(http_->Requests(KeysUrl()), 2);
  EXPECT_EQ(authenticator->stats().unknown_kid_retries, 1u);
}

TEST_F(OidcAuthenticatorTest, UnknownKidFloodIsRateLimitedAndNotCached) {
  ASSERT_TRUE(keys_->Refresh());
  auto authenticator = Make();
  for (int i = 0; i < 5; ++i) {
    const std::string forged =
        testing::Token(testing::KeyB(), "forged-" + std::to_string(i), testing::BaseClaims(clock_));
    Result<k8s::UserInfo> refused = authenticator->Authenticate(forged);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, authn::jwt::JwtError::kUnknownKid);
  }
  EXPECT_EQ(http_->Requests(KeysUrl()), 2);  // start-up + one on-demand refresh
  // Later the provider publishes kid "late": after the interval the token verifies, since the
  // earlier refusal was not cached.
  const std::string late =
      testing::Token(testing::KeyB(), "late", testing::BaseClaims(clock_, std::chrono::hours(1)));
  EXPECT_FALSE(authenticator->Authenticate(late).has_value());
  http_->SetJwks(
      testing::signer::JwksJson({testing::signer::PublicJwk(testing::KeyB(), "late", "RS256")}));
  clock_.Advance(std::chrono::seconds(11));
  EXPECT_TRUE(authenticator->Authenticate(late).has_value());
}

TEST_F(OidcAuthenticatorTest, CachedKeysKeepWorkingWhenProviderIsDown) {
  ASSERT_TRUE(keys_->Refresh());
  auto authenticator = Make(/*max_entries=*/0);  // every call verifies again
  http_->SetDown(true);
  EXPECT_FALSE(keys_->Refresh());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(authenticator->Authenticate(TokenA()).has_value());
  }
  EXPECT_EQ(authenticator->stats().verified, 3u);
}

TEST_F(OidcAuthenticatorTest, RequiredClaimsAreEnforced) {
  ASSERT_TRUE(keys_->Refresh());
  OidcAuthenticatorOptions options;
  options.verify.issuer = kIssuer;
  options.verify.audiences = {kAudience};
  options.verify.required_claims = {{"tenant", "demo"}};
  auto authenticator = std::move(OidcAuthenticator::Create(options, keys_, clock_)).value();
  Result<k8s::UserInfo> missing = authenticator->Authenticate(TokenA());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, authn::jwt::JwtError::kMissingClaim);
  value::Value claims = testing::BaseClaims(clock_);
  claims.Set("tenant", "demo");
  Result<k8s::UserInfo> user =
      authenticator->Authenticate(testing::Token(testing::KeyA(), "a", claims));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->username, std::string(kIssuer) + "#user-1");  // kube-apiserver default
}

}  // namespace
}  // namespace gatehouse::adapters
