// The registry store on an SQLite file: the zero-set-up default (`<data-dir>/registry.db`).
//
// One connection guarded by a mutex: SQLite serializes writers anyway, and the token endpoint's
// reads are short. The file is created with mode 0600 (its WAL and shared-memory files inherit
// that mode); journal_mode=WAL so readers in other processes (the CLI while the server runs)
// do not block, busy_timeout so a writer waits for another process's write instead of failing,
// foreign_keys=ON so the schema's references hold. The schema is migrated on open.
//
// Thread-safety: the returned objects are thread-safe.
#pragma once

#include <memory>
#include <string>

#include "adapters/registry_store/sql_database.h"
#include "common/clock.h"
#include "common/result.h"
#include "registry/store.h"

namespace gatehouse::adapters {

struct SqliteOptions {
  int busy_timeout_ms = 5000;
};

// Opens (creating it 0600 if missing) the database file, without migrating. Errors:
// "store_unavailable" (cannot open or create the file), "store_error".
Result<std::unique_ptr<SqlDatabase>> OpenSqliteDatabase(const std::string& path,
                                                        const SqliteOptions& options = {});

// Opens and migrates; `clock` must outlive the store. Errors as OpenSqliteDatabase and
// ApplyRegistryMigrations.
Result<std::unique_ptr<registry::RegistryStore>> OpenSqliteRegistryStore(
    const std::string& path, const Clock& clock, const SqliteOptions& options = {});

}  // namespace gatehouse::adapters
