// OidcError: Failures of the OIDC core: claim mapping, discovery and device-flow answers.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::authn::oidc {

enum class OidcError {
  // oidc_discovery: the issuer URL or its discovery document is unusable.
  kDiscovery,
  // oidc_response: an answer of the provider is not what OAuth 2.0 requires.
  kResponse,
  // oidc_invalid_option: an OIDC mapping option is invalid.
  kInvalidOption,
  // oidc_username_missing: the token has no usable username claim.
  kUsernameMissing,
  // oidc_groups_invalid: the groups claim is neither a string nor an array of strings.
  kGroupsInvalid,
  // oidc_email_not_verified: the username is the email and it is not verified.
  kEmailNotVerified,
};

constexpr std::string_view WireName(OidcError e) {
  switch (e) {
    case OidcError::kDiscovery:
      return "oidc_discovery";
    case OidcError::kResponse:
      return "oidc_response";
    case OidcError::kInvalidOption:
      return "oidc_invalid_option";
    case OidcError::kUsernameMissing:
      return "oidc_username_missing";
    case OidcError::kGroupsInvalid:
      return "oidc_groups_invalid";
    case OidcError::kEmailNotVerified:
      return "oidc_email_not_verified";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr OidcError kAllOidcErrors[] = {
    OidcError::kDiscovery,       OidcError::kResponse,      OidcError::kInvalidOption,
    OidcError::kUsernameMissing, OidcError::kGroupsInvalid, OidcError::kEmailNotVerified};
static_assert(ValidErrorEnum(kAllOidcErrors));

}  // namespace gatehouse::authn::oidc
