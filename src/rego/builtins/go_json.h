// JSON text as Go's encoding/json writes it (HTML-escaped, indented), for json.marshal,
// json.marshal_with_options, io.jwt.encode_sign and providers.aws.sign_req. (Base64 and hex,
// with Go's rules and messages, are in common/codec/; URL query escaping in url_query.h.)
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::builtins {

// Go's json.Marshal text of `v`: compact, object keys sorted, '<', '>', '&', U+2028 and U+2029
// escaped as \u003c etc.
std::string GoJson(const Value& v);
// Go's json.Indent of a compact JSON text: each element on a new line starting with `prefix`
// and one `indent` per level (the first line is not prefixed, as in Go).
std::string IndentJson(std::string_view compact, std::string_view prefix, std::string_view indent);

}  // namespace gatehouse::rego::builtins
