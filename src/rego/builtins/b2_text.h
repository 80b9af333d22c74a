// Byte-level codecs the encoding builtins share with the JWT and crypto builtins: standard and
// URL base64 (Go's encoding/base64 rules), hex, Go-style JSON text (HTML-escaped, indented) and
// Go's URL query escaping. Pure functions, thread-safe; decoders return nullopt or an Error
// whose message copies Go's wording (OPA surfaces those messages).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::b2 {

// Padded (pad = true) or raw base64; `url` selects the URL-safe alphabet.
std::string Base64Encode(std::string_view in, bool url, bool pad);
// Go's base64.{Std,URL}Encoding (pad = true) or Raw*Encoding (pad = false) DecodeString:
// CR and LF are skipped; errors read "illegal base64 data at input byte N".
Result<std::string> Base64Decode(std::string_view in, bool url, bool pad);

std::string HexEncode(std::string_view in);
// Errors as Go's encoding/hex: "encoding/hex: invalid byte: U+0067 'g'", "encoding/hex: odd
// length hex string".
Result<std::string> HexDecode(std::string_view in);

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
