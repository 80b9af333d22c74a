// The registry tenancy model: projects, members, robot accounts, people and their access tokens,
// shaped after Harbor's so its habits carry over (roles, robot levels, `{"errors":[...]}`).
//
// Plain value types shared by the core (scopes, roles → actions, token claims), the stores
// (SQLite, PostgreSQL) and the API. No secret is ever held here in plain text: robots and
// personal access tokens carry a salted PBKDF2-SHA256 hash only. Times are Unix seconds (UTC);
// kNever marks "does not expire". Copy freely; no thread-safety concerns of their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::registry {

inline constexpr std::int64_t kNever = -1;

// Harbor's project roles, with Harbor's ids (src/common/const.go) so API clients carry over.
enum class Role : std::uint8_t {
  kProjectAdmin = 1,
  kDeveloper = 2,
  kGuest = 3,
  kMaintainer = 4,
  kLimitedGuest = 5,
};

// "projectAdmin", "developer", "guest", "maintainer", "limitedGuest".
std::string_view RoleName(Role role);
// By name (as above) or by id ("1".."5"); nullopt for anything else.
std::optional<Role> ParseRole(std::string_view text);

struct Project {
  std::int64_t id = 0;
  std::string name;  // Harbor's rule: ^[a-z0-9]+(?:[._-][a-z0-9]+)*$, 1..255 chars
  bool is_public = false;
  std::int64_t creation_time = 0;
  std::int64_t update_time = 0;
};

enum class MemberKind : std::uint8_t { kUser, kGroup };  // Harbor entity_type "u" / "g"

struct Member {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  MemberKind kind = MemberKind::kUser;
  std::string entity_name;  // username, or the group name as the identity provider sends it
  Role role = Role::kGuest;
};

enum class RobotLevel : std::uint8_t { kProject, kSystem };

// What a robot may do in one project ("*" = every project, system robots only).
struct RobotPermission {
  std::string project;               // project name or "*"
  std::vector<std::string> actions;  // registry actions: "pull", "push", "delete"
};

struct Robot {
  std::int64_t id = 0;
  // Stored name without the configurable prefix: "<project>+<name>" for project robots (as
  // Harbor), "<name>" for system robots. The login name is prefix + this.
  std::string name;
  std::string description;
  RobotLevel level = RobotLevel::kProject;
  std::int64_t project_id = 0;  // project robots only
  std::vector<RobotPermission> permissions;
  std::string secret_hash;  // "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
  bool disabled = false;
  std::int64_t expires_at = kNever;  // Unix seconds, or kNever
  std::int64_t creation_time = 0;
  std::int64_t update_time = 0;
};

// A person, keyed by identity provider issuer + subject (never by a name that can be reused).
struct User {
  std::int64_t id = 0;
  std::string issuer;
  std::string subject;
  std::string username;   // from the configured username claim; unique
  std::string email;      // may be empty (Harbor's #9600 pitfall)
  bool sysadmin = false;  // granted by the administrator group, refreshed at each login
  std::int64_t creation_time = 0;
  std::int64_t update_time = 0;
};

// A personal access token: lives independently of the identity provider's refresh token
// (Harbor's CLI secret does not: harbor#14172). Groups are the user's groups when it was
// created or last used with an ID token.
struct PersonalAccessToken {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name;
  std::string secret_hash;
  std::vector<std::string> groups;
  std::int64_t expires_at = kNever;
  std::int64_t creation_time = 0;
  std::int64_t last_used = 0;
};

// One line of the audit log: who changed what.
struct AuditEvent {
  std::int64_t id = 0;
  std::int64_t time = 0;
  std::string actor;      // "cli", a username, or a robot's login name
  std::string operation;  // "project.create", "member.add", "robot.rotate", "user.relink", ...
  std::string resource;   // "project/team-demo", "robot/team-demo+ci", ...
  std::string detail;     // never a secret
};

}  // namespace gatehouse::registry
