// Shared by the per-resource SQL stores (sql_project_store.cc, sql_member_store.cc,
// sql_robot_store.cc, sql_user_store.cc, sql_access_token_store.cc, sql_audit_store.cc): the
// database and clock they share (SqlStoreContext), transactions and the audit write
// (SqlResourceStore), input checks, row mapping and the lookups several resources need.
//
// Every statement is constant text with `?` placeholders; values are only ever bound. Driver
// errors are turned into the store's codes (registry/store.h) with messages that name the
// object, never the SQL or a secret. Internal to adapters/registry_store.
//
// Thread-safety: SqlStoreContext is as thread-safe as its SqlDatabase; the free functions work
// inside the caller's transaction (SqlSession) and keep no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/registry_store/sql_database.h"
#include "common/clock.h"
#include "common/result.h"
#include "registry/store.h"

namespace gatehouse::adapters::sql_store {

using registry::AuditEvent;
using registry::AuditFilter;
using registry::Listing;
using registry::Member;
using registry::MemberKind;
using registry::NewAccessToken;
using registry::NewRobot;
using registry::PageRequest;
using registry::PersonalAccessToken;
using registry::Project;
using registry::ProjectFilter;
using registry::ProjectRoles;
using registry::Robot;
using registry::RobotFilter;
using registry::RobotLevel;
using registry::RobotPermission;
using registry::RobotUpdate;
using registry::Role;
using registry::User;
using registry::UserLogin;
using Params = std::vector<SqlValue>;
using Rows = std::vector<SqlRow>;

inline constexpr std::size_t kMaxNameLength = 255;
inline constexpr std::size_t kMaxTextLength = 4096;  // descriptions, hashes, issuers, subjects
inline constexpr std::size_t kMaxListedNames = 1000;

inline constexpr std::string_view kProjectColumns = "id, name, public, creation_time, update_time";
inline constexpr std::string_view kMemberColumns = "id, project_id, kind, entity_name, role";
inline constexpr std::string_view kRobotColumns =
    "id, name, description, level, project_id, secret_hash, disabled, expires_at, "
    "creation_time, update_time";
inline constexpr std::string_view kUserColumns =
    "id, issuer, subject, username, email, sysadmin, creation_time, update_time";
inline constexpr std::string_view kTokenColumns =
    "id, user_id, name, secret_hash, groups_json, expires_at, creation_time, last_used";

// The database and clock every per-resource store of one RegistryStore shares. Owns the
// database; `clock` must outlive it.
class SqlStoreContext {
 public:
  SqlStoreContext(std::unique_ptr<SqlDatabase> db, const Clock& clock)
      : db_(std::move(db)), clock_(clock) {}

  std::int64_t Now() const;  // Unix seconds from the injected clock
  // One transaction: committed when `body` returns Ok, rolled back otherwise.
  Status Write(const std::function<Status(SqlSession&)>& body);
  Status Read(const std::function<Status(SqlSession&)>& body);
  // Appends an audit event inside the caller's transaction (so the change and its record are
  // committed together).
  Status Audit(SqlSession& s, std::string_view actor, std::string_view operation,
               std::string_view resource, std::string_view detail);

 private:
  std::unique_ptr<SqlDatabase> db_;
  const Clock& clock_;
};

// The base of each per-resource store: its methods read as one transaction each
// (Write/Read) through the shared context.
class SqlResourceStore {
 protected:
  explicit SqlResourceStore(SqlStoreContext& context) : context_(context) {}

  static std::int64_t Bool(bool b) { return b ? 1 : 0; }
  std::int64_t Now() const { return context_.Now(); }
  Status Write(const std::function<Status(SqlSession&)>& body) { return context_.Write(body); }
  Status Read(const std::function<Status(SqlSession&)>& body) { return context_.Read(body); }
  Status Audit(SqlSession& s, std::string_view actor, std::string_view operation,
               std::string_view resource, std::string_view detail) {
    return context_.Audit(s, actor, operation, resource, detail);
  }

 private:
  SqlStoreContext& context_;
};

std::string Sql(std::initializer_list<std::string_view> parts);

// "?, ?, ?" for n values: only placeholders are generated, the values are bound.
std::string Placeholders(std::size_t n);

std::string Quoted(std::string_view name);

Error NotFound(std::string_view what);

// Driver errors in the store's terms. A unique violation reads `conflict_message`; a foreign
// key or check violation means a referenced object changed under a concurrent transaction.
Error Translate(const Error& error, std::string_view conflict_message);

// Moves the user memberships of `from` to `to` (a rename at login), inside the caller's
// transaction. Where `to` already has a membership in a project, that one is kept.
Status MoveUserMemberships(SqlSession& s, const std::string& from, const std::string& to,
                           std::int64_t now);

Status CheckName(std::string_view what, std::string_view name);

Status CheckText(std::string_view what, std::string_view text, bool allow_empty);

Result<std::pair<std::int64_t, std::int64_t>> LimitOffset(const PageRequest& page);

// A LIKE pattern matching `text` literally: the wildcards and the escape character itself are
// escaped (ESCAPE '!'; '!' avoids backslash's dialect differences).
std::string LikeLiteral(std::string_view text);

std::string ToJsonList(const std::vector<std::string>& items);

std::vector<std::string> FromJsonList(const std::string& text);

std::string_view KindCode(MemberKind kind);

std::string_view KindWord(MemberKind kind);

std::string_view LevelCode(RobotLevel level);

bool ValidRole(Role role);

Project ProjectFromRow(const SqlRow& row);

Member MemberFromRow(const SqlRow& row);

Robot RobotFromRow(const SqlRow& row);

User UserFromRow(const SqlRow& row);

PersonalAccessToken TokenFromRow(const SqlRow& row);

std::string PermissionsDetail(const std::vector<RobotPermission>& permissions);

Result<std::int64_t> Count(SqlSession& s, const std::string& sql, const Params& params);

Result<Project> ProjectByName(SqlSession& s, std::string_view name);

Result<Project> ProjectById(SqlSession& s, std::int64_t id);

Result<Member> MemberById(SqlSession& s, std::int64_t project_id, std::int64_t member_id);

Result<Robot> RobotById(SqlSession& s, std::int64_t id);

Status FillPermissions(SqlSession& s, std::vector<Robot>& robots);

// A permission with its project resolved to an id (nullopt = every project).
struct ResolvedPermission {
  std::optional<std::int64_t> project_id;
  std::vector<std::string> actions;
};

Result<std::vector<ResolvedPermission>> ResolvePermissions(
    SqlSession& s, RobotLevel level, const std::string& owner,
    const std::vector<RobotPermission>& permissions);

Status InsertPermissions(SqlSession& s, std::int64_t robot_id,
                         const std::vector<ResolvedPermission>& permissions);

Result<User> UserByQuery(SqlSession& s, std::string_view sql_with_columns, const Params& params,
                         const std::string& what);

Result<User> UserByName(SqlSession& s, std::string_view username);

Result<User> UserById(SqlSession& s, std::int64_t id);

Result<User> UserBySubject(SqlSession& s, std::string_view issuer, std::string_view subject);

}  // namespace gatehouse::adapters::sql_store
