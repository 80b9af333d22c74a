// The members of the SQL RegistryStore (sql_registry_store.h): registry::MemberStore over the
// shared context (sql_store_support.h), one transaction per method.
#include <string>
#include <utility>
#include <vector>

#include "adapters/registry_store/sql_resource_stores.h"
#include "adapters/registry_store/sql_store_support.h"
#include "common/common_errors.h"

namespace gatehouse::adapters::sql_store {
namespace {

class SqlMemberStore final : public registry::MemberStore, private SqlResourceStore {
 public:
  explicit SqlMemberStore(SqlStoreContext& context) : SqlResourceStore(context) {}

  Result<Member> AddMember(std::string_view actor, std::int64_t project_id, MemberKind kind,
                           std::string_view entity_name, Role role) override {
    if (auto ok = CheckName(std::string(KindWord(kind)) + " name", entity_name); !ok) {
      return ok.error();
    }
    if (!ValidRole(role)) return MakeError(CommonError::kInvalidArgument, "unknown role");
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
    if (!ValidRole(role)) return MakeError(CommonError::kInvalidArgument, "unknown role");
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
      return MakeError(CommonError::kInvalidArgument, "too many projects or groups in one request");
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
};

}  // namespace

std::unique_ptr<registry::MemberStore> MakeSqlMemberStore(SqlStoreContext& context) {
  return std::make_unique<SqlMemberStore>(context);
}

}  // namespace gatehouse::adapters::sql_store
