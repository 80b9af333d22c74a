// Personal access tokens: long-lived secrets a person uses as a registry password (Basic
// `username:secret`), whose life does not depend on the identity provider's refresh token
// (Harbor's CLI secret dies with the ID token, harbor#14172). Shared by the registry API
// (`/api/v2.0/users/current/tokens`) and the `gatehouse registry token` CLI.
//
// Issuing generates a secret (GenerateSecret), stores only its PBKDF2 hash with the groups the
// person held when it was issued, and returns the secret once; it is never logged. Errors:
// "invalid_name" (token name: 1..64 of [a-z0-9._-], starting with a letter or digit),
// "invalid_argument" (expiry outside -1 or 1..kMaxAccessTokenDays, more than 1000 groups),
// "random_failed", and the store's codes ("not_found" user, "conflict" name taken).
// Thread-safe when the store is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/access_token_store.h"
#include "registry/model.h"
#include "registry/secret.h"

namespace gatehouse::adapters::registry_service {

inline constexpr std::int64_t kMaxAccessTokenDays = 3650;

struct AccessTokenRequest {
  std::int64_t user_id = 0;
  std::string name;
  std::optional<std::int64_t> expires_days;  // nullopt or -1: never
  std::vector<std::string> groups;           // the person's groups at issue time
};

struct IssuedAccessToken {
  registry::PersonalAccessToken token;  // as stored (secret_hash included: do not print it)
  std::string secret;                   // plain text, shown once
};

Status ValidateAccessTokenName(std::string_view name);

// Secrets read "gpat_<token name>_<32 random characters>": the name lets a check load the one
// token it can be (one PBKDF2 verification, not one per token the person holds), and the prefix
// lets secret scanners recognise a leaked token. The whole string is what is hashed.
inline constexpr std::string_view kAccessTokenSecretPrefix = "gpat_";
// The token name a secret claims, or nullopt when it does not have that form.
std::optional<std::string_view> AccessTokenNameOfSecret(std::string_view secret);

Result<IssuedAccessToken> IssueAccessToken(registry::AccessTokenStore& store,
                                           std::string_view actor,
                                           const AccessTokenRequest& request, std::int64_t now_unix,
                                           const registry::SecretHashOptions& hashing = {});

}  // namespace gatehouse::adapters::registry_service
