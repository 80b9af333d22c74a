// Text codecs the encoding builtins share: Go-style JSON text (HTML-escaped, indented) and Go's
// URL query escaping. (Base64 and hex, with Go's rules and messages, are in common/codec/.)
// Pure functions, thread-safe; decoders return an Error whose message copies Go's wording (OPA
// surfaces those messages).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::b2 {

// Go's json.Marshal text of `v`: compact, object keys sorted, '<', '>', '&', U+2028 and U+2029
// escaped as \u003c etc.
std::string GoJson(const Value& v);
// Go's json.Indent of a compact JSON text: each element on a new line starting with `prefix`
// and one `indent` per level (the first line is not prefixed, as in Go).
std::string IndentJson(std::string_view compact, std::string_view prefix, std::string_view indent);

// Go's url.QueryEscape / QueryUnescape.
std::string QueryEscape(std::string_view in);
Result<std::string> QueryUnescape(std::string_view in);

}  // namespace gatehouse::rego::b2
