// SQLite specifics: file mode, pragmas, migrations on a file, errors that name no SQL.
#include "adapters/registry_store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <string>

#include "adapters/registry_store/migrations.h"
#include "common/common_errors.h"
#include "registry/store_errors.h"
#include "store_test_env.h"

namespace gatehouse::adapters {
namespace {

using registry_store_testing::TempDir;
using ::testing::HasSubstr;

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

TEST(SqliteStore, CreatesFileOwnerOnlyWithWalAndForeignKeys) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.Sub("registry.db");
  auto store = OpenSqliteRegistryStore(path, clock);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->CreateProject("cli", "team-a", false));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  struct stat wal {};
  if (::stat((path + "-wal").c_str(), &wal) == 0) {
    EXPECT_EQ(wal.st_mode & 0077, 0u);
  }

  auto db = OpenSqliteDatabase(path);
  ASSERT_TRUE(db) << db.error().ToString();
  EXPECT_EQ(One(**db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(One(**db, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(One(**db, "PRAGMA busy_timeout"), "5000");
  EXPECT_EQ(One(**db, "SELECT MAX(version) FROM schema_version"),
            std::to_string(LatestRegistrySchemaVersion()));
}

TEST(SqliteStore, ForeignKeysAreEnforced) {
  TempDir dir;
  auto db = OpenSqliteDatabase(dir.Sub("r.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(ApplyRegistryMigrations(**db, 1));
  Status status = (*db)->InTransaction(true, [](SqlSession& s) -> Status {
    const std::array<SqlValue, 1> params{std::int64_t{777}};
    auto r = s.Exec(
        "INSERT INTO member (project_id, kind, entity_name, role, creation_time, update_time) "
        "VALUES (?, 'u', 'a', 1, 0, 0)",
        params);
    if (!r) return r.error();
    return Ok();
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, registry::StoreError::kConstraint);
  EXPECT_THAT(status.error().message, ::testing::Not(HasSubstr("INSERT")));
}

TEST(SqliteStore, MigrationsAreIdempotentAndRefuseANewerSchema) {
  TempDir dir;
  auto db = OpenSqliteDatabase(dir.Sub("r.db"));
  ASSERT_TRUE(db);
  auto empty = LoadRegistrySchemaVersion(**db);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, 0);
  ASSERT_TRUE(ApplyRegistryMigrations(**db, 1));
  ASSERT_TRUE(ApplyRegistryMigrations(**db, 2));
  EXPECT_EQ(*LoadRegistrySchemaVersion(**db), LatestRegistrySchemaVersion());
  EXPECT_EQ(One(**db, "SELECT COUNT(*) FROM schema_version"),
            std::to_string(LatestRegistrySchemaVersion()));

  Status bumped = (*db)->InTransaction(true, [](SqlSession& s) -> Status {
    const std::array<SqlValue, 1> v{LatestRegistrySchemaVersion() + 1};
    auto r = s.Exec(
        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, 'future', 0)", v);
    if (!r) return r.error();
    return Ok();
  });
  ASSERT_TRUE(bumped);
  auto refused = ApplyRegistryMigrations(**db, 3);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, registry::StoreError::kFailed);
  EXPECT_THAT(refused.error().message, HasSubstr("newer"));
  ManualClock clock;
  auto store = OpenSqliteRegistryStore(dir.Sub("r.db"), clock);
  ASSERT_FALSE(store);
  EXPECT_THAT(store.error().message, HasSubstr("upgrade gatehouse"));
}

TEST(SqliteStore, FailedTransactionKeepsNothing) {
  TempDir dir;
  auto db = OpenSqliteDatabase(dir.Sub("r.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(ApplyRegistryMigrations(**db, 1));
  Status status = (*db)->InTransaction(true, [](SqlSession& s) -> Status {
    auto r = s.Exec(
        "INSERT INTO project (name, public, creation_time, update_time) VALUES ('p', 0, 0, 0)", {});
    if (!r) return r.error();
    return MakeError(registry::StoreError::kFailed, "fails after the insert");
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(One(**db, "SELECT COUNT(*) FROM project"), "0");
}

TEST(SqliteStore, UnopenablePathIsUnavailable) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenSqliteRegistryStore(dir.Sub("missing-dir/registry.db"), clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, registry::StoreError::kUnavailable);
  auto empty = OpenSqliteDatabase("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, CommonError::kInvalidArgument);
}

TEST(SqliteStore, BusyWriterTimesOutAsUnavailable) {
  TempDir dir;
  const std::string path = dir.Sub("r.db");
  auto holder = OpenSqliteDatabase(path);
  ASSERT_TRUE(holder);
  ASSERT_TRUE(ApplyRegistryMigrations(**holder, 1));
  auto waiter = OpenSqliteDatabase(path, SqliteOptions{50});
  ASSERT_TRUE(waiter);
  // The holder keeps its write transaction open while the other connection tries to write.
  Status inner = Ok();
  Status outer = (*holder)->InTransaction(true, [&](SqlSession&) -> Status {
    inner = (*waiter)->InTransaction(true, [](SqlSession&) -> Status { return Ok(); });
    return Ok();
  });
  ASSERT_TRUE(outer);
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().code, registry::StoreError::kUnavailable);
}

}  // namespace
}  // namespace gatehouse::adapters
