#include "authn/keystone/credential_request.h"

#include <gtest/gtest.h>

#include <set>

#include "authn/keystone/keystone_errors.h"
#include "common/clock.h"
#include "common/codec/rfc3339.h"
#include "value/json.h"

namespace gatehouse::authn {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

KeystoneCredentials PasswordCredentials() {
  KeystoneCredentials c;
  c.auth_url = "http://127.0.0.1:5000/v3";
  c.user_name = "testuser";
  c.user_domain_name = "default";
  c.project_name = "demo";
  c.password = "testpw";
  return c;
}

value::Value ParseBody(const KeystoneTokenRequest& request) {
  Result<value::Value> parsed = value::ParseJson(request.body);
  EXPECT_TRUE(parsed) << request.body;
  return parsed ? *parsed : value::Value();
}

TEST(KeystoneTokenUrlTest, StripsVersionSuffixAndSlashes) {
  EXPECT_EQ(*BuildKeystoneTokenUrl("http://127.0.0.1:5000/v3"),
            "http://127.0.0.1:5000/v3/auth/tokens");
  EXPECT_EQ(*BuildKeystoneTokenUrl("http://127.0.0.1:5000/v3/"),
            "http://127.0.0.1:5000/v3/auth/tokens");
  EXPECT_EQ(*BuildKeystoneTokenUrl("http://127.0.0.1:5000"),
            "http://127.0.0.1:5000/v3/auth/tokens");
  EXPECT_EQ(*BuildKeystoneTokenUrl("https://cloud.example/identity/v2.0"),
            "https://cloud.example/identity/v3/auth/tokens");
  EXPECT_EQ(*BuildKeystoneTokenUrl("https://cloud.example/identity/"),
            "https://cloud.example/identity/v3/auth/tokens");
  // Only a version-shaped last segment is stripped.
  EXPECT_EQ(*BuildKeystoneTokenUrl("https://cloud.example/v3x"),
            "https://cloud.example/v3x/v3/auth/tokens");
  EXPECT_EQ(*BuildKeystoneTokenUrl("HTTPS://cloud.example/v3"),
            "https://cloud.example/v3/auth/tokens");
}

TEST(KeystoneTokenUrlTest, RefusesUnusableUrls) {
  for (const char* url : {"", "127.0.0.1:5000/v3", "ftp://host/v3", "http:///v3",
                          "http://user:pw@host/v3", "http://host/v3?x=1", "http://host/v3#f"}) {
    Result<std::string> built = BuildKeystoneTokenUrl(url);
    ASSERT_FALSE(built) << url;
    EXPECT_EQ(built.error().code, KeystoneError::kInvalidAuthUrl) << url;
  }
  // The user information is not echoed back.
  EXPECT_EQ(BuildKeystoneTokenUrl("http://user:pw@host/v3").error().message.find("pw"),
            std::string::npos);
}

TEST(KeystoneTokenRequestTest, PasswordBodyMatchesGophercloud) {
  Result<KeystoneTokenRequest> request = BuildKeystoneTokenRequest(PasswordCredentials());
  ASSERT_TRUE(request) << request.error().ToString();
  EXPECT_EQ(request->url, "http://127.0.0.1:5000/v3/auth/tokens");
  EXPECT_EQ(request->body,
            R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"testuser",)"
            R"("domain":{"name":"default"},"password":"testpw"}}},"scope":{"project":)"
            R"({"name":"demo","domain":{"name":"default"}}}}})");
}

TEST(KeystoneTokenRequestTest, ProjectDomainAndProjectIdRefineTheScope) {
  KeystoneCredentials c = PasswordCredentials();
  c.project_domain_name = "projects";
  value::Value body = ParseBody(*BuildKeystoneTokenRequest(c));
  const value::Value* project = body.Find("auth")->Find("scope")->Find("project");
  EXPECT_EQ(*project->Find("domain")->Find("name")->AsString(), "projects");
  EXPECT_EQ(*body.Find("auth")
                 ->Find("identity")
                 ->Find("password")
                 ->Find("user")
                 ->Find("domain")
                 ->Find("name")
                 ->AsString(),
            "default");

  c.project_id = "0123abc";
  body = ParseBody(*BuildKeystoneTokenRequest(c));
  project = body.Find("auth")->Find("scope")->Find("project");
  EXPECT_EQ(*project->Find("id")->AsString(), "0123abc");
  EXPECT_EQ(project->Find("name"), nullptr);
  EXPECT_EQ(project->Find("domain"), nullptr);
}

TEST(KeystoneTokenRequestTest, ApplicationCredentialById) {
  KeystoneCredentials c;
  c.auth_url = "http://127.0.0.1:5000";
  c.application_credential_id = "ac-id";
  c.application_credential_secret = "ac-secret";
  c.project_name = "ignored";  // the credential fixes its own scope
  ASSERT_EQ(*SelectKeystoneAuthMethod(c), KeystoneAuthMethod::kApplicationCredentialById);
  Result<KeystoneTokenRequest> request = BuildKeystoneTokenRequest(c);
  ASSERT_TRUE(request) << request.error().ToString();
  EXPECT_EQ(request->body, R"({"auth":{"identity":{"methods":["application_credential"],)"
                           R"("application_credential":{"id":"ac-id","secret":"ac-secret"}}}})");
}

TEST(KeystoneTokenRequestTest, ApplicationCredentialByNameNeedsUser) {
  KeystoneCredentials c;
  c.auth_url = "http://127.0.0.1:5000";
  c.application_credential_name = "kubectl";
  c.application_credential_secret = "ac-secret";
  Result<KeystoneAuthMethod> method = SelectKeystoneAuthMethod(c);
  ASSERT_FALSE(method);
  EXPECT_EQ(method.error().code, KeystoneError::kCredentialIncomplete);
  EXPECT_EQ(method.error().message, "missing user name, user domain name");

  c.user_name = "alice";
  c.user_domain_name = "Default";
  ASSERT_EQ(*SelectKeystoneAuthMethod(c), KeystoneAuthMethod::kApplicationCredentialByName);
  EXPECT_EQ(BuildKeystoneTokenRequest(c)->body,
            R"({"auth":{"identity":{"methods":["application_credential"],)"
            R"("application_credential":{"name":"kubectl","user":{"name":"alice",)"
            R"("domain":{"name":"Default"}},"secret":"ac-secret"}}}})");
}

TEST(KeystoneTokenRequestTest, MissingFieldsAreNamedNotShown) {
  KeystoneCredentials c = PasswordCredentials();
  c.password.clear();
  c.project_name.clear();
  Result<KeystoneTokenRequest> request = BuildKeystoneTokenRequest(c);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, KeystoneError::kCredentialIncomplete);
  EXPECT_EQ(request.error().message, "missing password, project name or id");

  KeystoneCredentials empty;
  EXPECT_EQ(SelectKeystoneAuthMethod(empty).error().message,
            "missing auth URL, user name, domain name, password, project name or id");

  KeystoneCredentials no_secret;
  no_secret.auth_url = "http://k";
  no_secret.application_credential_id = "id";
  EXPECT_EQ(SelectKeystoneAuthMethod(no_secret).error().message,
            "missing application credential secret");
}

TEST(KeystoneTokenRequestTest, SecretsAreEscapedInTheBody) {
  KeystoneCredentials c = PasswordCredentials();
  c.password = "p\"w\\\n";
  value::Value body = ParseBody(*BuildKeystoneTokenRequest(c));
  EXPECT_EQ(*body.Find("auth")
                 ->Find("identity")
                 ->Find("password")
                 ->Find("user")
                 ->Find("password")
                 ->AsString(),
            "p\"w\\\n");
}

constexpr char kTokenBody[] =
    R"({"token":{"methods":["password"],"expires_at":"2015-11-09T01:42:57.527363Z",)"
    R"("user":{"id":"u","name":"testuser"}}})";

TEST(KeystoneTokenResponseTest, ParsesTokenAndExpiry) {
  const std::string header = "0123456789";
  Result<IssuedKeystoneToken> issued = ParseKeystoneTokenResponse(201, &header, kTokenBody);
  ASSERT_TRUE(issued) << issued.error().ToString();
  EXPECT_EQ(issued->token, "0123456789");
  EXPECT_EQ(codec::FormatRfc3339NanoUtc(issued->expires_at), "2015-11-09T01:42:57.527363Z");
  EXPECT_EQ(issued->expires_at.time_since_epoch(),
            seconds(1447033377) + std::chrono::microseconds(527363));
}

TEST(KeystoneTokenResponseTest, UnauthorizedIsItsOwnError) {
  const std::string header = "0123456789";
  Result<IssuedKeystoneToken> issued = ParseKeystoneTokenResponse(
      401, nullptr,
      R"({"error":{"code":401,"message":"The request you have made requires authentication.",)"
      R"("title":"Unauthorized"}})");
  ASSERT_FALSE(issued);
  EXPECT_EQ(issued.error().code, KeystoneError::kUnauthorized);
  EXPECT_EQ(issued.error().message, "Invalid user credentials were provided");
  // 401 wins even when a header came along.
  EXPECT_EQ(ParseKeystoneTokenResponse(401, &header, "").error().code,
            KeystoneError::kUnauthorized);
}

TEST(KeystoneTokenResponseTest, OtherStatusesCarryKeystonesMessage) {
  Result<IssuedKeystoneToken> issued = ParseKeystoneTokenResponse(
      500, nullptr, "{\"error\":{\"code\":500,\"message\":\"database\\u001b[31m is locked\"}}");
  ASSERT_FALSE(issued);
  EXPECT_EQ(issued.error().code, KeystoneError::kErrorStatus);
  EXPECT_EQ(issued.error().message, "Keystone answered HTTP 500: database?[31m is locked");

  issued = ParseKeystoneTokenResponse(503, nullptr, "<html>busy</html>");
  EXPECT_EQ(issued.error().message, "Keystone answered HTTP 503");
  EXPECT_EQ(ParseKeystoneTokenResponse(302, nullptr, "").error().code, KeystoneError::kErrorStatus);
}

TEST(KeystoneTokenResponseTest, RefusesIncompleteSuccess) {
  const std::string header = "0123456789";
  EXPECT_EQ(ParseKeystoneTokenResponse(201, nullptr, kTokenBody).error().code,
            KeystoneError::kBadResponse);
  const std::string empty;
  EXPECT_EQ(ParseKeystoneTokenResponse(201, &empty, kTokenBody).error().code,
            KeystoneError::kBadResponse);
  const std::string spaced = "abc def";
  EXPECT_EQ(ParseKeystoneTokenResponse(201, &spaced, kTokenBody).error().code,
            KeystoneError::kBadResponse);
  for (const char* body : {"", "{", R"({"token":{}})", R"({"token":{"expires_at":7}})",
                           R"({"token":{"expires_at":"tomorrow"}})"}) {
    Result<IssuedKeystoneToken> issued = ParseKeystoneTokenResponse(201, &header, body);
    ASSERT_FALSE(issued) << body;
    EXPECT_EQ(issued.error().code, KeystoneError::kBadResponse) << body;
  }
}

TEST(KeystoneCacheKeyTest, KeyedByIdentityNotBySecret) {
  KeystoneCredentials a = PasswordCredentials();
  std::string key = KeystoneCredentialCacheKey(a);
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);

  KeystoneCredentials other_password = a;
  other_password.password = "different";
  other_password.application_credential_secret = "also different";
  EXPECT_EQ(KeystoneCredentialCacheKey(other_password), key);

  // /v3 and no /v3 reach the same endpoint, so they share the entry.
  KeystoneCredentials same_endpoint = a;
  same_endpoint.auth_url = "http://127.0.0.1:5000/";
  EXPECT_EQ(KeystoneCredentialCacheKey(same_endpoint), key);
}

TEST(KeystoneCacheKeyTest, EveryIdentityFieldChangesTheKey) {
  const KeystoneCredentials base = PasswordCredentials();
  std::set<std::string> keys{KeystoneCredentialCacheKey(base)};
  std::vector<std::string KeystoneCredentials::*> fields = {
      &KeystoneCredentials::auth_url,
      &KeystoneCredentials::user_name,
      &KeystoneCredentials::user_domain_name,
      &KeystoneCredentials::project_name,
      &KeystoneCredentials::project_id,
      &KeystoneCredentials::project_domain_name,
      &KeystoneCredentials::application_credential_id,
      &KeystoneCredentials::application_credential_name};
  for (auto field : fields) {
    KeystoneCredentials changed = base;
    changed.*field = "http://changed/";
    EXPECT_TRUE(keys.insert(KeystoneCredentialCacheKey(changed)).second);
  }
}

TEST(KeystoneCacheKeyTest, FieldBoundariesAreUnambiguous) {
  KeystoneCredentials a = PasswordCredentials();
  KeystoneCredentials b = a;
  a.user_name = "ab";
  a.user_domain_name = "c";
  b.user_name = "a";
  b.user_domain_name = "bc";
  EXPECT_NE(KeystoneCredentialCacheKey(a), KeystoneCredentialCacheKey(b));
}

TEST(CachedTokenFreshnessTest, UsableUntilTheMarginBeforeExpiry) {
  ManualClock clock;
  const system_clock::time_point expires_at = clock.Now() + hours(1);
  const seconds margin = minutes(5);
  EXPECT_TRUE(IsCachedTokenUsable(expires_at, clock.Now(), margin));
  clock.Advance(minutes(54) + seconds(59));
  EXPECT_TRUE(IsCachedTokenUsable(expires_at, clock.Now(), margin));
  clock.Advance(seconds(1));  // exactly 5 minutes left
  EXPECT_TRUE(IsCachedTokenUsable(expires_at, clock.Now(), margin));
  clock.Advance(seconds(1));
  EXPECT_FALSE(IsCachedTokenUsable(expires_at, clock.Now(), margin));
  clock.Advance(hours(2));
  EXPECT_FALSE(IsCachedTokenUsable(expires_at, clock.Now(), margin));
}

TEST(CachedTokenFreshnessTest, ExpiredTokenIsNeverUsableEvenWithoutMargin) {
  ManualClock clock;
  EXPECT_FALSE(IsCachedTokenUsable(clock.Now(), clock.Now(), seconds(0)));
  EXPECT_FALSE(IsCachedTokenUsable(clock.Now() - seconds(1), clock.Now(), seconds(-10)));
  EXPECT_TRUE(IsCachedTokenUsable(clock.Now() + seconds(1), clock.Now(), seconds(0)));
}

}  // namespace
}  // namespace gatehouse::authn
