#include "authn/keystone/token_info.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "authn/keystone/keystone_errors.h"
#include "value/json.h"

namespace gatehouse::authn {
namespace {

using std::chrono::system_clock;

value::Value LoadBody(const std::string& name) {
  std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/tests/unit/authn/keystone/testdata/" +
                   name);
  std::stringstream text;
  text << in.rdbuf();
  Result<value::Value> parsed = value::ParseJson(text.str());
  EXPECT_TRUE(parsed.has_value()) << name;
  return parsed ? *parsed : value::Value();
}

value::Value Json(std::string_view text) {
  Result<value::Value> parsed = value::ParseJson(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed ? *parsed : value::Value();
}

system_clock::time_point Utc(int64_t seconds, int64_t micros = 0) {
  return system_clock::time_point(std::chrono::seconds(seconds) +
                                  std::chrono::microseconds(micros));
}

TEST(KeystoneTokenInfoTest, ProjectScopedTokenFromRealKeystone) {
  Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(LoadBody("token_project.json"));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->user_id, "295f16e1c23841828ece1ac27bc9faf5");
  EXPECT_EQ(info->user_name, "demo");
  EXPECT_EQ(info->user_domain_id, "default");
  EXPECT_EQ(info->user_domain_name, "Default");
  ASSERT_TRUE(info->project.has_value());
  EXPECT_EQ(info->project->id, "fe88d664c3a54173bd832d853b11d720");
  EXPECT_EQ(info->project->name, "demo");
  EXPECT_EQ(info->project->domain_id, "default");
  EXPECT_EQ(info->project->domain_name, "Default");
  EXPECT_EQ(info->roles, (std::vector<std::string>{"member", "reader"}));
  EXPECT_EQ(info->expires_at, Utc(1795610942));  // 2026-11-25T12:49:02.000000Z
  EXPECT_FALSE(info->system_scoped);
  EXPECT_FALSE(info->domain_scoped);
  EXPECT_FALSE(info->application_credential.has_value());
}

TEST(KeystoneTokenInfoTest, UnscopedTokenHasNoProjectAndNoRoles) {
  Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(LoadBody("token_unscoped.json"));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->user_name, "demo");
  EXPECT_FALSE(info->project.has_value());
  EXPECT_TRUE(info->roles.empty());
  EXPECT_FALSE(info->system_scoped);
}

TEST(KeystoneTokenInfoTest, SystemScopedToken) {
  Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(LoadBody("token_system.json"));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_TRUE(info->system_scoped);
  EXPECT_FALSE(info->project.has_value());
  EXPECT_EQ(info->roles, (std::vector<std::string>{"admin", "member", "reader"}));
}

TEST(KeystoneTokenInfoTest, ApplicationCredentialToken) {
  Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(LoadBody("token_appcred.json"));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  ASSERT_TRUE(info->application_credential.has_value());
  EXPECT_EQ(info->application_credential->id, "3c37725e590d46cd9f5fb17d6f1c5e62");
  EXPECT_EQ(info->application_credential->name, "ci");
  ASSERT_TRUE(info->project.has_value());
  EXPECT_EQ(info->project->name, "demo");
}

TEST(KeystoneTokenInfoTest, DomainScopedToken) {
  Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(Json(R"({"token": {
      "user": {"id": "u1", "name": "n", "domain": {"id": "d", "name": "D"}},
      "domain": {"id": "d", "name": "D"}, "roles": [{"id": "r", "name": "admin"}],
      "expires_at": "2026-01-01T00:00:00.123456Z"}})"));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_TRUE(info->domain_scoped);
  EXPECT_FALSE(info->project.has_value());
  EXPECT_EQ(info->expires_at, Utc(1767225600, 123456));
}

TEST(KeystoneTokenInfoTest, FractionAndOffsetVariantsOfExpiresAt) {
  auto expiry = [](std::string_view stamp) {
    std::string body =
        R"({"token": {"user": {"id": "u"}, "expires_at": ")" + std::string(stamp) + R"("}})";
    Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(Json(body));
    return info ? std::optional<system_clock::time_point>(info->expires_at) : std::nullopt;
  };
  EXPECT_EQ(expiry("2015-11-09T01:42:57.527363Z"), Utc(1447033377, 527363));
  EXPECT_EQ(expiry("2015-11-09T01:42:57Z"), Utc(1447033377));
  EXPECT_EQ(expiry("2015-11-09T03:42:57+02:00"), Utc(1447033377));
  EXPECT_EQ(expiry("2015-11-09 01:42:57"), std::nullopt);
  EXPECT_EQ(expiry("yesterday"), std::nullopt);
}

TEST(KeystoneTokenInfoTest, MissingOrMistypedRequiredFieldsAreErrors) {
  const char* bodies[] = {
      R"({})",
      R"({"token": []})",
      R"({"token": {"expires_at": "2026-01-01T00:00:00Z"}})",
      R"({"token": {"user": {"name": "x"}, "expires_at": "2026-01-01T00:00:00Z"}})",
      R"({"token": {"user": {"id": 7}, "expires_at": "2026-01-01T00:00:00Z"}})",
      R"({"token": {"user": {"id": "u"}}})",
      R"({"token": {"user": {"id": "u"}, "expires_at": 5}})",
      R"({"token": {"user": {"id": "u"}, "expires_at": "2026-01-01T00:00:00Z", "project": 1}})",
      R"({"token": {"user": {"id": "u"}, "expires_at": "2026-01-01T00:00:00Z",
                    "project": {"name": "no id"}}})",
      R"({"token": {"user": {"id": "u"}, "expires_at": "2026-01-01T00:00:00Z", "roles": {}}})",
      R"({"token": {"user": {"id": "u"}, "expires_at": "2026-01-01T00:00:00Z",
                    "roles": [{"id": "r"}]}})",
      R"({"token": {"user": {"id": "u", "domain": {"id": 3}},
                    "expires_at": "2026-01-01T00:00:00Z"}})",
  };
  for (const char* body : bodies) {
    Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(Json(body));
    ASSERT_FALSE(info.has_value()) << body;
    EXPECT_EQ(info.error().code, KeystoneError::kBadResponse) << body;
  }
}

TEST(KeystoneTokenInfoTest, NullProjectMeansUnscoped) {
  Result<KeystoneTokenInfo> info = ParseKeystoneTokenInfo(Json(
      R"({"token": {"user": {"id": "u"}, "expires_at": "2026-01-01T00:00:00Z", "project": null,
                    "roles": null}})"));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_FALSE(info->project.has_value());
  EXPECT_EQ(info->user_name, "");
}

TEST(KeystoneGroupPageTest, RealGroupListing) {
  Result<KeystoneGroupPage> page = ParseKeystoneGroupPage(LoadBody("groups.json"));
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  EXPECT_EQ(page->names, (std::vector<std::string>{"mygroup"}));
  EXPECT_FALSE(page->next_url.has_value());
}

TEST(KeystoneGroupPageTest, NextLinkAndOrder) {
  Result<KeystoneGroupPage> page = ParseKeystoneGroupPage(Json(
      R"({"groups": [{"id": "1", "name": "b"}, {"id": "2", "name": "a"}],
          "links": {"next": "http://k/v3/users/u/groups?marker=2", "self": "x"}})"));
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->names, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(page->next_url, "http://k/v3/users/u/groups?marker=2");
}

TEST(KeystoneGroupPageTest, Errors) {
  for (const char* body : {R"({})", R"({"groups": {}})", R"({"groups": [{"id": "1"}]})",
                           R"({"groups": [{"name": 1}]})"}) {
    Result<KeystoneGroupPage> page = ParseKeystoneGroupPage(Json(body));
    ASSERT_FALSE(page.has_value()) << body;
    EXPECT_EQ(page.error().code, KeystoneError::kBadResponse);
  }
  Result<KeystoneGroupPage> empty = ParseKeystoneGroupPage(Json(R"({"groups": []})"));
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->names.empty());
}

}  // namespace
}  // namespace gatehouse::authn
