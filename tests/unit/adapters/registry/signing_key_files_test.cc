#include "adapters/registry/signing_key_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

namespace gatehouse::adapters::registry_service {
namespace {

class SigningKeyFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/rsvc-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern + "/keys";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(dir_).parent_path(), ec);
  }
  std::string dir_;
};

TEST_F(SigningKeyFilesTest, GeneratesOnceWithOwnerOnlyKeysAndReloads) {
  const auto now = std::chrono::system_clock::now();
  auto ring = LoadOrCreateSigningKeys(dir_, {}, std::chrono::seconds(300), now);
  ASSERT_TRUE(ring) << ring.error().ToString();
  ASSERT_EQ(ring->keys().size(), 1u);
  int key_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() != ".key") continue;
    ++key_files;
    struct stat info {};
    ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
  }
  EXPECT_EQ(key_files, 1);
  auto again = LoadOrCreateSigningKeys(dir_, {}, std::chrono::seconds(300), now);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->keys().size(), 1u);
  EXPECT_EQ(again->keys()[0].kid(), ring->keys()[0].kid());
  EXPECT_NE(again->CertificatesPem().find("BEGIN CERTIFICATE"), std::string::npos);

  ManualClock clock(now);
  auto source =
      SigningKeySource::Open(dir_, {}, std::chrono::seconds(300), clock, std::chrono::seconds(5));
  ASSERT_TRUE(source);
  EXPECT_EQ((*source)->Current()->keys().size(), 1u);
  ASSERT_TRUE(AddSigningKey(dir_, {}, now + std::chrono::seconds(1)));
  // Make sure the folder's time differs even on coarse file systems.
  std::filesystem::last_write_time(
      dir_, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(10));
  clock.Advance(std::chrono::seconds(6));
  EXPECT_EQ((*source)->Current()->keys().size(), 2u);
}

TEST_F(SigningKeyFilesTest, RefusesACorruptKey) {
  ASSERT_TRUE(AddSigningKey(dir_, {}, std::chrono::system_clock::now()));
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() == ".crt") {
      std::FILE* f = std::fopen(entry.path().c_str(), "w");
      std::fputs("not a certificate", f);
      std::fclose(f);
    }
  }
  auto ring = LoadSigningKeys(dir_);
  EXPECT_FALSE(ring);
}

}  // namespace
}  // namespace gatehouse::adapters::registry_service
