// OAuthError: The error codes an OAuth 2.0 token or device authorization endpoint answers with (RFC
// 6749 section 5.2, RFC 8628 section 3.5), kept as the server sent them.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::authn::oidc {

enum class OAuthError {
  // invalid_request: RFC 6749 5.2.
  kInvalidRequest,
  // invalid_client: RFC 6749 5.2.
  kInvalidClient,
  // invalid_grant: RFC 6749 5.2.
  kInvalidGrant,
  // unauthorized_client: RFC 6749 5.2.
  kUnauthorizedClient,
  // unsupported_grant_type: RFC 6749 5.2.
  kUnsupportedGrantType,
  // invalid_scope: RFC 6749 5.2.
  kInvalidScope,
  // access_denied: RFC 8628 3.5: the user refused.
  kAccessDenied,
  // expired_token: RFC 8628 3.5: the device code expired.
  kExpiredToken,
  // authorization_pending: RFC 8628 3.5: the user has not answered yet.
  kAuthorizationPending,
  // slow_down: RFC 8628 3.5: poll 5 s slower.
  kSlowDown,
  // server_error: RFC 6749 4.1.2.1, which some servers also answer at the token endpoint.
  kServerError,
  // temporarily_unavailable: RFC 6749 4.1.2.1, as server_error.
  kTemporarilyUnavailable,
};

constexpr std::string_view WireName(OAuthError e) {
  switch (e) {
    case OAuthError::kInvalidRequest:
      return "invalid_request";
    case OAuthError::kInvalidClient:
      return "invalid_client";
    case OAuthError::kInvalidGrant:
      return "invalid_grant";
    case OAuthError::kUnauthorizedClient:
      return "unauthorized_client";
    case OAuthError::kUnsupportedGrantType:
      return "unsupported_grant_type";
    case OAuthError::kInvalidScope:
      return "invalid_scope";
    case OAuthError::kAccessDenied:
      return "access_denied";
    case OAuthError::kExpiredToken:
      return "expired_token";
    case OAuthError::kAuthorizationPending:
      return "authorization_pending";
    case OAuthError::kSlowDown:
      return "slow_down";
    case OAuthError::kServerError:
      return "server_error";
    case OAuthError::kTemporarilyUnavailable:
      return "temporarily_unavailable";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr OAuthError kAllOAuthErrors[] = {
    OAuthError::kInvalidRequest,       OAuthError::kInvalidClient,
    OAuthError::kInvalidGrant,         OAuthError::kUnauthorizedClient,
    OAuthError::kUnsupportedGrantType, OAuthError::kInvalidScope,
    OAuthError::kAccessDenied,         OAuthError::kExpiredToken,
    OAuthError::kAuthorizationPending, OAuthError::kSlowDown,
    OAuthError::kServerError,          OAuthError::kTemporarilyUnavailable};
static_assert(ValidErrorEnum(kAllOAuthErrors));

}  // namespace gatehouse::authn::oidc
