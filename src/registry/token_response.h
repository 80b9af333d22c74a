// The HTTP bodies and headers of the token endpoint (distribution docs/spec/auth/token.md).
//
// Success: {"token":<jwt>,"access_token":<jwt>,"expires_in":<s>,"issued_at":<RFC 3339 UTC>}, with
// both token fields equal (clients read either) and expires_in never under 60 (the spec's
// minimum; shorter values make clients assume 60 anyway). Errors use the registry's and Harbor's
// shape {"errors":[{"code":"UNAUTHORIZED","message":"..."}]}; a 401 carries a Basic challenge
// (credentials are sent with Basic auth; clients print our message: "unauthorized: <message>").
// Messages are written by us and must never hold a secret. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::registry {

// Registry error codes (distribution registry/api/errcode) used by the token endpoint.
inline constexpr std::string_view kErrorUnauthorized = "UNAUTHORIZED";
inline constexpr std::string_view kErrorDenied = "DENIED";
inline constexpr std::string_view kErrorUnsupported = "UNSUPPORTED";
inline constexpr std::string_view kErrorInvalidRequest = "INVALID_REQUEST";   // bad scope, service
inline constexpr std::string_view kErrorUnknown = "UNKNOWN";                  // internal failure
inline constexpr std::string_view kErrorTooManyRequests = "TOOMANYREQUESTS";  // throttled, busy

// The success body; `expires_in` is raised to 60 s if shorter.
std::string TokenResponseJson(std::string_view token, std::chrono::seconds expires_in,
                              std::int64_t issued_at_unix);

// {"errors":[{"code":<code>,"message":<message>}]}
std::string ErrorBodyJson(std::string_view code, std::string_view message);

// `Basic realm="<realm>", charset="UTF-8"` (RFC 7617) for a 401 of the token endpoint; quotes
// and backslashes in `realm` are escaped, control characters dropped.
std::string TokenEndpointChallenge(std::string_view realm);

}  // namespace gatehouse::registry
