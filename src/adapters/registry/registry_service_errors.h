// RegistryServiceError: Failures of the registry's HTTP side: callers, forms, signing key files.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters::registry_service {

enum class RegistryServiceError {
  // unauthorized: the caller's credentials are missing or wrong.
  kUnauthorized,
  // throttled: too many failed logins from this source or for this account.
  kThrottled,
  // invalid_authorization: the Authorization header does not parse.
  kInvalidAuthorization,
  // invalid_form: a form body does not parse.
  kInvalidForm,
  // signing_keys_unreadable: the signing key files cannot be read.
  kSigningKeysUnreadable,
  // signing_keys_unwritable: the signing key files cannot be written.
  kSigningKeysUnwritable,
};

constexpr std::string_view WireName(RegistryServiceError e) {
  switch (e) {
    case RegistryServiceError::kUnauthorized:
      return "unauthorized";
    case RegistryServiceError::kThrottled:
      return "throttled";
    case RegistryServiceError::kInvalidAuthorization:
      return "invalid_authorization";
    case RegistryServiceError::kInvalidForm:
      return "invalid_form";
    case RegistryServiceError::kSigningKeysUnreadable:
      return "signing_keys_unreadable";
    case RegistryServiceError::kSigningKeysUnwritable:
      return "signing_keys_unwritable";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr RegistryServiceError kAllRegistryServiceErrors[] = {
    RegistryServiceError::kUnauthorized,          RegistryServiceError::kThrottled,
    RegistryServiceError::kInvalidAuthorization,  RegistryServiceError::kInvalidForm,
    RegistryServiceError::kSigningKeysUnreadable, RegistryServiceError::kSigningKeysUnwritable};
static_assert(ValidErrorEnum(kAllRegistryServiceErrors));

}  // namespace gatehouse::adapters::registry_service
