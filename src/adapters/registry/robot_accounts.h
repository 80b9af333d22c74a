// Robot account operations shared by the registry API and the `gatehouse registry` CLI: create
// (secret generated, or chosen and validated; only its PBKDF2 hash is stored), rotate, and the
// plain views of a robot (login name, access word). The secret is returned to the caller once
// and never logged.
//
// Errors: "invalid_name" (project or robot name), "invalid_secret" (a chosen secret breaks the
// rule), "invalid_argument" (bad expiry or access), and the store's codes. Thread-safe when the
// store is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/model.h"
#include "registry/secret.h"
#include "registry/store.h"

namespace gatehouse::adapters::registry_service {

// The longest expiry accepted, in days (Harbor: below MaxInt32; ours keeps Unix seconds sane).
inline constexpr std::int64_t kMaxRobotDays = 36500;

struct RobotRequest {
  registry::RobotLevel level = registry::RobotLevel::kProject;
  std::string project;  // project robots
  std::string name;     // the robot's own name (Harbor's rule)
  std::string description;
  // Project robots: registry actions in `project`. System robots: `permissions`.
  std::vector<std::string> actions;
  std::vector<registry::RobotPermission> permissions;
  std::optional<std::int64_t> expires_days;  // nullopt or -1: never
  std::string secret;                        // "" = generate
  bool disabled = false;
};

struct RobotWithSecret {
  registry::Robot robot;
  std::string login;   // prefix + stored name
  std::string secret;  // plain text, shown once
};

// "pull" → {pull}; "push" → {pull, push} (push implies pull); "delete"/"admin" → {pull, push,
// delete}. Errors: "invalid_argument".
Result<std::vector<std::string>> ActionsForAccess(std::string_view access);
// The inverse for display: "pull", "push", "admin", or the actions joined by ','.
std::string AccessWord(const std::vector<std::string>& actions);
// The actions a project robot holds in its project (the union of its permissions).
std::vector<std::string> RobotActions(const registry::Robot& robot);

Result<RobotWithSecret> CreateRobotAccount(registry::RegistryStore& store, std::string_view actor,
                                           std::string_view prefix, const RobotRequest& request,
                                           std::int64_t now_unix,
                                           const registry::SecretHashOptions& hashing = {});

// New secret (generated, or `chosen` validated) for robot `id`.
Result<RobotWithSecret> RotateRobotAccount(registry::RobotStore& store, std::string_view actor,
                                           std::string_view prefix, std::int64_t id,
                                           std::string_view chosen = {},
                                           const registry::SecretHashOptions& hashing = {});

}  // namespace gatehouse::adapters::registry_service
