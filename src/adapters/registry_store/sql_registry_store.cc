#include "adapters/registry_store/sql_registry_store.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "value/json.h"
#include "value/value.h"

namespace gatehouse::adapters {
namespace {

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

constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxTextLength = 4096;  // descriptions, hashes, issuers, subjects
constexpr std::size_t kMaxListedNames = 1000;

constexpr std::string_view kProjectColumns = "id, name, public, creation_time, update_time";
constexpr std::string_view kMemberColumns = "id, project_id, kind, entity_name, role";
constexpr std::string_view kRobotColumns =
    "id, name, description, level, project_id, secret_hash, disabled, expires_at, "
    "creation_time, update_time";
constexpr std::string_view kUserColumns =
    "id, issuer, subject, username, email, sysadmin, creation_time, update_time";
constexpr std::string_view kTokenColumns =
    "id, user_id, name, secret_hash, groups_json, expires_at, creation_time, last_used";

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
  return MakeError("not_found", std::string(what) + " not found");
}

// Driver errors in the store's terms. A unique violation reads `conflict_message`; a foreign
// key or check violation means a referenced object changed under a concurrent transaction.
Error Translate(const Error& error, std::string_view conflict_message) {
  if (error.code == "conflict") return MakeError("conflict", std::string(conflict_message));
  if (error.code == "constraint") {
    return MakeError("conflict",
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
  if (name.empty()) return MakeError("invalid_argument", std::string(what) + " must not be empty");
  if (name.size() > kMaxNameLength) {
    return MakeError("invalid_argument", std::string(what) + " is longer than 255 characters");
  }
  // PostgreSQL text cannot hold NUL, and a NUL-cut name could alias another: refuse it
  // everywhere so both backends agree.
  if (name.find('\0') != std::string_view::npos) {
    return MakeError("invalid_argument", std::string(what) + " contains a NUL character");
  }
  return Ok();
}

Status CheckText(std::string_view what, std::string_view text, bool allow_empty) {
  if (!allow_empty && text.empty()) {
    return MakeError("invalid_argument", std::string(what) + " must not be empty");
  }
  if (text.size() > kMaxTextLength) {
    return MakeError("invalid_argument", std::string(what) + " is too long");
  }
  if (text.find('\0') != std::string_view::npos) {
    return MakeError("invalid_argument", std::string(what) + " contains a NUL character");
  }
  return Ok();
}

Result<std::pair<std::int64_t, std::int64_t>> LimitOffset(const PageRequest& page) {
  if (page.page < 1) return MakeError("invalid_argument", "page must be at least 1");
  if (page.page_size < 1 || page.page_size > registry::kMaxPageSize) {
    return MakeError("invalid_argument",
                     "page_size must be between 1 and " + std::to_string(registry::kMaxPageSize));
  }
  if (page.page - 1 > std::numeric_limits<std::int64_t>::max() / page.page_size) {
    return MakeError("invalid_argument", "page is too large");
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

class SqlRegistryStore final : public registry::RegistryStore {
 public:
  SqlRegistryStore(std::unique_ptr<SqlDatabase> db, const Clock& clock)
      : db_(std::move(db)), clock_(clock) {}

  // ---- Projects ----------------------------------------------------------------------

  Result<Project> CreateProject(std::string_view actor, std::string_view name,
                                bool is_public) override {
    if (auto ok = CheckName("project name", name); !ok) return ok.error();
    Project project;
    Status status = Write([&](SqlSession& s) -> Status {
      const std::int64_t now = Now();
      auto rows = s.Query(Sql({"INSERT INTO project (name, public, creation_time, update_time) "
                               "VALUES (?, ?, ?, ?) RETURNING ",
                               kProjectColumns}),
                          Params{std::string(name), Bool(is_public), now, now});
      if (!rows) return Translate(rows.error(), "project " + Quoted(name) + " already exists");
      project = ProjectFromRow(rows->at(0));
      return Audit(s, actor, "project.create", "project/" + project.name,
                   is_public ? "public" : "private");
    });
    if (!status) return status.error();
    return project;
  }

  Result<Project> LoadProject(std::string_view name) override {
    Project project;
    Status status = Read([&](SqlSession& s) -> Status {
      auto found = ProjectByName(s, name);
      if (!found) return found.error();
      project = std::move(*found);
      return Ok();
    });
    if (!status) return status.error();
    return project;
  }

  Result<Project> LoadProjectById(std::int64_t id) override {
    Project project;
    Status status = Read([&](SqlSession& s) -> Status {
      auto found = ProjectById(s, id);
      if (!found) return found.error();
      project = std::move(*found);
      return Ok();
    });
    if (!status) return status.error();
    return project;
  }

  Result<Listing<Project>> ListProjects(const ProjectFilter& filter) override {
    auto limits = LimitOffset(filter.page);
    if (!limits) return limits.error();
    std::string where = " WHERE 1 = 1";
    Params params;
    if (!filter.name_contains.empty()) {
      where += " AND name LIKE ? ESCAPE '!'";
      params.emplace_back("%" + LikeLiteral(filter.name_contains) + "%");
    }
    if (filter.is_public) {
      where += " AND public = ?";
      params.emplace_back(Bool(*filter.is_public));
    }
    if (filter.visible_to) {
      const registry::ProjectViewer& viewer = *filter.visible_to;
      if (viewer.groups.size() > kMaxListedNames) {
        return MakeError("invalid_argument", "too many groups in one request");
      }
      where +=
          " AND (public = ? OR id IN (SELECT project_id FROM member "
          "WHERE (kind = 'u' AND entity_name = ?)";
      params.emplace_back(Bool(true));
      params.emplace_back(viewer.username);  // "" matches nothing: member names are never empty
      if (!viewer.groups.empty()) {
        where += " OR (kind = 'g' AND entity_name IN (" + Placeholders(viewer.groups.size()) + "))";
        for (const std::string& group : viewer.groups) params.emplace_back(group);
      }
      where += "))";
    }
    Listing<Project> listing;
    Status status = Read([&](SqlSession& s) -> Status {
      auto total = Count(s, Sql({"SELECT COUNT(*) FROM project", where}), params);
      if (!total) return total.error();
      listing.total = *total;
      Params paged = params;
      paged.emplace_back(limits->first);
      paged.emplace_back(limits->second);
      auto rows = s.Query(Sql({"SELECT ", kProjectColumns, " FROM project", where,
                               " ORDER BY name LIMIT ? OFFSET ?"}),
                          paged);
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) listing.items.push_back(ProjectFromRow(row));
      return Ok();
    });
    if (!status) return status.error();
    return listing;
  }

  Result<Project> UpdateProjectPublic(std::string_view actor, std::int64_t id,
                                      bool is_public) override {
    Project project;
    Status status = Write([&](SqlSession& s) -> Status {
      auto rows = s.Query(Sql({"UPDATE project SET public = ?, update_time = ? WHERE id = ? "
                               "RETURNING ",
                               kProjectColumns}),
                          Params{Bool(is_public), Now(), id});
      if (!rows) return rows.error();
      if (rows->empty()) return NotFound("project " + std::to_string(id));
      project = ProjectFromRow(rows->at(0));
      return Audit(s, actor, "project.update", "project/" + project.name,
                   is_public ? "public" : "private");
    });
    if (!status) return status.error();
    return project;
  }

  Status DeleteProject(std::string_view actor, std::int64_t id) override {
    return Write([&](SqlSession& s) -> Status {
      auto project = ProjectById(s, id);
      if (!project) return project.error();
      auto robots = Count(s,
                          "SELECT COUNT(*) FROM robot WHERE project_id = ? OR id IN "
                          "(SELECT robot_id FROM robot_permission WHERE project_id = ?)",
                          Params{id, id});
      if (!robots) return robots.error();
      if (*robots > 0) {
        return MakeError("precondition_failed",
                         "project " + Quoted(project->name) + " still has " +
                             std::to_string(*robots) +
                             " robot account(s) with access to it; delete them first");
      }
      auto deleted = s.Exec("DELETE FROM project WHERE id = ?", Params{id});
      if (!deleted) return Translate(deleted.error(), "");
      return Audit(s, actor, "project.delete", "project/" + project->name, "");
    });
  }

  // ---- Members -----------------------------------------------------------------------

  Result<Member> AddMember(std::string_view actor, std::int64_t project_id, MemberKind kind,
                           std::string_view entity_name, Role role) override {
    if (auto ok = CheckName(std::string(KindWord(kind)) + " name", entity_name); !ok) {
      return ok.error();
    }
    if (!ValidRole(role)) return MakeError("invalid_argument", "unknown role");
    Member member;
    Status status = Write([&](SqlSession& s) -> Status {
      auto project = ProjectById(s, project_id);
      if (!project) return project.error();
      const std::int64_t now = Now();
      auto rows =
          s.Query(Sql({"INSERT INTO member (project_id, kind, entity_name, role, creation_time, "
                       "update_time) VALUES (?, ?, ?, ?, ?, ?) RETURNING ",
                       kMemberColumns}),
                  Params{project_id, std::string(KindCode(kind)), std::string(entity_name),
                         static_cast<std::int64_t>(role), now, now});
      if (!rows) {
        return Translate(rows.error(), std::string(KindWord(kind)) + " " + Quoted(entity_name) +
                                           " is already a member of project " +
                                           Quoted(project->name));
      }
      member = MemberFromRow(rows->at(0));
      return Audit(s, actor, "member.add", "project/" + project->name,
                   std::string(KindWord(kind)) + " " + std::string(entity_name) + " role " +
                       std::string(registry::RoleName(role)));
    });
    if (!status) return status.error();
    return member;
  }

  Result<Member> LoadMember(std::int64_t project_id, std::int64_t member_id) override {
    Member member;
    Status status = Read([&](SqlSession& s) -> Status {
      auto found = MemberById(s, project_id, member_id);
      if (!found) return found.error();
      member = std::move(*found);
      return Ok();
    });
    if (!status) return status.error();
    return member;
  }

  Result<Listing<Member>> ListMembers(std::int64_t project_id,
                                      std::string_view entity_name_contains,
                                      const PageRequest& page) override {
    auto limits = LimitOffset(page);
    if (!limits) return limits.error();
    std::string where = " WHERE project_id = ?";
    Params params{project_id};
    if (!entity_name_contains.empty()) {
      where += " AND entity_name LIKE ? ESCAPE '!'";
      params.emplace_back("%" + LikeLiteral(entity_name_contains) + "%");
    }
    Listing<Member> listing;
    Status status = Read([&](SqlSession& s) -> Status {
      if (auto project = ProjectById(s, project_id); !project) return project.error();
      auto total = Count(s, Sql({"SELECT COUNT(*) FROM member", where}), params);
      if (!total) return total.error();
      listing.total = *total;
      Params paged = params;
      paged.emplace_back(limits->first);
      paged.emplace_back(limits->second);
      auto rows = s.Query(Sql({"SELECT ", kMemberColumns, " FROM member", where,
                               " ORDER BY kind DESC, entity_name LIMIT ? OFFSET ?"}),
                          paged);
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) listing.items.push_back(MemberFromRow(row));
      return Ok();
    });
    if (!status) return status.error();
    return listing;
  }

  Result<Member> UpdateMemberRole(std::string_view actor, std::int64_t project_id,
                                  std::int64_t member_id, Role role) override {
    if (!ValidRole(role)) return MakeError("invalid_argument", "unknown role");
    Member member;
    Status status = Write([&](SqlSession& s) -> Status {
      auto project = ProjectById(s, project_id);
      if (!project) return project.error();
      auto rows = s.Query(Sql({"UPDATE member SET role = ?, update_time = ? "
                               "WHERE project_id = ? AND id = ? RETURNING ",
                               kMemberColumns}),
                          Params{static_cast<std::int64_t>(role), Now(), project_id, member_id});
      if (!rows) return rows.error();
      if (rows->empty()) return NotFound("member " + std::to_string(member_id));
      member = MemberFromRow(rows->at(0));
      return Audit(s, actor, "member.update", "project/" + project->name,
                   std::string(KindWord(member.kind)) + " " + member.entity_name + " role " +
                       std::string(registry::RoleName(role)));
    });
    if (!status) return status.error();
    return member;
  }

  Status RemoveMember(std::string_view actor, std::int64_t project_id,
                      std::int64_t member_id) override {
    return Write([&](SqlSession& s) -> Status {
      auto project = ProjectById(s, project_id);
      if (!project) return project.error();
      auto member = MemberById(s, project_id, member_id);
      if (!member) return member.error();
      auto deleted = s.Exec("DELETE FROM member WHERE project_id = ? AND id = ?",
                            Params{project_id, member_id});
      if (!deleted) return deleted.error();
      return Audit(s, actor, "member.remove", "project/" + project->name,
                   std::string(KindWord(member->kind)) + " " + member->entity_name);
    });
  }

  Result<std::vector<ProjectRoles>> LoadProjectAccess(
      std::string_view username, const std::vector<std::string>& groups,
      const std::vector<std::string>& project_names) override {
    if (project_names.size() > kMaxListedNames || groups.size() > kMaxListedNames) {
      return MakeError("invalid_argument", "too many projects or groups in one request");
    }
    std::vector<ProjectRoles> access;
    if (project_names.empty()) return access;
    // One statement: the token endpoint's hot path. The member join is restricted to the
    // principal so each project yields one row per role held (or one row with NULL).
    std::string sql =
        "SELECT p.id, p.name, p.public, m.role FROM project p LEFT JOIN member m "
        "ON m.project_id = p.id AND ((m.kind = 'u' AND m.entity_name = ?)";
    Params params{std::string(username)};
    if (!groups.empty()) {
      sql += " OR (m.kind = 'g' AND m.entity_name IN (" + Placeholders(groups.size()) + "))";
      for (const std::string& group : groups) params.emplace_back(group);
    }
    sql += ") WHERE p.name IN (" + Placeholders(project_names.size()) + ") ORDER BY p.id";
    for (const std::string& name : project_names) params.emplace_back(name);
    Status status = Read([&](SqlSession& s) -> Status {
      auto rows = s.Query(sql, params);
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) {
        const std::int64_t id = SqlInt(row[0]);
        if (access.empty() || access.back().project_id != id) {
          access.push_back(ProjectRoles{id, SqlText(row[1]), SqlInt(row[2]) != 0, {}});
        }
        if (row[3]) {
          const auto role = static_cast<Role>(SqlInt(row[3]));
          auto& roles = access.back().roles;
          if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
        }
      }
      return Ok();
    });
    if (!status) return status.error();
    return access;
  }

  // ---- Robots ------------------------------------------------------------------------

  Result<Robot> CreateRobot(std::string_view actor, const NewRobot& robot) override {
    if (auto ok = CheckName("robot name", robot.name); !ok) return ok.error();
    if (auto ok = CheckText("robot description", robot.description, true); !ok) {
      return ok.error();
    }
    if (auto ok = CheckText("robot secret hash", robot.secret_hash, false); !ok) {
      return ok.error();
    }
    if (robot.level == RobotLevel::kProject && robot.project_id <= 0) {
      return MakeError("invalid_argument", "a project robot needs a project");
    }
    if (robot.level == RobotLevel::kSystem && robot.project_id != 0) {
      return MakeError("invalid_argument", "a system robot belongs to no project");
    }
    Robot created;
    Status status = Write([&](SqlSession& s) -> Status {
      std::string owner;
      if (robot.level == RobotLevel::kProject) {
        auto project = ProjectById(s, robot.project_id);
        if (!project) return project.error();
        owner = project->name;
      }
      auto resolved = ResolvePermissions(s, robot.level, owner, robot.permissions);
      if (!resolved) return resolved.error();
      const std::int64_t now = Now();
      auto rows = s.Query(
          "INSERT INTO robot (name, description, level, project_id, secret_hash, disabled, "
          "expires_at, creation_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "RETURNING id",
          Params{
              robot.name, robot.description, std::string(LevelCode(robot.level)),
              robot.level == RobotLevel::kProject ? SqlValue(robot.project_id) : SqlValue(nullptr),
              robot.secret_hash, Bool(robot.disabled), robot.expires_at, now, now});
      if (!rows) return Translate(rows.error(), "robot " + Quoted(robot.name) + " already exists");
      const std::int64_t id = SqlInt(rows->at(0)[0]);
      if (auto ok = InsertPermissions(s, id, *resolved); !ok) return ok;
      auto loaded = RobotById(s, id);
      if (!loaded) return loaded.error();
      created = std::move(*loaded);
      return Audit(s, actor, "robot.create", "robot/" + created.name,
                   std::string(LevelCode(created.level)) + " robot; permissions " +
                       PermissionsDetail(created.permissions) + "; expires_at " +
                       std::to_string(created.expires_at) + (created.disabled ? "; disabled" : ""));
    });
    if (!status) return status.error();
    return created;
  }

  Result<Robot> LoadRobot(std::string_view name) override {
    Robot robot;
    Status status = Read([&](SqlSession& s) -> Status {
      auto rows = s.Query(Sql({"SELECT ", kRobotColumns, " FROM robot WHERE name = ?"}),
                          Params{std::string(name)});
      if (!rows) return rows.error();
      if (rows->empty()) return NotFound("robot " + Quoted(name));
      std::vector<Robot> robots{RobotFromRow(rows->at(0))};
      if (auto ok = FillPermissions(s, robots); !ok) return ok;
      robot = std::move(robots[0]);
      return Ok();
    });
    if (!status) return status.error();
    return robot;
  }

  Result<Robot> LoadRobotById(std::int64_t id) override {
    Robot robot;
    Status status = Read([&](SqlSession& s) -> Status {
      auto found = RobotById(s, id);
      if (!found) return found.error();
      robot = std::move(*found);
      return Ok();
    });
    if (!status) return status.error();
    return robot;
  }

  Result<Listing<Robot>> ListRobots(const RobotFilter& filter) override {
    auto limits = LimitOffset(filter.page);
    if (!limits) return limits.error();
    std::string where = " WHERE 1 = 1";
    Params params;
    if (filter.level) {
      where += " AND level = ?";
      params.emplace_back(std::string(LevelCode(*filter.level)));
    }
    if (filter.project_id) {
      where += " AND project_id = ?";
      params.emplace_back(*filter.project_id);
    }
    if (filter.expiring_before) {
      where += " AND expires_at <> -1 AND expires_at <= ?";
      params.emplace_back(*filter.expiring_before);
    }
    Listing<Robot> listing;
    Status status = Read([&](SqlSession& s) -> Status {
      auto total = Count(s, Sql({"SELECT COUNT(*) FROM robot", where}), params);
      if (!total) return total.error();
      listing.total = *total;
      Params paged = params;
      paged.emplace_back(limits->first);
      paged.emplace_back(limits->second);
      auto rows = s.Query(
          Sql({"SELECT ", kRobotColumns, " FROM robot", where, " ORDER BY name LIMIT ? OFFSET ?"}),
          paged);
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) listing.items.push_back(RobotFromRow(row));
      return FillPermissions(s, listing.items);
    });
    if (!status) return status.error();
    return listing;
  }

  Result<Robot> UpdateRobot(std::string_view actor, std::int64_t id,
                            const RobotUpdate& update) override {
    if (update.description) {
      if (auto ok = CheckText("robot description", *update.description, true); !ok) {
        return ok.error();
      }
    }
    // NULL = keep the stored value (see the COALESCE below).
    const SqlValue description =
        update.description ? SqlValue(*update.description) : SqlValue(nullptr);
    const SqlValue disabled =
        update.disabled ? SqlValue(Bool(*update.disabled)) : SqlValue(nullptr);
    const SqlValue expires_at =
        update.expires_at ? SqlValue(*update.expires_at) : SqlValue(nullptr);
    Robot robot;
    Status status = Write([&](SqlSession& s) -> Status {
      // Unset fields are merged by the UPDATE itself (COALESCE with NULL), which evaluates on
      // the row as it is when the row lock is held: a value read before the transaction (or
      // before the lock, under PostgreSQL's READ COMMITTED) can never be written back over a
      // concurrent change. The UPDATE comes first so it takes that lock before any read.
      auto updated = s.Exec(
          "UPDATE robot SET description = COALESCE(?, description), "
          "disabled = COALESCE(?, disabled), expires_at = COALESCE(?, expires_at), "
          "update_time = ? WHERE id = ?",
          Params{description, disabled, expires_at, Now(), id});
      if (!updated) return updated.error();
      if (*updated == 0) return NotFound("robot " + std::to_string(id));
      auto current = RobotById(s, id);
      if (!current) return current.error();
      if (update.permissions) {
        std::string owner;
        if (current->level == RobotLevel::kProject) {
          auto project = ProjectById(s, current->project_id);
          if (!project) return project.error();
          owner = project->name;
        }
        auto resolved = ResolvePermissions(s, current->level, owner, *update.permissions);
        if (!resolved) return resolved.error();
        auto cleared = s.Exec("DELETE FROM robot_permission WHERE robot_id = ?", Params{id});
        if (!cleared) return cleared.error();
        if (auto ok = InsertPermissions(s, id, *resolved); !ok) return ok;
      }
      auto loaded = RobotById(s, id);
      if (!loaded) return loaded.error();
      robot = std::move(*loaded);
      return Audit(s, actor, "robot.update", "robot/" + robot.name,
                   "permissions " + PermissionsDetail(robot.permissions) + "; expires_at " +
                       std::to_string(robot.expires_at) +
                       (robot.disabled ? "; disabled" : "; enabled"));
    });
    if (!status) return status.error();
    return robot;
  }

  Result<Robot> UpdateRobotSecret(std::string_view actor, std::int64_t id,
                                  std::string_view secret_hash) override {
    if (auto ok = CheckText("robot secret hash", secret_hash, false); !ok) return ok.error();
    return ChangeRobot(actor, id, "robot.rotate",
                       "UPDATE robot SET secret_hash = ?, "
                       "update_time = ? WHERE id = ?",
                       SqlValue(std::string(secret_hash)));
  }

  Result<Robot> SetRobotDisabled(std::string_view actor, std::int64_t id, bool disabled) override {
    return ChangeRobot(actor, id, disabled ? "robot.disable" : "robot.enable",
                       "UPDATE robot SET disabled = ?, update_time = ? WHERE id = ?",
                       SqlValue(Bool(disabled)));
  }

  Status DeleteRobot(std::string_view actor, std::int64_t id) override {
    return Write([&](SqlSession& s) -> Status {
      auto robot = RobotById(s, id);
      if (!robot) return robot.error();
      auto deleted = s.Exec("DELETE FROM robot WHERE id = ?", Params{id});
      if (!deleted) return deleted.error();
      return Audit(s, actor, "robot.delete", "robot/" + robot->name, "");
    });
  }

  // ---- Users -------------------------------------------------------------------------

  Result<User> UpsertUserAtLogin(const UserLogin& login) override {
    if (auto ok = CheckText("issuer", login.issuer, false); !ok) return ok.error();
    if (auto ok = CheckText("subject", login.subject, false); !ok) return ok.error();
    if (auto ok = CheckName("username", login.username); !ok) return ok.error();
    if (auto ok = CheckText("email", login.email, true); !ok) return ok.error();
    // Two replicas may see the same first login at once: the loser's insert is a unique
    // violation on issuer+subject, and a second attempt finds the winner's row.
    Status status = Ok();
    for (int attempt = 0; attempt < 2; ++attempt) {
      User user;
      status = Write([&](SqlSession& s) -> Status {
        auto existing = UserBySubject(s, login.issuer, login.subject);
        if (!existing && existing.error().code != "not_found") return existing.error();
        const std::int64_t now = Now();
        const std::string username_taken = "username " + Quoted(login.username) +
                                           " belongs to another identity; an administrator "
                                           "can re-link it (gatehouse registry user relink)";
        if (!existing) {
          auto rows =
              s.Query(Sql({"INSERT INTO app_user (issuer, subject, username, email, sysadmin, "
                           "creation_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ",
                           kUserColumns}),
                      Params{login.issuer, login.subject, login.username, login.email,
                             Bool(login.sysadmin), now, now});
          if (!rows) return Translate(rows.error(), username_taken);
          user = UserFromRow(rows->at(0));
          return Audit(s, login.username, "user.create", "user/" + user.username,
                       "issuer " + user.issuer + " subject " + user.subject +
                           (user.sysadmin ? "; sysadmin" : ""));
        }
        user = std::move(*existing);
        if (user.username == login.username && user.email == login.email &&
            user.sysadmin == login.sysadmin) {
          return Ok();
        }
        std::string detail;
        if (user.username != login.username) detail += "username was " + user.username + "; ";
        if (user.email != login.email) detail += "email changed; ";
        if (user.sysadmin != login.sysadmin) {
          detail += login.sysadmin ? "sysadmin granted" : "sysadmin revoked";
        }
        auto rows =
            s.Query(Sql({"UPDATE app_user SET username = ?, email = ?, sysadmin = ?, "
                         "update_time = ? WHERE id = ? RETURNING ",
                         kUserColumns}),
                    Params{login.username, login.email, Bool(login.sysadmin), now, user.id});
        if (!rows) return Translate(rows.error(), username_taken);
        if (rows->empty()) return NotFound("user " + Quoted(login.username));
        const std::string old_username = user.username;
        user = UserFromRow(rows->at(0));
        if (old_username != user.username) {
          // Memberships follow the person, so whoever takes the old name later inherits
          // nothing. A membership already given to the new name in the same project wins.
          if (Status moved = MoveUserMemberships(s, old_username, user.username, now); !moved) {
            return moved;
          }
          detail += "memberships moved; ";
        }
        return Audit(s, login.username, "user.update", "user/" + user.username, detail);
      });
      if (status) return user;
      if (status.error().code != "conflict") break;
      // Retry only if the conflict was the concurrent first login (issuer+subject now taken).
      auto winner = LoadUserBySubject(login.issuer, login.subject);
      if (!winner || attempt == 1) break;
    }
    return status.error();
  }

  Result<User> LoadUser(std::string_view username) override {
    return ReadUser("SELECT %s FROM app_user WHERE username = ?", Params{std::string(username)},
                    "user " + Quoted(username));
  }

  Result<User> LoadUserById(std::int64_t id) override {
    return ReadUser("SELECT %s FROM app_user WHERE id = ?", Params{id},
                    "user " + std::to_string(id));
  }

  Result<User> LoadUserBySubject(std::string_view issuer, std::string_view subject) override {
    return ReadUser("SELECT %s FROM app_user WHERE issuer = ? AND subject = ?",
                    Params{std::string(issuer), std::string(subject)}, "user");
  }

  Result<Listing<User>> ListUsers(const PageRequest& page) override {
    auto limits = LimitOffset(page);
    if (!limits) return limits.error();
    Listing<User> listing;
    Status status = Read([&](SqlSession& s) -> Status {
      auto total = Count(s, "SELECT COUNT(*) FROM app_user", {});
      if (!total) return total.error();
      listing.total = *total;
      auto rows = s.Query(
          Sql({"SELECT ", kUserColumns, " FROM app_user ORDER BY username LIMIT ? OFFSET ?"}),
          Params{limits->first, limits->second});
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) listing.items.push_back(UserFromRow(row));
      return Ok();
    });
    if (!status) return status.error();
    return listing;
  }

  Result<User> RelinkUser(std::string_view actor, std::string_view username,
                          std::string_view issuer, std::string_view subject) override {
    if (auto ok = CheckText("issuer", issuer, false); !ok) return ok.error();
    if (auto ok = CheckText("subject", subject, false); !ok) return ok.error();
    User user;
    Status status = Write([&](SqlSession& s) -> Status {
      auto current = UserByName(s, username);
      if (!current) return current.error();
      auto rows = s.Query(Sql({"UPDATE app_user SET issuer = ?, subject = ?, update_time = ? "
                               "WHERE id = ? RETURNING ",
                               kUserColumns}),
                          Params{std::string(issuer), std::string(subject), Now(), current->id});
      if (!rows) {
        return Translate(rows.error(), "that issuer and subject already belong to another user");
      }
      user = UserFromRow(rows->at(0));
      return Audit(s, actor, "user.relink", "user/" + user.username,
                   "from issuer " + current->issuer + " subject " + current->subject +
                       " to issuer " + user.issuer + " subject " + user.subject);
    });
    if (!status) return status.error();
    return user;
  }

  Status DeleteUser(std::string_view actor, std::int64_t id) override {
    return Write([&](SqlSession& s) -> Status {
      auto user = UserById(s, id);
      if (!user) return user.error();
      auto deleted = s.Exec("DELETE FROM app_user WHERE id = ?", Params{id});
      if (!deleted) return deleted.error();
      // The person's memberships go too: a later account with the same username must not
      // inherit them.
      auto memberships =
          s.Exec("DELETE FROM member WHERE kind = 'u' AND entity_name = ?", Params{user->username});
      if (!memberships) return memberships.error();
      return Audit(s, actor, "user.delete", "user/" + user->username,
                   "issuer " + user->issuer + " subject " + user->subject);
    });
  }

  // ---- Personal access tokens --------------------------------------------------------

  Result<PersonalAccessToken> CreateAccessToken(std::string_view actor,
                                                const NewAccessToken& token) override {
    if (auto ok = CheckName("token name", token.name); !ok) return ok.error();
    if (auto ok = CheckText("token secret hash", token.secret_hash, false); !ok) {
      return ok.error();
    }
    if (token.groups.size() > kMaxListedNames) {
      return MakeError("invalid_argument", "too many groups");
    }
    PersonalAccessToken created;
    Status status = Write([&](SqlSession& s) -> Status {
      auto user = UserById(s, token.user_id);
      if (!user) return user.error();
      auto rows = s.Query(
          Sql({"INSERT INTO access_token (user_id, name, secret_hash, groups_json, expires_at, "
               "creation_time, last_used) VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING ",
               kTokenColumns}),
          Params{token.user_id, token.name, token.secret_hash, ToJsonList(token.groups),
                 token.expires_at, Now()});
      if (!rows) {
        return Translate(rows.error(), "user " + Quoted(user->username) +
                                           " already has an access token named " +
                                           Quoted(token.name));
      }
      created = TokenFromRow(rows->at(0));
      return Audit(s, actor, "token.create", "user/" + user->username,
                   "token " + created.name + "; expires_at " + std::to_string(created.expires_at));
    });
    if (!status) return status.error();
    return created;
  }

  Result<PersonalAccessToken> LoadAccessTokenById(std::int64_t id) override {
    return ReadToken(Sql({"SELECT ", kTokenColumns, " FROM access_token WHERE id = ?"}),
                     Params{id});
  }

  Result<PersonalAccessToken> LoadAccessToken(std::int64_t user_id,
                                              std::string_view name) override {
    return ReadToken(
        Sql({"SELECT ", kTokenColumns, " FROM access_token WHERE user_id = ? AND name = ?"}),
        Params{user_id, std::string(name)});
  }

  Result<std::vector<PersonalAccessToken>> ListAccessTokens(std::int64_t user_id) override {
    std::vector<PersonalAccessToken> tokens;
    Status status = Read([&](SqlSession& s) -> Status {
      if (auto user = UserById(s, user_id); !user) return user.error();
      auto rows = s.Query(
          Sql({"SELECT ", kTokenColumns, " FROM access_token WHERE user_id = ? ORDER BY name"}),
          Params{user_id});
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) tokens.push_back(TokenFromRow(row));
      return Ok();
    });
    if (!status) return status.error();
    return tokens;
  }

  Status RecordAccessTokenUse(std::int64_t id, std::int64_t when,
                              const std::optional<std::vector<std::string>>& groups) override {
    if (groups && groups->size() > kMaxListedNames) {
      return MakeError("invalid_argument", "too many groups");
    }
    return Write([&](SqlSession& s) -> Status {
      auto changed =
          groups ? s.Exec("UPDATE access_token SET last_used = ?, groups_json = ? WHERE id = ?",
                          Params{when, ToJsonList(*groups), id})
                 : s.Exec("UPDATE access_token SET last_used = ? WHERE id = ?", Params{when, id});
      if (!changed) return changed.error();
      if (*changed == 0) return NotFound("access token " + std::to_string(id));
      return Ok();
    });
  }

  Status RevokeAccessToken(std::string_view actor, std::int64_t id) override {
    return Write([&](SqlSession& s) -> Status {
      auto rows = s.Query(
          "SELECT t.name, u.username FROM access_token t JOIN app_user u ON u.id = t.user_id "
          "WHERE t.id = ?",
          Params{id});
      if (!rows) return rows.error();
      if (rows->empty()) return NotFound("access token " + std::to_string(id));
      auto deleted = s.Exec("DELETE FROM access_token WHERE id = ?", Params{id});
      if (!deleted) return deleted.error();
      return Audit(s, actor, "token.revoke", "user/" + SqlText(rows->at(0)[1]),
                   "token " + SqlText(rows->at(0)[0]));
    });
  }

  // ---- Audit -------------------------------------------------------------------------

  Status AppendAuditEvent(const AuditEvent& event) override {
    if (auto ok = CheckName("audit operation", event.operation); !ok) return ok;
    if (auto ok = CheckText("audit detail", event.detail, true); !ok) return ok;
    return Write([&](SqlSession& s) -> Status {
      return Audit(s, event.actor, event.operation, event.resource, event.detail);
    });
  }

  Result<Listing<AuditEvent>> ListAuditEvents(const AuditFilter& filter) override {
    auto limits = LimitOffset(filter.page);
    if (!limits) return limits.error();
    std::string where = " WHERE 1 = 1";
    Params params;
    if (!filter.resource_prefix.empty()) {
      where += " AND resource LIKE ? ESCAPE '!'";
      params.emplace_back(LikeLiteral(filter.resource_prefix) + "%");
    }
    Listing<AuditEvent> listing;
    Status status = Read([&](SqlSession& s) -> Status {
      auto total = Count(s, Sql({"SELECT COUNT(*) FROM audit_event", where}), params);
      if (!total) return total.error();
      listing.total = *total;
      Params paged = params;
      paged.emplace_back(limits->first);
      paged.emplace_back(limits->second);
      auto rows = s.Query(Sql({"SELECT id, time, actor, operation, resource, detail "
                               "FROM audit_event",
                               where, " ORDER BY id DESC LIMIT ? OFFSET ?"}),
                          paged);
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) {
        listing.items.push_back(AuditEvent{SqlInt(row[0]), SqlInt(row[1]), SqlText(row[2]),
                                           SqlText(row[3]), SqlText(row[4]), SqlText(row[5])});
      }
      return Ok();
    });
    if (!status) return status.error();
    return listing;
  }

 private:
  static std::int64_t Bool(bool b) { return b ? 1 : 0; }

  std::int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }

  Status Write(const std::function<Status(SqlSession&)>& body) {
    return db_->InTransaction(true, body);
  }
  Status Read(const std::function<Status(SqlSession&)>& body) {
    return db_->InTransaction(false, body);
  }

  Status Audit(SqlSession& s, std::string_view actor, std::string_view operation,
               std::string_view resource, std::string_view detail) {
    auto inserted = s.Exec(
        "INSERT INTO audit_event (time, actor, operation, resource, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        Params{Now(), std::string(actor), std::string(operation), std::string(resource),
               std::string(detail)});
    if (!inserted) return inserted.error();
    return Ok();
  }

  static Result<std::int64_t> Count(SqlSession& s, const std::string& sql, const Params& params) {
    auto rows = s.Query(sql, params);
    if (!rows) return rows.error();
    if (rows->empty()) return std::int64_t{0};
    return SqlInt(rows->at(0)[0]);
  }

  static Result<Project> ProjectByName(SqlSession& s, std::string_view name) {
    auto rows = s.Query(Sql({"SELECT ", kProjectColumns, " FROM project WHERE name = ?"}),
                        Params{std::string(name)});
    if (!rows) return rows.error();
    if (rows->empty()) return NotFound("project " + Quoted(name));
    return ProjectFromRow(rows->at(0));
  }

  static Result<Project> ProjectById(SqlSession& s, std::int64_t id) {
    auto rows =
        s.Query(Sql({"SELECT ", kProjectColumns, " FROM project WHERE id = ?"}), Params{id});
    if (!rows) return rows.error();
    if (rows->empty()) return NotFound("project " + std::to_string(id));
    return ProjectFromRow(rows->at(0));
  }

  static Result<Member> MemberById(SqlSession& s, std::int64_t project_id, std::int64_t member_id) {
    auto rows =
        s.Query(Sql({"SELECT ", kMemberColumns, " FROM member WHERE project_id = ? AND id = ?"}),
                Params{project_id, member_id});
    if (!rows) return rows.error();
    if (rows->empty()) return NotFound("member " + std::to_string(member_id));
    return MemberFromRow(rows->at(0));
  }

  static Result<Robot> RobotById(SqlSession& s, std::int64_t id) {
    auto rows = s.Query(Sql({"SELECT ", kRobotColumns, " FROM robot WHERE id = ?"}), Params{id});
    if (!rows) return rows.error();
    if (rows->empty()) return NotFound("robot " + std::to_string(id));
    std::vector<Robot> robots{RobotFromRow(rows->at(0))};
    if (auto ok = FillPermissions(s, robots); !ok) return ok.error();
    return std::move(robots[0]);
  }

  static Status FillPermissions(SqlSession& s, std::vector<Robot>& robots) {
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

  // A permission with its project resolved to an id (nullopt = every project).
  struct ResolvedPermission {
    std::optional<std::int64_t> project_id;
    std::vector<std::string> actions;
  };

  static Result<std::vector<ResolvedPermission>> ResolvePermissions(
      SqlSession& s, RobotLevel level, const std::string& owner,
      const std::vector<RobotPermission>& permissions) {
    if (permissions.size() > kMaxListedNames) {
      return MakeError("invalid_argument", "too many robot permissions");
    }
    std::vector<ResolvedPermission> resolved;
    std::set<std::string> seen;
    for (const RobotPermission& permission : permissions) {
      if (!seen.insert(permission.project).second) {
        return MakeError("invalid_argument",
                         "project " + Quoted(permission.project) + " is listed twice");
      }
      for (const std::string& action : permission.actions) {
        if (auto ok = CheckName("robot action", action); !ok) return ok.error();
      }
      if (permission.project == "*") {
        if (level != RobotLevel::kSystem) {
          return MakeError("invalid_argument", "only a system robot may span every project");
        }
        resolved.push_back({std::nullopt, permission.actions});
        continue;
      }
      if (level == RobotLevel::kProject && permission.project != owner) {
        return MakeError("invalid_argument",
                         "a project robot's permissions must name its own project");
      }
      auto project = ProjectByName(s, permission.project);
      if (!project) return project.error();
      resolved.push_back({project->id, permission.actions});
    }
    return resolved;
  }

  static Status InsertPermissions(SqlSession& s, std::int64_t robot_id,
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

  Result<Robot> ChangeRobot(std::string_view actor, std::int64_t id, std::string_view operation,
                            std::string_view sql, SqlValue value) {
    Robot robot;
    Status status = Write([&](SqlSession& s) -> Status {
      auto changed = s.Exec(sql, Params{value, Now(), id});
      if (!changed) return changed.error();
      if (*changed == 0) return NotFound("robot " + std::to_string(id));
      auto loaded = RobotById(s, id);
      if (!loaded) return loaded.error();
      robot = std::move(*loaded);
      return Audit(s, actor, operation, "robot/" + robot.name, "");
    });
    if (!status) return status.error();
    return robot;
  }

  static Result<User> UserByQuery(SqlSession& s, std::string_view sql_with_columns,
                                  const Params& params, const std::string& what) {
    std::string sql(sql_with_columns);
    sql.replace(sql.find("%s"), 2, kUserColumns);
    auto rows = s.Query(sql, params);
    if (!rows) return rows.error();
    if (rows->empty()) return NotFound(what);
    return UserFromRow(rows->at(0));
  }
  static Result<User> UserByName(SqlSession& s, std::string_view username) {
    return UserByQuery(s, "SELECT %s FROM app_user WHERE username = ?",
                       Params{std::string(username)}, "user " + Quoted(username));
  }
  static Result<User> UserById(SqlSession& s, std::int64_t id) {
    return UserByQuery(s, "SELECT %s FROM app_user WHERE id = ?", Params{id},
                       "user " + std::to_string(id));
  }
  static Result<User> UserBySubject(SqlSession& s, std::string_view issuer,
                                    std::string_view subject) {
    return UserByQuery(s, "SELECT %s FROM app_user WHERE issuer = ? AND subject = ?",
                       Params{std::string(issuer), std::string(subject)}, "user");
  }

  Result<User> ReadUser(std::string_view sql, const Params& params, const std::string& what) {
    User user;
    Status status = Read([&](SqlSession& s) -> Status {
      auto found = UserByQuery(s, sql, params, what);
      if (!found) return found.error();
      user = std::move(*found);
      return Ok();
    });
    if (!status) return status.error();
    return user;
  }

  Result<PersonalAccessToken> ReadToken(const std::string& sql, const Params& params) {
    PersonalAccessToken token;
    Status status = Read([&](SqlSession& s) -> Status {
      auto rows = s.Query(sql, params);
      if (!rows) return rows.error();
      if (rows->empty()) return NotFound("access token");
      token = TokenFromRow(rows->at(0));
      return Ok();
    });
    if (!status) return status.error();
    return token;
  }

  std::unique_ptr<SqlDatabase> db_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<registry::RegistryStore> MakeSqlRegistryStore(std::unique_ptr<SqlDatabase> database,
                                                              const Clock& clock) {
  return std::make_unique<SqlRegistryStore>(std::move(database), clock);
}

}  // namespace gatehouse::adapters
