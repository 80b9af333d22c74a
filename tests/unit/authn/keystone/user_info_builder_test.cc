#include "authn/keystone/user_info_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::authn {
namespace {

using Strings = std::vector<std::string>;

KeystoneTokenInfo UpstreamTestToken() {
  // authenticator_test.go:TestAuthenticateToken's GetTokenInfo("token").
  KeystoneTokenInfo info;
  info.user_name = "user-name";
  info.user_id = "user-id";
  info.user_domain_id = "domain-id";
  info.user_domain_name = "domain-name";
  info.project = KeystoneProject{"project-id", "project-name", "other-domain-id", "other-name"};
  info.roles = {"role1", "role2"};
  return info;
}

TEST(BuildKeystoneUserInfoTest, UpstreamVectorWithProjectIdAppendedLast) {
  k8s::UserInfo user = BuildKeystoneUserInfo(UpstreamTestToken(), {"group1", "group2"});
  EXPECT_EQ(user.username, "user-name");
  EXPECT_EQ(user.uid, "user-id");
  // SPEC §3.2: the upstream assertion only checks a prefix; the real output ends with the id.
  EXPECT_EQ(user.groups, (Strings{"group1", "group2", "project-id"}));
  ASSERT_TRUE(user.extra.has_value());
  const k8s::Extra expected = {
      {"alpha.kubernetes.io/identity/roles", {"role1", "role2"}},
      {"alpha.kubernetes.io/identity/project/id", {"project-id"}},
      {"alpha.kubernetes.io/identity/project/name", {"project-name"}},
      {"alpha.kubernetes.io/identity/user/domain/id", {"domain-id"}},
      {"alpha.kubernetes.io/identity/user/domain/name", {"domain-name"}},
  };
  EXPECT_EQ(*user.extra, expected);
}

TEST(BuildKeystoneUserInfoTest, H10DemoUser) {
  KeystoneTokenInfo info;
  info.user_name = "demo";
  info.user_id = "uid-1";
  info.user_domain_id = "default";
  info.user_domain_name = "Default";
  info.project = KeystoneProject{"PID", "demo", "default", "Default"};
  info.roles = {"reader", "member"};
  k8s::UserInfo user = BuildKeystoneUserInfo(info, {"mygroup"});
  EXPECT_EQ(user.groups, (Strings{"mygroup", "PID"}));
  ASSERT_NE(user.FindExtra(kKeystoneExtraRoles), nullptr);
  EXPECT_EQ(*user.FindExtra(kKeystoneExtraRoles), (Strings{"reader", "member"}));
  EXPECT_EQ(*user.FindExtra(kKeystoneExtraUserDomainName), (Strings{"Default"}));
}

TEST(BuildKeystoneUserInfoTest, NoRolesGivesEmptyListNotAbsentKey) {
  KeystoneTokenInfo info = UpstreamTestToken();
  info.roles.clear();
  k8s::UserInfo user = BuildKeystoneUserInfo(info, {});
  const Strings* roles = user.FindExtra(kKeystoneExtraRoles);
  ASSERT_NE(roles, nullptr);
  EXPECT_TRUE(roles->empty());
  EXPECT_EQ(user.groups, (Strings{"project-id"}));
}

TEST(BuildKeystoneUserInfoTest, WithoutProjectNoProjectGroupOrExtra) {
  KeystoneTokenInfo info = UpstreamTestToken();
  info.project.reset();
  k8s::UserInfo user = BuildKeystoneUserInfo(info, {"g"});
  EXPECT_EQ(user.groups, (Strings{"g"}));
  EXPECT_EQ(user.FindExtra(kKeystoneExtraProjectId), nullptr);
  EXPECT_NE(user.FindExtra(kKeystoneExtraUserDomainId), nullptr);
}

}  // namespace
}  // namespace gatehouse::authn
