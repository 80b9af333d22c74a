#include "adapters/credential_cache/token_file_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "adapters/credential_cache/credential_cache_errors.h"
#include "authn/keystone/credential_request.h"
#include "common/codec/rfc3339.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::adapters {
namespace {

constexpr std::size_t kMaxEntryBytes = 64 * 1024;
constexpr int kEntryFormatVersion = 1;

Error IoError(const std::string& what, const std::string& path, int err) {
  return MakeError(CredentialCacheError::kIo, what + " " + path + ": " + std::strerror(err));
}

bool IsValidKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// A directory that someone else controls could be used to swap our entries or read them.
Status CheckOwnDirectory(const std::string& dir) {
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) return IoError("cannot inspect cache directory", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return MakeError(CredentialCacheError::kIo, "cache directory " + dir + " is not a directory");
  }
  if (st.st_uid != geteuid()) {
    return MakeError(CredentialCacheError::kIo,
                     "cache directory " + dir + " belongs to another user");
  }
  if ((st.st_mode & 077) != 0 && chmod(dir.c_str(), 0700) != 0) {
    return IoError("cannot restrict cache directory", dir, errno);
  }
  return Ok();
}

Status MakeDirectories(const std::string& dir) {
  if (dir.empty()) return MakeError(CredentialCacheError::kIo, "cache directory is empty");
  // Create each missing component; existing parents (e.g. $HOME) keep their modes.
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return IoError("cannot create cache directory", prefix, errno);
    }
  }
  return CheckOwnDirectory(dir);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok();
}

std::optional<std::string> ReadTrustedFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::string> content;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
      (st.st_mode & 077) == 0 && st.st_size >= 0 &&
      static_cast<std::size_t>(st.st_size) <= kMaxEntryBytes) {
    std::string data;
    char buffer[4096];
    bool failed = false;
    while (data.size() <= kMaxEntryBytes) {
      ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failed = true;
      if (n <= 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    if (!failed && data.size() <= kMaxEntryBytes) content = std::move(data);
  }
  close(fd);
  return content;
}

}  // namespace

Result<std::string> DefaultTokenCacheDir(std::string_view subdir) {
  // XDG Base Directory spec: relative values are invalid and must be ignored.
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  std::string base;
  if (xdg != nullptr && xdg[0] == '/') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (home == nullptr || home[0] != '/') {
      return MakeError(CredentialCacheError::kIo,
                       "neither XDG_CACHE_HOME nor HOME is an absolute path");
    }
    base = std::string(home) + "/.cache";
  }
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + "/gatehouse/" + std::string(subdir);
}

std::string TokenFileCache::PathFor(std::string_view key) const {
  return dir_ + "/" + std::string(key) + ".json";
}

std::optional<CachedToken> TokenFileCache::Find(std::string_view key) const {
  if (!IsValidKey(key)) return std::nullopt;
  std::optional<std::string> content = ReadTrustedFile(PathFor(key));
  if (!content) return std::nullopt;
  value::JsonLimits limits;
  limits.max_bytes = kMaxEntryBytes;
  limits.max_depth = 4;
  Result<value::Value> parsed = value::ParseJson(*content, limits);
  if (!parsed) return std::nullopt;
  const value::Value* version = parsed->Find("version");
  const value::Value* token = parsed->Find("token");
  const value::Value* expires = parsed->Find("expires_at");
  if (!version || version->AsInt() != kEntryFormatVersion || !token || !token->AsString() ||
      token->AsString()->empty() || !expires || !expires->AsString()) {
    return std::nullopt;
  }
  Result<std::chrono::system_clock::time_point> expires_at =
      codec::ParseRfc3339(*expires->AsString());
  if (!expires_at) return std::nullopt;
  return CachedToken{*token->AsString(), *expires_at};
}

Status TokenFileCache::Store(std::string_view key, const CachedToken& entry) const {
  if (!IsValidKey(key)) return MakeError(CredentialCacheError::kIo, "invalid cache key");
  Status dir_ok = MakeDirectories(dir_);
  if (!dir_ok) return dir_ok;

  value::Value record = value::Value::MakeObject();
  record.Set("version", kEntryFormatVersion);
  record.Set("token", entry.token);
  record.Set("expires_at", codec::FormatRfc3339NanoUtc(entry.expires_at));
  std::string data = value::ToJson(record);

  static std::atomic<unsigned> counter{0};
  const std::string path = PathFor(key);
  const std::string temp = dir_ + "/." + std::string(key) + ".tmp." + std::to_string(getpid()) +
                           "." + std::to_string(counter++);
  // O_EXCL + O_NOFOLLOW: never write through a planted file or symlink.
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", temp, errno);
  Status status = Ok();
  if (fchmod(fd, 0600) != 0) status = IoError("cannot set the mode of", temp, errno);
  if (status) status = WriteAll(fd, data, temp);
  if (status && fsync(fd) != 0) status = IoError("cannot flush", temp, errno);
  if (close(fd) != 0 && status) status = IoError("cannot close", temp, errno);
  if (status && rename(temp.c_str(), path.c_str()) != 0) {
    status = IoError("cannot rename into", path, errno);
  }
  if (!status) unlink(temp.c_str());
  return status;
}

Status TokenFileCache::Erase(std::string_view key) const {
  if (!IsValidKey(key)) return MakeError(CredentialCacheError::kIo, "invalid cache key");
  const std::string path = PathFor(key);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return IoError("cannot remove", path, errno);
  }
  return Ok();
}

}  // namespace gatehouse::adapters
