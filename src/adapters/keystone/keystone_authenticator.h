// KeystoneAuthenticator: answers TokenReviews by asking OpenStack Keystone (identity API v3).
//
// Behaviour follows k8s-keystone-auth (SPEC §3): `GET <url>/auth/tokens` validates the token,
// `GET <url>/users/{id}/groups` (following links.next) lists its groups, the identity is built
// by authn::BuildKeystoneUserInfo and rewritten by the sync config's role mappings. Two ways to
// call Keystone:
//  - kSelf (the reference): the user's token is both X-Auth-Token and X-Subject-Token. Each
//    request carries its own headers, so the reference's shared-client race is absent.
//  - kServiceToken: a service token obtained with `service_credentials` (password + project, or
//    an application credential) is X-Auth-Token; it is kept until shortly before it expires and
//    re-issued once when Keystone answers 401.
// Unlike the reference we refuse tokens Keystone still accepts but whose expires_at has passed,
// and we cache outcomes (authn::TokenCache): successes up to positive_ttl (never past the token's
// expiry), "token_invalid"/"token_expired"/"token_not_project_scoped" for negative_ttl. Other
// errors are not cached.
//
// Error codes of Authenticate(): "token_invalid" (Keystone 401/404, or a malformed token),
// "token_expired", "token_not_project_scoped" (unscoped, domain- or system-scoped),
// "keystone_forbidden" (403), "keystone_unavailable" (network error, timeout, 5xx, unexpected
// status, service credentials refused), "keystone_bad_response" (unreadable body). Messages
// never contain tokens or secrets.
//
// Thread-safety: Authenticate(), SetSyncConfig() and stats() may be called concurrently. The
// HttpClient is shared; the Clock must outlive the authenticator.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/http/http_client.h"
#include "authn/keystone/credential_request.h"
#include "authn/keystone/sync_config.h"
#include "authn/keystone/token_info.h"
#include "authn/token_authenticator.h"
#include "authn/token_cache.h"
#include "common/clock.h"
#include "common/result.h"

namespace gatehouse::adapters {

enum class KeystoneValidationMode { kSelf, kServiceToken };

struct KeystoneAuthenticatorOptions {
  std::string url;                          // identity v3 endpoint, must end with /v3
  std::chrono::milliseconds timeout{2000};  // budget of one Authenticate(), all calls included
  KeystoneValidationMode mode = KeystoneValidationMode::kSelf;
  // kServiceToken only; auth_url may be left empty (then `url` is used).
  authn::KeystoneCredentials service_credentials;
  // Re-issue the service token this long before it expires (at most half its lifetime).
  std::chrono::seconds service_token_refresh_margin{60};
  std::chrono::seconds positive_ttl{60};
  std::chrono::seconds negative_ttl{10};
  std::size_t max_entries = 10000;
  std::size_t max_group_pages = 16;  // more pages → "keystone_bad_response"
  std::size_t max_token_bytes = 8192;
  std::shared_ptr<const authn::KeystoneSyncConfig> sync_config;  // role mappings; may be null
};

struct KeystoneAuthenticatorStats {
  authn::TokenCacheStats cache;
  std::uint64_t keystone_requests = 0;      // HTTP requests sent to Keystone
  std::uint64_t keystone_errors = 0;        // no response, 5xx or an unexpected status
  std::uint64_t service_tokens_issued = 0;  // kServiceToken: successful POST /auth/tokens
};

class KeystoneAuthenticator final : public authn::TokenAuthenticator {
 public:
  // Errors: "invalid_keystone_options" (URL not http(s) or not ending in /v3, no client, zero
  // timeout), and "credential_incomplete" for incomplete service credentials.
  static Result<std::unique_ptr<KeystoneAuthenticator>> Create(
      KeystoneAuthenticatorOptions options, std::shared_ptr<HttpClient> client,
      const Clock& clock = SystemClock::Instance());

  Result<k8s::UserInfo> Authenticate(std::string_view token) override;
  Result<k8s::UserInfo> AuthenticateWithin(std::string_view token,
                                           std::chrono::steady_clock::time_point deadline) override;

  // Replaces the role mappings for later requests (cached identities are re-mapped, since the
  // mappings are applied after the cache).
  void SetSyncConfig(std::shared_ptr<const authn::KeystoneSyncConfig> config);

  KeystoneAuthenticatorStats stats() const;

 private:
  KeystoneAuthenticator(KeystoneAuthenticatorOptions options, std::shared_ptr<HttpClient> client,
                        const Clock& clock);

  authn::TokenCacheComputed Compute(std::string_view token,
                                    std::chrono::steady_clock::time_point deadline);
  Result<HttpResponse> Send(HttpRequest request, std::chrono::steady_clock::time_point deadline);
  // GET with the right X-Auth-Token for the mode; in kServiceToken mode a 401 re-issues the
  // service token and retries once.
  Result<HttpResponse> AuthorizedGet(const std::string& url, std::string_view user_token,
                                     bool subject, std::chrono::steady_clock::time_point deadline);
  Result<std::string> ServiceToken(std::chrono::steady_clock::time_point deadline);
  void DropServiceToken(const std::string& token);

  KeystoneAuthenticatorOptions options_;
  std::shared_ptr<HttpClient> client_;
  const Clock& clock_;
  authn::TokenCache cache_;
  std::atomic<std::shared_ptr<const authn::KeystoneSyncConfig>> sync_config_;

  std::mutex service_mu_;  // held while a service token is issued, so only one is
  std::string service_token_;
  std::chrono::system_clock::time_point service_token_refresh_at_;

  std::atomic<std::uint64_t> keystone_requests_{0};
  std::atomic<std::uint64_t> keystone_errors_{0};
  std::atomic<std::uint64_t> service_tokens_issued_{0};
};

}  // namespace gatehouse::adapters
