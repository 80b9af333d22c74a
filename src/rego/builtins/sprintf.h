// Go fmt.Sprintf semantics over Rego values, as OPA's `sprintf` builtin applies them.
//
// OPA hands Go's fmt integers (as int), other numbers (as float64) and strings as themselves,
// and every other value (booleans, null, collections) as its Rego text, so `%v` of an array
// prints `["a", 1]` and `%d` of `true` prints `%!d(string=true)`. Supported: verbs
// v s d f F e E g G x X o O b t T c q U and %%, flags - + # 0 space, width and precision
// (including `*`), explicit argument indexes `%[n]d`, and Go's error notations (%!d(string=x),
// %!d(MISSING), %!(EXTRA ...), %!(NOVERB), %!(BADINDEX), %!(BADWIDTH), %!(BADPREC)).
//
// Pure function; thread-safe. Fails only when the output would exceed `max_output_bytes`.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego {

Result<std::string> GoSprintf(std::string_view format, std::span<const Value> args,
                              std::size_t max_output_bytes);

}  // namespace gatehouse::rego
