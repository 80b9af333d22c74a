// RegistryStore: the durable state of the registry tenancy model (model.h), as one abstract
// interface that the token service, the Harbor-shaped API and the CLI are written against.
//
// Implementations (adapters/registry_store: SQLite, PostgreSQL) are thread-safe: every method
// may be called from any server thread. Every method is one transaction: a change and the audit
// event that records it are committed together or not at all, so a failure never leaves
// anything stored half-way. Timestamps (creation_time, update_time, audit time) come from the
// store's injected Clock, never from the caller.
//
// Errors (Error::code):
//   "not_found"           the project/member/robot/user/token named does not exist
//   "conflict"            a unique name is taken (HTTP 409)
//   "precondition_failed" a project still has robot accounts (HTTP 412, as Harbor)
//   "invalid_argument"    the request itself is malformed (empty name, bad page, ...)
//   "store_unavailable"   the database cannot be reached (fail fast; the caller may retry)
//   "store_error"         anything else the database reported
// Messages name the object (e.g. `project "team-a" already exists`) and never contain a
// secret, a secret hash or SQL text.
//
// Mutating methods take `actor` ("cli", a username, a robot's login name) for the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/model.h"

namespace gatehouse::registry {

// Paging as Harbor's API pages: 1-based page number, page_size in [1, kMaxPageSize].
inline constexpr std::int64_t kMaxPageSize = 1000;

struct PageRequest {
  std::int64_t page = 1;
  std::int64_t page_size = 100;
};

template <typename T>
struct Listing {
  std::vector<T> items;
  std::int64_t total = 0;  // matching rows over all pages (Harbor's X-Total-Count)
};

// Who is looking at the project list: a person by username and identity-provider groups.
struct ProjectViewer {
  std::string username;  // "" matches no user membership
  std::vector<std::string> groups;
};

struct ProjectFilter {
  std::string name_contains;      // substring match; "" = any ('%' and '_' are literal)
  std::optional<bool> is_public;  // nullopt = both
  // Only projects the viewer may see: public ones, and private ones where the username (a user
  // member) or one of the groups (a group member) holds any role. nullopt = every project.
  // "invalid_argument" beyond 1000 groups.
  std::optional<ProjectViewer> visible_to;
  PageRequest page;
};

// One project as the token endpoint sees it for a principal: does it exist, is it public, and
// which roles (direct user membership plus every group membership) does the principal hold.
struct ProjectRoles {
  std::int64_t project_id = 0;
  std::string project_name;
  bool is_public = false;
  std::vector<Role> roles;  // distinct, unordered; empty = not a member
};

struct RobotFilter {
  std::optional<RobotLevel> level;         // nullopt = both levels
  std::optional<std::int64_t> project_id;  // project robots of this project only
  // Only robots that expire (expires_at != kNever) at or before this time, for the
  // "expires soon" warning; expired ones are included.
  std::optional<std::int64_t> expiring_before;
  PageRequest page;
};

struct AuditFilter {
  std::string resource_prefix;  // e.g. "project/team-a"; "" = all
  PageRequest page;             // newest first
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

// What an identity provider login says about a person (UpsertUserAtLogin).
struct UserLogin {
  std::string issuer;
  std::string subject;
  std::string username;
  std::string email;
  bool sysadmin = false;
};

struct NewAccessToken {
  std::int64_t user_id = 0;
  std::string name;  // unique per user
  std::string secret_hash;
  std::vector<std::string> groups;
  std::int64_t expires_at = kNever;
};

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  // ---- Projects ------------------------------------------------------------------------
  // "conflict" if the name is taken; "invalid_argument" for an empty name.
  virtual Result<Project> CreateProject(std::string_view actor, std::string_view name,
                                        bool is_public) = 0;
  virtual Result<Project> LoadProject(std::string_view name) = 0;  // "not_found"
  virtual Result<Project> LoadProjectById(std::int64_t id) = 0;    // "not_found"
  // Ordered by name.
  virtual Result<Listing<Project>> ListProjects(const ProjectFilter& filter) = 0;
  virtual Result<Project> UpdateProjectPublic(std::string_view actor, std::int64_t id,
                                              bool is_public) = 0;
  // Deletes the project and its members. "precondition_failed" while any robot (a project
  // robot of it, or a system robot with a permission naming it) remains: robots hold
  // credentials people use, so they are deleted explicitly, never as a side effect.
  virtual Status DeleteProject(std::string_view actor, std::int64_t id) = 0;

  // ---- Members -------------------------------------------------------------------------
  // "not_found" if the project does not exist; "conflict" if the same user/group is already a
  // member of the project.
  virtual Result<Member> AddMember(std::string_view actor, std::int64_t project_id, MemberKind kind,
                                   std::string_view entity_name, Role role) = 0;
  virtual Result<Member> LoadMember(std::int64_t project_id, std::int64_t member_id) = 0;
  // Ordered by kind, then name. entity_name_contains: substring filter ("" = all).
  virtual Result<Listing<Member>> ListMembers(std::int64_t project_id,
                                              std::string_view entity_name_contains,
                                              const PageRequest& page) = 0;
  virtual Result<Member> UpdateMemberRole(std::string_view actor, std::int64_t project_id,
                                          std::int64_t member_id, Role role) = 0;
  virtual Status RemoveMember(std::string_view actor, std::int64_t project_id,
                              std::int64_t member_id) = 0;
  // The token endpoint's hot path, in one query: for each named project that exists, its
  // visibility and the roles `username` holds directly or through any of `groups`. Unknown
  // projects are left out. An empty username matches no user membership (anonymous).
  // "invalid_argument" beyond 1000 project names or 1000 groups.
  virtual Result<std::vector<ProjectRoles>> LoadProjectAccess(
      std::string_view username, const std::vector<std::string>& groups,
      const std::vector<std::string>& project_names) = 0;

  // ---- Robots --------------------------------------------------------------------------
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

  // ---- Users ---------------------------------------------------------------------------
  // Finds the user by issuer+subject and refreshes username, email and sysadmin, or creates
  // it ("user.create" audited; changes audited as "user.update"). A new username takes the
  // user's memberships along (one the new name already has in a project is kept), so whoever
  // later gets the old name inherits nothing. "conflict" when another
  // user (another issuer+subject) holds the username: the administrator re-links explicitly
  // (RelinkUser) instead of the login silently taking over an account.
  virtual Result<User> UpsertUserAtLogin(const UserLogin& login) = 0;
  virtual Result<User> LoadUser(std::string_view username) = 0;
  virtual Result<User> LoadUserById(std::int64_t id) = 0;
  virtual Result<User> LoadUserBySubject(std::string_view issuer, std::string_view subject) = 0;
  virtual Result<Listing<User>> ListUsers(const PageRequest& page) = 0;  // ordered by username
  // Points the existing user `username` at a new issuer+subject (the identity provider
  // changed), keeping its memberships and tokens; audited as "user.relink" with the old and
  // new identity. "conflict" if the new issuer+subject already belongs to another user.
  virtual Result<User> RelinkUser(std::string_view actor, std::string_view username,
                                  std::string_view issuer, std::string_view subject) = 0;
  // Deletes the user, its access tokens and its user memberships (a later account with the
  // same username must not inherit them). Memberships given to a name no user holds yet
  // (prepared before a first login) are not touched by anything else.
  virtual Status DeleteUser(std::string_view actor, std::int64_t id) = 0;

  // ---- Personal access tokens ----------------------------------------------------------
  // "not_found" if the user does not exist; "conflict" if the user has a token of that name.
  virtual Result<PersonalAccessToken> CreateAccessToken(std::string_view actor,
                                                        const NewAccessToken& token) = 0;
  virtual Result<PersonalAccessToken> LoadAccessTokenById(std::int64_t id) = 0;
  virtual Result<PersonalAccessToken> LoadAccessToken(std::int64_t user_id,
                                                      std::string_view name) = 0;
  virtual Result<std::vector<PersonalAccessToken>> ListAccessTokens(std::int64_t user_id) = 0;
  // Records a use (not audited: it is not a change anyone made). `groups`, when given,
  // replaces the stored groups (the user's groups from a fresh ID token).
  virtual Status RecordAccessTokenUse(std::int64_t id, std::int64_t when,
                                      const std::optional<std::vector<std::string>>& groups) = 0;
  virtual Status RevokeAccessToken(std::string_view actor, std::int64_t id) = 0;  // deletes

  // ---- Audit ---------------------------------------------------------------------------
  // For events that are not a store change (e.g. a refused login worth recording); id and
  // time are assigned by the store.
  virtual Status AppendAuditEvent(const AuditEvent& event) = 0;
  virtual Result<Listing<AuditEvent>> ListAuditEvents(const AuditFilter& filter) = 0;
};

}  // namespace gatehouse::registry
