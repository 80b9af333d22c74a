// VerifyJwt: decides whether a parsed JWS is a valid token of one issuer for us.
//
// Order of checks (so nothing about an unverified token leaks through error codes):
//   1. size (VerifyOptions::max_token_bytes)                     jwt_too_large
//   2. alg among allowed_algs (HS*/none never reach here)        jwt_alg_not_allowed
//   3. key: by kid if the token has one                           jwt_unknown_kid
//      keys whose kty/curve/alg/use/key_ops fit the token alg     jwt_key_mismatch
//      without kid, up to kMaxKeysTriedWithoutKid fitting keys
//   4. signature                                                  jwt_bad_signature
//   5. claims: iss equals issuer exactly                          jwt_issuer_mismatch
//      aud (string or array) holds an allowed audience            jwt_audience_not_allowed
//      several audiences and azp present: azp allowed             jwt_azp_mismatch
//      exp (required) + clock_skew > now                          jwt_expired
//      nbf (optional) - clock_skew <= now                         jwt_not_yet_valid
//      iat (optional) - clock_skew <= now                         jwt_issued_in_future
//      required_claims name=value: string equal, or array member  jwt_required_claim_mismatch
//      a required claim (iss, aud, exp, required_claims) absent   jwt_missing_claim
//      a registered claim of the wrong JSON type                  jwt_malformed
// Error messages name claims, never the token or its signature.
//
// Pure and thread-safe: share one const JsonWebKeySet and VerifyOptions across threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "authn/jwt/jwk.h"
#include "authn/jwt/jws.h"
#include "common/result.h"
#include "value/value.h"

namespace gatehouse::authn::jwt {

inline constexpr std::size_t kMaxKeysTriedWithoutKid = 4;

struct VerifyOptions {
  std::string issuer;                  // must be non-empty; compared byte for byte
  std::vector<std::string> audiences;  // at least one must be in "aud"; empty refuses all
  std::vector<std::string> allowed_algs{"RS256"};
  std::chrono::seconds clock_skew{60};
  std::vector<std::pair<std::string, std::string>> required_claims;
  std::size_t max_token_bytes = 16384;
};

struct VerifiedToken {
  value::Value claims;
  std::string kid;  // of the key that verified; empty when that key has none
  std::string alg;
  std::optional<std::chrono::system_clock::time_point> expires_at;
};

Result<VerifiedToken> VerifyJwt(const ParsedJws& jws, const JsonWebKeySet& keys,
                                const VerifyOptions& options,
                                std::chrono::system_clock::time_point now);

// Only the claim checks of step 5 (signature assumed verified); returns the expiry.
Result<std::chrono::system_clock::time_point> CheckJwtClaims(
    const value::Value& claims, const VerifyOptions& options,
    std::chrono::system_clock::time_point now);

}  // namespace gatehouse::authn::jwt
