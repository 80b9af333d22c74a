// A set of files as one version: path order, hidden files skipped, tags, absent first root,
// and the encoding read back (including corrupt listings).
#include "adapters/reload/file_set.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/common_errors.h"

namespace gatehouse::adapters {
namespace {

namespace fs = std::filesystem;

class FileSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("gatehouse-file-set-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sub");
    fs::create_directories(dir_ / ".git");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(FileSetTest, ReadsWantedFilesInPathOrderWithTags) {
  Write("b.rego", "B");
  Write("sub/a.rego", "A");
  Write("notes.md", "skip");
  Write(".git/x.rego", "hidden");
  Write("data.yaml", "k: v");
  auto rego = [](const std::string& p) { return p.ends_with(".rego"); };
  auto text = ReadFileSet({{dir_.string(), "rego", rego}, {(dir_ / "data.yaml").string(), "d", {}}},
                          1 << 20);
  ASSERT_TRUE(text);
  ASSERT_TRUE(*text);
  auto files = SplitFileSet(**text);
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].name, "rego:" + (dir_ / "b.rego").string());
  EXPECT_EQ((*files)[0].text, "B");
  EXPECT_EQ((*files)[1].name, "rego:" + (dir_ / "sub/a.rego").string());
  EXPECT_EQ((*files)[2].name, "d:" + (dir_ / "data.yaml").string());
  EXPECT_EQ((*files)[2].text, "k: v");
}

TEST_F(FileSetTest, AbsentFirstRootIsAbsentOtherRootsAreErrors) {
  auto absent = ReadFileSet({{(dir_ / "nope").string(), "", {}}}, 1 << 20);
  ASSERT_TRUE(absent);
  EXPECT_FALSE(*absent);
  auto missing =
      ReadFileSet({{dir_.string(), "", {}}, {(dir_ / "nope.json").string(), "", {}}}, 1 << 20);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, CommonError::kFileUnreadable);
}

TEST_F(FileSetTest, SizeLimitIsAnError) {
  Write("big.rego", std::string(100, 'x'));
  auto text = ReadFileSet({{dir_.string(), "", {}}}, 50);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, CommonError::kInvalidArgument);
}

TEST(SplitFileSet, CorruptListingsAreRefused) {
  EXPECT_FALSE(SplitFileSet("name-without-size"));
  EXPECT_FALSE(SplitFileSet("a\nx\nabc"));
  EXPECT_FALSE(SplitFileSet("a\n10\nabc"));
  auto empty = SplitFileSet("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace gatehouse::adapters
