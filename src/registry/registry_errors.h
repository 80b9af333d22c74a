// RegistryError: Failures of the registry core: names, scopes, secrets, pull secrets, token
// signing.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::registry {

enum class RegistryError {
  // invalid_name: a project, robot, user or token name breaks a rule the message names.
  kInvalidName,
  // invalid_scope: a Docker token scope does not parse.
  kInvalidScope,
  // invalid_secret: a chosen secret breaks the length or character rule.
  kInvalidSecret,
  // invalid_secret_hash: a stored secret hash does not parse.
  kInvalidSecretHash,
  // invalid_pull_secret: a pull secret cannot be built from its parts.
  kInvalidPullSecret,
  // invalid_signing_key: a signing key or certificate is unusable.
  kInvalidSigningKey,
  // no_signing_key: no signing key can sign a token of this lifetime.
  kNoSigningKey,
  // signing_failed: key generation or signing failed in OpenSSL.
  kSigningFailed,
  // random_failed: the random number generator failed.
  kRandomFailed,
};

constexpr std::string_view WireName(RegistryError e) {
  switch (e) {
    case RegistryError::kInvalidName:
      return "invalid_name";
    case RegistryError::kInvalidScope:
      return "invalid_scope";
    case RegistryError::kInvalidSecret:
      return "invalid_secret";
    case RegistryError::kInvalidSecretHash:
      return "invalid_secret_hash";
    case RegistryError::kInvalidPullSecret:
      return "invalid_pull_secret";
    case RegistryError::kInvalidSigningKey:
      return "invalid_signing_key";
    case RegistryError::kNoSigningKey:
      return "no_signing_key";
    case RegistryError::kSigningFailed:
      return "signing_failed";
    case RegistryError::kRandomFailed:
      return "random_failed";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr RegistryError kAllRegistryErrors[] = {
    RegistryError::kInvalidName,       RegistryError::kInvalidScope,
    RegistryError::kInvalidSecret,     RegistryError::kInvalidSecretHash,
    RegistryError::kInvalidPullSecret, RegistryError::kInvalidSigningKey,
    RegistryError::kNoSigningKey,      RegistryError::kSigningFailed,
    RegistryError::kRandomFailed};
static_assert(ValidErrorEnum(kAllRegistryErrors));

}  // namespace gatehouse::registry
