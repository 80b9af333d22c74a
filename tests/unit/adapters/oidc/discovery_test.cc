#include "adapters/oidc/discovery.h"

#include <gtest/gtest.h>

#include "adapters/oidc/oidc_provider_errors.h"
#include "fake_oidc_http.h"

namespace gatehouse::adapters {
namespace {

constexpr char kIssuer[] = "https://sso.test/realms/demo";
const std::chrono::milliseconds kTimeout{500};

TEST(DiscoveryTest, UrlIsBelowTheIssuer) {
  EXPECT_EQ(DiscoveryUrl(kIssuer), std::string(kIssuer) + "/.well-known/openid-configuration");
  EXPECT_EQ(DiscoveryUrl("https://a.test/"), "https://a.test/.well-known/openid-configuration");
}

TEST(DiscoveryTest, ReturnsJwksUri) {
  testing::FakeOidcHttp http(kIssuer);
  http.SetDiscovery(kIssuer, "https://sso.test/realms/demo/protocol/openid-connect/certs");
  Result<std::string> uri = DiscoverJwksUri(http, kIssuer, kTimeout);
  ASSERT_TRUE(uri.has_value()) << uri.error().ToString();
  EXPECT_EQ(*uri, "https://sso.test/realms/demo/protocol/openid-connect/certs");
}

TEST(DiscoveryTest, IssuerMustMatchExactly) {
  testing::FakeOidcHttp http(kIssuer);
  http.SetDiscovery(std::string(kIssuer) + "/", "https://sso.test/keys");
  Result<std::string> uri = DiscoverJwksUri(http, kIssuer, kTimeout);
  ASSERT_FALSE(uri.has_value());
  EXPECT_EQ(uri.error().code, OidcProviderError::kDiscoveryIssuerMismatch);
}

TEST(DiscoveryTest, FailuresAreReported) {
  testing::FakeOidcHttp http(kIssuer);
  const std::string url = DiscoveryUrl(kIssuer);
  for (const char* body : {"not json", "[]", R"({"issuer":"https://sso.test/realms/demo"})",
                           R"({"issuer":"https://sso.test/realms/demo","jwks_uri":"file:///x"})"}) {
    http.Set(url, body);
    Result<std::string> uri = DiscoverJwksUri(http, kIssuer, kTimeout);
    ASSERT_FALSE(uri.has_value()) << body;
    EXPECT_EQ(uri.error().code, OidcProviderError::kDiscoveryFailed) << body;
  }
  http.SetDown(true);
  Result<std::string> down = DiscoverJwksUri(http, kIssuer, kTimeout);
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code, OidcProviderError::kDiscoveryFailed);
  http.SetDown(false);
  Result<std::string> missing = DiscoverJwksUri(http, "https://other.test", kTimeout);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("404"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::adapters
