// Base64url (RFC 4648 §5) as JOSE uses it (RFC 7515 §2): no padding, no whitespace.
//
// Decoding is strict so that one byte string has exactly one accepted spelling: characters
// outside the URL-safe alphabet, '=' padding, a length of 1 mod 4 and non-zero trailing bits
// (a non-canonical final character) are all refused. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::authn::jwt {

// Decodes `in`. Error "base64url_invalid" (the message never repeats the input).
Result<std::string> DecodeBase64Url(std::string_view in);

// Appends the decoding of `in` to `out`; false (with `out` unspecified) when `in` is not
// canonical unpadded base64url. For hot paths that reuse a buffer.
bool DecodeBase64UrlTo(std::string_view in, std::string& out);

// Unpadded base64url of `bytes`.
std::string EncodeBase64Url(std::string_view bytes);

// True when every character of `in` is in the base64url alphabet (A-Z a-z 0-9 - _).
bool IsBase64UrlAlphabet(std::string_view in);

}  // namespace gatehouse::authn::jwt
