// The Authorization header of a registry client: `Basic base64(user:password)` (RFC 7617, what
// docker, skopeo and podman send to the token endpoint) or `Bearer <token>` (an OIDC token).
//
// Strict and bounded: the scheme is case-insensitive, the credentials must be canonical base64
// holding a ':' and no control characters; anything else is an error, never guessed at. Errors:
// "invalid_authorization" (the message never quotes the header). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::adapters::registry_service {

inline constexpr std::size_t kMaxAuthorizationBytes = 8192;

struct Credentials {
  enum class Kind { kNone, kBasic, kBearer };
  Kind kind = Kind::kNone;
  std::string username;  // Basic
  std::string password;  // Basic
  std::string token;     // Bearer
};

// `header` nullptr (absent) → Kind::kNone. Errors: "invalid_authorization".
Result<Credentials> ParseAuthorization(const std::string* header);

// The form `application/x-www-form-urlencoded` value decoding ('+' is a space, %XX escapes).
// Errors: "invalid_form" for a malformed escape.
Result<std::string> DecodeFormComponent(std::string_view text);

}  // namespace gatehouse::adapters::registry_service
