// Glob patterns with gobwas/glob semantics (OPA's glob.match), translated to RE2 regexes.
//
// Syntax: `*` any run of characters except the delimiters, `**` any run including them, `?`
// one character except a delimiter, `[abc]`, `[a-z]`, `[!abc]` character classes, `{a,b}`
// alternatives (nestable), `\x` a literal x. The whole input must match. Translating to RE2
// keeps matching linear-time whatever the pattern.
//
// Pure functions; thread-safe. GlobToRegex fails (message only) on malformed patterns
// (unclosed `[` or `{`, a `]` or `}` without opener, trailing `\`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace gatehouse::rego {

Result<std::string> GlobToRegex(std::string_view pattern, const std::vector<char32_t>& delimiters);

// Escapes the glob metacharacters `* ? [ ] { } \` with a backslash.
std::string GlobQuoteMeta(std::string_view s);

}  // namespace gatehouse::rego
