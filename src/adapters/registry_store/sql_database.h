// SqlDatabase: the little a registry store needs from a SQL database, so the store's logic
// (sql_registry_store.cc) is written once for SQLite and PostgreSQL.
//
// SQL text uses `?` placeholders only (the PostgreSQL driver numbers them $1, $2, ...); values
// are always bound, never spliced into the text. Rows come back as text (NULL = nullopt).
//
// Errors from a driver: "conflict" (unique or primary key violation), "constraint" (foreign key
// or check violation), "store_unavailable" (cannot connect, connection lost, database busy past
// the timeout), "store_error" (anything else). Messages carry the database's error class
// (SQLSTATE or SQLite result name) and never the SQL text or a bound value.
//
// Thread-safety: SqlDatabase::InTransaction is thread-safe; the SqlSession it passes is used
// by that one call only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace gatehouse::adapters {

enum class SqlDialect { kSqlite, kPostgres };

using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;
using SqlRow = std::vector<std::optional<std::string>>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // Runs one statement and returns its rows (none for statements without RETURNING).
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            std::span<const SqlValue> params) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual Result<std::int64_t> Exec(std::string_view sql, std::span<const SqlValue> params) = 0;
};

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  virtual SqlDialect dialect() const = 0;
  // Runs `body` in one transaction on one connection: commits when it returns Ok, rolls back
  // when it fails (its error is returned) or when the commit fails. `write` transactions take
  // the write lock up front (SQLite BEGIN IMMEDIATE) so they never fail half-way on a busy
  // upgrade.
  virtual Status InTransaction(bool write, const std::function<Status(SqlSession&)>& body) = 0;
};

// Parses a row cell written by the store (integers as decimal text); 0 for NULL or garbage,
// which the schema's NOT NULL and integer columns rule out.
std::int64_t SqlInt(const std::optional<std::string>& cell);
std::string SqlText(const std::optional<std::string>& cell);

}  // namespace gatehouse::adapters
