// Base64 (RFC 4648): the standard alphabet (§4, '+' '/') and the URL-safe one (§5, '-' '_'),
// padded with '=' or raw. The one implementation in the project; look here first.
//
// Contract:
// - Encode never fails; padded output has a length that is a multiple of 4, raw output none.
// - DecodeBase64Strict is canonical: exactly one spelling is accepted per byte string. It
//   refuses characters outside the chosen alphabet (including whitespace), a length of 1 mod 4
//   after padding is removed, missing padding (padded) or any '=' (raw), and non-zero
//   trailing bits. JOSE (RFC 7515 §2: base64url, raw), x5c headers, docker "auth" fields and
//   our secret hashes (standard, padded) use it. Errors never echo the input (it may be a
//   secret).
// - DecodeBase64Go reproduces Go's encoding/base64 `Encoding.DecodeString` (StdEncoding,
//   URLEncoding, RawStdEncoding, RawURLEncoding; not Strict()): CR and LF anywhere are
//   skipped, non-zero trailing bits are accepted, and errors read
//   "illegal base64 data at input byte N" (code "base64"), as OPA's builtins surface them.
//
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::codec {

enum class Base64Alphabet { kStandard, kUrl };
enum class Base64Padding { kPadded, kRaw };

std::string EncodeBase64(std::string_view bytes,
                         Base64Alphabet alphabet = Base64Alphabet::kStandard,
                         Base64Padding padding = Base64Padding::kPadded);
// Unpadded base64url, as JOSE writes it.
inline std::string EncodeBase64Url(std::string_view bytes) {
  return EncodeBase64(bytes, Base64Alphabet::kUrl, Base64Padding::kRaw);
}

// Appends the canonical decoding of `in` to `out`; false (with `out` unspecified) when `in` is
// not canonical. For hot paths that reuse a buffer.
bool DecodeBase64StrictTo(std::string_view in, Base64Alphabet alphabet, Base64Padding padding,
                          std::string& out);
// nullopt when `in` is not canonical.
std::optional<std::string> DecodeBase64Strict(std::string_view in,
                                              Base64Alphabet alphabet = Base64Alphabet::kStandard,
                                              Base64Padding padding = Base64Padding::kPadded);

// JOSE base64url (raw, strict). Error code "base64url_invalid".
Result<std::string> DecodeBase64Url(std::string_view in);
inline bool DecodeBase64UrlTo(std::string_view in, std::string& out) {
  return DecodeBase64StrictTo(in, Base64Alphabet::kUrl, Base64Padding::kRaw, out);
}

// True when every character of `in` is in the alphabet (no '=', no whitespace).
bool IsBase64Alphabet(std::string_view in, Base64Alphabet alphabet);

// Go's encoding/base64 DecodeString (see the contract above).
Result<std::string> DecodeBase64Go(std::string_view in, Base64Alphabet alphabet,
                                   Base64Padding padding);

}  // namespace gatehouse::codec
