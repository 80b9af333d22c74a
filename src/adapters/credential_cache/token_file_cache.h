// TokenFileCache: issued credential-plugin tokens kept on disk between kubectl runs.
//
// One file per key (a hex digest of who the token is for, see KeystoneCredentialCacheKey) in a
// directory that only the current user may enter (0700). Files are written 0600 to a temporary
// name and renamed into place, so a reader sees either the old entry or the new one, never half
// of one, and concurrent kubectl processes cannot corrupt each other. An entry that is
// unreadable, malformed, a symlink, not owned by us or readable by others is treated as absent:
// a broken cache costs one new token, never a failed login, and is never trusted.
//
// The object only holds the directory path; it is thread-safe (each call is independent
// filesystem work). Errors ("cache_io") name the path and the system error, never the token.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::adapters {

struct CachedToken {
  std::string token;  // secret
  std::chrono::system_clock::time_point expires_at;
};

// $XDG_CACHE_HOME/gatehouse/<subdir> when XDG_CACHE_HOME is an absolute path, else
// $HOME/.cache/gatehouse/<subdir>. Errors: "cache_io" when neither variable is usable.
Result<std::string> DefaultTokenCacheDir(std::string_view subdir);

class TokenFileCache {
 public:
  explicit TokenFileCache(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }

  // The entry for `key`, or nullopt (absent, or not trustworthy as described above). `key`
  // must be [A-Za-z0-9_-]+ so it cannot leave the directory; other keys are never found.
  std::optional<CachedToken> Find(std::string_view key) const;

  // Creates the directory (and missing parents) with mode 0700, tightens an existing one of
  // ours to 0700, then writes the entry atomically with mode 0600. Errors: "cache_io" (bad key,
  // directory owned by another user or not a directory, write or rename failure).
  Status Store(std::string_view key, const CachedToken& entry) const;

  // Removes the entry; absent is not an error. Errors: "cache_io".
  Status Erase(std::string_view key) const;

  // Where the entry for `key` lives (for tests and diagnostics).
  std::string PathFor(std::string_view key) const;

 private:
  std::string dir_;
};

}  // namespace gatehouse::adapters
