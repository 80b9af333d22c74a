// `gatehouse registry system-robot ...`: robot accounts spanning projects (Harbor's system-level
// robots), each holding its own access per project, or in every project with "*".
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/registry/robot_accounts.h"
#include "common/codec/rfc3339.h"
#include "common/common_errors.h"
#include "gatehouse/registry_cmd.h"
#include "registry/names.h"
#include "registry/token_response.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::app::registry_cli {
namespace {

namespace rs = adapters::registry_service;
using value::Value;

// "PROJECT=pull|push|admin"; PROJECT is a project name or "*" (every project).
Result<registry::RobotPermission> ParseGrant(const std::string& grant) {
  const std::size_t eq = grant.rfind('=');
  if (eq == std::string::npos) {
    return MakeError(CommonError::kInvalidArgument, "--grant must be PROJECT=pull|push|admin");
  }
  registry::RobotPermission permission;
  permission.project = grant.substr(0, eq);
  if (permission.project != "*") {
    if (Status valid = registry::ValidateProjectName(permission.project); !valid) {
      return valid.error();
    }
  }
  Result<std::vector<std::string>> actions = rs::ActionsForAccess(grant.substr(eq + 1));
  if (!actions) return actions.error();
  permission.actions = std::move(actions).value();
  return permission;
}

Result<std::vector<registry::RobotPermission>> ParseGrants(const std::vector<std::string>& grants) {
  if (grants.empty()) {
    return MakeError(CommonError::kInvalidArgument,
                     "give at least one --grant PROJECT=pull|push|admin");
  }
  std::vector<registry::RobotPermission> permissions;
  for (const std::string& grant : grants) {
    Result<registry::RobotPermission> permission = ParseGrant(grant);
    if (!permission) return permission.error();
    // Two grants for one project would leave the robot's access there a matter of order.
    const bool repeated = std::any_of(
        permissions.begin(), permissions.end(),
        [&](const registry::RobotPermission& p) { return p.project == permission->project; });
    if (repeated) {
      return MakeError(CommonError::kInvalidArgument,
                       "--grant names project " + permission->project + " twice");
    }
    permissions.push_back(std::move(permission).value());
  }
  return permissions;
}

std::string GrantsText(const registry::Robot& robot) {
  std::string text;
  for (const registry::RobotPermission& permission : robot.permissions) {
    if (!text.empty()) text += ",";
    text += permission.project + "=" + rs::AccessWord(permission.actions);
  }
  return text;
}

Value SystemRobotJson(const registry::Robot& robot, const RegistryFlags& f,
                      const std::string* secret) {
  Value out = Value::MakeObject();
  out.Set("id", Value(robot.id));
  out.Set("name", Value(registry::RobotLoginName(f.robot_prefix, robot.name)));
  if (secret != nullptr) out.Set("secret", Value(*secret));
  out.Set("level", Value("system"));
  Value grants = Value::MakeArray();
  for (const registry::RobotPermission& permission : robot.permissions) {
    Value grant = Value::MakeObject();
    grant.Set("project", Value(permission.project));
    grant.Set("access", Value(rs::AccessWord(permission.actions)));
    grants.Append(std::move(grant));
  }
  out.Set("permissions", std::move(grants));
  out.Set("description", Value(robot.description));
  out.Set("disabled", Value(robot.disabled));
  out.Set("expires_at", Value(robot.expires_at));
  out.Set("creation_time", Value(codec::FormatRfc3339Utc(robot.creation_time)));
  return out;
}

void PrintWithSecret(const rs::RobotWithSecret& robot, const RegistryFlags& f) {
  if (f.output == "json") {
    std::cout << value::ToJson(SystemRobotJson(robot.robot, f, &robot.secret)) << "\n";
  } else {
    std::cout << "name: " << robot.login << "\nsecret: " << robot.secret
              << "\ngrants: " << GrantsText(robot.robot)
              << "\nexpires: " << ExpiryText(robot.robot.expires_at) << "\n";
  }
  std::cerr << "gatehouse registry: the secret is shown only now; store it safely.\n";
}

// The system robot NAME (its own name, without the prefix); a project robot never matches
// since its stored name holds a '+', which ValidateRobotName refuses.
Result<registry::Robot> LoadSystemRobot(registry::RobotStore& store, const std::string& name) {
  if (Status valid = registry::ValidateRobotName(name); !valid) return valid.error();
  Result<registry::Robot> robot = store.LoadRobot(name);
  if (!robot) return robot.error();
  if (robot->level != registry::RobotLevel::kSystem) {
    return MakeError(CommonError::kNotFound, "system robot " + name + " not found");
  }
  return robot;
}

int Create(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<std::vector<registry::RobotPermission>> permissions = ParseGrants(f.grants);
  if (!permissions) return FailWith(permissions.error());
  rs::RobotRequest request;
  request.level = registry::RobotLevel::kSystem;
  request.name = f.name;
  request.description = f.description;
  request.permissions = std::move(permissions).value();
  request.expires_days = f.expires_days;
  Result<rs::RobotWithSecret> created =
      rs::CreateRobotAccount(store, kActor, f.robot_prefix, request, NowUnix());
  if (!created) return FailWith(created.error());
  PrintWithSecret(*created, f);
  return 0;
}

int Rotate(registry::RobotStore& store, const RegistryFlags& f) {
  Result<registry::Robot> robot = LoadSystemRobot(store, f.name);
  if (!robot) return FailWith(robot.error());
  Result<rs::RobotWithSecret> rotated =
      rs::RotateRobotAccount(store, kActor, f.robot_prefix, robot->id);
  if (!rotated) return FailWith(rotated.error());
  PrintWithSecret(*rotated, f);
  return 0;
}

int SetDisabled(registry::RobotStore& store, const RegistryFlags& f, bool disabled) {
  Result<registry::Robot> robot = LoadSystemRobot(store, f.name);
  if (!robot) return FailWith(robot.error());
  Result<registry::Robot> updated = store.SetRobotDisabled(kActor, robot->id, disabled);
  if (!updated) return FailWith(updated.error());
  std::cout << (disabled ? "disabled " : "enabled ")
            << registry::RobotLoginName(f.robot_prefix, updated->name) << "\n";
  return 0;
}

int Delete(registry::RobotStore& store, const RegistryFlags& f) {
  Result<registry::Robot> robot = LoadSystemRobot(store, f.name);
  if (!robot) return FailWith(robot.error());
  if (Status deleted = store.DeleteRobot(kActor, robot->id); !deleted) {
    return FailWith(deleted.error());
  }
  std::cout << "deleted " << registry::RobotLoginName(f.robot_prefix, robot->name) << "\n";
  return 0;
}

int List(registry::RobotStore& store, const RegistryFlags& f) {
  registry::RobotFilter filter;
  filter.level = registry::RobotLevel::kSystem;
  filter.page.page_size = registry::kMaxPageSize;
  Value items = Value::MakeArray();
  if (f.output != "json") std::cout << "NAME\tGRANTS\tDISABLED\tEXPIRES\n";
  for (;; ++filter.page.page) {
    Result<registry::Listing<registry::Robot>> listing = store.ListRobots(filter);
    if (!listing) return FailWith(listing.error());
    for (const registry::Robot& robot : listing->items) {
      if (f.output == "json") {
        items.Append(SystemRobotJson(robot, f, nullptr));
      } else {
        std::cout << registry::RobotLoginName(f.robot_prefix, robot.name) << "\t"
                  << GrantsText(robot) << "\t" << (robot.disabled ? "true" : "false") << "\t"
                  << ExpiryText(robot.expires_at) << "\n";
      }
    }
    if (filter.page.page * filter.page.page_size >= listing->total) break;
  }
  if (f.output == "json") std::cout << value::ToJson(items) << "\n";
  return 0;
}

CLI::App* NamedCommand(CLI::App* parent, const std::string& verb, const std::string& help,
                       RegistryFlags& f) {
  CLI::App* cmd = Sub(parent, verb, help);
  cmd->add_option("NAME", f.name, "robot name (without the prefix)")->required();
  return cmd;
}

}  // namespace

void RegisterSystemRobotCommands(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                                 int* exit_code) {
  RegistryFlags& f = *flags;
  CLI::App* group =
      Sub(registry, "system-robot", "robot accounts spanning projects (login name: prefix + NAME)");
  group->require_subcommand(1);
  CLI::App* cmd =
      NamedCommand(group, "create",
                   "create a system robot; prints its login name and secret (shown only now)", f);
  cmd->add_option("--grant", f.grants,
                  "PROJECT=pull|push|admin, repeatable; PROJECT * means every project, present "
                  "and future")
      ->allow_extra_args(false)
      ->required();
  cmd->add_option("--expires-days", f.expires_days, "days until it expires (-1: never)")
      ->default_str("-1");
  cmd->add_option("--description", f.description, "free text");
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, Create));
  cmd = NamedCommand(group, "rotate",
                     "give a system robot a new secret (the old one stops working)", f);
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, Rotate));
  cmd = NamedCommand(group, "disable", "refuse a system robot (at login too) until enabled", f);
  cmd->callback(
      RunWithStore(flags, exit_code, [](registry::RegistryStore& s, const RegistryFlags& fl) {
        return SetDisabled(s, fl, true);
      }));
  cmd = NamedCommand(group, "enable", "enable a disabled system robot", f);
  cmd->callback(
      RunWithStore(flags, exit_code, [](registry::RegistryStore& s, const RegistryFlags& fl) {
        return SetDisabled(s, fl, false);
      }));
  cmd = NamedCommand(group, "delete", "delete a system robot", f);
  cmd->callback(RunWithStore(flags, exit_code, Delete));
  cmd = Sub(group, "list", "list the system robots (never their secrets)");
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, List));
}

}  // namespace gatehouse::app::registry_cli
