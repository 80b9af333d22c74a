// The projects of the SQL RegistryStore (sql_registry_store.h): registry::ProjectStore over the
// shared context (sql_store_support.h), one transaction per method.
#include <string>
#include <utility>

#include "adapters/registry_store/sql_resource_stores.h"
#include "adapters/registry_store/sql_store_support.h"
#include "common/common_errors.h"
#include "registry/store_errors.h"

namespace gatehouse::adapters::sql_store {
namespace {

class SqlProjectStore final : public registry::ProjectStore, private SqlResourceStore {
 public:
  explicit SqlProjectStore(SqlStoreContext& context) : SqlResourceStore(context) {}

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
        return MakeError(CommonError::kInvalidArgument, "too many groups in one request");
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
        return MakeError(registry::StoreError::kPreconditionFailed,
                         "project " + Quoted(project->name) + " still has " +
                             std::to_string(*robots) +
                             " robot account(s) with access to it; delete them first");
      }
      auto deleted = s.Exec("DELETE FROM project WHERE id = ?", Params{id});
      if (!deleted) return Translate(deleted.error(), "");
      return Audit(s, actor, "project.delete", "project/" + project->name, "");
    });
  }
};

}  // namespace

std::unique_ptr<registry::ProjectStore> MakeSqlProjectStore(SqlStoreContext& context) {
  return std::make_unique<SqlProjectStore>(context);
}

}  // namespace gatehouse::adapters::sql_store
