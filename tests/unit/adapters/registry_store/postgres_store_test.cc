// PostgreSQL specifics against a real server (GATEHOUSE_TEST_POSTGRES_URL; skipped otherwise):
// replicas migrating at once, reconnecting after the server drops connections, a newer schema.
// Connection failures need no server and always run.
#include "adapters/registry_store/postgres_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "adapters/registry_store/migrations.h"
#include "common/common_errors.h"
#include "registry/store_errors.h"
#include "store_test_env.h"

namespace gatehouse::adapters {
namespace {

using registry_store_testing::kSkipReason;
using registry_store_testing::PostgresSchema;
using registry_store_testing::PostgresTestUrl;
using registry_store_testing::WithParameter;
using ::testing::HasSubstr;
using ::testing::Not;

std::string One(SqlDatabase& db, const std::string& sql) {
  std::string out;
  Status status = db.InTransaction(false, [&](SqlSession& s) -> Status {
    auto rows = s.Query(sql, {});
    if (!rows) return rows.error();
    if (!rows->empty() && !rows->at(0).empty()) out = SqlText(rows->at(0)[0]);
    return Ok();
  });
  EXPECT_TRUE(status) << status.error().ToString();
  return out;
}

TEST(PostgresStore, UnreachableServerIsUnavailableQuickly) {
  ManualClock clock;
  const auto start = std::chrono::steady_clock::now();
  auto store =
      OpenPostgresRegistryStore("postgresql://gatehouse:pw-not-shown@127.0.0.1:1/x", clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, registry::StoreError::kUnavailable);
  EXPECT_THAT(store.error().message, Not(HasSubstr("pw-not-shown")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(PostgresStore, RefusesUrlsThatAreNotPostgres) {
  auto db = OpenPostgresDatabase("sqlite:///tmp/x.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, CommonError::kInvalidArgument);
  PostgresOptions none;
  none.max_connections = 0;
  db = OpenPostgresDatabase("postgresql://127.0.0.1:1/x", none);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, CommonError::kInvalidArgument);
}

class PostgresServer : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string base = PostgresTestUrl();
    if (base.empty()) GTEST_SKIP() << kSkipReason;
    schema_ = std::make_unique<PostgresSchema>(base);
    ASSERT_EQ(schema_->error(), "");
  }
  std::unique_ptr<PostgresSchema> schema_;
  ManualClock clock_;
};

TEST_F(PostgresServer, ReplicasMigratingAtOnceApplyEachVersionOnce) {
  constexpr int kReplicas = 6;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kReplicas);
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      auto store = OpenPostgresRegistryStore(schema_->url(), clock_);
      if (!store) errors[i] = store.error().ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kReplicas; ++i) EXPECT_EQ(errors[i], "") << "replica " << i;
  auto db = OpenPostgresDatabase(schema_->url());
  ASSERT_TRUE(db);
  EXPECT_EQ(One(**db, "SELECT COUNT(*) FROM schema_version"),
            std::to_string(LatestRegistrySchemaVersion()));
  EXPECT_EQ(One(**db, "SELECT MAX(version) FROM schema_version"),
            std::to_string(LatestRegistrySchemaVersion()));
}

TEST_F(PostgresServer, NewerSchemaIsRefused) {
  ASSERT_TRUE(OpenPostgresRegistryStore(schema_->url(), clock_));
  auto db = OpenPostgresDatabase(schema_->url());
  ASSERT_TRUE(db);
  Status bumped = (*db)->InTransaction(true, [](SqlSession& s) -> Status {
    const std::array<SqlValue, 1> v{LatestRegistrySchemaVersion() + 1};
    auto r = s.Exec(
        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, 'future', 0)", v);
    if (!r) return r.error();
    return Ok();
  });
  ASSERT_TRUE(bumped) << bumped.error().ToString();
  auto refused = OpenPostgresRegistryStore(schema_->url(), clock_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, registry::StoreError::kFailed);
  EXPECT_THAT(refused.error().message, HasSubstr("upgrade gatehouse"));
}

TEST_F(PostgresServer, ReconnectsAfterTheServerDropsItsConnections) {
  const std::string app = "gh-reconnect-" + schema_->name();
  const std::string url = WithParameter(schema_->url(), "application_name=" + app);
  auto store = OpenPostgresRegistryStore(url, clock_);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->CreateProject("cli", "before", false));
  // What a server restart or an idle-connection reaper does to the pooled connections.
  Status killed = schema_->admin().InTransaction(true, [&](SqlSession& s) -> Status {
    const std::array<SqlValue, 1> name{app};
    auto r = s.Query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?", name);
    if (!r) return r.error();
    if (r->empty()) return MakeError(CommonError::kInternal, "no connection to terminate");
    return Ok();
  });
  ASSERT_TRUE(killed) << killed.error().ToString();
  auto after = (*store)->CreateProject("cli", "after", false);
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_TRUE((*store)->LoadProject("before"));
}

TEST_F(PostgresServer, ErrorsCarrySqlstateNotSql) {
  auto db = OpenPostgresDatabase(schema_->url());
  ASSERT_TRUE(db);
  Status status = (*db)->InTransaction(false, [](SqlSession& s) -> Status {
    const std::array<SqlValue, 1> v{std::string("secret-looking-value")};
    auto r = s.Query("SELECT * FROM no_such_table WHERE x = ?", v);
    if (!r) return r.error();
    return Ok();
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, registry::StoreError::kFailed);
  EXPECT_THAT(status.error().message, HasSubstr("42P01"));
  EXPECT_THAT(status.error().message, Not(HasSubstr("no_such_table")));
  EXPECT_THAT(status.error().message, Not(HasSubstr("secret-looking-value")));
  // The connection is usable again after the failed transaction.
  EXPECT_EQ(One(**db, "SELECT 1"), "1");
}

}  // namespace
}  // namespace gatehouse::adapters
