#include "adapters/credential_cache/token_file_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/credential_cache/credential_cache_errors.h"

namespace gatehouse::adapters {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

constexpr char kKey[] = "0f3a9c_key-1";
constexpr char kToken[] = "gAAAAAB-secret-token-value";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "gatehouse-cache-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::chmod(path.c_str(), mode);
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    out.push_back(entry.path().filename().string());
  }
  return out;
}

// A time with a sub-second part, so the stored timestamp must keep it.
system_clock::time_point Expiry() {
  return system_clock::time_point(std::chrono::seconds(1893456000)) +
         std::chrono::microseconds(527363);
}

// Sets umask for the lifetime of the object.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

class ScopedEnv {
 public:
  explicit ScopedEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  void Set(const char* value) const { ::setenv(name_, value, 1); }
  void Unset() const { ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(TokenFileCacheTest, StoreThenFind) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/a/b/cache");
  EXPECT_FALSE(cache.Find(kKey));
  Status stored = cache.Store(kKey, CachedToken{kToken, Expiry()});
  ASSERT_TRUE(stored) << stored.error().message;
  std::optional<CachedToken> found = cache.Find(kKey);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->token, kToken);
  EXPECT_EQ(found->expires_at, Expiry());
  EXPECT_EQ(cache.PathFor(kKey), tmp.path() + "/a/b/cache/" + kKey + ".json");
  EXPECT_FALSE(cache.Find("other-key"));
}

TEST(TokenFileCacheTest, ModesAreOwnerOnlyWhateverTheUmask) {
  ScopedUmask umask(0);
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/new/cache");
  ASSERT_TRUE(cache.Store(kKey, CachedToken{kToken, Expiry()}));
  EXPECT_EQ(Mode(cache.dir()), 0700u);
  EXPECT_EQ(Mode(tmp.path() + "/new"), 0700u);  // created parents too
  EXPECT_EQ(Mode(cache.PathFor(kKey)), 0600u);
}

TEST(TokenFileCacheTest, ExistingDirectoryIsTightened) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/cache";
  fs::create_directory(dir);
  ::chmod(dir.c_str(), 0755);
  TokenFileCache cache(dir);
  ASSERT_TRUE(cache.Store(kKey, CachedToken{kToken, Expiry()}));
  EXPECT_EQ(Mode(dir), 0700u);
  EXPECT_EQ(Mode(tmp.path()), 0700u);  // mkdtemp's mode: a parent we did not touch
}

TEST(TokenFileCacheTest, WriteIsAtomicRename) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  ASSERT_TRUE(cache.Store(kKey, CachedToken{"old-token", Expiry()}));
  // A hard link keeps the old inode: a rename leaves it intact, an in-place rewrite would not.
  const std::string old_link = tmp.path() + "/old-entry";
  ASSERT_EQ(::link(cache.PathFor(kKey).c_str(), old_link.c_str()), 0);
  const std::string before = ReadAll(old_link);
  ASSERT_TRUE(cache.Store(kKey, CachedToken{"new-token", Expiry() + std::chrono::hours(1)}));
  EXPECT_EQ(ReadAll(old_link), before);
  std::optional<CachedToken> found = cache.Find(kKey);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->token, "new-token");
  EXPECT_EQ(found->expires_at, Expiry() + std::chrono::hours(1));
  // No temporary files are left behind.
  EXPECT_EQ(Names(cache.dir()), std::vector<std::string>{std::string(kKey) + ".json"});
}

TEST(TokenFileCacheTest, StoreReplacesAPlantedSymlinkWithoutWritingThroughIt) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  ASSERT_TRUE(cache.Store("seed", CachedToken{kToken, Expiry()}));  // creates the directory
  const std::string victim = tmp.path() + "/victim";
  WriteFile(victim, "precious");
  ASSERT_EQ(::symlink(victim.c_str(), cache.PathFor(kKey).c_str()), 0);
  ASSERT_TRUE(cache.Store(kKey, CachedToken{kToken, Expiry()}));
  EXPECT_EQ(ReadAll(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(cache.PathFor(kKey)));
  EXPECT_TRUE(cache.Find(kKey));
}

TEST(TokenFileCacheTest, SymlinkedEntryIsAbsent) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  TokenFileCache elsewhere(tmp.path() + "/elsewhere");
  ASSERT_TRUE(elsewhere.Store(kKey, CachedToken{kToken, Expiry()}));
  ASSERT_TRUE(elsewhere.Find(kKey));  // the target itself is a valid entry
  ASSERT_TRUE(cache.Store("seed", CachedToken{kToken, Expiry()}));
  ASSERT_EQ(::symlink(elsewhere.PathFor(kKey).c_str(), cache.PathFor(kKey).c_str()), 0);
  EXPECT_FALSE(cache.Find(kKey));
}

TEST(TokenFileCacheTest, EntryReadableByOthersIsAbsent) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  ASSERT_TRUE(cache.Store(kKey, CachedToken{kToken, Expiry()}));
  const std::string path = cache.PathFor(kKey);
  for (mode_t mode : {0644, 0640, 0604, 0602, 0620}) {
    ::chmod(path.c_str(), mode);
    EXPECT_FALSE(cache.Find(kKey)) << std::oct << mode;
  }
  ::chmod(path.c_str(), 0400);
  EXPECT_TRUE(cache.Find(kKey));
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(cache.Find(kKey));
}

TEST(TokenFileCacheTest, MalformedEntriesAreAbsent) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  ASSERT_TRUE(cache.Store(kKey, CachedToken{kToken, Expiry()}));
  const std::string path = cache.PathFor(kKey);
  const std::string valid = ReadAll(path);
  ASSERT_TRUE(cache.Find(kKey));
  const std::vector<std::string> malformed = {
      "",
      "not json",
      valid.substr(0, valid.size() / 2),
      "[]",
      R"({"version":2,"token":"t","expires_at":"2030-01-01T00:00:00Z"})",
      R"({"version":"1","token":"t","expires_at":"2030-01-01T00:00:00Z"})",
      R"({"token":"t","expires_at":"2030-01-01T00:00:00Z"})",
      R"({"version":1,"token":"","expires_at":"2030-01-01T00:00:00Z"})",
      R"({"version":1,"token":7,"expires_at":"2030-01-01T00:00:00Z"})",
      R"({"version":1,"expires_at":"2030-01-01T00:00:00Z"})",
      R"({"version":1,"token":"t"})",
      R"({"version":1,"token":"t","expires_at":1893456000})",
      R"({"version":1,"token":"t","expires_at":"next tuesday"})",
      R"({"version":1,"token":"t","expires_at":"2030-01-01T00:00:00Z"} trailing)",
      R"({"version":1,"token":"t","expires_at":"2030-01-01T00:00:00Z","x":[[[[[1]]]]]})",
      R"({"version":1,"token":")" + std::string(70000, 'a') +
          R"(","expires_at":"2030-01-01T00:00:00Z"})",
  };
  for (const std::string& text : malformed) {
    WriteFile(path, text);
    EXPECT_FALSE(cache.Find(kKey)) << text.substr(0, 80);
  }
  // The same shape, well formed, is accepted: the cases above fail for their defect only.
  WriteFile(path, R"({"version":1,"token":"t","expires_at":"2030-01-01T00:00:00Z"})");
  std::optional<CachedToken> found = cache.Find(kKey);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->token, "t");
}

TEST(TokenFileCacheTest, DirectoryAtEntryPathIsAbsent) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  ASSERT_TRUE(cache.Store("seed", CachedToken{kToken, Expiry()}));
  fs::create_directory(cache.PathFor(kKey));
  EXPECT_FALSE(cache.Find(kKey));
}

TEST(TokenFileCacheTest, KeysCannotLeaveTheDirectory) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  const std::vector<std::string> bad_keys = {
      "", "../escape", "a/b", "a.b", "key with space", "ключ", std::string(129, 'a')};
  for (const std::string& key : bad_keys) {
    Status stored = cache.Store(key, CachedToken{kToken, Expiry()});
    ASSERT_FALSE(stored) << key;
    EXPECT_EQ(stored.error().code, CredentialCacheError::kIo);
    EXPECT_FALSE(cache.Find(key)) << key;
    EXPECT_FALSE(cache.Erase(key)) << key;
  }
  EXPECT_FALSE(fs::exists(tmp.path() + "/escape.json"));
  EXPECT_TRUE(cache.Store(std::string(128, 'a'), CachedToken{kToken, Expiry()}));
}

TEST(TokenFileCacheTest, Erase) {
  TempDir tmp;
  TokenFileCache cache(tmp.path() + "/cache");
  EXPECT_TRUE(cache.Erase(kKey));  // nothing there yet
  ASSERT_TRUE(cache.Store(kKey, CachedToken{kToken, Expiry()}));
  ASSERT_TRUE(cache.Erase(kKey));
  EXPECT_FALSE(cache.Find(kKey));
  EXPECT_FALSE(fs::exists(cache.PathFor(kKey)));
  EXPECT_TRUE(cache.Erase(kKey));
}

TEST(TokenFileCacheTest, UnusableDirectoryIsAnErrorWithoutTheToken) {
  TempDir tmp;
  const std::string file = tmp.path() + "/file";
  WriteFile(file, "x");
  for (const std::string& dir : {file, file + "/below"}) {
    TokenFileCache cache(dir);
    Status stored = cache.Store(kKey, CachedToken{kToken, Expiry()});
    ASSERT_FALSE(stored) << dir;
    EXPECT_EQ(stored.error().code, CredentialCacheError::kIo);
    EXPECT_EQ(stored.error().message.find(kToken), std::string::npos);
  }
  // A symlink to a directory is not trusted as the cache directory either.
  const std::string real = tmp.path() + "/real";
  fs::create_directory(real);
  const std::string link = tmp.path() + "/link";
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  Status stored = TokenFileCache(link).Store(kKey, CachedToken{kToken, Expiry()});
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, CredentialCacheError::kIo);
  EXPECT_TRUE(fs::is_empty(real));
}

TEST(TokenFileCacheTest, DefaultDirectory) {
  ScopedEnv xdg("XDG_CACHE_HOME");
  ScopedEnv home("HOME");
  xdg.Set("/xdg/cache/");
  home.Set("/home/u");
  Result<std::string> dir = DefaultTokenCacheDir("keystone");
  ASSERT_TRUE(dir);
  EXPECT_EQ(*dir, "/xdg/cache/gatehouse/keystone");

  xdg.Set("relative/cache");  // invalid per the XDG spec: ignored
  dir = DefaultTokenCacheDir("keystone");
  ASSERT_TRUE(dir);
  EXPECT_EQ(*dir, "/home/u/.cache/gatehouse/keystone");

  xdg.Unset();
  dir = DefaultTokenCacheDir("keystone");
  ASSERT_TRUE(dir);
  EXPECT_EQ(*dir, "/home/u/.cache/gatehouse/keystone");

  home.Set("relative-home");
  dir = DefaultTokenCacheDir("keystone");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, CredentialCacheError::kIo);
  home.Unset();
  EXPECT_FALSE(DefaultTokenCacheDir("keystone"));
}

}  // namespace
}  // namespace gatehouse::adapters
