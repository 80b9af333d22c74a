// Versioned schema of the registry store, applied at start-up by every replica.
//
// The `schema_version` table lists the versions applied. ApplyRegistryMigrations() runs the
// missing ones in order inside one write transaction; on PostgreSQL that transaction first takes
// a transaction-level advisory lock, so replicas starting at once apply each migration exactly
// once (the others wait, then find nothing to do). Applying is idempotent. A database whose
// schema is newer than this binary knows is refused ("store_error", saying so) rather than
// used with a schema it does not understand.
//
// Thread-safety: as SqlDatabase::InTransaction.
#pragma once

#include <cstdint>

#include "adapters/registry_store/sql_database.h"
#include "common/result.h"

namespace gatehouse::adapters {

// The newest schema version this binary knows.
std::int64_t LatestRegistrySchemaVersion();

// Brings the schema to LatestRegistrySchemaVersion(). Errors: "store_error" for a newer schema
// or a failed migration (nothing of that migration is kept), "store_unavailable".
Status ApplyRegistryMigrations(SqlDatabase& db, std::int64_t now_unix);

// The highest applied version (0 for an empty database).
Result<std::int64_t> LoadRegistrySchemaVersion(SqlDatabase& db);

}  // namespace gatehouse::adapters
