#include "adapters/registry/access_tokens.h"

#include <string>
#include <utility>

#include "common/common_errors.h"
#include "registry/registry_errors.h"

namespace gatehouse::adapters::registry_service {
namespace {

constexpr std::size_t kMaxAccessTokenNameBytes = 64;
constexpr std::size_t kMaxAccessTokenGroups = 1000;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

Status ValidateAccessTokenName(std::string_view name) {
  if (name.empty() || name.size() > kMaxAccessTokenNameBytes) {
    return MakeError(registry::RegistryError::kInvalidName,
                     "a token name must be 1..64 characters");
  }
  if (!IsLowerAlnum(name.front())) {
    return MakeError(registry::RegistryError::kInvalidName,
                     "a token name must start with a lower-case letter or digit");
  }
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '_' && c != '-') {
      return MakeError(registry::RegistryError::kInvalidName,
                       "a token name may hold only a-z, 0-9, '.', '_' and '-'");
    }
  }
  return Ok();
}

std::optional<std::string_view> AccessTokenNameOfSecret(std::string_view secret) {
  if (secret.substr(0, kAccessTokenSecretPrefix.size()) != kAccessTokenSecretPrefix) {
    return std::nullopt;
  }
  const std::string_view rest = secret.substr(kAccessTokenSecretPrefix.size());
  // The random part holds no '_', so the last one ends the name (which may hold '_').
  const std::size_t separator = rest.rfind('_');
  if (separator == std::string_view::npos) return std::nullopt;
  const std::string_view name = rest.substr(0, separator);
  if (!ValidateAccessTokenName(name)) return std::nullopt;
  return name;
}

Result<IssuedAccessToken> IssueAccessToken(registry::AccessTokenStore& store,
                                           std::string_view actor,
                                           const AccessTokenRequest& request, std::int64_t now_unix,
                                           const registry::SecretHashOptions& hashing) {
  if (Status valid = ValidateAccessTokenName(request.name); !valid) return valid.error();
  registry::NewAccessToken token;
  token.user_id = request.user_id;
  token.name = request.name;
  if (request.expires_days && *request.expires_days != -1) {
    if (*request.expires_days <= 0 || *request.expires_days > kMaxAccessTokenDays) {
      return MakeError(
          CommonError::kInvalidArgument,
          "the expiry must be -1 (never) or 1.." + std::to_string(kMaxAccessTokenDays) + " days");
    }
    token.expires_at = now_unix + *request.expires_days * 86400;
  }
  if (request.groups.size() > kMaxAccessTokenGroups) {
    return MakeError(CommonError::kInvalidArgument, "a token can carry at most 1000 groups");
  }
  token.groups = request.groups;
  Result<std::string> random = registry::GenerateSecret();
  if (!random) return random.error();
  std::string secret =
      std::string(kAccessTokenSecretPrefix) + request.name + "_" + std::move(random).value();
  Result<std::string> hash = registry::HashSecret(secret, hashing);
  if (!hash) return hash.error();
  token.secret_hash = std::move(hash).value();
  Result<registry::PersonalAccessToken> created = store.CreateAccessToken(actor, token);
  if (!created) return created.error();
  IssuedAccessToken out;
  out.token = std::move(created).value();
  out.secret = std::move(secret);
  return out;
}

}  // namespace gatehouse::adapters::registry_service
