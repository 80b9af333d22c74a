#include "registry/access.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::registry {
namespace {

using Actions = std::vector<std::string>;

ResourceScope Repo(std::string name, Actions actions) {
  return ResourceScope{"repository", "", std::move(name), std::move(actions)};
}

ProjectAccess ProjectWith(std::string name, bool is_public, std::vector<Role> roles) {
  ProjectAccess access;
  access.project.name = std::move(name);
  access.project.is_public = is_public;
  access.roles = std::move(roles);
  return access;
}

Principal User(std::string name, bool sysadmin = false) {
  Principal p;
  p.kind = PrincipalKind::kUser;
  p.name = std::move(name);
  p.sysadmin = sysadmin;
  return p;
}

Principal Robot(RobotLevel level, std::vector<RobotPermission> permissions) {
  Principal p;
  p.kind = PrincipalKind::kRobot;
  p.name = "robot+x";
  p.robot_level = level;
  p.robot_permissions = std::move(permissions);
  return p;
}

Actions GrantOne(const Principal& who, const ProjectsByName& projects, ResourceScope scope) {
  std::vector<ResourceScope> granted = GrantAccess(who, projects, {std::move(scope)});
  EXPECT_EQ(granted.size(), 1u);
  return granted.empty() ? Actions{"<none>"} : granted[0].actions;
}

const Actions kAll{"pull", "push", "delete"};

TEST(AccessTest, RoleActionsAreHarbors) {
  EXPECT_EQ(RoleActions(Role::kProjectAdmin), kAll);
  EXPECT_EQ(RoleActions(Role::kMaintainer), kAll);
  EXPECT_EQ(RoleActions(Role::kDeveloper), (Actions{"pull", "push"}));
  EXPECT_EQ(RoleActions(Role::kGuest), (Actions{"pull"}));
  EXPECT_EQ(RoleActions(Role::kLimitedGuest), (Actions{"pull"}));
}

TEST(AccessTest, GrantIsIntersectionOfRequestedAndAllowed) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {Role::kDeveloper})}};
  Principal alice = User("alice");
  EXPECT_EQ(GrantOne(alice, projects, Repo("team/app", {"push", "pull"})),
            (Actions{"push", "pull"}));
  EXPECT_EQ(GrantOne(alice, projects, Repo("team/app", {"delete", "pull"})), (Actions{"pull"}));
  EXPECT_EQ(GrantOne(alice, projects, Repo("team/app", {"delete"})), Actions{});
  EXPECT_EQ(GrantOne(alice, projects, Repo("team/app", {"*"})), (Actions{"pull", "push"}));
}

TEST(AccessTest, RolesFromUserAndGroupsAddUp) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {Role::kGuest, Role::kMaintainer})}};
  EXPECT_EQ(GrantOne(User("bob"), projects, Repo("team/a/b", {"pull", "push", "delete"})), kAll);
}

TEST(AccessTest, NoRoleInPrivateProjectGetsNothing) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {})}};
  EXPECT_EQ(GrantOne(User("eve"), projects, Repo("team/app", {"pull"})), Actions{});
  Principal anonymous;
  EXPECT_EQ(GrantOne(anonymous, projects, Repo("team/app", {"pull"})), Actions{});
}

TEST(AccessTest, PublicProjectPullsForEveryone) {
  ProjectsByName projects{{"pub", ProjectWith("pub", true, {})}};
  Principal anonymous;
  EXPECT_EQ(GrantOne(anonymous, projects, Repo("pub/app", {"pull", "push"})), (Actions{"pull"}));
  EXPECT_EQ(GrantOne(User("eve"), projects, Repo("pub/app", {"push", "pull"})), (Actions{"pull"}));
  EXPECT_EQ(GrantOne(Robot(RobotLevel::kProject, {}), projects, Repo("pub/app", {"pull"})),
            (Actions{"pull"}));
}

TEST(AccessTest, UnknownProjectGrantsNothing) {
  ProjectsByName projects{{"team", ProjectWith("team", true, {Role::kProjectAdmin})}};
  EXPECT_EQ(GrantOne(User("alice"), projects, Repo("other/app", {"pull"})), Actions{});
  // A name with a registry host is never one of our repositories.
  EXPECT_EQ(GrantOne(User("alice"), projects, Repo("localhost:5000/team/app", {"pull"})),
            Actions{});
  // Malformed names built by hand are not trusted either.
  EXPECT_EQ(GrantOne(User("alice"), projects, Repo("team/../x", {"pull"})), Actions{});
}

TEST(AccessTest, SysadminGetsEverythingAndCatalog) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {})}};
  Principal admin = User("root", true);
  EXPECT_EQ(GrantOne(admin, projects, Repo("team/app", {"pull", "push", "delete"})), kAll);
  EXPECT_EQ(GrantOne(admin, projects, Repo("team/app", {"*"})), kAll);
  EXPECT_EQ(GrantOne(admin, projects, ResourceScope{"registry", "", "catalog", {"*"}}),
            (Actions{"*"}));
  // Still only projects that exist.
  EXPECT_EQ(GrantOne(admin, projects, Repo("ghost/app", {"pull"})), Actions{});
}

TEST(AccessTest, CatalogOnlyForSysadmins) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {Role::kProjectAdmin})}};
  ResourceScope catalog{"registry", "", "catalog", {"*"}};
  EXPECT_EQ(GrantOne(User("alice"), projects, catalog), Actions{});
  EXPECT_EQ(GrantOne(Principal{}, projects, catalog), Actions{});
  EXPECT_EQ(GrantOne(Robot(RobotLevel::kSystem, {{"*", {"*"}}}), projects, catalog), Actions{});
  // A robot cannot claim to be an administrator.
  Principal robot = Robot(RobotLevel::kSystem, {});
  robot.sysadmin = true;
  EXPECT_EQ(GrantOne(robot, projects, catalog), Actions{});
  EXPECT_EQ(GrantOne(User("root", true), projects, ResourceScope{"registry", "", "other", {"*"}}),
            Actions{});
}

TEST(AccessTest, UnknownTypesAndActionsGrantNothing) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {Role::kProjectAdmin})}};
  EXPECT_EQ(
      GrantOne(User("root", true), projects, ResourceScope{"weird", "", "team/app", {"pull"}}),
      Actions{});
  EXPECT_EQ(GrantOne(User("alice"), projects, Repo("team/app", {"scanner-pull", "pull"})),
            (Actions{"pull"}));
}

TEST(AccessTest, ResourceClassFollowsRepositoryRules) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {Role::kGuest})}};
  std::vector<ResourceScope> granted = GrantAccess(
      User("alice"), projects, {ResourceScope{"repository", "plugin", "team/p", {"pull", "push"}}});
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0].resource_class, "plugin");
  EXPECT_EQ(granted[0].actions, (Actions{"pull"}));
}

TEST(AccessTest, ProjectRobotUsesItsPermissionAndPushImpliesPull) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {Role::kProjectAdmin})},
                          {"other", ProjectWith("other", false, {})}};
  Principal ci = Robot(RobotLevel::kProject, {{"team", {"push"}}});
  EXPECT_EQ(GrantOne(ci, projects, Repo("team/app", {"pull", "push"})), (Actions{"pull", "push"}));
  EXPECT_EQ(GrantOne(ci, projects, Repo("team/app", {"delete"})), Actions{});
  EXPECT_EQ(GrantOne(ci, projects, Repo("other/app", {"pull"})), Actions{});
  // Member roles resolved for a robot (a caller mistake) do not leak into its grant.
  Principal pull = Robot(RobotLevel::kProject, {{"team", {"pull"}}});
  EXPECT_EQ(GrantOne(pull, projects, Repo("team/app", {"pull", "push"})), (Actions{"pull"}));
}

TEST(AccessTest, ProjectRobotCannotUseTheWildcardProject) {
  ProjectsByName projects{{"team", ProjectWith("team", false, {})}};
  EXPECT_EQ(GrantOne(Robot(RobotLevel::kProject, {{"*", {"pull"}}}), projects,
                     Repo("team/app", {"pull"})),
            Actions{});
}

TEST(AccessTest, SystemRobotSpansProjects) {
  ProjectsByName projects{{"a", ProjectWith("a", false, {})},
                          {"b", ProjectWith("b", false, {})},
                          {"c", ProjectWith("c", false, {})}};
  Principal mirror = Robot(RobotLevel::kSystem, {{"a", {"pull"}}, {"b", {"push", "delete"}}});
  EXPECT_EQ(GrantOne(mirror, projects, Repo("a/x", {"pull", "push"})), (Actions{"pull"}));
  EXPECT_EQ(GrantOne(mirror, projects, Repo("b/x", {"pull", "push", "delete"})), kAll);
  EXPECT_EQ(GrantOne(mirror, projects, Repo("c/x", {"pull"})), Actions{});
  Principal everywhere = Robot(RobotLevel::kSystem, {{"*", {"*"}}});
  EXPECT_EQ(GrantOne(everywhere, projects, Repo("c/x", {"delete", "pull"})),
            (Actions{"delete", "pull"}));
}

TEST(AccessTest, OneEntryPerRequestInOrder) {
  ProjectsByName projects{{"a", ProjectWith("a", false, {Role::kDeveloper})}};
  std::vector<ResourceScope> granted =
      GrantAccess(User("alice"), projects,
                  {Repo("a/x", {"push", "pull"}), Repo("zzz/y", {"pull"}),
                   ResourceScope{"registry", "", "catalog", {"*"}}});
  ASSERT_EQ(granted.size(), 3u);
  EXPECT_EQ(granted[0].name, "a/x");
  EXPECT_EQ(granted[0].actions, (Actions{"push", "pull"}));
  EXPECT_EQ(granted[1].name, "zzz/y");
  EXPECT_TRUE(granted[1].actions.empty());
  EXPECT_EQ(granted[2].type, "registry");
  EXPECT_TRUE(granted[2].actions.empty());
}

TEST(AccessTest, ReferencedProjects) {
  EXPECT_EQ(ReferencedProjects({Repo("b/x", {"pull"}), Repo("a/y", {"pull"}), Repo("b/z", {"push"}),
                                Repo("localhost:5000/c/x", {"pull"}),
                                ResourceScope{"registry", "", "catalog", {"*"}}}),
            (std::vector<std::string>{"a", "b"}));
}

TEST(AccessTest, AllowedRepositoryActions) {
  ProjectAccess team = ProjectWith("team", true, {Role::kDeveloper});
  EXPECT_EQ(AllowedRepositoryActions(User("alice"), &team), (Actions{"pull", "push"}));
  EXPECT_EQ(AllowedRepositoryActions(Principal{}, &team), (Actions{"pull"}));
  EXPECT_TRUE(AllowedRepositoryActions(User("alice"), nullptr).empty());
}

}  // namespace
}  // namespace gatehouse::registry
