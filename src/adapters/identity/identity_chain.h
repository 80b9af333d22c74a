// IdentityChain: the one TokenAuthenticator of the webhook, routing each bearer token to the
// identity source that can vouch for it: configured OIDC issuers, then Keystone.
//
// Routing never asks a source that is not the token's own, so one bad source (down, slow,
// misconfigured) never blocks another:
//  - no OIDC issuer configured: every token goes to Keystone (k8s-keystone-auth behaviour);
//  - a token that looks like a JWS (authn::jwt::LooksLikeJws) is parsed without verification;
//    one refused by the parser (alg none, crit, malformed) is refused with its jwt_* code; one
//    whose `iss` names a configured issuer (exact match) goes to that issuer's authenticator;
//    one with another `iss` is refused as "unknown_issuer" without any network call; one with
//    no `iss` goes to Keystone (Keystone's own JWS tokens carry none);
//  - any other token goes to Keystone.
// A JWS token an issuer has already answered (its cached outcome, found by authn::KeyOfJws) is
// answered before any parsing, so a repeated OIDC token costs a digest of its signature and one
// cache lookup: no more than a repeated Keystone token, whose whole length is digested.
// Without Keystone, tokens routed to it are refused with "no_identity_source".
//
// Thread-safety: immutable after construction; Authenticate() may be called concurrently when
// the wrapped authenticators allow it (theirs is the contract of TokenAuthenticator).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authn/token_authenticator.h"

namespace gatehouse::adapters {

struct IssuerAuthenticator {
  std::string issuer;  // compared byte for byte with the token's `iss`
  std::shared_ptr<authn::TokenAuthenticator> authenticator;
};

class IdentityChain final : public authn::TokenAuthenticator {
 public:
  // `keystone` may be null. Issuers are tried by exact `iss`; a repeated issuer keeps the first.
  IdentityChain(std::vector<IssuerAuthenticator> issuers,
                std::shared_ptr<authn::TokenAuthenticator> keystone);

  Result<k8s::UserInfo> Authenticate(std::string_view token) override;
  // Routes the same way and passes the deadline on to the chosen source.
  Result<k8s::UserInfo> AuthenticateWithin(std::string_view token,
                                           std::chrono::steady_clock::time_point deadline) override;

 private:
  // The source for `token`, or the error that refuses it without asking any source.
  Result<authn::TokenAuthenticator*> Route(std::string_view token) const;
  // An issuer's cached outcome for a JWS token; nullopt when none has one.
  std::optional<Result<k8s::UserInfo>> FindCachedJws(std::string_view token) const;
  const IssuerAuthenticator* FindIssuer(const std::string& issuer) const;

  std::vector<IssuerAuthenticator> issuers_;
  std::shared_ptr<authn::TokenAuthenticator> keystone_;
};

}  // namespace gatehouse::adapters
