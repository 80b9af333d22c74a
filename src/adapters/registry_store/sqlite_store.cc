#include "adapters/registry_store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "adapters/registry_store/migrations.h"
#include "adapters/registry_store/sql_registry_store.h"
#include "common/common_errors.h"
#include "registry/store_errors.h"

namespace gatehouse::adapters {
namespace {

constexpr std::size_t kMaxCachedStatements = 128;

Error SqliteError(int code) {
  const int primary = code & 0xff;
  std::string message = std::string("sqlite: ") + sqlite3_errstr(code);
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return MakeError(CommonError::kConflict, std::move(message));
    default:
      break;
  }
  switch (primary) {
    case SQLITE_CONSTRAINT:
      return MakeError(registry::StoreError::kConstraint, std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return MakeError(registry::StoreError::kUnavailable, std::move(message));
    default:
      return MakeError(registry::StoreError::kFailed, std::move(message));
  }
}

class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(sqlite3* db, std::map<std::string, sqlite3_stmt*, std::less<>>* cache)
      : db_(db), cache_(cache) {}

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    std::span<const SqlValue> params) override {
    std::vector<SqlRow> rows;
    auto status = Run(sql, params, &rows);
    if (!status) return status.error();
    return rows;
  }

  Result<std::int64_t> Exec(std::string_view sql, std::span<const SqlValue> params) override {
    auto status = Run(sql, params, nullptr);
    if (!status) return status.error();
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    if (auto it = cache_->find(sql); it != cache_->end()) return it->second;
    // Statements with a variable number of placeholders (one per group in a token request)
    // would grow the cache without bound; none is in use here, so start over when full.
    if (cache_->size() >= kMaxCachedStatements) {
      for (auto& [text, stmt] : *cache_) sqlite3_finalize(stmt);
      cache_->clear();
    }
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return SqliteError(rc);
    if (stmt == nullptr) return MakeError(registry::StoreError::kFailed, "sqlite: empty statement");
    cache_->emplace(std::string(sql), stmt);
    return stmt;
  }

  Status Run(std::string_view sql, std::span<const SqlValue> params, std::vector<SqlRow>* rows) {
    auto prepared = Prepare(sql);
    if (!prepared) return prepared.error();
    sqlite3_stmt* stmt = *prepared;
    // Always leave the cached statement reset and unbound, whatever happens below.
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size())) {
      return MakeError(registry::StoreError::kFailed,
                       "sqlite: wrong number of statement parameters");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, index);
      }
      if (rc != SQLITE_OK) return SqliteError(rc);
    }
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return Ok();
      if (rc != SQLITE_ROW) return SqliteError(sqlite3_extended_errcode(db_));
      if (rows == nullptr) continue;
      SqlRow row;
      const int columns = sqlite3_column_count(stmt);
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        const int size = sqlite3_column_bytes(stmt, c);
        row.emplace_back(std::string(text == nullptr ? "" : text, static_cast<std::size_t>(size)));
      }
      rows->push_back(std::move(row));
    }
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>>* cache_;
};

class SqliteDatabase final : public SqlDatabase {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Status InTransaction(bool write, const std::function<Status(SqlSession&)>& body) override {
    std::lock_guard<std::mutex> lock(mu_);
    SqliteSession session(db_, &cache_);
    if (auto begun = session.Exec(write ? "BEGIN IMMEDIATE" : "BEGIN", {}); !begun) {
      return begun.error();
    }
    Status status = body(session);
    if (status) {
      if (auto committed = session.Exec("COMMIT", {}); !committed) status = committed.error();
    }
    if (!status && sqlite3_get_autocommit(db_) == 0) {
      (void)session.Exec("ROLLBACK", {});
    }
    return status;
  }

 private:
  std::mutex mu_;
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

Status Pragma(sqlite3* db, const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return SqliteError(sqlite3_extended_errcode(db));
  return Ok();
}

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenSqliteDatabase(const std::string& path,
                                                        const SqliteOptions& options) {
  if (path.empty()) return MakeError(CommonError::kInvalidArgument, "empty SQLite database path");
  // Create the file ourselves so it is 0600 from its first byte (SQLite would use 0644 minus
  // umask); an existing file keeps its mode.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return MakeError(registry::StoreError::kUnavailable,
                     "cannot open the registry database " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(rc);
    sqlite3_close_v2(db);
    return MakeError(registry::StoreError::kUnavailable,
                     "cannot open the registry database " + path + ": " + error.message);
  }
  auto database = std::make_unique<SqliteDatabase>(db);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  for (const char* pragma :
       {"PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"}) {
    if (auto status = Pragma(db, pragma); !status) return status.error();
  }
  return std::unique_ptr<SqlDatabase>(std::move(database));
}

Result<std::unique_ptr<registry::RegistryStore>> OpenSqliteRegistryStore(
    const std::string& path, const Clock& clock, const SqliteOptions& options) {
  auto database = OpenSqliteDatabase(path, options);
  if (!database) return database.error();
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  if (auto migrated = ApplyRegistryMigrations(**database, now); !migrated) {
    return migrated.error();
  }
  return MakeSqlRegistryStore(std::move(*database), clock);
}

}  // namespace gatehouse::adapters
