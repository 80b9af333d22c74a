// Rego parser: module and query text to the flat AST of rego/ast.h.
//
// Follows OPA's parser (v1.x): the same operator precedence (`in` < comparisons < `|` < `&` <
// `+ -` < `* / %`, all left-associative), the same rule-head forms, the same handling of
// whitespace (a ref or call continues only when `.`, `[` or `(` follows with no space) and of
// line breaks (literals in a body are separated by `;` or a new line). Rego v1 always has the
// keywords `in`, `every`, `if`, `contains` and requires `if` before rule bodies and `contains`
// for multi-value rules; v0 has them only after `import future.keywords[.x]` or
// `import rego.v1` (which also turns on the v1 requirements).
//
// Errors: code "rego_parse_error", message "file:row:col: what". Hostile input gives an error,
// never a crash: the text size and term nesting depth are limited, and backtracking is
// memoised so the work stays linear in the input. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.h"
#include "rego/ast.h"

namespace gatehouse::rego {

struct ParseLimits {
  std::size_t max_bytes = 4 << 20;  // module or query text
  std::size_t max_depth = 1000;     // nested terms, comprehensions and bodies
};

// Parses one module: `package`, then imports, then rules.
Result<Module> ParseModule(std::string_view filename, std::string_view text, RegoVersion version,
                           const ParseLimits& limits = {});

// Parses a query: one or more literals separated by `;` or new lines.
Result<Query> ParseQuery(std::string_view filename, std::string_view text, RegoVersion version,
                         const ParseLimits& limits = {});

}  // namespace gatehouse::rego
