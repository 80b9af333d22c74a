#include "registry/access.h"

#include <algorithm>
#include <array>

namespace gatehouse::registry {
namespace {

// Bit set over the three registry actions, so unions and order stay trivial.
enum ActionBits : unsigned { kPullBit = 1, kPushBit = 2, kDeleteBit = 4, kAllBits = 7 };

constexpr std::array<std::pair<ActionBits, std::string_view>, 3> kActions{{
    {kPullBit, kPull},
    {kPushBit, kPush},
    {kDeleteBit, kDelete},
}};

unsigned RoleBits(Role role) {
  switch (role) {
    case Role::kProjectAdmin:
    case Role::kMaintainer:
      return kPullBit | kPushBit | kDeleteBit;
    case Role::kDeveloper:
      return kPullBit | kPushBit;
    case Role::kGuest:
    case Role::kLimitedGuest:
      return kPullBit;
  }
  return 0;
}

unsigned ActionBit(std::string_view action) {
  if (action == kAnyAction) return kAllBits;
  for (const auto& [bit, name] : kActions) {
    if (action == name) return bit;
  }
  return 0;
}

std::vector<std::string> BitsToActions(unsigned bits) {
  std::vector<std::string> out;
  for (const auto& [bit, name] : kActions) {
    if (bits & bit) out.emplace_back(name);
  }
  return out;
}

unsigned RobotBits(const Principal& robot, const std::string& project) {
  unsigned bits = 0;
  for (const RobotPermission& permission : robot.robot_permissions) {
    const bool matches =
        permission.project == project ||
        (permission.project == kAnyProject && robot.robot_level == RobotLevel::kSystem);
    if (!matches) continue;
    for (const std::string& action : permission.actions) bits |= ActionBit(action);
  }
  if (bits & kPushBit) bits |= kPullBit;
  return bits;
}

unsigned AllowedBits(const Principal& principal, const ProjectAccess* access) {
  if (access == nullptr) return 0;
  unsigned bits = access->project.is_public ? kPullBit : 0u;
  switch (principal.kind) {
    case PrincipalKind::kAnonymous:
      break;
    case PrincipalKind::kUser:
      if (principal.sysadmin) return kAllBits;
      for (Role role : access->roles) bits |= RoleBits(role);
      break;
    case PrincipalKind::kRobot:
      bits |= RobotBits(principal, access->project.name);
      break;
  }
  return bits;
}

std::vector<std::string> Intersect(const std::vector<std::string>& requested, unsigned allowed) {
  std::vector<std::string> out;
  auto add = [&](std::string_view action) {
    if (std::find(out.begin(), out.end(), action) == out.end()) out.emplace_back(action);
  };
  for (const std::string& action : requested) {
    if (action == kAnyAction) {
      for (const auto& [bit, name] : kActions) {
        if (allowed & bit) add(name);
      }
    } else if (unsigned bit = ActionBit(action); bit != 0 && (allowed & bit)) {
      add(action);
    }
  }
  return out;
}

const ProjectAccess* FindProject(const ProjectsByName& projects, std::string_view name) {
  auto it = projects.find(name);
  return it == projects.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<std::string> RoleActions(Role role) { return BitsToActions(RoleBits(role)); }

std::vector<std::string> AllowedRepositoryActions(const Principal& principal,
                                                  const ProjectAccess* project) {
  return BitsToActions(AllowedBits(principal, project));
}

std::vector<std::string> ReferencedProjects(const std::vector<ResourceScope>& requested) {
  std::vector<std::string> out;
  for (const ResourceScope& scope : requested) {
    if (scope.type != kRepositoryType) continue;
    Result<RepositoryName> name = ParseRepositoryName(scope.name);
    if (!name || !name->domain.empty()) continue;
    out.push_back(name->project);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<ResourceScope> GrantAccess(const Principal& principal, const ProjectsByName& projects,
                                       const std::vector<ResourceScope>& requested) {
  std::vector<ResourceScope> granted;
  granted.reserve(requested.size());
  for (const ResourceScope& scope : requested) {
    ResourceScope grant{scope.type, scope.resource_class, scope.name, {}};
    if (scope.type == kRepositoryType) {
      // The class ("repository(plugin)") names the same repository; the registry ignores it.
      // Requested scopes come from ParseScopes, but a caller may build them by hand: re-check.
      Result<RepositoryName> name = ParseRepositoryName(scope.name);
      if (name && name->domain.empty()) {
        grant.actions =
            Intersect(scope.actions, AllowedBits(principal, FindProject(projects, name->project)));
      }
    } else if (scope.type == kRegistryType && scope.resource_class.empty() &&
               scope.name == kCatalogName && principal.kind == PrincipalKind::kUser &&
               principal.sysadmin) {
      // The registry only ever asks for registry:catalog:*; "*" satisfies any action there.
      if (std::find(scope.actions.begin(), scope.actions.end(), kAnyAction) !=
          scope.actions.end()) {
        grant.actions = {std::string(kAnyAction)};
      } else {
        grant.actions = scope.actions;
      }
    }
    granted.push_back(std::move(grant));
  }
  return granted;
}

}  // namespace gatehouse::registry
