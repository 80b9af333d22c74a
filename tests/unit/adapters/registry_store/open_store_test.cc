// OpenRegistryStore: which URL opens which store, and which are refused.
#include "adapters/registry_store/open_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

#include "common/common_errors.h"
#include "registry/store_errors.h"
#include "store_test_env.h"

namespace gatehouse::adapters {
namespace {

using registry_store_testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(OpenRegistryStore, DefaultIsSqliteInTheDataDir) {
  TempDir dir;
  ManualClock clock;
  const std::string data_dir = dir.Sub("data");
  auto store = OpenRegistryStore("", data_dir, clock);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->CreateProject("cli", "team-a", false));
  struct stat st {};
  ASSERT_EQ(::stat((data_dir + "/registry.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(data_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // The same data dir opens the same database.
  auto again = OpenRegistryStore("", data_dir, clock);
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)->LoadProject("team-a"));
}

TEST(OpenRegistryStore, SqliteUrlWithAbsolutePath) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenRegistryStore("sqlite://" + dir.Sub("elsewhere.db"), "/nonexistent", clock);
  ASSERT_TRUE(store) << store.error().ToString();
  struct stat st {};
  EXPECT_EQ(::stat(dir.Sub("elsewhere.db").c_str(), &st), 0);
}

TEST(OpenRegistryStore, RefusesUnknownOrIncompleteUrls) {
  ManualClock clock;
  for (const char* url : {"sqlite://relative.db", "sqlite://", "mysql://db/x", "registry.db"}) {
    auto store = OpenRegistryStore(url, "/tmp", clock);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code, CommonError::kInvalidArgument) << url;
  }
  auto no_dir = OpenRegistryStore("", "", clock);
  ASSERT_FALSE(no_dir);
  EXPECT_EQ(no_dir.error().code, CommonError::kInvalidArgument);
}

TEST(OpenRegistryStore, PostgresDownFailsFastWithoutThePassword) {
  ManualClock clock;
  const auto start = std::chrono::steady_clock::now();
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  auto store =
      OpenRegistryStore("postgresql://gatehouse:hunter2pw@127.0.0.1:1/registry", "", clock);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, registry::StoreError::kUnavailable);
  EXPECT_THAT(store.error().message, Not(HasSubstr("hunter2pw")));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  auto postgres_scheme = OpenRegistryStore("postgres://u:hunter2pw@127.0.0.1:1/r", "", clock);
  ASSERT_FALSE(postgres_scheme);
  EXPECT_EQ(postgres_scheme.error().code, registry::StoreError::kUnavailable);
}

TEST(OpenRegistryStore, MalformedPostgresUrlIsInvalidWithoutThePassword) {
  ManualClock clock;
  auto store =
      OpenRegistryStore("postgresql://u:hunter2pw@127.0.0.1:1/r?nosuchoption=1", "", clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, CommonError::kInvalidArgument);
  EXPECT_THAT(store.error().message, Not(HasSubstr("hunter2pw")));
}

TEST(RedactDatabaseUrl, HidesPasswords) {
  EXPECT_EQ(RedactDatabaseUrl(""), "");
  EXPECT_EQ(RedactDatabaseUrl("sqlite:///var/lib/g/registry.db"),
            "sqlite:///var/lib/g/registry.db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://gh:s3cr3t@db:5432/reg?sslmode=require"),
            "postgresql://gh:***@db:5432/reg?sslmode=require");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://gh@db/reg"), "postgresql://gh@db/reg");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://db/reg?user=gh&password=s3cr3t&sslmode=verify-full"),
            "postgresql://db/reg?user=gh&password=***&sslmode=verify-full");
  EXPECT_EQ(RedactDatabaseUrl("postgres://gh:p%40ss@db"), "postgres://gh:***@db");
}

}  // namespace
}  // namespace gatehouse::adapters
