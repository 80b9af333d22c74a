// OpenRegistryStore: the store named by `--registry-database URL` (and `--data-dir DIR`).
//
//   ""                      SQLite file <data_dir>/registry.db (data_dir is created 0700 if
//                           missing; its parent must exist)
//   sqlite:///abs/path.db   SQLite file at that absolute path
//   postgresql://... or postgres://...   PostgreSQL (libpq URI, passed through as given)
//
// The schema is migrated before the store is returned. Errors: "invalid_argument" (unknown
// scheme, relative sqlite path, empty data_dir with no URL), "store_unavailable",
// "store_error" (e.g. a database from a newer gatehouse). Messages never contain the URL's
// password. `clock` must outlive the store; the store is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "registry/store.h"

namespace gatehouse::adapters {

Result<std::unique_ptr<registry::RegistryStore>> OpenRegistryStore(
    std::string_view url, const std::string& data_dir,
    const Clock& clock = SystemClock::Instance());

// The URL with any password replaced by "***", for logs ("" stays "").
std::string RedactDatabaseUrl(std::string_view url);

}  // namespace gatehouse::adapters
