#include "adapters/oidc/oidc_authenticator.h"

#include <utility>

#include "adapters/oidc/oidc_provider_errors.h"
#include "authn/jwt/alg.h"
#include "authn/jwt/jwt_errors.h"

namespace gatehouse::adapters {
namespace {

Error Invalid(std::string why) {
  return MakeError(OidcProviderError::kInvalidOptions, std::move(why));
}

bool Cacheable(const Error& error) {
  return error.code != OidcProviderError::kIssuerUnavailable &&
         error.code != authn::jwt::JwtError::kUnknownKid;
}

}  // namespace

Result<std::unique_ptr<OidcAuthenticator>> OidcAuthenticator::Create(
    OidcAuthenticatorOptions options, std::shared_ptr<JwksCache> keys, const Clock& clock) {
  if (options.verify.issuer.empty()) return Invalid("no issuer URL");
  if (options.verify.audiences.empty()) return Invalid("no allowed audience (client id)");
  if (options.verify.allowed_algs.empty()) return Invalid("no allowed signing algorithm");
  for (const std::string& alg : options.verify.allowed_algs) {
    if (!authn::jwt::FindJwsAlg(alg)) {
      return Invalid("\"" + alg + "\" is not a supported signing algorithm");
    }
  }
  if (options.mapping.issuer.empty()) options.mapping.issuer = options.verify.issuer;
  if (options.mapping.issuer != options.verify.issuer) {
    return Invalid("claim mapping issuer differs from the verified issuer");
  }
  if (keys == nullptr) return Invalid("no key cache");
  if (keys->issuer() != options.verify.issuer) return Invalid("key cache of another issuer");
  return std::unique_ptr<OidcAuthenticator>(
      new OidcAuthenticator(std::move(options), std::move(keys), clock));
}

OidcAuthenticator::OidcAuthenticator(OidcAuthenticatorOptions options,
                                     std::shared_ptr<JwksCache> keys, const Clock& clock)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      clock_(clock),
      cache_(authn::TokenCacheOptions{options_.positive_ttl, options_.negative_ttl,
                                      options_.max_entries},
             clock) {}

Result<k8s::UserInfo> OidcAuthenticator::Authenticate(std::string_view token) {
  return cache_.GetOrCompute(authn::KeyOfJws(token), [&] { return Compute(token); });
}

std::optional<Result<k8s::UserInfo>> OidcAuthenticator::FindCached(const authn::TokenKey& key) {
  return cache_.Lookup(key);
}

authn::TokenCacheComputed OidcAuthenticator::Compute(std::string_view token) {
  auto fail = [this](Error error) {
    ++refused_;
    const bool cacheable = Cacheable(error);
    return authn::TokenCacheComputed{std::move(error), std::nullopt, cacheable};
  };
  Result<authn::jwt::ParsedJws> parsed = authn::jwt::ParseJwsCompact(token, options_.jws_limits);
  if (!parsed) return fail(parsed.error());
  std::shared_ptr<const authn::jwt::JsonWebKeySet> keys = keys_->Current();
  if (keys == nullptr) {
    return fail(MakeError(OidcProviderError::kIssuerUnavailable,
                          "the keys of issuer " + issuer() + " are not loaded yet"));
  }
  Result<authn::jwt::VerifiedToken> verified =
      authn::jwt::VerifyJwt(*parsed, *keys, options_.verify, clock_.Now());
  if (!verified && verified.error().code == authn::jwt::JwtError::kUnknownKid &&
      keys_->RefreshForUnknownKid(keys)) {
    ++unknown_kid_retries_;
    keys = keys_->Current();
    verified = authn::jwt::VerifyJwt(*parsed, *keys, options_.verify, clock_.Now());
  }
  if (!verified) return fail(verified.error());
  Result<k8s::UserInfo> user = authn::oidc::BuildOidcUserInfo(verified->claims, options_.mapping);
  if (!user) return fail(user.error());
  ++verified_;
  return authn::TokenCacheComputed{std::move(user), verified->expires_at, true};
}

OidcAuthenticatorStats OidcAuthenticator::stats() const {
  OidcAuthenticatorStats s;
  s.cache = cache_.stats();
  s.verified = verified_.load();
  s.refused = refused_.load();
  s.unknown_kid_retries = unknown_kid_retries_.load();
  return s;
}

}  // namespace gatehouse::adapters
