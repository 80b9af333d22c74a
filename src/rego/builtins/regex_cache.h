// A bounded, thread-safe cache of compiled RE2 patterns for the regex and glob builtins.
//
// Patterns compile with Go regexp (Perl) semantics as far as RE2 allows: UTF-8, `^`/`$` at text
// boundaries unless (?m), negated classes match newlines. The cache holds at most kMaxEntries
// patterns and is cleared when full (simple, bounded, and good enough for the handful of
// patterns a policy uses). Compiled regexes are immutable and shared via shared_ptr, so a
// cleared entry stays valid for callers still holding it. All functions are thread-safe.
//
// Fails (message only, no code) when the pattern is longer than `max_pattern_bytes` or does not
// compile; the message follows Go's "error parsing regexp: ..." shape.
#pragma once

#include <re2/re2.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::rego {

inline constexpr std::size_t kRegexCacheMaxEntries = 1000;

// The error of a failed compile is an Error whose code is empty and message is the text to show.
Result<std::shared_ptr<const re2::RE2>> CompileRegexCached(std::string_view pattern,
                                                           std::size_t max_pattern_bytes);

// Entries currently cached (for tests).
std::size_t RegexCacheSize();

}  // namespace gatehouse::rego
