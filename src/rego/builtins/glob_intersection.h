// Whether two "regex-style globs" (the syntax of OPA's regex.globs_match, from the
// glob-intersection library) have a string in common.
//
// Syntax: a character, `.` (any character) or a set `[abc]`, `[a-z]`, each optionally followed
// by `*` (zero or more) or `+` (one or more); `\` escapes the next character. The check runs a
// breadth-first search over the product of the two globs' automata, so it is polynomial in the
// pattern sizes, and refuses products above a fixed state budget.
//
// Pure function; thread-safe. Fails on malformed globs with the library's wording, e.g.
// "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid".
#pragma once

#include <string_view>

#include "common/result.h"

namespace gatehouse::rego {

Result<bool> GlobsIntersect(std::string_view lhs, std::string_view rhs);

}  // namespace gatehouse::rego
