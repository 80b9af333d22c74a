#include "registry/project_permissions.h"

#include <algorithm>

namespace gatehouse::registry {

namespace {

PermissionDecision Allow() { return {PermissionOutcome::kAllow, RefusalReason::kNone}; }
PermissionDecision Forbid(RefusalReason reason) { return {PermissionOutcome::kForbidden, reason}; }
PermissionDecision Hidden() { return {PermissionOutcome::kNotFound, RefusalReason::kHidden}; }

// Robots of a project are shown to its members only: the public flag opens pulls, not robot ids.
bool HiddenFromNonMembersOfPublicProjects(ProjectAction action) {
  return action == ProjectAction::kReadRobot || action == ProjectAction::kManageRobot;
}

}  // namespace

bool IsChange(ProjectAction action) {
  switch (action) {
    case ProjectAction::kReadProject:
    case ProjectAction::kListMembers:
    case ProjectAction::kListRobots:
    case ProjectAction::kReadRobot:
      return false;
    case ProjectAction::kUpdateProject:
    case ProjectAction::kDeleteProject:
    case ProjectAction::kManageMembers:
    case ProjectAction::kCreateRobot:
    case ProjectAction::kManageRobot:
      return true;
  }
  return true;
}

PermissionDecision DecideProjectAction(const ApiCaller& caller, const ProjectFacts& project,
                                       ProjectAction action) {
  if (caller.kind == PrincipalKind::kAnonymous) {
    return {PermissionOutcome::kUnauthorized, RefusalReason::kNotSignedIn};
  }
  if (caller.kind != PrincipalKind::kUser) return Forbid(RefusalReason::kRobot);
  if (caller.access_token && IsChange(action)) return Forbid(RefusalReason::kAccessTokenReadOnly);
  if (!project.exists) return Hidden();
  if (caller.sysadmin) return Allow();
  const bool member = !caller.roles.empty();
  if (!member && (!project.is_public || HiddenFromNonMembersOfPublicProjects(action))) {
    return Hidden();
  }
  switch (action) {
    case ProjectAction::kReadProject:
      return Allow();
    case ProjectAction::kListMembers:
      return member ? Allow() : Forbid(RefusalReason::kNotMember);
    case ProjectAction::kDeleteProject:
      return Forbid(RefusalReason::kSysadminOnly);
    case ProjectAction::kUpdateProject:
    case ProjectAction::kManageMembers:
    case ProjectAction::kListRobots:
    case ProjectAction::kCreateRobot:
    case ProjectAction::kReadRobot:
    case ProjectAction::kManageRobot:
      break;
  }
  if (std::find(caller.roles.begin(), caller.roles.end(), Role::kProjectAdmin) !=
      caller.roles.end()) {
    return Allow();
  }
  return Forbid(RefusalReason::kNotProjectAdmin);
}

std::string_view ProjectActionName(ProjectAction action) {
  switch (action) {
    case ProjectAction::kReadProject:
      return "read";
    case ProjectAction::kUpdateProject:
      return "update";
    case ProjectAction::kDeleteProject:
      return "delete";
    case ProjectAction::kListMembers:
      return "list_members";
    case ProjectAction::kManageMembers:
      return "manage_members";
    case ProjectAction::kListRobots:
      return "list_robots";
    case ProjectAction::kCreateRobot:
      return "create_robot";
    case ProjectAction::kReadRobot:
      return "read_robot";
    case ProjectAction::kManageRobot:
      return "manage_robot";
  }
  return "unknown";
}

}  // namespace gatehouse::registry
