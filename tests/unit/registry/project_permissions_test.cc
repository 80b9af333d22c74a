#include "registry/project_permissions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

namespace gatehouse::registry {
namespace {

using Action = ProjectAction;

const PermissionDecision kAllowed{PermissionOutcome::kAllow, RefusalReason::kNone};
const PermissionDecision kHidden{PermissionOutcome::kNotFound, RefusalReason::kHidden};
const PermissionDecision kNotMember{PermissionOutcome::kForbidden, RefusalReason::kNotMember};
const PermissionDecision kNotAdmin{PermissionOutcome::kForbidden, RefusalReason::kNotProjectAdmin};
const PermissionDecision kAdminOnly{PermissionOutcome::kForbidden, RefusalReason::kSysadminOnly};
const PermissionDecision kRobotRefused{PermissionOutcome::kForbidden, RefusalReason::kRobot};
const PermissionDecision kTokenRefused{PermissionOutcome::kForbidden,
                                       RefusalReason::kAccessTokenReadOnly};
const PermissionDecision kNotSignedIn{PermissionOutcome::kUnauthorized,
                                      RefusalReason::kNotSignedIn};

const std::vector<Action> kEveryAction = {
    Action::kReadProject, Action::kUpdateProject, Action::kDeleteProject,
    Action::kListMembers, Action::kManageMembers, Action::kListRobots,
    Action::kCreateRobot, Action::kReadRobot,     Action::kManageRobot};

ApiCaller Person(std::vector<Role> roles, bool sysadmin = false, bool access_token = false) {
  ApiCaller caller;
  caller.kind = PrincipalKind::kUser;
  caller.roles = std::move(roles);
  caller.sysadmin = sysadmin;
  caller.access_token = access_token;
  return caller;
}

std::string Describe(Action action, bool is_public, const std::string& who) {
  return std::string(ProjectActionName(action)) + (is_public ? " public" : " private") + " by " +
         who;
}

::testing::AssertionResult Decides(const ApiCaller& caller, ProjectFacts project, Action action,
                                   const PermissionDecision& want) {
  const PermissionDecision got = DecideProjectAction(caller, project, action);
  if (got == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "outcome " << static_cast<int>(got.outcome) << " reason "
         << static_cast<int>(got.reason) << ", want outcome " << static_cast<int>(want.outcome)
         << " reason " << static_cast<int>(want.reason);
}

// Every role × action × visibility, for a person signed in with an identity token.
struct RoleRow {
  Action action;
  bool is_public;
  PermissionDecision non_member, limited_guest, guest, developer, maintainer, project_admin,
      sysadmin;
};

const RoleRow kRoleTable[] = {
    // action                  public non-member  limitedG   guest      developer  maintainer
    //                                projectAdmin sysadmin
    {Action::kReadProject, false, kHidden, kAllowed, kAllowed, kAllowed, kAllowed, kAllowed,
     kAllowed},
    {Action::kReadProject, true, kAllowed, kAllowed, kAllowed, kAllowed, kAllowed, kAllowed,
     kAllowed},
    {Action::kUpdateProject, false, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kUpdateProject, true, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kDeleteProject, false, kHidden, kAdminOnly, kAdminOnly, kAdminOnly, kAdminOnly,
     kAdminOnly, kAllowed},
    {Action::kDeleteProject, true, kAdminOnly, kAdminOnly, kAdminOnly, kAdminOnly, kAdminOnly,
     kAdminOnly, kAllowed},
    {Action::kListMembers, false, kHidden, kAllowed, kAllowed, kAllowed, kAllowed, kAllowed,
     kAllowed},
    {Action::kListMembers, true, kNotMember, kAllowed, kAllowed, kAllowed, kAllowed, kAllowed,
     kAllowed},
    {Action::kManageMembers, false, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kManageMembers, true, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kListRobots, false, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kListRobots, true, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kCreateRobot, false, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kCreateRobot, true, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    // One robot by id: a non-member learns nothing, even of a public project.
    {Action::kReadRobot, false, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kReadRobot, true, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kManageRobot, false, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
    {Action::kManageRobot, true, kHidden, kNotAdmin, kNotAdmin, kNotAdmin, kNotAdmin, kAllowed,
     kAllowed},
};

TEST(ProjectPermissionsTest, EveryRoleActionAndVisibility) {
  ASSERT_EQ(std::size(kRoleTable), kEveryAction.size() * 2);
  for (const RoleRow& row : kRoleTable) {
    const ProjectFacts project{true, row.is_public};
    const struct {
      const char* who;
      ApiCaller caller;
      const PermissionDecision& want;
    } cases[] = {
        {"non-member", Person({}), row.non_member},
        {"limitedGuest", Person({Role::kLimitedGuest}), row.limited_guest},
        {"guest", Person({Role::kGuest}), row.guest},
        {"developer", Person({Role::kDeveloper}), row.developer},
        {"maintainer", Person({Role::kMaintainer}), row.maintainer},
        {"projectAdmin", Person({Role::kProjectAdmin}), row.project_admin},
        {"sysadmin (no membership)", Person({}, true), row.sysadmin},
    };
    for (const auto& c : cases) {
      EXPECT_TRUE(Decides(c.caller, project, row.action, c.want))
          << Describe(row.action, row.is_public, c.who);
    }
  }
}

TEST(ProjectPermissionsTest, RolesAddUpAcrossUserAndGroupMemberships) {
  // Guest as a user, projectAdmin through a group: the caller administers the project.
  const ApiCaller caller = Person({Role::kGuest, Role::kProjectAdmin});
  for (Action action : {Action::kUpdateProject, Action::kManageMembers, Action::kManageRobot}) {
    EXPECT_TRUE(Decides(caller, {true, false}, action, kAllowed)) << ProjectActionName(action);
  }
  EXPECT_TRUE(Decides(caller, {true, false}, Action::kDeleteProject, kAdminOnly));
}

TEST(ProjectPermissionsTest, AMissingProjectIsNotFoundForEveryoneSignedIn) {
  for (Action action : kEveryAction) {
    for (bool is_public : {false, true}) {
      const ProjectFacts missing{false, is_public};
      EXPECT_TRUE(Decides(Person({}), missing, action, kHidden)) << ProjectActionName(action);
      EXPECT_TRUE(Decides(Person({Role::kProjectAdmin}), missing, action, kHidden))
          << ProjectActionName(action);
      EXPECT_TRUE(Decides(Person({}, true), missing, action, kHidden)) << ProjectActionName(action);
    }
  }
}

TEST(ProjectPermissionsTest, NobodySignedInIsUnauthorizedBeforeAnythingElse) {
  ApiCaller anonymous;
  for (Action action : kEveryAction) {
    for (ProjectFacts project :
         {ProjectFacts{true, true}, ProjectFacts{true, false}, ProjectFacts{false, false}}) {
      EXPECT_TRUE(Decides(anonymous, project, action, kNotSignedIn)) << ProjectActionName(action);
    }
  }
}

TEST(ProjectPermissionsTest, RobotsAreRefusedEvenWhereTheyHoldARoleOrTheProjectIsPublic) {
  ApiCaller robot;
  robot.kind = PrincipalKind::kRobot;
  robot.roles = {Role::kProjectAdmin};
  for (Action action : kEveryAction) {
    for (ProjectFacts project :
         {ProjectFacts{true, true}, ProjectFacts{true, false}, ProjectFacts{false, false}}) {
      EXPECT_TRUE(Decides(robot, project, action, kRobotRefused)) << ProjectActionName(action);
    }
  }
}

TEST(ProjectPermissionsTest, APersonalAccessTokenReadsButNeverChangesEvenForAnAdministrator) {
  const ProjectFacts project{true, false};
  for (bool sysadmin : {false, true}) {
    const ApiCaller token = Person({Role::kProjectAdmin}, sysadmin, /*access_token=*/true);
    for (Action action : kEveryAction) {
      const PermissionDecision want = IsChange(action) ? kTokenRefused : kAllowed;
      EXPECT_TRUE(Decides(token, project, action, want))
          << ProjectActionName(action) << (sysadmin ? " sysadmin" : " projectAdmin");
    }
  }
  // The read-only rule comes before the existence check: a change through a token tells
  // nothing about which projects exist.
  EXPECT_TRUE(
      Decides(Person({}, false, true), {false, false}, Action::kUpdateProject, kTokenRefused));
  // A read through a token follows the role table.
  EXPECT_TRUE(Decides(Person({}, false, true), {true, false}, Action::kReadProject, kHidden));
  EXPECT_TRUE(
      Decides(Person({Role::kGuest}, false, true), {true, false}, Action::kReadRobot, kNotAdmin));
}

TEST(ProjectPermissionsTest, ChangesAreTheActionsThatWrite) {
  const std::vector<Action> changes = {Action::kUpdateProject, Action::kDeleteProject,
                                       Action::kManageMembers, Action::kCreateRobot,
                                       Action::kManageRobot};
  for (Action action : kEveryAction) {
    const bool want = std::find(changes.begin(), changes.end(), action) != changes.end();
    EXPECT_EQ(IsChange(action), want) << ProjectActionName(action);
  }
}

}  // namespace
}  // namespace gatehouse::registry
