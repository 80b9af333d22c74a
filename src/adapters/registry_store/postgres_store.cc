#include "adapters/registry_store/postgres_store.h"

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/registry_store/migrations.h"
#include "adapters/registry_store/sql_registry_store.h"
#include "common/common_errors.h"
#include "registry/store_errors.h"

namespace gatehouse::adapters {
namespace {

// pg_type OIDs (catalog/pg_type_d.h is a server header): parameters are sent typed so the
// server never has to guess ("could not determine data type of parameter").
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The first line of libpq's connection error: says which host refused and why, and libpq never
// puts the password in it.
std::string ConnectionMessage(PGconn* conn) {
  std::string message = conn ? PQerrorMessage(conn) : "out of memory";
  if (auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  return message;
}

// `?` → `$1`, `$2`, ... The store's SQL has no `?` inside string literals.
std::string Numbered(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Error ResultError(PGconn* conn, const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  if (PQstatus(conn) == CONNECTION_BAD || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    return MakeError(registry::StoreError::kUnavailable, "the PostgreSQL connection was lost");
  }
  if (sqlstate.empty()) {
    return MakeError(registry::StoreError::kUnavailable, "postgresql: " + ConnectionMessage(conn));
  }
  std::string message = "postgresql: SQLSTATE " + sqlstate;
  if (sqlstate == "23505") return MakeError(CommonError::kConflict, message);
  if (sqlstate.rfind("23", 0) == 0) return MakeError(registry::StoreError::kConstraint, message);
  if (sqlstate == "57014")
    return MakeError(registry::StoreError::kUnavailable, message + " (statement timeout)");
  return MakeError(registry::StoreError::kFailed, message);
}

class PostgresSession final : public SqlSession {
 public:
  explicit PostgresSession(PGconn* conn) : conn_(conn) {}

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    std::span<const SqlValue> params) override {
    auto result = Run(sql, params);
    if (!result) return result.error();
    PGresult* r = result->get();
    std::vector<SqlRow> rows;
    const int n_rows = PQntuples(r);
    const int n_cols = PQnfields(r);
    rows.reserve(static_cast<std::size_t>(n_rows));
    for (int i = 0; i < n_rows; ++i) {
      SqlRow row;
      row.reserve(static_cast<std::size_t>(n_cols));
      for (int c = 0; c < n_cols; ++c) {
        if (PQgetisnull(r, i, c)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(
              std::string(PQgetvalue(r, i, c), static_cast<std::size_t>(PQgetlength(r, i, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<std::int64_t> Exec(std::string_view sql, std::span<const SqlValue> params) override {
    auto result = Run(sql, params);
    if (!result) return result.error();
    const char* tuples = PQcmdTuples(result->get());
    return SqlInt(std::string(tuples ? tuples : ""));
  }

 private:
  Result<ResultPtr> Run(std::string_view sql, std::span<const SqlValue> params) {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        text[i] = std::to_string(*n);
        values[i] = text[i].c_str();
        types[i] = kInt8Oid;
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        // libpq sends text parameters NUL-terminated; an embedded NUL would silently cut the
        // value (PostgreSQL text cannot hold NUL anyway).
        if (s->find('\0') != std::string::npos) {
          return MakeError(CommonError::kInvalidArgument, "a value contains a NUL character");
        }
        values[i] = s->c_str();
        types[i] = kTextOid;
      }
    }
    const std::string numbered = Numbered(sql);
    ResultPtr result(PQexecParams(conn_, numbered.c_str(), static_cast<int>(params.size()),
                                  types.data(), values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return ResultError(conn_, result.get());
    }
    return result;
  }

  PGconn* conn_;
};

class PostgresDatabase final : public SqlDatabase {
 public:
  PostgresDatabase(std::string url, PostgresOptions options)
      : url_(std::move(url)), options_(options) {}
  ~PostgresDatabase() override {
    for (PGconn* conn : idle_) PQfinish(conn);
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Status InTransaction(bool write, const std::function<Status(SqlSession&)>& body) override {
    (void)write;  // PostgreSQL's row locks make an up-front write lock unnecessary.
    auto acquired = Acquire();
    if (!acquired) return acquired.error();
    PGconn* conn = *acquired;
    Status begun = Begin(conn);
    if (!begun && begun.error().code == registry::StoreError::kUnavailable) {
      // A pooled connection goes stale when the server restarts; nothing has run on it yet,
      // so one fresh connection is a safe retry.
      PQfinish(conn);
      auto fresh = Connect();
      if (!fresh) {
        Release(nullptr);
        return fresh.error();
      }
      conn = *fresh;
      begun = Begin(conn);
    }
    if (!begun) {
      Release(conn);
      return begun.error();
    }
    PostgresSession session(conn);
    Status status = body(session);
    if (status) {
      if (auto committed = session.Exec("COMMIT", {}); !committed) status = committed.error();
    } else {
      (void)session.Exec("ROLLBACK", {});
    }
    Release(conn);
    return status;
  }

  static Status Begin(PGconn* conn) {
    ResultPtr r(PQexec(conn, "BEGIN"));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return ResultError(conn, r.get());
    return Ok();
  }

  // Opens one connection (kept in the pool) to report an unreachable server at start-up.
  Status Check() {
    auto conn = Acquire();
    if (!conn) return conn.error();
    Release(*conn);
    return Ok();
  }

 private:
  Result<PGconn*> Connect() {
    const std::string timeout = std::to_string(options_.connect_timeout_seconds);
    // Our defaults first: the URL (expanded from "dbname") overrides them.
    const char* keys[] = {"connect_timeout", "application_name", "keepalives",
                          "keepalives_idle", "dbname",           nullptr};
    const char* values[] = {timeout.c_str(), "gatehouse", "1", "30", url_.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      std::string message = ConnectionMessage(conn);
      PQfinish(conn);
      return MakeError(registry::StoreError::kUnavailable,
                       "cannot connect to PostgreSQL: " + message);
    }
    // The server's notices ("drop cascades to ...") would go to stderr by default.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    const std::string set_timeout =
        "SET statement_timeout = " + std::to_string(options_.statement_timeout_ms);
    ResultPtr r(PQexec(conn, set_timeout.c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      Error error = ResultError(conn, r.get());
      PQfinish(conn);
      return error;
    }
    return conn;
  }

  // A pooled connection, or a new one while fewer than max_connections are open.
  Result<PGconn*> Acquire() {
    {
      std::unique_lock<std::mutex> lock(mu_);
      const bool ready =
          available_.wait_for(lock, std::chrono::milliseconds(options_.pool_wait_ms),
                              [&] { return !idle_.empty() || open_ < options_.max_connections; });
      if (!ready) {
        return MakeError(registry::StoreError::kUnavailable, "all PostgreSQL connections are busy");
      }
      if (!idle_.empty()) {
        PGconn* conn = idle_.back();
        idle_.pop_back();
        if (PQstatus(conn) == CONNECTION_OK) return conn;
        PQfinish(conn);  // broken: replace it below, keeping its slot
      } else {
        ++open_;
      }
    }
    auto conn = Connect();  // outside the lock: connecting may take connect_timeout
    if (!conn) Release(nullptr);
    return conn;
  }

  // Returns a connection to the pool; nullptr (or a broken one) frees its slot.
  void Release(PGconn* conn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn != nullptr && PQstatus(conn) == CONNECTION_OK &&
        PQtransactionStatus(conn) == PQTRANS_IDLE) {
      idle_.push_back(conn);
    } else {
      if (conn != nullptr) PQfinish(conn);
      --open_;
    }
    available_.notify_one();
  }

  const std::string url_;
  const PostgresOptions options_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<PGconn*> idle_;
  int open_ = 0;  // connections idle or in use
};

bool LooksLikePostgresUrl(std::string_view url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenPostgresDatabase(const std::string& url,
                                                          const PostgresOptions& options) {
  if (!LooksLikePostgresUrl(url)) {
    return MakeError(CommonError::kInvalidArgument,
                     "a PostgreSQL database URL starts with postgresql:// or postgres://");
  }
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed == nullptr) {
    PQfreemem(parse_error);  // may quote the URL, password included: not passed on
    return MakeError(CommonError::kInvalidArgument, "the PostgreSQL database URL is malformed");
  }
  PQconninfoFree(parsed);
  if (options.max_connections < 1) {
    return MakeError(CommonError::kInvalidArgument, "max_connections must be at least 1");
  }
  auto database = std::make_unique<PostgresDatabase>(url, options);
  if (auto reachable = database->Check(); !reachable) return reachable.error();
  return std::unique_ptr<SqlDatabase>(std::move(database));
}

Result<std::unique_ptr<registry::RegistryStore>> OpenPostgresRegistryStore(
    const std::string& url, const Clock& clock, const PostgresOptions& options) {
  auto database = OpenPostgresDatabase(url, options);
  if (!database) return database.error();
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  if (auto migrated = ApplyRegistryMigrations(**database, now); !migrated) {
    return migrated.error();
  }
  return MakeSqlRegistryStore(std::move(*database), clock);
}

}  // namespace gatehouse::adapters
