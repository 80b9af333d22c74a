// The robots of the SQL RegistryStore (sql_registry_store.h): registry::RobotStore over the
// shared context (sql_store_support.h), one transaction per method.
#include <string>
#include <utility>
#include <vector>

#include "adapters/registry_store/sql_resource_stores.h"
#include "adapters/registry_store/sql_store_support.h"
#include "common/common_errors.h"

namespace gatehouse::adapters::sql_store {
namespace {

class SqlRobotStore final : public registry::RobotStore, private SqlResourceStore {
 public:
  explicit SqlRobotStore(SqlStoreContext& context) : SqlResourceStore(context) {}

  Result<Robot> CreateRobot(std::string_view actor, const NewRobot& robot) override {
    if (auto ok = CheckName("robot name", robot.name); !ok) return ok.error();
    if (auto ok = CheckText("robot description", robot.description, true); !ok) {
      return ok.error();
    }
    if (auto ok = CheckText("robot secret hash", robot.secret_hash, false); !ok) {
      return ok.error();
    }
    if (robot.level == RobotLevel::kProject && robot.project_id <= 0) {
      return MakeError(CommonError::kInvalidArgument, "a project robot needs a project");
    }
    if (robot.level == RobotLevel::kSystem && robot.project_id != 0) {
      return MakeError(CommonError::kInvalidArgument, "a system robot belongs to no project");
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

 private:
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
};

}  // namespace

std::unique_ptr<registry::RobotStore> MakeSqlRobotStore(SqlStoreContext& context) {
  return std::make_unique<SqlRobotStore>(context);
}

}  // namespace gatehouse::adapters::sql_store
