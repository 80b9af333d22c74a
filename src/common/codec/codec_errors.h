// CodecError: Failures of the byte and text codecs (base64, hex, RFC 3339).
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::codec {

enum class CodecError {
  // base64: Go's lenient base64 decoding failed (message as Go's encoding/base64).
  kBase64,
  // base64url_invalid: not canonical base64 or base64url for the strict decoders.
  kBase64UrlInvalid,
  // hex: not hex (message as Go's encoding/hex).
  kHex,
  // invalid_timestamp: not an RFC 3339 timestamp.
  kInvalidTimestamp,
};

constexpr std::string_view WireName(CodecError e) {
  switch (e) {
    case CodecError::kBase64:
      return "base64";
    case CodecError::kBase64UrlInvalid:
      return "base64url_invalid";
    case CodecError::kHex:
      return "hex";
    case CodecError::kInvalidTimestamp:
      return "invalid_timestamp";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr CodecError kAllCodecErrors[] = {CodecError::kBase64, CodecError::kBase64UrlInvalid,
                                                 CodecError::kHex, CodecError::kInvalidTimestamp};
static_assert(ValidErrorEnum(kAllCodecErrors));

}  // namespace gatehouse::codec
