#include "adapters/registry_store/sql_store_support.h"

#include <chrono>
#include <limits>
#include <map>
#include <set>

#include "common/common_errors.h"
#include "registry/store_errors.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::adapters::sql_store {

std::int64_t SqlStoreContext::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

Status SqlStoreContext::Write(const std::function<Status(SqlSession&)>& body) {
  return db_->InTransaction(true, body);
}

Status SqlStoreContext::Read(const std::function<Status(SqlSession&)>& body) {
  return db_->InTransaction(false, body);
}

Status SqlStoreContext::Audit(SqlSession& s, std::string_view actor, std::string_view operation,
                              std::string_view resource, std::string_view detail) {
  auto inserted = s.Exec(
      "INSERT INTO audit_event (time, actor, operation, resource, detail) "
      "VALUES (?, ?, ?, ?, ?)",
      Params{Now(), std::string(actor), std::string(operation), std::string(resource),
             std::string(detail)});
  if (!inserted) return inserted.error();
  return Ok();
}

std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out += part;
  return out;
}

// "?, ?, ?" for n values: only placeholders are generated, the values are bound.
std::string Placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

Error NotFound(std::string_view what) {
  return MakeError(CommonError::kNotFound, std::string(what) + " not found");
}

// Driver errors in the store's terms. A unique violation reads `conflict_message`; a foreign
// key or check violation means a referenced object changed under a concurrent transaction.
Error Translate(const Error& error, std::string_view conflict_message) {
  if (error.code == CommonError::kConflict)
    return MakeError(CommonError::kConflict, std::string(conflict_message));
  if (error.code == registry::StoreError::kConstraint) {
    return MakeError(CommonError::kConflict,
                     "the change conflicts with a concurrent change to a referenced object; retry");
  }
  return error;
}

// Moves the user memberships of `from` to `to` (a rename at login), inside the caller's
// transaction. Where `to` already has a membership in a project, that one is kept.
Status MoveUserMemberships(SqlSession& s, const std::string& from, const std::string& to,
                           std::int64_t now) {
  auto dropped = s.Exec(
      "DELETE FROM member WHERE kind = 'u' AND entity_name = ? AND project_id IN "
      "(SELECT project_id FROM member WHERE kind = 'u' AND entity_name = ?)",
      Params{from, to});
  if (!dropped) return dropped.error();
  auto moved = s.Exec(
      "UPDATE member SET entity_name = ?, update_time = ? WHERE kind = 'u' AND entity_name = ?",
      Params{to, now, from});
  if (!moved) return moved.error();
  return Ok();
}

Status CheckName(std::string_view what, std::string_view name) {
  if (name.empty())
    return MakeError(CommonError::kInvalidArgument, std::string(what) + " must not be empty");
  if (name.size() > kMaxNameLength) {
    return MakeError(CommonError::kInvalidArgument,
                     std::string(what) + " is longer than 255 characters");
  }
  // PostgreSQL text cannot hold NUL, and a NUL-cut name could alias another: refuse it
  // everywhere so both backends agree.
  if (name.find('\0') != std::string_view::npos) {
    return MakeError(CommonError::kInvalidArgument,
                     std::string(what) + " contains a NUL character");
  }
  return Ok();
}

Status CheckText(std::string_view what, std::string_view text, bool allow_empty) {
  if (!allow_empty && text.empty()) {
    return MakeError(CommonError::kInvalidArgument, std::string(what) + " must not be empty");
  }
  if (text.size() > kMaxTextLength) {
    return MakeError(CommonError::kInvalidArgument, std::string(what) + " is too long");
  }
  if (text.find('\0') != std::string_view::npos) {
    return MakeError(CommonError::kInvalidArgument,
                     std::string(what) + " contains a NUL character");
  }
  return Ok();
}

Result<std::pair<std::int64_t, std::int64_t>> LimitOffset(const PageRequest& page) {
  if (page.page < 1) return MakeError(CommonError::kInvalidArgument, "page must be at least 1");
  if (page.page_size < 1 || page.page_size > registry::kMaxPageSize) {
    return MakeError(CommonError::kInvalidArgument,
                     "page_size must be between 1 and " + std::to_string(registry::kMaxPageSize));
  }
  if (page.page - 1 > std::numeric_limits<std::int64_t>::max() / page.page_size) {
    return MakeError(CommonError::kInvalidArgument, "page is too large");
  }
  return std::make_pair(page.page_size, (page.page - 1) * page.page_size);
}

// A LIKE pattern matching `text` literally: the wildcards and the escape character itself are
// escaped (ESCAPE '!'; '!' avoids backslash's dialect differences).
std::string LikeLiteral(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out;
}

std::string ToJsonList(const std::vector<std::string>& items) {
  return value::ToJson(value::FromStringList(items));
}

std::vector<std::string> FromJsonList(const std::string& text) {
  auto parsed = value::ParseJson(text);
  if (!parsed) return {};
  return value::AsStringList(*parsed).value_or(std::vector<std::string>{});
}

std::string_view KindCode(MemberKind kind) { return kind == MemberKind::kUser ? "u" : "g"; }
std::string_view KindWord(MemberKind kind) { return kind == MemberKind::kUser ? "user" : "group"; }
std::string_view LevelCode(RobotLevel level) {
  return level == RobotLevel::kProject ? "project" : "system";
}
bool ValidRole(Role role) {
  const auto id = static_cast<int>(role);
  return id >= 1 && id <= 5;
}

Project ProjectFromRow(const SqlRow& row) {
  Project p;
  p.id = SqlInt(row[0]);
  p.name = SqlText(row[1]);
  p.is_public = SqlInt(row[2]) != 0;
  p.creation_time = SqlInt(row[3]);
  p.update_time = SqlInt(row[4]);
  return p;
}

Member MemberFromRow(const SqlRow& row) {
  Member m;
  m.id = SqlInt(row[0]);
  m.project_id = SqlInt(row[1]);
  m.kind = SqlText(row[2]) == "g" ? MemberKind::kGroup : MemberKind::kUser;
  m.entity_name = SqlText(row[3]);
  m.role = static_cast<Role>(SqlInt(row[4]));
  return m;
}

Robot RobotFromRow(const SqlRow& row) {
  Robot r;
  r.id = SqlInt(row[0]);
  r.name = SqlText(row[1]);
  r.description = SqlText(row[2]);
  r.level = SqlText(row[3]) == "system" ? RobotLevel::kSystem : RobotLevel::kProject;
  r.project_id = SqlInt(row[4]);
  r.secret_hash = SqlText(row[5]);
  r.disabled = SqlInt(row[6]) != 0;
  r.expires_at = SqlInt(row[7]);
  r.creation_time = SqlInt(row[8]);
  r.update_time = SqlInt(row[9]);
  return r;
}

User UserFromRow(const SqlRow& row) {
  User u;
  u.id = SqlInt(row[0]);
  u.issuer = SqlText(row[1]);
  u.subject = SqlText(row[2]);
  u.username = SqlText(row[3]);
  u.email = SqlText(row[4]);
  u.sysadmin = SqlInt(row[5]) != 0;
  u.creation_time = SqlInt(row[6]);
  u.update_time = SqlInt(row[7]);
  return u;
}

PersonalAccessToken TokenFromRow(const SqlRow& row) {
  PersonalAccessToken t;
  t.id = SqlInt(row[0]);
  t.user_id = SqlInt(row[1]);
  t.name = SqlText(row[2]);
  t.secret_hash = SqlText(row[3]);
  t.groups = FromJsonList(SqlText(row[4]));
  t.expires_at = SqlInt(row[5]);
  t.creation_time = SqlInt(row[6]);
  t.last_used = SqlInt(row[7]);
  return t;
}

std::string PermissionsDetail(const std::vector<RobotPermission>& permissions) {
  std::string out;
  for (const RobotPermission& p : permissions) {
    if (!out.empty()) out += "; ";
    out += p.project + ":";
    for (std::size_t i = 0; i < p.actions.size(); ++i) out += (i ? "," : "") + p.actions[i];
  }
  return out;
}

Result<std::int64_t> Count(SqlSession& s, const std::string& sql, const Params& params) {
  auto rows = s.Query(sql, params);
  if (!rows) return rows.error();
  if (rows->empty()) return std::int64_t{0};
  return SqlInt(rows->at(0)[0]);
}

Result<Project> ProjectByName(SqlSession& s, std::string_view name) {
  auto rows = s.Query(Sql({"SELECT ", kProjectColumns, " FROM project WHERE name = ?"}),
                      Params{std::string(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return NotFound("project " + Quoted(name));
  return ProjectFromRow(rows->at(0));
}

Result<Project> ProjectById(SqlSession& s, std::int64_t id) {
  auto rows = s.Query(Sql({"SELECT ", kProjectColumns, " FROM project WHERE id = ?"}), Params{id});
  if (!rows) return rows.error();
  if (rows->empty()) return NotFound("project " + std::to_string(id));
  return ProjectFromRow(rows->at(0));
}

Result<Member> MemberById(SqlSession& s, std::int64_t project_id, std::int64_t member_id) {
  auto rows =
      s.Query(Sql({"SELECT ", kMemberColumns, " FROM member WHERE project_id = ? AND id = ?"}),
              Params{project_id, member_id});
  if (!rows) return rows.error();
  if (rows->empty()) return NotFound("member " + std::to_string(member_id));
  return MemberFromRow(rows->at(0));
}

Result<Robot> RobotById(SqlSession& s, std::int64_t id) {
  auto rows = s.Query(Sql({"SELECT ", kRobotColumns, " FROM robot WHERE id = ?"}), Params{id});
  if (!rows) return rows.error();
  if (rows->empty()) return NotFound("robot " + std::to_string(id));
  std::vector<Robot> robots{RobotFromRow(rows->at(0))};
  if (auto ok = FillPermissions(s, robots); !ok) return ok.error();
  return std::move(robots[0]);
}

Status FillPermissions(SqlSession& s, std::vector<Robot>& robots) {
  if (robots.empty()) return Ok();
  Params params;
  std::map<std::int64_t, Robot*> by_id;
  for (Robot& robot : robots) {
    params.emplace_back(robot.id);
    by_id[robot.id] = &robot;
  }
  auto rows = s.Query(
      "SELECT rp.robot_id, p.name, rp.actions FROM robot_permission rp LEFT JOIN project p "
      "ON p.id = rp.project_id WHERE rp.robot_id IN (" +
          Placeholders(robots.size()) + ") ORDER BY rp.id",
      params);
  if (!rows) return rows.error();
  for (const SqlRow& row : *rows) {
    auto it = by_id.find(SqlInt(row[0]));
    if (it == by_id.end()) continue;
    it->second->permissions.push_back(
        RobotPermission{row[1] ? *row[1] : "*", FromJsonList(SqlText(row[2]))});
  }
  return Ok();
}

Result<std::vector<ResolvedPermission>> ResolvePermissions(
    SqlSession& s, RobotLevel level, const std::string& owner,
    const std::vector<RobotPermission>& permissions) {
  if (permissions.size() > kMaxListedNames) {
    return MakeError(CommonError::kInvalidArgument, "too many robot permissions");
  }
  std::vector<ResolvedPermission> resolved;
  std::set<std::string> seen;
  for (const RobotPermission& permission : permissions) {
    if (!seen.insert(permission.project).second) {
      return MakeError(CommonError::kInvalidArgument,
                       "project " + Quoted(permission.project) + " is listed twice");
    }
    for (const std::string& action : permission.actions) {
      if (auto ok = CheckName("robot action", action); !ok) return ok.error();
    }
    if (permission.project == "*") {
      if (level != RobotLevel::kSystem) {
        return MakeError(CommonError::kInvalidArgument,
                         "only a system robot may span every project");
      }
      resolved.push_back({std::nullopt, permission.actions});
      continue;
    }
    if (level == RobotLevel::kProject && permission.project != owner) {
      return MakeError(CommonError::kInvalidArgument,
                       "a project robot's permissions must name its own project");
    }
    auto project = ProjectByName(s, permission.project);
    if (!project) return project.error();
    resolved.push_back({project->id, permission.actions});
  }
  return resolved;
}

Status InsertPermissions(SqlSession& s, std::int64_t robot_id,
                         const std::vector<ResolvedPermission>& permissions) {
  for (const ResolvedPermission& p : permissions) {
    auto inserted =
        s.Exec("INSERT INTO robot_permission (robot_id, project_id, actions) VALUES (?, ?, ?)",
               Params{robot_id, p.project_id ? SqlValue(*p.project_id) : SqlValue(nullptr),
                      ToJsonList(p.actions)});
    if (!inserted) return Translate(inserted.error(), "duplicate robot permission");
  }
  return Ok();
}

Result<User> UserByQuery(SqlSession& s, std::string_view sql_with_columns, const Params& params,
                         const std::string& what) {
  std::string sql(sql_with_columns);
  sql.replace(sql.find("%s"), 2, kUserColumns);
  auto rows = s.Query(sql, params);
  if (!rows) return rows.error();
  if (rows->empty()) return NotFound(what);
  return UserFromRow(rows->at(0));
}

Result<User> UserByName(SqlSession& s, std::string_view username) {
  return UserByQuery(s, "SELECT %s FROM app_user WHERE username = ?", Params{std::string(username)},
                     "user " + Quoted(username));
}

Result<User> UserById(SqlSession& s, std::int64_t id) {
  return UserByQuery(s, "SELECT %s FROM app_user WHERE id = ?", Params{id},
                     "user " + std::to_string(id));
}

Result<User> UserBySubject(SqlSession& s, std::string_view issuer, std::string_view subject) {
  return UserByQuery(s, "SELECT %s FROM app_user WHERE issuer = ? AND subject = ?",
                     Params{std::string(issuer), std::string(subject)}, "user");
}

}  // namespace gatehouse::adapters::sql_store
