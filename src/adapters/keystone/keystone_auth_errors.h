// KeystoneAuthError: Failures of authenticating a token against Keystone (besides the core's
// keystone_bad_response).
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class KeystoneAuthError {
  // invalid_keystone_options: the authenticator's options are invalid.
  kInvalidOptions,
  // token_invalid: Keystone does not know the token, or it is not a token.
  kTokenInvalid,
  // token_expired: the Keystone token has expired.
  kTokenExpired,
  // token_not_project_scoped: the token is not scoped to a project.
  kTokenNotProjectScoped,
  // keystone_forbidden: Keystone refused the service credentials.
  kForbidden,
  // keystone_unavailable: no answer, a 5xx or an unexpected status.
  kUnavailable,
};

constexpr std::string_view WireName(KeystoneAuthError e) {
  switch (e) {
    case KeystoneAuthError::kInvalidOptions:
      return "invalid_keystone_options";
    case KeystoneAuthError::kTokenInvalid:
      return "token_invalid";
    case KeystoneAuthError::kTokenExpired:
      return "token_expired";
    case KeystoneAuthError::kTokenNotProjectScoped:
      return "token_not_project_scoped";
    case KeystoneAuthError::kForbidden:
      return "keystone_forbidden";
    case KeystoneAuthError::kUnavailable:
      return "keystone_unavailable";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr KeystoneAuthError kAllKeystoneAuthErrors[] = {
    KeystoneAuthError::kInvalidOptions, KeystoneAuthError::kTokenInvalid,
    KeystoneAuthError::kTokenExpired,   KeystoneAuthError::kTokenNotProjectScoped,
    KeystoneAuthError::kForbidden,      KeystoneAuthError::kUnavailable};
static_assert(ValidErrorEnum(kAllKeystoneAuthErrors));

}  // namespace gatehouse::adapters
