#include "adapters/identity/identity_chain.h"

#include <optional>
#include <utility>

#include "adapters/identity/identity_errors.h"
#include "authn/jwt/jws.h"
#include "authn/token_digest.h"

namespace gatehouse::adapters {

IdentityChain::IdentityChain(std::vector<IssuerAuthenticator> issuers,
                             std::shared_ptr<authn::TokenAuthenticator> keystone)
    : issuers_(std::move(issuers)), keystone_(std::move(keystone)) {}

const IssuerAuthenticator* IdentityChain::FindIssuer(const std::string& issuer) const {
  for (const IssuerAuthenticator& candidate : issuers_) {
    if (candidate.issuer == issuer) return &candidate;
  }
  return nullptr;
}

Result<authn::TokenAuthenticator*> IdentityChain::Route(std::string_view token) const {
  auto keystone = [this]() -> Result<authn::TokenAuthenticator*> {
    if (keystone_ == nullptr) {
      return MakeError(IdentityError::kNoIdentitySource,
                       "no identity source accepts this kind of token");
    }
    return keystone_.get();
  };
  if (issuers_.empty() || !authn::jwt::LooksLikeJws(token)) return keystone();
  Result<authn::jwt::ParsedJws> parsed = authn::jwt::ParseJwsCompact(token);
  if (!parsed) return parsed.error();
  const std::optional<std::string> issuer = authn::jwt::PeekIssuer(*parsed);
  if (!issuer) return keystone();
  const IssuerAuthenticator* found = FindIssuer(*issuer);
  if (found == nullptr || found->authenticator == nullptr) {
    // The issuer comes from an unverified token: it is not echoed, so a forged value cannot
    // reach logs or reviews.
    return MakeError(IdentityError::kUnknownIssuer,
                     "the token's issuer is not a configured OIDC issuer");
  }
  return found->authenticator.get();
}

std::optional<Result<k8s::UserInfo>> IdentityChain::FindCachedJws(std::string_view token) const {
  // No shape check beyond the dots: a cached outcome belongs to these exact bytes, whatever they
  // are, and LooksLikeJws() (a header parse) would cost more than the whole lookup.
  if (issuers_.empty() || token.find('.') == std::string_view::npos) return std::nullopt;
  const authn::TokenKey key = authn::KeyOfJws(token);
  for (const IssuerAuthenticator& issuer : issuers_) {
    if (issuer.authenticator == nullptr) continue;
    if (auto cached = issuer.authenticator->FindCached(key)) return cached;
  }
  return std::nullopt;
}

Result<k8s::UserInfo> IdentityChain::Authenticate(std::string_view token) {
  if (auto cached = FindCachedJws(token)) return *std::move(cached);
  Result<authn::TokenAuthenticator*> source = Route(token);
  if (!source) return source.error();
  return (*source)->Authenticate(token);
}

Result<k8s::UserInfo> IdentityChain::AuthenticateWithin(
    std::string_view token, std::chrono::steady_clock::time_point deadline) {
  if (auto cached = FindCachedJws(token)) return *std::move(cached);
  Result<authn::TokenAuthenticator*> source = Route(token);
  if (!source) return source.error();
  return (*source)->AuthenticateWithin(token, deadline);
}

}  // namespace gatehouse::adapters
