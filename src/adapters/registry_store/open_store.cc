#include "adapters/registry_store/open_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "adapters/registry_store/postgres_store.h"
#include "adapters/registry_store/sqlite_store.h"
#include "common/common_errors.h"
#include "registry/store_errors.h"

namespace gatehouse::adapters {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<std::unique_ptr<registry::RegistryStore>> OpenRegistryStore(std::string_view url,
                                                                   const std::string& data_dir,
                                                                   const Clock& clock) {
  if (url.empty()) {
    if (data_dir.empty()) {
      return MakeError(CommonError::kInvalidArgument,
                       "no registry database: set a data directory or URL");
    }
    if (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return MakeError(
          registry::StoreError::kUnavailable,
          "cannot create the data directory " + data_dir + ": " + std::strerror(errno));
    }
    return OpenSqliteRegistryStore(data_dir + "/registry.db", clock);
  }
  if (StartsWith(url, kSqliteScheme)) {
    std::string path(url.substr(kSqliteScheme.size()));
    if (path.empty() || path[0] != '/') {
      return MakeError(CommonError::kInvalidArgument,
                       "a SQLite database URL needs an absolute path: sqlite:///path/registry.db");
    }
    return OpenSqliteRegistryStore(path, clock);
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return OpenPostgresRegistryStore(std::string(url), clock);
  }
  return MakeError(CommonError::kInvalidArgument,
                   "unsupported registry database URL (use sqlite:///path or postgresql://...)");
}

std::string RedactDatabaseUrl(std::string_view url) {
  // scheme://user:password@host... → scheme://user:***@host...
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto authority_start = scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority_start);
  const std::string_view authority = url.substr(
      authority_start, authority_end == std::string_view::npos ? std::string_view::npos
                                                               : authority_end - authority_start);
  const auto at = authority.rfind('@');
  const auto colon = authority.find(':');
  std::string out(url);
  if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
    out.replace(authority_start + colon + 1, at - colon - 1, "***");
  }
  // A password may also come as a query parameter: ?password=...
  for (auto pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    const auto value_start = pos + 9;
    const auto value_end = out.find('&', value_start);
    out.replace(value_start,
                (value_end == std::string::npos ? out.size() : value_end) - value_start, "***");
  }
  return out;
}

}  // namespace gatehouse::adapters
