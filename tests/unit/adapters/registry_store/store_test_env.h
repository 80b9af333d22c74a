// Test support for the registry store tests: a temporary directory, the PostgreSQL test server
// from GATEHOUSE_TEST_POSTGRES_URL (tests that need it are skipped when it is unset), and a
// fresh PostgreSQL schema per test so tests never see each other's rows.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/registry_store/postgres_store.h"
#include "adapters/registry_store/sql_database.h"
#include "common/clock.h"
#include "registry/store.h"

namespace gatehouse::adapters::registry_store_testing {

inline constexpr char kSkipReason[] =
    "GATEHOUSE_TEST_POSTGRES_URL is not set (e.g. postgresql://gatehouse@127.0.0.1:55432/postgres;"
    " tests/integration/harness/postgres.py starts a throwaway server)";

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gatehouse-rstore-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// "" when PostgreSQL tests are to be skipped.
inline std::string PostgresTestUrl() {
  const char* url = std::getenv("GATEHOUSE_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// `url` with a libpq option appended as a URI query parameter.
inline std::string WithParameter(const std::string& url, const std::string& parameter) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + parameter;
}

// A schema of its own on the test server, dropped on destruction; url() points libpq's
// search_path at it, so the store creates its tables there.
class PostgresSchema {
 public:
  explicit PostgresSchema(std::string base_url) : base_url_(std::move(base_url)) {
    static std::atomic<int> counter{0};
    name_ = "gh_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    auto db = OpenPostgresDatabase(base_url_);
    if (!db) {
      error_ = db.error().ToString();
      return;
    }
    admin_ = std::move(*db);
    Status created = admin_->InTransaction(true, [&](SqlSession& s) -> Status {
      if (auto r = s.Exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE", {}); !r) {
        return r.error();
      }
      if (auto r = s.Exec("CREATE SCHEMA " + name_, {}); !r) return r.error();
      return Ok();
    });
    if (!created) error_ = created.error().ToString();
  }
  ~PostgresSchema() {
    if (admin_ && error_.empty()) {
      (void)admin_->InTransaction(true, [&](SqlSession& s) -> Status {
        if (auto r = s.Exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE", {}); !r) {
          return r.error();
        }
        return Ok();
      });
    }
  }
  PostgresSchema(const PostgresSchema&) = delete;
  PostgresSchema& operator=(const PostgresSchema&) = delete;

  const std::string& error() const { return error_; }  // "" when ready
  const std::string& name() const { return name_; }
  std::string url() const { return WithParameter(base_url_, "options=-csearch_path%3D" + name_); }
  SqlDatabase& admin() { return *admin_; }

 private:
  std::string base_url_;
  std::string name_;
  std::string error_;
  std::unique_ptr<SqlDatabase> admin_;
};

}  // namespace gatehouse::adapters::registry_store_testing
