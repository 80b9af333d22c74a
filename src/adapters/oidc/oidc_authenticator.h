// OidcAuthenticator: answers TokenReviews for the JWTs of one OpenID Connect issuer.
//
// Authenticate() parses the compact JWS, verifies it against the issuer's cached keys
// (authn::jwt::VerifyJwt: signature, iss, aud, exp/nbf/iat with clock skew, required claims) and
// maps the claims to a user (authn::oidc::BuildOidcUserInfo). A kid missing from the cached set
// makes the JwksCache refresh once (rate-limited) and the verification is retried once, so key
// rotation at the provider works without restart. Outcomes are cached by authn::KeyOfJws (the
// digest of the signature, the claims compared byte for byte) in an authn::TokenCache: successes up
// to positive_ttl but never past `exp`, verification failures for negative_ttl;
// "issuer_unavailable" and "jwt_unknown_kid" are not cached since they can change as soon as keys
// load.
//
// Error codes: "issuer_unavailable" (no keys loaded yet), the jwt_* codes of ParseJwsCompact()
// and VerifyJwt() ("jwt_expired", "jwt_unknown_kid", "jwt_bad_signature", ...), and the oidc_*
// codes of BuildOidcUserInfo(). Messages never contain the token.
//
// Thread-safety: Authenticate() and stats() may be called concurrently. The JwksCache is shared;
// the Clock must outlive the authenticator.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/oidc/jwks_cache.h"
#include "authn/jwt/jws.h"
#include "authn/jwt/verifier.h"
#include "authn/oidc/claim_mapping.h"
#include "authn/token_authenticator.h"
#include "authn/token_cache.h"
#include "common/clock.h"
#include "common/result.h"

namespace gatehouse::adapters {

struct OidcAuthenticatorOptions {
  authn::jwt::VerifyOptions verify;  // verify.issuer is the issuer this authenticator serves
  authn::oidc::ClaimMapping mapping;
  authn::jwt::JwsLimits jws_limits;
  std::chrono::seconds positive_ttl{60};
  std::chrono::seconds negative_ttl{10};
  std::size_t max_entries = 10000;  // 0: no caching
};

struct OidcAuthenticatorStats {
  authn::TokenCacheStats cache;
  std::uint64_t verified = 0;             // tokens verified (not from cache)
  std::uint64_t refused = 0;              // tokens refused (not from cache)
  std::uint64_t unknown_kid_retries = 0;  // verifications retried after a key refresh
};

class OidcAuthenticator final : public authn::TokenAuthenticator {
 public:
  // Errors: "invalid_oidc_options" (no issuer, no audience, no allowed algorithm, an unknown
  // algorithm name, a mapping issuer different from verify.issuer, or no key cache).
  static Result<std::unique_ptr<OidcAuthenticator>> Create(
      OidcAuthenticatorOptions options, std::shared_ptr<JwksCache> keys,
      const Clock& clock = SystemClock::Instance());

  Result<k8s::UserInfo> Authenticate(std::string_view token) override;
  std::optional<Result<k8s::UserInfo>> FindCached(const authn::TokenKey& key) override;

  const std::string& issuer() const { return options_.verify.issuer; }
  bool ready() const { return keys_->ready(); }
  const JwksCache& keys() const { return *keys_; }
  OidcAuthenticatorStats stats() const;

 private:
  OidcAuthenticator(OidcAuthenticatorOptions options, std::shared_ptr<JwksCache> keys,
                    const Clock& clock);
  authn::TokenCacheComputed Compute(std::string_view token);

  OidcAuthenticatorOptions options_;
  std::shared_ptr<JwksCache> keys_;
  const Clock& clock_;
  authn::TokenCache cache_;
  std::atomic<std::uint64_t> verified_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> unknown_kid_retries_{0};
};

}  // namespace gatehouse::adapters
