#include "adapters/reload/watched_source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace gatehouse::adapters {
namespace {

class WatchedSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("watched-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(WatchedSourceTest, LoadsOnChangeOnlyAndKeepsLastGoodOnFailure) {
  const auto path = dir_ / "policy.json";
  Write(path, "good-1");
  std::string published;
  int loads = 0;
  WatchedSource source("policy", FileFetcher(path.string()),
                       [&](const std::optional<std::string>& text) -> Status {
                         ++loads;
                         if (!text || text->rfind("good", 0) != 0) {
                           return MakeError("invalid_policy", "refused");
                         }
                         published = *text;
                         return Ok();
                       });
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(published, "good-1");
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(loads, 1) << "an unchanged file must not be reloaded";

  Write(path, "broken");
  EXPECT_FALSE(source.Poll());
  EXPECT_EQ(published, "good-1");
  EXPECT_EQ(source.failures(), 1u);
  EXPECT_EQ(source.last_error(), "refused");
  EXPECT_TRUE(source.Poll()) << "the same broken text is reported once";

  Write(path, "good-2");
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(published, "good-2");
  EXPECT_EQ(source.reloads(), 2u);
}

TEST_F(WatchedSourceTest, FollowsKubeletSymlinkSwap) {
  // A mounted ConfigMap: file -> ..data/file, ..data -> ..2024_01 (swapped atomically).
  std::filesystem::create_directories(dir_ / "..v1");
  std::filesystem::create_directories(dir_ / "..v2");
  Write(dir_ / "..v1" / "policy.json", "good-v1");
  Write(dir_ / "..v2" / "policy.json", "good-v2");
  std::filesystem::create_directory_symlink("..v1", dir_ / "..data");
  std::filesystem::create_symlink("..data/policy.json", dir_ / "policy.json");
  std::string published;
  WatchedSource source("policy", FileFetcher((dir_ / "policy.json").string()),
                       [&](const std::optional<std::string>& text) -> Status {
                         published = text.value_or("");
                         return Ok();
                       });
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(published, "good-v1");
  std::filesystem::create_directory_symlink("..v2", dir_ / "..data_tmp");
  std::filesystem::rename(dir_ / "..data_tmp", dir_ / "..data");
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(published, "good-v2");
}

TEST_F(WatchedSourceTest, ReportsDisappearanceAsAbsent) {
  const auto path = dir_ / "sync.yaml";
  Write(path, "a");
  std::optional<std::string> last = "unset";
  WatchedSource source("sync", FileFetcher(path.string()),
                       [&](const std::optional<std::string>& text) -> Status {
                         last = text;
                         return Ok();
                       });
  ASSERT_TRUE(source.Poll());
  std::filesystem::remove(path);
  ASSERT_TRUE(source.Poll());
  EXPECT_FALSE(last.has_value());
}

}  // namespace
}  // namespace gatehouse::adapters
