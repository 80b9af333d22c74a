// JwtError: Failures of parsing and verifying a JWS/JWT and of reading JWK sets; named as
// jwt_verify_lib's Status.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::authn::jwt {

enum class JwtError {
  // jwt_malformed: not a compact JWS, bad base64url, header or claims not JSON objects, a claim of
  // the wrong type.
  kMalformed,
  // jwt_too_large: the token exceeds the size limit.
  kTooLarge,
  // jwt_duplicate_key: the header or claims repeat a member name.
  kDuplicateKey,
  // jwt_alg_none: an unsecured JWS (alg "none").
  kAlgNone,
  // jwt_alg_not_allowed: the algorithm is not allowed for this issuer or key.
  kAlgNotAllowed,
  // jwt_crit_unsupported: the header's crit names an extension we do not support.
  kCritUnsupported,
  // jwt_unknown_kid: no key of the issuer has the token's kid.
  kUnknownKid,
  // jwt_key_mismatch: no key of the issuer fits the token's algorithm.
  kKeyMismatch,
  // jwt_bad_signature: the signature does not verify.
  kBadSignature,
  // jwt_issuer_mismatch: claim iss is not the configured issuer.
  kIssuerMismatch,
  // jwt_audience_not_allowed: no audience of the token is allowed.
  kAudienceNotAllowed,
  // jwt_azp_mismatch: claim azp is not an allowed audience.
  kAzpMismatch,
  // jwt_expired: the token has expired (exp).
  kExpired,
  // jwt_not_yet_valid: the token is not valid yet (nbf).
  kNotYetValid,
  // jwt_issued_in_future: the token is issued in the future (iat).
  kIssuedInFuture,
  // jwt_missing_claim: a required claim is missing.
  kMissingClaim,
  // jwt_required_claim_mismatch: a required claim does not have the required value.
  kRequiredClaimMismatch,
  // jwk_skipped: one JWK of a set is unusable and left out (the reason is the message).
  kJwkSkipped,
  // jwks_malformed: the JWK set is not a JSON object with a keys array.
  kJwksMalformed,
  // jwks_duplicate_key: the JWK set repeats a member name.
  kJwksDuplicateKey,
  // jwks_too_large: the JWK set exceeds the size limit.
  kJwksTooLarge,
  // jwks_too_many_keys: the JWK set has more keys than the limit.
  kJwksTooManyKeys,
  // jwks_no_usable_keys: no key of the set is usable.
  kJwksNoUsableKeys,
};

constexpr std::string_view WireName(JwtError e) {
  switch (e) {
    case JwtError::kMalformed:
      return "jwt_malformed";
    case JwtError::kTooLarge:
      return "jwt_too_large";
    case JwtError::kDuplicateKey:
      return "jwt_duplicate_key";
    case JwtError::kAlgNone:
      return "jwt_alg_none";
    case JwtError::kAlgNotAllowed:
      return "jwt_alg_not_allowed";
    case JwtError::kCritUnsupported:
      return "jwt_crit_unsupported";
    case JwtError::kUnknownKid:
      return "jwt_unknown_kid";
    case JwtError::kKeyMismatch:
      return "jwt_key_mismatch";
    case JwtError::kBadSignature:
      return "jwt_bad_signature";
    case JwtError::kIssuerMismatch:
      return "jwt_issuer_mismatch";
    case JwtError::kAudienceNotAllowed:
      return "jwt_audience_not_allowed";
    case JwtError::kAzpMismatch:
      return "jwt_azp_mismatch";
    case JwtError::kExpired:
      return "jwt_expired";
    case JwtError::kNotYetValid:
      return "jwt_not_yet_valid";
    case JwtError::kIssuedInFuture:
      return "jwt_issued_in_future";
    case JwtError::kMissingClaim:
      return "jwt_missing_claim";
    case JwtError::kRequiredClaimMismatch:
      return "jwt_required_claim_mismatch";
    case JwtError::kJwkSkipped:
      return "jwk_skipped";
    case JwtError::kJwksMalformed:
      return "jwks_malformed";
    case JwtError::kJwksDuplicateKey:
      return "jwks_duplicate_key";
    case JwtError::kJwksTooLarge:
      return "jwks_too_large";
    case JwtError::kJwksTooManyKeys:
      return "jwks_too_many_keys";
    case JwtError::kJwksNoUsableKeys:
      return "jwks_no_usable_keys";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr JwtError kAllJwtErrors[] = {JwtError::kMalformed,
                                             JwtError::kTooLarge,
                                             JwtError::kDuplicateKey,
                                             JwtError::kAlgNone,
                                             JwtError::kAlgNotAllowed,
                                             JwtError::kCritUnsupported,
                                             JwtError::kUnknownKid,
                                             JwtError::kKeyMismatch,
                                             JwtError::kBadSignature,
                                             JwtError::kIssuerMismatch,
                                             JwtError::kAudienceNotAllowed,
                                             JwtError::kAzpMismatch,
                                             JwtError::kExpired,
                                             JwtError::kNotYetValid,
                                             JwtError::kIssuedInFuture,
                                             JwtError::kMissingClaim,
                                             JwtError::kRequiredClaimMismatch,
                                             JwtError::kJwkSkipped,
                                             JwtError::kJwksMalformed,
                                             JwtError::kJwksDuplicateKey,
                                             JwtError::kJwksTooLarge,
                                             JwtError::kJwksTooManyKeys,
                                             JwtError::kJwksNoUsableKeys};
static_assert(ValidErrorEnum(kAllJwtErrors));

}  // namespace gatehouse::authn::jwt
