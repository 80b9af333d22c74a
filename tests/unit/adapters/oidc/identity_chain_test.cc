#include "adapters/identity/identity_chain.h"

#include <gtest/gtest.h>

#include <optional>

#include "adapters/identity/identity_errors.h"
#include "authn/jwt/jwt_errors.h"
#include "common/codec/base64.h"

namespace gatehouse::adapters {
namespace {

// Records calls and answers with a user named after itself.
class Recorder final : public authn::TokenAuthenticator {
 public:
  explicit Recorder(std::string name) : name_(std::move(name)) {}
  Result<k8s::UserInfo> AuthenticateWithin(
      std::string_view token, std::chrono::steady_clock::time_point deadline) override {
    last_deadline = deadline;
    return Authenticate(token);
  }
  Result<k8s::UserInfo> Authenticate(std::string_view) override {
    ++calls;
    k8s::UserInfo user;
    user.username = name_;
    return user;
  }
  std::optional<Result<k8s::UserInfo>> FindCached(const authn::TokenKey& key) override {
    ++cache_lookups;
    if (cached_token && authn::KeyOfJws(*cached_token).digest == key.digest &&
        authn::KeyOfJws(*cached_token).visible_part == key.visible_part) {
      k8s::UserInfo user;
      user.username = name_ + "-cached";
      return Result<k8s::UserInfo>(user);
    }
    return std::nullopt;
  }
  int calls = 0;
  int cache_lookups = 0;
  std::optional<std::string> cached_token;
  std::chrono::steady_clock::time_point last_deadline{};

 private:
  std::string name_;
};

std::string UnsignedJws(const std::string& header_json, const std::string& claims_json) {
  return codec::EncodeBase64Url(header_json) + "." + codec::EncodeBase64Url(claims_json) + "." +
         codec::EncodeBase64Url("sig");
}

class IdentityChainTest : public ::testing::Test {
 protected:
  std::shared_ptr<Recorder> demo_ = std::make_shared<Recorder>("demo");
  std::shared_ptr<Recorder> other_ = std::make_shared<Recorder>("other");
  std::shared_ptr<Recorder> keystone_ = std::make_shared<Recorder>("keystone");
  IdentityChain chain_{
      {{"https://sso.test/realms/demo", demo_}, {"https://sso.test/realms/other", other_}},
      keystone_};
};

TEST_F(IdentityChainTest, JwsGoesToItsIssuer) {
  const std::string token = UnsignedJws(R"({"alg":"RS256","kid":"k"})",
                                        R"({"iss":"https://sso.test/realms/other","sub":"x"})");
  Result<k8s::UserInfo> user = chain_.Authenticate(token);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->username, "other");
  EXPECT_EQ(demo_->calls + keystone_->calls, 0);
}

TEST_F(IdentityChainTest, RepeatedJwsIsAnsweredFromItsIssuersCacheBeforeParsing) {
  const std::string token = UnsignedJws(R"({"alg":"RS256","kid":"k"})",
                                        R"({"iss":"https://sso.test/realms/other","sub":"x"})");
  other_->cached_token = token;
  Result<k8s::UserInfo> user = chain_.Authenticate(token);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->username, "other-cached");
  EXPECT_EQ(demo_->calls + other_->calls + keystone_->calls, 0);

  // Another token misses every cache and is routed (and verified) as usual.
  const std::string fresh = UnsignedJws(R"({"alg":"RS256","kid":"k"})",
                                        R"({"iss":"https://sso.test/realms/other","sub":"y"})");
  user = chain_.Authenticate(fresh);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->username, "other");
  EXPECT_EQ(other_->calls, 1);
}

TEST_F(IdentityChainTest, TokensWithoutDotsNeverTouchTheIssuerCaches) {
  ASSERT_TRUE(chain_.Authenticate("gAAAAABfernet-token").has_value());
  EXPECT_EQ(demo_->cache_lookups + other_->cache_lookups, 0);
  EXPECT_EQ(keystone_->calls, 1);
}

TEST_F(IdentityChainTest, UnknownIssuerIsRefusedWithoutAskingAnyone) {
  for (const char* iss :
       {"https://evil.test", "https://sso.test/realms/demo/", "HTTPS://sso.test/realms/demo"}) {
    const std::string token =
        UnsignedJws(R"({"alg":"RS256"})", std::string(R"({"iss":")") + iss + R"("})");
    Result<k8s::UserInfo> refused = chain_.Authenticate(token);
    ASSERT_FALSE(refused.has_value()) << iss;
    EXPECT_EQ(refused.error().code, IdentityError::kUnknownIssuer);
    EXPECT_EQ(refused.error().message.find(iss), std::string::npos);
  }
  EXPECT_EQ(demo_->calls + other_->calls + keystone_->calls, 0);
}

TEST_F(IdentityChainTest, OtherTokensGoToKeystone) {
  ASSERT_EQ(chain_.Authenticate("gAAAAABfernet-token_value")->username, "keystone");
  // A JWS without iss (Keystone's JWS token provider issues those).
  ASSERT_EQ(chain_.Authenticate(UnsignedJws(R"({"alg":"ES256"})", R"({"sub":"x"})"))->username,
            "keystone");
  EXPECT_EQ(keystone_->calls, 2);
  EXPECT_EQ(demo_->calls + other_->calls, 0);
}

TEST_F(IdentityChainTest, MalformedOrAlgNoneJwsIsRefused) {
  Result<k8s::UserInfo> none = chain_.Authenticate(
      UnsignedJws(R"({"alg":"none"})", R"({"iss":"https://sso.test/realms/demo"})"));
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, authn::jwt::JwtError::kAlgNone);
  Result<k8s::UserInfo> hmac = chain_.Authenticate(
      UnsignedJws(R"({"alg":"HS256"})", R"({"iss":"https://sso.test/realms/demo"})"));
  ASSERT_FALSE(hmac.has_value());
  EXPECT_EQ(hmac.error().code, authn::jwt::JwtError::kAlgNotAllowed);
  EXPECT_EQ(demo_->calls + other_->calls + keystone_->calls, 0);
}

TEST_F(IdentityChainTest, DeadlineIsPassedToTheChosenSource) {
  const auto deadline = std::chrono::steady_clock::time_point(std::chrono::seconds(42));
  ASSERT_TRUE(chain_.AuthenticateWithin("opaque", deadline).has_value());
  EXPECT_EQ(keystone_->last_deadline, deadline);
  const std::string token =
      UnsignedJws(R"({"alg":"RS256"})", R"({"iss":"https://sso.test/realms/demo"})");
  ASSERT_EQ(chain_.AuthenticateWithin(token, deadline)->username, "demo");
  EXPECT_EQ(demo_->last_deadline, deadline);
}

TEST(IdentityChainAloneTest, WithoutIssuersEverythingGoesToKeystone) {
  auto keystone = std::make_shared<Recorder>("keystone");
  IdentityChain chain({}, keystone);
  const std::string token =
      UnsignedJws(R"({"alg":"RS256"})", R"({"iss":"https://sso.test/realms/demo"})");
  EXPECT_EQ(chain.Authenticate(token)->username, "keystone");
}

TEST(IdentityChainAloneTest, WithoutKeystoneOtherTokensAreRefused) {
  auto demo = std::make_shared<Recorder>("demo");
  IdentityChain chain({{"https://sso.test/realms/demo", demo}}, nullptr);
  Result<k8s::UserInfo> refused = chain.Authenticate("opaque-token");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, IdentityError::kNoIdentitySource);
  EXPECT_EQ(demo->calls, 0);
}

}  // namespace
}  // namespace gatehouse::adapters
