// Names of projects and robot accounts, and the robot login name (what clients type as the
// Basic-auth user name).
//
// Project and robot names follow Harbor's rule `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`, so no quote,
// semicolon, space, slash, '+' or '$' ever reaches a store, a shell or a YAML file. A project
// name is also a repository path component (scope.h), so every project can hold images.
//
// A project robot is stored as "<project>+<name>" (Harbor's form; '+' cannot occur in either
// part) and a system robot as "<name>"; the login name is a configurable prefix + the stored
// name. The default prefix is "robot+" rather than Harbor's "robot$": '$' is expanded by shells,
// GitLab/Jenkins/GitHub CI variables, Makefiles and docker-compose files, which broke pushes
// (harbor#9553, #9732, #13932, #15795). "robot+" needs no quoting in a POSIX shell, a CI
// variable, a YAML plain scalar or a JSON string, and is unchanged in the base64 `auth` of a
// docker config. Its '+' is outside the project-name alphabet, so no project name, no stored
// robot name and no ordinary user name (which we refuse to treat as a robot, see
// ParseRobotLoginName) can be mistaken for it, unlike "robot_" or "robot-": "robot_x" is a
// valid project name. A prefix must be 1..32 printable ASCII characters without ':' (Basic auth
// splits on it), whitespace, '"' or '\\'.
//
// Errors: "invalid_name" (the message says which rule failed; it quotes a name only when it is
// short and printable). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "registry/model.h"

namespace gatehouse::registry {

inline constexpr std::string_view kDefaultRobotPrefix = "robot+";
inline constexpr std::size_t kMaxProjectNameBytes = 255;
inline constexpr std::size_t kMaxRobotNameBytes = 128;
inline constexpr std::size_t kMaxRobotPrefixBytes = 32;

// True when `name` matches ^[a-z0-9]+(?:[._-][a-z0-9]+)*$ (any length).
bool MatchesHarborNameRule(std::string_view name);

// 1..255 bytes, Harbor's rule. Errors: "invalid_name".
Status ValidateProjectName(std::string_view name);
// 1..128 bytes, Harbor's rule (no '+': it separates project and robot). Errors: "invalid_name".
Status ValidateRobotName(std::string_view name);
// See the header comment. Errors: "invalid_name".
Status ValidateRobotPrefix(std::string_view prefix);

// "<project>+<name>" for a project robot, "<name>" for a system robot (project ignored).
std::string RobotStoredName(RobotLevel level, std::string_view project, std::string_view name);
// prefix + stored name.
std::string RobotLoginName(std::string_view prefix, std::string_view stored_name);

struct RobotLogin {
  RobotLevel level = RobotLevel::kProject;
  std::string project;      // project robots only
  std::string name;         // the robot's own name, without project or prefix
  std::string stored_name;  // as Robot::name holds it
};

// True when `login` starts with `prefix`: such a login is only ever looked up as a robot, never
// as a person (Harbor refuses the robot prefix for OIDC CLI users for the same reason).
bool HasRobotPrefix(std::string_view login, std::string_view prefix);

// Parses "<prefix><project>+<name>" or "<prefix><name>". Errors: "invalid_name" when the prefix
// is missing or a part breaks the name rules.
Result<RobotLogin> ParseRobotLoginName(std::string_view login, std::string_view prefix);

}  // namespace gatehouse::registry
