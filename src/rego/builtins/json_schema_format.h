// The `format` keyword as OPA's JSON Schema builtins check it: gojsonschema's default format
// checkers (date, time, date-time, email, hostname, ipv4, ipv6, uri, uri-reference, iri,
// uri-template, json-pointer, relative-json-pointer, regex, uuid). A format without a checker
// accepts every value, as there. Pure functions.
#pragma once

#include <string_view>

namespace gatehouse::rego::builtins {

// True when `value` (a string instance) is of `format`, or `format` has no checker.
bool MatchesFormat(std::string_view format, std::string_view value);

}  // namespace gatehouse::rego::builtins
