// RobotStore: robot accounts (project and system level), their permissions, secrets (hashes
// only), disabling and expiry.
//
// Part of RegistryStore (store.h), whose contract holds here: implementations are thread-safe,
// every method is one transaction in which a change and its audit event are committed together,
// timestamps come from the store's Clock. Errors (Error::code): "not_found", "conflict",
// "invalid_argument", "store_unavailable", "store_error"; messages name the object and never
// contain a secret, a secret hash or SQL text. `actor` is recorded in the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/listing.h"
#include "registry/model.h"

namespace gatehouse::registry {

struct RobotFilter {
  std::optional<RobotLevel> level;         // nullopt = both levels
  std::optional<std::int64_t> project_id;  // project robots of this project only
  // Only robots that expire (expires_at != kNever) at or before this time, for the
  // "expires soon" warning; expired ones are included.
  std::optional<std::int64_t> expiring_before;
  PageRequest page;
};

// The values a caller chooses when creating a robot; the store assigns id and times. For a
// project robot, project_id is required and every permission must name that project. A
// permission's project is a project name, or "*" (every project, system robots only).
struct NewRobot {
  std::string name;  // stored name: "<project>+<name>" or "<name>" (see Robot::name)
  std::string description;
  RobotLevel level = RobotLevel::kProject;
  std::int64_t project_id = 0;
  std::vector<RobotPermission> permissions;
  std::string secret_hash;
  bool disabled = false;
  std::int64_t expires_at = kNever;
};

// What UpdateRobot may change (Harbor's PUT /robots/{id}); name, level and secret do not. Only
// the fields that are set change; the others keep what is stored when the update's transaction
// runs, so an update naming only the description cannot undo a concurrent disable or rotation.
struct RobotUpdate {
  std::optional<std::string> description;
  std::optional<std::vector<RobotPermission>> permissions;
  std::optional<bool> disabled;
  std::optional<std::int64_t> expires_at;  // Unix seconds or kNever
};

class RobotStore {
 public:
  virtual ~RobotStore() = default;

  // "conflict" if the name is taken; "not_found" if a project (project_id or a permission's
  // project) does not exist; "invalid_argument" for an inconsistent robot (see NewRobot).
  virtual Result<Robot> CreateRobot(std::string_view actor, const NewRobot& robot) = 0;
  virtual Result<Robot> LoadRobot(std::string_view name) = 0;  // by stored name
  virtual Result<Robot> LoadRobotById(std::int64_t id) = 0;
  // Ordered by name.
  virtual Result<Listing<Robot>> ListRobots(const RobotFilter& filter) = 0;
  // Reads, merges and writes in one transaction (see RobotUpdate). "not_found"; for a project
  // robot "invalid_argument" when a permission names another project.
  virtual Result<Robot> UpdateRobot(std::string_view actor, std::int64_t id,
                                    const RobotUpdate& update) = 0;
  // Rotation: replaces the hash (audited as "robot.rotate").
  virtual Result<Robot> UpdateRobotSecret(std::string_view actor, std::int64_t id,
                                          std::string_view secret_hash) = 0;
  virtual Result<Robot> SetRobotDisabled(std::string_view actor, std::int64_t id,
                                         bool disabled) = 0;
  virtual Status DeleteRobot(std::string_view actor, std::int64_t id) = 0;
};

}  // namespace gatehouse::registry
