#include "adapters/registry/grant.h"

#include "registry/access.h"

namespace gatehouse::adapters::registry_service {

std::vector<std::string> ReferencedProjectNames(
    const std::vector<registry::ResourceScope>& requested) {
  return registry::ReferencedProjects(requested);
}

std::vector<registry::ResourceScope> GrantFor(
    const Caller& caller, const std::vector<ResolvedProject>& projects,
    const std::vector<registry::ResourceScope>& requested) {
  registry::Principal principal;
  switch (caller.kind) {
    case CallerKind::kAnonymous:
      principal.kind = registry::PrincipalKind::kAnonymous;
      break;
    case CallerKind::kUser:
      principal.kind = registry::PrincipalKind::kUser;
      principal.groups = caller.groups;
      principal.sysadmin = caller.sysadmin;
      break;
    case CallerKind::kRobot:
      principal.kind = registry::PrincipalKind::kRobot;
      principal.robot_level = caller.robot_level;
      principal.robot_permissions = caller.robot_permissions;
      break;
  }
  principal.name = caller.name;
  registry::ProjectsByName by_name;
  for (const ResolvedProject& resolved : projects) {
    registry::ProjectAccess access;
    access.project = resolved.project;
    access.roles = resolved.roles;
    by_name.emplace(resolved.project.name, std::move(access));
  }
  return registry::GrantAccess(principal, by_name, requested);
}

}  // namespace gatehouse::adapters::registry_service
