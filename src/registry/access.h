// Who may do what in the registry: the access a token grants, as a pure function of the
// principal, the projects its scopes name (resolved by the caller from the store) and the
// requested scopes.
//
// Rules (Harbor's src/common/rbac/project/rbac_role.go and src/common/security/robot/context.go):
//   projectAdmin, maintainer  pull, push, delete       developer       pull, push
//   guest, limitedGuest       pull                     public project  pull, for everyone
//                                                                      (anonymous and robots too)
//   system administrator      pull, push, delete on every repository, and registry:catalog:*
//   robot                     the actions of its permission for the project ("*" project: every
//                             project, system robots only); action "*" means pull, push and
//                             delete; push implies pull (Harbor's filterRobotPolicies)
// Several roles (user membership plus group memberships) add up. The grant for one resource is
// requested ∩ allowed, keeping the requested order; a requested "*" is answered with the allowed
// actions listed one by one, except where "*" itself is allowed (the catalog, for
// administrators). A resource class ("repository(plugin)") does not change the rules, as the
// registry ignores it when matching. Unknown projects, names with a registry host, other resource
// types, unknown actions and anything not allowed yield an entry with no actions: a partial grant
// is not an error (the registry then answers 401/denied). One entry per requested resource, same
// order.
//
// Pure function over plain structs; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "registry/model.h"
#include "registry/scope.h"

namespace gatehouse::registry {

inline constexpr std::string_view kPull = "pull";
inline constexpr std::string_view kPush = "push";
inline constexpr std::string_view kDelete = "delete";
inline constexpr std::string_view kAnyAction = "*";
inline constexpr std::string_view kAnyProject = "*";

enum class PrincipalKind { kAnonymous, kUser, kRobot };

struct Principal {
  PrincipalKind kind = PrincipalKind::kAnonymous;
  std::string name;                 // username, robot login name; "" when anonymous
  std::vector<std::string> groups;  // users: groups from the identity provider or the token
  bool sysadmin = false;            // users only; ignored for robots
  RobotLevel robot_level = RobotLevel::kProject;   // robots only
  std::vector<RobotPermission> robot_permissions;  // robots only
};

// A project named by a requested scope, with the principal's roles in it: the caller resolves
// user and group memberships (for a robot or anonymous, roles stay empty).
struct ProjectAccess {
  Project project;
  std::vector<Role> roles;
};

using ProjectsByName = std::map<std::string, ProjectAccess, std::less<>>;

// The registry actions a role allows, in the order pull, push, delete.
std::vector<std::string> RoleActions(Role role);

// The repository actions `principal` has in `project` (nullptr: unknown project → none), in the
// order pull, push, delete.
std::vector<std::string> AllowedRepositoryActions(const Principal& principal,
                                                  const ProjectAccess* project);

// The project names the caller must resolve for `requested` (first path component of every
// repository without a registry host), distinct, sorted.
std::vector<std::string> ReferencedProjects(const std::vector<ResourceScope>& requested);

// The grant for every requested resource (see the header comment).
std::vector<ResourceScope> GrantAccess(const Principal& principal, const ProjectsByName& projects,
                                       const std::vector<ResourceScope>& requested);

}  // namespace gatehouse::registry
