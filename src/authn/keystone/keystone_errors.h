// KeystoneError: Failures of the Keystone core: token bodies, credential requests, sync
// configuration.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::authn {

enum class KeystoneError {
  // keystone_bad_response: a Keystone answer lacks a field or cannot be read.
  kBadResponse,
  // keystone_unauthorized: Keystone refused the credentials (401).
  kUnauthorized,
  // keystone_error: Keystone answered another non-2xx status (its own message).
  kErrorStatus,
  // credential_incomplete: the credential request lacks fields.
  kCredentialIncomplete,
  // invalid_auth_url: the Keystone auth URL is not an http(s) URL.
  kInvalidAuthUrl,
  // invalid_sync_config: the sync configuration breaks a rule the message names.
  kInvalidSyncConfig,
};

constexpr std::string_view WireName(KeystoneError e) {
  switch (e) {
    case KeystoneError::kBadResponse:
      return "keystone_bad_response";
    case KeystoneError::kUnauthorized:
      return "keystone_unauthorized";
    case KeystoneError::kErrorStatus:
      return "keystone_error";
    case KeystoneError::kCredentialIncomplete:
      return "credential_incomplete";
    case KeystoneError::kInvalidAuthUrl:
      return "invalid_auth_url";
    case KeystoneError::kInvalidSyncConfig:
      return "invalid_sync_config";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr KeystoneError kAllKeystoneErrors[] = {
    KeystoneError::kBadResponse,    KeystoneError::kUnauthorized,
    KeystoneError::kErrorStatus,    KeystoneError::kCredentialIncomplete,
    KeystoneError::kInvalidAuthUrl, KeystoneError::kInvalidSyncConfig};
static_assert(ValidErrorEnum(kAllKeystoneErrors));

}  // namespace gatehouse::authn
