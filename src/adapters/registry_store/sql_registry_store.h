// The RegistryStore written once over SqlDatabase (SQLite or PostgreSQL).
//
// Each RegistryStore method is one SqlDatabase transaction; a change and its audit event are
// written in it together. Every statement is constant text with `?` placeholders; names and
// other values are only ever bound. Driver errors are turned into the store's codes
// (registry/store.h) with messages that name the object, never the SQL or a secret.
//
// Thread-safety: thread-safe as its SqlDatabase. `clock` must outlive the store.
#pragma once

#include <memory>

#include "adapters/registry_store/sql_database.h"
#include "common/clock.h"
#include "registry/store.h"

namespace gatehouse::adapters {

// `database` must already be migrated (ApplyRegistryMigrations).
std::unique_ptr<registry::RegistryStore> MakeSqlRegistryStore(std::unique_ptr<SqlDatabase> database,
                                                              const Clock& clock);

}  // namespace gatehouse::adapters
