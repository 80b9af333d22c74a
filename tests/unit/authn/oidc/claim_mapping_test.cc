#include "authn/oidc/claim_mapping.h"

#include <gtest/gtest.h>

#include "authn/oidc/oidc_errors.h"
#include "value/json.h"

namespace gatehouse::authn::oidc {
namespace {

using Strings = std::vector<std::string>;

constexpr char kIssuer[] = "https://sso.example/realms/demo";

value::Value Claims(std::string_view json) {
  Result<value::Value> parsed = value::ParseJson(json);
  EXPECT_TRUE(parsed.has_value()) << json;
  return parsed.value_or(value::Value());
}

ClaimMapping Mapping() {
  ClaimMapping m;
  m.issuer = kIssuer;
  return m;
}

TEST(ClaimMappingTest, DefaultUsernameIsSubPrefixedWithIssuer) {
  Result<k8s::UserInfo> user = BuildOidcUserInfo(Claims(R"({"sub":"u-1"})"), Mapping());
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->username, std::string(kIssuer) + "#u-1");
  EXPECT_TRUE(user->groups.empty());
  EXPECT_EQ(user->uid, "");
  ASSERT_NE(user->FindExtra(kOidcExtraIssuer), nullptr);
  EXPECT_EQ(*user->FindExtra(kOidcExtraIssuer), Strings{kIssuer});
  ASSERT_NE(user->FindExtra(kOidcExtraSubject), nullptr);
  EXPECT_EQ(*user->FindExtra(kOidcExtraSubject), Strings{"u-1"});
}

TEST(ClaimMappingTest, ConfiguredPrefixAndDashMeansNone) {
  ClaimMapping m = Mapping();
  m.username_claim = "preferred_username";
  m.username_prefix = "oidc:";
  value::Value claims = Claims(R"({"sub":"u-1","preferred_username":"alice"})");
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->username, "oidc:alice");
  m.username_prefix = "-";
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->username, "alice");
  m.username_prefix = "";
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->username, "alice");
  m.username_prefix.reset();
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->username, std::string(kIssuer) + "#alice");
}

TEST(ClaimMappingTest, EmailNeedsVerificationAndHasNoDefaultPrefix) {
  ClaimMapping m = Mapping();
  m.username_claim = "email";
  Result<k8s::UserInfo> ok =
      BuildOidcUserInfo(Claims(R"({"sub":"s","email":"a@x.io","email_verified":true})"), m);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->username, "a@x.io");
  for (const char* bad : {R"({"sub":"s","email":"a@x.io","email_verified":false})",
                          R"({"sub":"s","email":"a@x.io","email_verified":"true"})",
                          R"({"sub":"s","email":"a@x.io"})"}) {
    Result<k8s::UserInfo> refused = BuildOidcUserInfo(Claims(bad), m);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().code, OidcError::kEmailNotVerified);
    EXPECT_EQ(refused.error().message.find("a@x.io"), std::string::npos);
  }
  m.username_prefix = "mail:";
  EXPECT_EQ(BuildOidcUserInfo(Claims(R"({"email":"a@x.io","email_verified":true})"), m)->username,
            "mail:a@x.io");
}

TEST(ClaimMappingTest, MissingOrNonStringUsernameIsRefused) {
  ClaimMapping m = Mapping();
  m.username_claim = "preferred_username";
  for (const char* bad : {R"({"sub":"s"})", R"({"preferred_username":3})",
                          R"({"preferred_username":""})", R"({"preferred_username":["a"]})"}) {
    Result<k8s::UserInfo> refused = BuildOidcUserInfo(Claims(bad), m);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().code, OidcError::kUsernameMissing);
  }
}

TEST(ClaimMappingTest, GroupsFromArrayOrStringWithPrefix) {
  ClaimMapping m = Mapping();
  m.groups_claim = "groups";
  m.groups_prefix = "oidc:";
  EXPECT_EQ(BuildOidcUserInfo(Claims(R"({"sub":"s","groups":["a","b","a"]})"), m)->groups,
            (Strings{"oidc:a", "oidc:b"}));
  EXPECT_EQ(BuildOidcUserInfo(Claims(R"({"sub":"s","groups":"solo"})"), m)->groups,
            (Strings{"oidc:solo"}));
  EXPECT_TRUE(BuildOidcUserInfo(Claims(R"({"sub":"s"})"), m)->groups.empty());
  for (const char* bad : {R"({"sub":"s","groups":[1]})", R"({"sub":"s","groups":{"a":1}})"}) {
    Result<k8s::UserInfo> refused = BuildOidcUserInfo(Claims(bad), m);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().code, OidcError::kGroupsInvalid);
  }
  m.groups_claim.clear();  // no groups claim configured: the claim is ignored
  EXPECT_TRUE(BuildOidcUserInfo(Claims(R"({"sub":"s","groups":["a"]})"), m)->groups.empty());
}

TEST(ClaimMappingTest, KeycloakGroupPathRules) {
  ClaimMapping m = Mapping();
  m.groups_claim = "groups";
  const value::Value claims =
      Claims(R"({"sub":"s","groups":["/team-demo","/org/team-dev","plain"]})");
  m.group_path_rule = GroupPathRule::kKeep;
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->groups,
            (Strings{"/team-demo", "/org/team-dev", "plain"}));
  m.group_path_rule = GroupPathRule::kStripLeadingSlash;
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->groups, (Strings{"team-demo", "org/team-dev", "plain"}));
  m.group_path_rule = GroupPathRule::kLastSegment;
  m.groups_prefix = "kc:";
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->groups,
            (Strings{"kc:team-demo", "kc:team-dev", "kc:plain"}));
  // "/" alone normalises to nothing and is dropped rather than becoming the bare prefix.
  EXPECT_TRUE(BuildOidcUserInfo(Claims(R"({"sub":"s","groups":["/"]})"), m)->groups.empty());
}

TEST(ClaimMappingTest, ParseGroupPathRule) {
  EXPECT_EQ(*ParseGroupPathRule("keep"), GroupPathRule::kKeep);
  EXPECT_EQ(*ParseGroupPathRule("strip-leading-slash"), GroupPathRule::kStripLeadingSlash);
  EXPECT_EQ(*ParseGroupPathRule("last-segment"), GroupPathRule::kLastSegment);
  Result<GroupPathRule> bad = ParseGroupPathRule("Last-Segment");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, OidcError::kInvalidOption);
}

TEST(ClaimMappingTest, RealmAndClientRolesBecomeGroups) {
  ClaimMapping m = Mapping();
  m.groups_claim = "groups";
  const value::Value claims = Claims(R"({"sub":"s","groups":["/g"],
      "realm_access":{"roles":["admin","viewer"]},
      "resource_access":{"kube":{"roles":["edit"]},"other":{"roles":["x"]}}})");
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->groups, (Strings{"/g"}));  // roles off by default
  m.realm_roles = true;
  m.realm_roles_prefix = "realm:";
  m.client_roles = {"kube", "absent"};
  m.client_roles_prefix = "client:";
  EXPECT_EQ(BuildOidcUserInfo(claims, m)->groups,
            (Strings{"/g", "realm:admin", "realm:viewer", "client:kube:edit"}));
  Result<k8s::UserInfo> bad =
      BuildOidcUserInfo(Claims(R"({"sub":"s","realm_access":{"roles":[true]}})"), m);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, OidcError::kGroupsInvalid);
}

TEST(ClaimMappingTest, SubjectExtraOmittedWithoutSub) {
  ClaimMapping m = Mapping();
  m.username_claim = "name";
  Result<k8s::UserInfo> user = BuildOidcUserInfo(Claims(R"({"name":"n"})"), m);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->FindExtra(kOidcExtraSubject), nullptr);
  EXPECT_NE(user->FindExtra(kOidcExtraIssuer), nullptr);
}

}  // namespace
}  // namespace gatehouse::authn::oidc
