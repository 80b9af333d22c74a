#include "adapters/registry/robot_accounts.h"

#include <algorithm>

#include "common/common_errors.h"
#include "registry/names.h"

namespace gatehouse::adapters::registry_service {
namespace {

Result<std::string> SecretFor(std::string_view chosen) {
  if (chosen.empty()) return registry::GenerateSecret();
  if (Status valid = registry::ValidateSecret(chosen); !valid) return valid.error();
  return std::string(chosen);
}

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

Result<std::vector<std::string>> ActionsForAccess(std::string_view access) {
  if (access == "pull") return std::vector<std::string>{"pull"};
  if (access == "push") return std::vector<std::string>{"pull", "push"};
  if (access == "delete" || access == "admin") {
    return std::vector<std::string>{"pull", "push", "delete"};
  }
  return MakeError(CommonError::kInvalidArgument, "access must be pull, push or admin");
}

std::string AccessWord(const std::vector<std::string>& actions) {
  const bool pull = Contains(actions, "pull") || Contains(actions, "*");
  const bool push = Contains(actions, "push") || Contains(actions, "*");
  const bool del = Contains(actions, "delete") || Contains(actions, "*");
  if (push && del) return "admin";
  if (push) return "push";
  if (pull && !del) return "pull";
  std::string joined;
  for (const std::string& action : actions) joined += (joined.empty() ? "" : ",") + action;
  return joined;
}

std::vector<std::string> RobotActions(const registry::Robot& robot) {
  std::vector<std::string> actions;
  for (const registry::RobotPermission& permission : robot.permissions) {
    for (const std::string& action : permission.actions) {
      if (!Contains(actions, action)) actions.push_back(action);
    }
  }
  return actions;
}

Result<RobotWithSecret> CreateRobotAccount(registry::RegistryStore& store, std::string_view actor,
                                           std::string_view prefix, const RobotRequest& request,
                                           std::int64_t now_unix,
                                           const registry::SecretHashOptions& hashing) {
  if (Status valid = registry::ValidateRobotName(request.name); !valid) return valid.error();
  registry::NewRobot robot;
  robot.level = request.level;
  robot.description = request.description;
  robot.disabled = request.disabled;
  if (request.level == registry::RobotLevel::kProject) {
    if (Status valid = registry::ValidateProjectName(request.project); !valid) {
      return valid.error();
    }
    if (request.actions.empty()) {
      return MakeError(CommonError::kInvalidArgument, "a project robot needs at least one action");
    }
    Result<registry::Project> project = store.LoadProject(request.project);
    if (!project) return project.error();
    robot.project_id = project->id;
    robot.permissions.push_back({request.project, request.actions});
  } else {
    if (request.permissions.empty()) {
      return MakeError(CommonError::kInvalidArgument,
                       "a system robot needs at least one permission");
    }
    robot.permissions = request.permissions;
  }
  robot.name = registry::RobotStoredName(request.level, request.project, request.name);
  if (request.expires_days && *request.expires_days != -1) {
    if (*request.expires_days <= 0 || *request.expires_days > kMaxRobotDays) {
      return MakeError(CommonError::kInvalidArgument, "the expiry must be -1 (never) or 1.." +
                                                          std::to_string(kMaxRobotDays) + " days");
    }
    robot.expires_at = now_unix + *request.expires_days * 86400;
  }
  Result<std::string> secret = SecretFor(request.secret);
  if (!secret) return secret.error();
  Result<std::string> hash = registry::HashSecret(*secret, hashing);
  if (!hash) return hash.error();
  robot.secret_hash = std::move(hash).value();
  Result<registry::Robot> created = store.CreateRobot(actor, robot);
  if (!created) return created.error();
  RobotWithSecret out;
  out.login = registry::RobotLoginName(prefix, created->name);
  out.robot = std::move(created).value();
  out.secret = std::move(secret).value();
  return out;
}

Result<RobotWithSecret> RotateRobotAccount(registry::RobotStore& store, std::string_view actor,
                                           std::string_view prefix, std::int64_t id,
                                           std::string_view chosen,
                                           const registry::SecretHashOptions& hashing) {
  Result<std::string> secret = SecretFor(chosen);
  if (!secret) return secret.error();
  Result<std::string> hash = registry::HashSecret(*secret, hashing);
  if (!hash) return hash.error();
  Result<registry::Robot> updated = store.UpdateRobotSecret(actor, id, *hash);
  if (!updated) return updated.error();
  RobotWithSecret out;
  out.login = registry::RobotLoginName(prefix, updated->name);
  out.robot = std::move(updated).value();
  out.secret = std::move(secret).value();
  return out;
}

}  // namespace gatehouse::adapters::registry_service
