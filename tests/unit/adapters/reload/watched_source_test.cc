#include "adapters/reload/watched_source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "adapters/kubernetes/kubernetes_errors.h"
#include "adapters/reload/reload_errors.h"
#include "authz/keystone/policy_errors.h"
#include "common/common_errors.h"

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
  WatchedSource source(
      "policy", FileFetcher(path.string()), [&](const std::string& text) -> Status {
        ++loads;
        if (text.rfind("good", 0) != 0)
          return MakeError(authz::keystone::PolicyError::kInvalidPolicy, "refused");
        published = text;
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
                       [&](const std::string& text) -> Status {
                         published = text;
                         return Ok();
                       });
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(published, "good-v1");
  std::filesystem::create_directory_symlink("..v2", dir_ / "..data_tmp");
  std::filesystem::rename(dir_ / "..data_tmp", dir_ / "..data");
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(published, "good-v2");
}

// Issue 10: a deleted policy file used to load as an empty policy, revoking every grant.
TEST_F(WatchedSourceTest, DeletedFileIsAFailedReloadThatKeepsTheLastGoodVersion) {
  const auto path = dir_ / "policy.json";
  Write(path, "good-1");
  std::string published;
  int loads = 0;
  std::vector<std::string> observed;
  WatchedSource source(
      "file " + path.string(), FileFetcher(path.string()),
      [&](const std::string& text) -> Status {
        ++loads;
        published = text;
        return Ok();
      },
      [&](const Status& outcome) {
        observed.push_back(outcome ? "loaded" : std::string(outcome.error().code.wire()));
      });
  ASSERT_TRUE(source.Poll());
  std::filesystem::remove(path);

  Status missing = source.Poll();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ReloadError::kSourceMissing);
  EXPECT_EQ(missing.error().message, "file " + path.string() + ": not found");
  EXPECT_EQ(source.failures(), 1u);
  EXPECT_EQ(loads, 1) << "the loader never sees a missing source";
  EXPECT_EQ(published, "good-1");
  EXPECT_TRUE(source.loaded());
  ASSERT_FALSE(source.health());
  EXPECT_EQ(source.health().error().code, ReloadError::kSourceMissing);

  EXPECT_TRUE(source.Poll()) << "still missing: reported once";
  EXPECT_EQ(source.failures(), 1u);
  EXPECT_EQ(source.health().error().code, ReloadError::kSourceMissing) << "but still visible";

  Write(path, "good-1");
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(published, "good-1");
  EXPECT_TRUE(source.health());
  EXPECT_EQ(source.last_error(), "");
  EXPECT_EQ(source.reloads(), 2u);
  EXPECT_EQ(observed, (std::vector<std::string>{"loaded", "source_missing", "loaded"}));
}

TEST_F(WatchedSourceTest, MissingAtFirstPollLoadsNothing) {
  const auto path = dir_ / "typo.json";
  int loads = 0;
  WatchedSource source("file " + path.string(), FileFetcher(path.string()),
                       [&](const std::string&) -> Status {
                         ++loads;
                         return Ok();
                       });
  Status first = source.Poll();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ReloadError::kSourceMissing);
  EXPECT_NE(first.error().message.find(path.string()), std::string::npos);
  EXPECT_EQ(loads, 0);
  EXPECT_FALSE(source.loaded());
  EXPECT_EQ(source.failures(), 1u);
}

TEST_F(WatchedSourceTest, AbsentFromAnyFetcherIsMissing) {
  // A ConfigMap, or its key, deleted: the fetcher answers nullopt.
  std::optional<std::string> current = "good";
  WatchedSource source(
      "ConfigMap kube-system/policy key \"policies\"",
      [&]() -> Result<std::optional<std::string>> { return current; },
      [&](const std::string&) -> Status { return Ok(); });
  ASSERT_TRUE(source.Poll());
  current.reset();
  Status missing = source.Poll();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ReloadError::kSourceMissing);
  EXPECT_EQ(missing.error().message, "ConfigMap kube-system/policy key \"policies\": not found");
}

TEST_F(WatchedSourceTest, OfferedVersionsFollowThePollRules) {
  // A push source (a Kubernetes watch): no fetcher, Poll() does nothing, Offer() decides.
  std::vector<std::string> loaded;
  WatchedSource source("ConfigMap ns/cm key \"k\"", WatchedSource::Fetcher(),
                       [&](const std::string& text) -> Status {
                         if (text == "bad") return MakeError(CommonError::kInvalidArgument, "bad");
                         loaded.push_back(text);
                         return Ok();
                       });
  EXPECT_TRUE(source.Poll());
  EXPECT_FALSE(source.loaded());
  ASSERT_TRUE(source.Offer(std::optional<std::string>("v1")));
  EXPECT_TRUE(source.Offer(std::optional<std::string>("v1")));  // unchanged: not loaded again
  EXPECT_EQ(source.Offer(std::optional<std::string>("bad")).error().code,
            CommonError::kInvalidArgument);
  EXPECT_EQ(source.Offer(std::optional<std::string>()).error().code, ReloadError::kSourceMissing);
  Status failed = source.Offer(MakeError(KubernetesError::kApiError, "watching: HTTP 403"));
  EXPECT_EQ(failed.error().code, KubernetesError::kApiError);
  EXPECT_TRUE(source.Offer(MakeError(KubernetesError::kApiError, "watching: HTTP 403")));  // once
  EXPECT_EQ(source.health().error().code, KubernetesError::kApiError);
  ASSERT_TRUE(source.Offer(std::optional<std::string>("v2")));
  EXPECT_TRUE(source.health());
  EXPECT_EQ(loaded, (std::vector<std::string>{"v1", "v2"}));
  EXPECT_EQ(source.reloads(), 2u);
  EXPECT_EQ(source.failures(), 3u);
}

TEST_F(WatchedSourceTest, UnreadableFileIsAnErrorNotAbsent) {
  const auto path = dir_ / "policy.json";
  std::filesystem::create_directories(path);  // a directory where the file should be
  WatchedSource source("file " + path.string(), FileFetcher(path.string()),
                       [&](const std::string&) -> Status { return Ok(); });
  Status first = source.Poll();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, CommonError::kFileUnreadable);
  EXPECT_NE(first.error().message.find(path.string()), std::string::npos);
}

TEST_F(WatchedSourceTest, FetchErrorsAreReportedOnceAndClearWhenTheSourceIsBack) {
  Result<std::optional<std::string>> answer = std::optional<std::string>("good");
  int loads = 0;
  WatchedSource source(
      "ConfigMap ns/cm key \"k\"", [&]() { return answer; },
      [&](const std::string&) -> Status {
        ++loads;
        return Ok();
      });
  ASSERT_TRUE(source.Poll());
  answer = MakeError(KubernetesError::kApiError, "HTTP 503");
  Status failed = source.Poll();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, KubernetesError::kApiError);
  EXPECT_TRUE(source.Poll()) << "the same error again is not new";
  EXPECT_EQ(source.failures(), 1u);
  EXPECT_EQ(source.last_error(), "HTTP 503");
  answer = std::optional<std::string>("good");
  ASSERT_TRUE(source.Poll());
  EXPECT_EQ(loads, 1) << "unchanged text is not reloaded";
  EXPECT_TRUE(source.health());
}

}  // namespace
}  // namespace gatehouse::adapters
