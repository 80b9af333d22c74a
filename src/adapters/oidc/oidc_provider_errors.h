// OidcProviderError: Failures of reaching an OIDC issuer: discovery, JWKS fetching, options.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class OidcProviderError {
  // invalid_oidc_options: the issuer's options are invalid.
  kInvalidOptions,
  // oidc_discovery_failed: the discovery document cannot be fetched or read.
  kDiscoveryFailed,
  // oidc_discovery_issuer_mismatch: the discovery document names another issuer.
  kDiscoveryIssuerMismatch,
  // jwks_fetch_failed: the JWKS cannot be fetched.
  kJwksFetchFailed,
  // jwks_unreadable: the JWKS file cannot be read.
  kJwksUnreadable,
  // issuer_unavailable: the issuer's keys are not loaded yet.
  kIssuerUnavailable,
};

constexpr std::string_view WireName(OidcProviderError e) {
  switch (e) {
    case OidcProviderError::kInvalidOptions:
      return "invalid_oidc_options";
    case OidcProviderError::kDiscoveryFailed:
      return "oidc_discovery_failed";
    case OidcProviderError::kDiscoveryIssuerMismatch:
      return "oidc_discovery_issuer_mismatch";
    case OidcProviderError::kJwksFetchFailed:
      return "jwks_fetch_failed";
    case OidcProviderError::kJwksUnreadable:
      return "jwks_unreadable";
    case OidcProviderError::kIssuerUnavailable:
      return "issuer_unavailable";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr OidcProviderError kAllOidcProviderErrors[] = {
    OidcProviderError::kInvalidOptions,          OidcProviderError::kDiscoveryFailed,
    OidcProviderError::kDiscoveryIssuerMismatch, OidcProviderError::kJwksFetchFailed,
    OidcProviderError::kJwksUnreadable,          OidcProviderError::kIssuerUnavailable};
static_assert(ValidErrorEnum(kAllOidcProviderErrors));

}  // namespace gatehouse::adapters
