// The SQL RegistryStore by resource: one implementation of each registry/*_store.h interface,
// each in its own file (sql_project_store.cc, ...), all sharing one SqlStoreContext
// (sql_store_support.h). MakeSqlRegistryStore (sql_registry_store.h) composes the six.
//
// Thread-safety: as the context's SqlDatabase. The context must outlive the stores.
#pragma once

#include <memory>

#include "adapters/registry_store/sql_store_support.h"
#include "registry/store.h"

namespace gatehouse::adapters::sql_store {

std::unique_ptr<registry::ProjectStore> MakeSqlProjectStore(SqlStoreContext& context);
std::unique_ptr<registry::MemberStore> MakeSqlMemberStore(SqlStoreContext& context);
std::unique_ptr<registry::RobotStore> MakeSqlRobotStore(SqlStoreContext& context);
std::unique_ptr<registry::UserStore> MakeSqlUserStore(SqlStoreContext& context);
std::unique_ptr<registry::AccessTokenStore> MakeSqlAccessTokenStore(SqlStoreContext& context);
std::unique_ptr<registry::AuditStore> MakeSqlAuditStore(SqlStoreContext& context);

}  // namespace gatehouse::adapters::sql_store
