// The audit events of the SQL RegistryStore (sql_registry_store.h): registry::AuditStore over the
// shared context (sql_store_support.h), one transaction per method.
#include <string>

#include "adapters/registry_store/sql_resource_stores.h"
#include "adapters/registry_store/sql_store_support.h"

namespace gatehouse::adapters::sql_store {
namespace {

class SqlAuditStore final : public registry::AuditStore, private SqlResourceStore {
 public:
  explicit SqlAuditStore(SqlStoreContext& context) : SqlResourceStore(context) {}

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
};

}  // namespace

std::unique_ptr<registry::AuditStore> MakeSqlAuditStore(SqlStoreContext& context) {
  return std::make_unique<SqlAuditStore>(context);
}

}  // namespace gatehouse::adapters::sql_store
