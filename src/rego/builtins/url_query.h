// URL query escaping as Go's net/url QueryEscape / QueryUnescape do it, for the urlquery.*
// builtins. Pure functions, thread-safe; QueryUnescape's Error message copies Go's wording
// ("invalid URL escape \"%zz\""), which OPA surfaces.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::rego::builtins {

// Go's url.QueryEscape: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, space becomes '+',
// every other byte %XX (upper-case hex).
std::string QueryEscape(std::string_view in);
// Go's url.QueryUnescape: '+' becomes space, %XX its byte; fails (code "url") on a '%' not
// followed by two hex digits.
Result<std::string> QueryUnescape(std::string_view in);

}  // namespace gatehouse::rego::builtins
