// The registry store on PostgreSQL (libpq), for several gatehouse replicas sharing one state.
//
// A small pool of connections (opened lazily, at most `max_connections`), each used by one
// transaction at a time. Connections are opened with a connect_timeout (the URL's own value
// wins), TCP keepalives and a statement_timeout, so an unreachable server fails fast with
// "store_unavailable" instead of hanging a request. A connection found broken is re-opened at
// the start of the next transaction (a transaction cut mid-way is reported, never replayed).
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

struct PostgresOptions {
  int max_connections = 4;
  int connect_timeout_seconds = 5;
  int statement_timeout_ms = 15000;
  // How long a transaction waits for a free pooled connection before "store_unavailable".
  int pool_wait_ms = 10000;
};

// `url`: a libpq connection URI (postgresql://user:password@host:port/db?sslmode=...). Opens
// one connection to check the server is reachable. Errors: "invalid_argument" (not a valid
// URI), "store_unavailable". Messages never contain the password.
Result<std::unique_ptr<SqlDatabase>> OpenPostgresDatabase(const std::string& url,
                                                          const PostgresOptions& options = {});

// Opens and migrates (serialized between replicas by an advisory lock); `clock` must outlive
// the store.
Result<std::unique_ptr<registry::RegistryStore>> OpenPostgresRegistryStore(
    const std::string& url, const Clock& clock, const PostgresOptions& options = {});

}  // namespace gatehouse::adapters
