// Semantic Versioning 2.0.0 (semver.org) parsing and precedence, for semver.is_valid and
// semver.compare. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::rego::builtins {

struct SemVer {
  unsigned long long major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;  // pre-release identifiers
  std::string metadata;          // ignored by precedence
};

// "1.2.3", "1.2.3-rc.1+build.5"; nullopt for anything else (no leading 'v', no missing parts,
// no leading zeros in numeric parts).
std::optional<SemVer> ParseSemVer(std::string_view text);

// -1, 0 or 1 by SemVer precedence.
int CompareSemVer(const SemVer& a, const SemVer& b);

}  // namespace gatehouse::rego::builtins
