#include "authn/oidc/device_flow.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "authn/oidc/oauth_errors.h"
#include "authn/oidc/oidc_errors.h"
#include "common/codec/base64.h"

namespace gatehouse::authn::oidc {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

OidcEndpoints Endpoints() { return {"https://idp.test/device", "https://idp.test/token"}; }

OidcClient PublicClient() {
  return {"https://idp.test", "kubectl", "", {"openid", "offline_access"}};
}

std::string Jwt(const std::string& payload) {
  return codec::EncodeBase64Url(R"({"alg":"RS256"})") + "." + codec::EncodeBase64Url(payload) +
         ".c2ln";
}

TEST(FormEncodeTest, EscapesReservedBytesAndSpaces) {
  EXPECT_EQ(FormEncode({{"a b", "x&y=z/+~"}, {"k", "é"}}), "a+b=x%26y%3Dz%2F%2B%7E&k=%C3%A9");
  EXPECT_EQ(FormEncode({}), "");
}

TEST(NormalizeScopesTest, SplitsSpaceListsAndDropsRepeats) {
  EXPECT_EQ(NormalizeScopes({"openid offline_access", "email", "openid", "  groups  "}),
            (std::vector<std::string>{"openid", "offline_access", "email", "groups"}));
  EXPECT_TRUE(NormalizeScopes({"", " "}).empty());
}

TEST(DiscoveryTest, BuildsWellKnownUrl) {
  EXPECT_EQ(*BuildDiscoveryUrl("https://idp.test/realms/demo"),
            "https://idp.test/realms/demo/.well-known/openid-configuration");
  EXPECT_EQ(*BuildDiscoveryUrl("https://idp.test/"),
            "https://idp.test/.well-known/openid-configuration");
  EXPECT_FALSE(BuildDiscoveryUrl("idp.test"));
  EXPECT_FALSE(BuildDiscoveryUrl("https://idp.test/?x=1"));
}

TEST(DiscoveryTest, ParsesEndpointsAndChecksIssuer) {
  const std::string doc = R"({"issuer":"https://idp.test","token_endpoint":"https://idp.test/t",)"
                          R"("device_authorization_endpoint":"https://idp.test/d"})";
  Result<OidcEndpoints> e = ParseDiscoveryDocument(200, doc, "https://idp.test");
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->token_endpoint, "https://idp.test/t");
  EXPECT_EQ(e->device_authorization_endpoint, "https://idp.test/d");

  Result<OidcEndpoints> other = ParseDiscoveryDocument(200, doc, "https://idp.test/");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, OidcError::kDiscovery);
  EXPECT_FALSE(ParseDiscoveryDocument(404, doc, "https://idp.test"));
  EXPECT_FALSE(ParseDiscoveryDocument(200, R"({"issuer":"https://idp.test"})", "https://idp.test"));
  EXPECT_FALSE(ParseDiscoveryDocument(200, "not json", "https://idp.test"));
  // No device endpoint is not an error here: a cached refresh token may still work.
  Result<OidcEndpoints> no_device = ParseDiscoveryDocument(
      200, R"({"issuer":"https://idp.test","token_endpoint":"https://idp.test/t"})",
      "https://idp.test");
  ASSERT_TRUE(no_device);
  EXPECT_EQ(no_device->device_authorization_endpoint, "");
}

TEST(RequestTest, PublicClientSendsClientIdInBody) {
  FormRequest r = BuildDeviceAuthorizationRequest(Endpoints(), PublicClient());
  EXPECT_EQ(r.url, "https://idp.test/device");
  EXPECT_EQ(r.body, "scope=openid+offline_access&client_id=kubectl");
  EXPECT_EQ(r.authorization, "");

  FormRequest poll = BuildDeviceTokenRequest(Endpoints(), PublicClient(), "dc/1");
  EXPECT_EQ(poll.url, "https://idp.test/token");
  EXPECT_EQ(poll.body,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dc%2F1&"
            "client_id=kubectl");

  FormRequest refresh = BuildRefreshRequest(Endpoints(), PublicClient(), "rt");
  EXPECT_EQ(refresh.body, "grant_type=refresh_token&refresh_token=rt&client_id=kubectl");
}

TEST(RequestTest, ConfidentialClientUsesBasicAuthWithFormEncodedParts) {
  OidcClient c = PublicClient();
  c.client_id = "kube dev";
  c.client_secret = "s:e";
  FormRequest r = BuildRefreshRequest(Endpoints(), c, "rt");
  EXPECT_EQ(r.body, "grant_type=refresh_token&refresh_token=rt");
  // base64("kube+dev:s%3Ae")
  EXPECT_EQ(r.authorization, "Basic a3ViZStkZXY6cyUzQWU=");
}

TEST(DeviceAuthorizationTest, ParsesAnswer) {
  Result<DeviceAuthorization> d = ParseDeviceAuthorizationResponse(
      200,
      R"({"device_code":"dc","user_code":"ABCD-EFGH","verification_uri":"https://idp.test/device",)"
      R"("verification_uri_complete":"https://idp.test/device?user_code=ABCD-EFGH",)"
      R"("expires_in":600,"interval":2})");
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->device_code, "dc");
  EXPECT_EQ(d->user_code, "ABCD-EFGH");
  EXPECT_EQ(d->verification_uri_complete, "https://idp.test/device?user_code=ABCD-EFGH");
  EXPECT_EQ(d->expires_in, seconds(600));
  EXPECT_EQ(d->interval, seconds(2));
}

TEST(DeviceAuthorizationTest, DefaultsIntervalToFiveSeconds) {
  Result<DeviceAuthorization> d = ParseDeviceAuthorizationResponse(
      200,
      R"({"device_code":"dc","user_code":"U","verification_uri":"https://i/d","expires_in":"30"})");
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->interval, seconds(5));
  EXPECT_EQ(d->expires_in, seconds(30));
}

TEST(DeviceAuthorizationTest, RejectsIncompleteAnswersAndReportsOAuthErrors) {
  EXPECT_EQ(
      ParseDeviceAuthorizationResponse(200, R"({"device_code":"dc","user_code":"U"})").error().code,
      OidcError::kResponse);
  Result<DeviceAuthorization> e = ParseDeviceAuthorizationResponse(
      401, R"({"error":"invalid_client","error_description":"no such client"})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, OAuthError::kInvalidClient);
  EXPECT_NE(e.error().message.find("no such client"), std::string::npos);
  EXPECT_EQ(ParseDeviceAuthorizationResponse(500, "<html>").error().code, OidcError::kResponse);
}

TEST(TokenResponseTest, ParsesTokens) {
  Result<TokenSet> t = ParseTokenResponse(
      200, R"({"access_token":"at","id_token":"it","refresh_token":"rt","token_type":"bearer",)"
           R"("expires_in":300})");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->access_token, "at");
  EXPECT_EQ(t->id_token, "it");
  EXPECT_EQ(t->refresh_token, "rt");
  EXPECT_EQ(t->expires_in, seconds(300));
  EXPECT_FALSE(ParseTokenResponse(200, R"({"access_token":"at","token_type":"mac"})"));
  EXPECT_FALSE(ParseTokenResponse(200, R"({"token_type":"Bearer"})"));
}

TEST(TokenResponseTest, ErrorsCarryTheOAuthCodeButNotTheBody) {
  Result<TokenSet> pending = ParseTokenResponse(400, R"({"error":"authorization_pending"})");
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, OAuthError::kAuthorizationPending);
  Result<TokenSet> weird = ParseTokenResponse(400, R"({"error":"Bad Code!","access_token":"x"})");
  ASSERT_FALSE(weird);
  EXPECT_EQ(weird.error().code, OidcError::kResponse);
  Result<TokenSet> desc =
      ParseTokenResponse(400, "{\"error\":\"invalid_grant\",\"error_description\":\"a\\u001bb\"}");
  ASSERT_FALSE(desc);
  EXPECT_EQ(desc.error().code, OAuthError::kInvalidGrant);
  EXPECT_NE(desc.error().message.find("(a?b)"), std::string::npos) << desc.error().message;
}

TEST(DecidePollTest, FollowsRfc8628) {
  const system_clock::time_point now = system_clock::time_point(seconds(1000));
  const system_clock::time_point deadline = now + seconds(60);
  auto decide = [&](int status, const std::string& body, system_clock::time_point at) {
    return DecidePoll(ParseTokenResponse(status, body), seconds(5), at, deadline);
  };
  using A = PollDecision::Action;
  EXPECT_EQ(decide(200, R"({"access_token":"a","token_type":"Bearer"})", now).action, A::kDone);

  PollDecision pending = decide(400, R"({"error":"authorization_pending"})", now);
  EXPECT_EQ(pending.action, A::kWait);
  EXPECT_EQ(pending.interval, seconds(5));

  PollDecision slow = decide(400, R"({"error":"slow_down"})", now);
  EXPECT_EQ(slow.action, A::kWait);
  EXPECT_EQ(slow.interval, seconds(10));

  PollDecision late = decide(400, R"({"error":"authorization_pending"})", deadline - seconds(4));
  EXPECT_EQ(late.action, A::kFail);
  EXPECT_NE(late.message.find("expired"), std::string::npos);

  PollDecision expired = decide(400, R"({"error":"expired_token"})", now);
  EXPECT_EQ(expired.action, A::kFail);
  EXPECT_NE(expired.message.find("expired"), std::string::npos);

  PollDecision denied = decide(400, R"({"error":"access_denied"})", now);
  EXPECT_EQ(denied.action, A::kFail);
  EXPECT_NE(denied.message.find("denied"), std::string::npos);

  EXPECT_EQ(decide(401, R"({"error":"invalid_client"})", now).action, A::kFail);
}

TEST(JwtExpiryTest, ReadsExpWithoutVerifying) {
  Result<system_clock::time_point> exp = ParseJwtExpiry(Jwt(R"({"iss":"x","exp":1700000000})"));
  ASSERT_TRUE(exp) << exp.error().ToString();
  EXPECT_EQ(*exp, system_clock::time_point(seconds(1700000000)));
  EXPECT_FALSE(ParseJwtExpiry(Jwt(R"({"iss":"x"})")));
  EXPECT_FALSE(ParseJwtExpiry(Jwt(R"({"exp":"soon"})")));
  EXPECT_FALSE(ParseJwtExpiry("a.b"));
  EXPECT_FALSE(ParseJwtExpiry("a.b.c.d"));
  EXPECT_FALSE(ParseJwtExpiry("a.!!!.c"));
}

TEST(ChooseTokenTest, PrefersIdTokenExpClaimThenExpiresIn) {
  const system_clock::time_point now = system_clock::time_point(seconds(1000));
  TokenSet t{Jwt(R"({"exp":5000})"), "at", "rt", seconds(300)};
  Result<ChosenToken> id = ChooseToken(t, true, now);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->token, t.id_token);
  EXPECT_EQ(id->expiry, system_clock::time_point(seconds(5000)));

  Result<ChosenToken> at = ChooseToken(t, false, now);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->token, "at");
  EXPECT_EQ(at->expiry, now + seconds(300));

  t.id_token = "opaque";
  EXPECT_EQ(ChooseToken(t, true, now)->expiry, now + seconds(300));
  t.expires_in.reset();
  EXPECT_FALSE(ChooseToken(t, true, now)->expiry.has_value());
  t.id_token.clear();
  EXPECT_FALSE(ChooseToken(t, true, now));
}

TEST(TokenSetTest, RoundTripsAndMergesRefresh) {
  TokenSet t{"it", "at", "rt", seconds(60)};
  Result<TokenSet> back = ParseTokenSet(EncodeTokenSet(t));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id_token, "it");
  EXPECT_EQ(back->access_token, "at");
  EXPECT_EQ(back->refresh_token, "rt");
  EXPECT_EQ(back->expires_in, seconds(60));
  EXPECT_FALSE(ParseTokenSet("{}"));
  EXPECT_FALSE(ParseTokenSet("[]"));

  TokenSet merged = MergeRefreshed(t, TokenSet{"", "at2", "", std::nullopt});
  EXPECT_EQ(merged.refresh_token, "rt");
  EXPECT_EQ(merged.access_token, "at2");
  EXPECT_EQ(merged.id_token, "");  // the old ID token is expired: never reused
  EXPECT_EQ(MergeRefreshed(t, TokenSet{"", "at2", "rt2", std::nullopt}).refresh_token, "rt2");
}

TEST(CacheKeyTest, DependsOnIdentityNotSecret) {
  OidcClient a = PublicClient();
  OidcClient b = a;
  b.client_secret = "secret";
  EXPECT_EQ(OidcCredentialCacheKey(a), OidcCredentialCacheKey(b));
  EXPECT_EQ(OidcCredentialCacheKey(a).size(), 64u);
  OidcClient c = a;
  c.scopes.push_back("email");
  EXPECT_NE(OidcCredentialCacheKey(a), OidcCredentialCacheKey(c));
  OidcClient d = a;
  d.client_id = "other";
  EXPECT_NE(OidcCredentialCacheKey(a), OidcCredentialCacheKey(d));
}

}  // namespace
}  // namespace gatehouse::authn::oidc
