// Standard base64 (RFC 4648 §4, '+' '/' and '=' padding), as x5c headers (RFC 7515 §4.1.6),
// docker config "auth" fields, Kubernetes Secret data and our secret hashes use it. (JOSE
// base64url lives in authn/jwt/base64url.h.)
//
// Decoding is strict: padding required, no whitespace, no non-zero trailing bits, so one byte
// string has one spelling. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::registry {

std::string EncodeBase64(std::string_view bytes);

// nullopt when `text` is not canonical padded base64 (the input is never echoed anywhere).
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace gatehouse::registry
