// CallerAuthenticator: turns the credentials of a token-endpoint or API request into a Caller.
//
//   Basic, user name with the robot prefix   robot account: secret checked against its PBKDF2
//                                            hash (successes remembered in VerifiedSecretCache),
//                                            then refused if disabled or expired, so a
//                                            `skopeo login` with a dead robot fails at login
//   Basic, password shaped like a JWT        an OIDC ID token (the user name is not used: the
//                                            token says who it is), when OIDC is configured
//   Basic, any other user name               a person's personal access token: the secret
//                                            names its token (AccessTokenNameOfSecret), so
//                                            one PBKDF2 check decides, however many tokens
//                                            the person holds
//   Bearer <token>                           an OIDC (or Keystone) token, verified by the
//                                            identity chain `gatehouse serve` builds
//   nothing                                  anonymous
// People verified by a token are upserted by issuer+subject (UpsertUserAtLogin); sysadmin is
// membership of the configured administrator group (exact match), and their access tokens take
// the login's groups. A caller signed in with an access token is never an administrator.
//
// Timing: every refusal of a Basic password costs at least one PBKDF2 verification. An unknown
// robot, an unknown user and a user without a usable access token are checked against a dummy
// hash with the configured iteration count (built once, lazily), so the time of a refusal does
// not tell whether a robot or user name exists.
//
// Guessing: before any PBKDF2 check that the VerifiedSecretCache cannot answer, the
// LoginThrottle is asked (per source address and per account name); a throttled request is
// refused at once without a check. Every failed login is counted
// (gatehouse_registry_login_failures_total{reason}) and logged with the name, the source and
// the reason, never the secret, at most `max_failure_logs_per_second` lines a second (the next
// line says how many were left out).
//
// Errors: "unauthorized" (wrong, unknown, disabled or expired credentials; the message is safe
// to show a client and never holds a secret), "throttled" (too many failed logins: answer 429
// with Retry-After: throttle_retry_after()), "store_unavailable" / "store_error" (the store
// failed: not the caller's fault). Thread-safe (the store, cache, throttle and OIDC
// authenticator are).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/http/http_server.h"
#include "adapters/registry/caller.h"
#include "authn/token_authenticator.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/result.h"
#include "registry/login_throttle.h"
#include "registry/secret.h"
#include "registry/store.h"
#include "registry/verified_secret_cache.h"

namespace gatehouse::adapters::registry_service {

// Checks `secret` against a stored PBKDF2 hash (registry::VerifySecret by default).
using SecretVerifier = std::function<bool(std::string_view secret, std::string_view stored)>;

struct CallerAuthOptions {
  std::string robot_prefix = "robot+";
  std::string admin_group;  // "" = no administrator group
  // The iteration count of the dummy hash unknown names are checked against: that of new
  // secrets, so a refusal of an unknown name costs what a wrong secret costs.
  registry::SecretHashOptions hashing;
  // null = registry::VerifySecret; tests inject a counting verifier.
  SecretVerifier verify_secret;
  registry::LoginThrottleOptions throttle;
  // How long a throttled answer is held back (ServerResponse::delay): a flooder on keep-alive
  // connections then gets one answer per connection per this time, for no thread of ours.
  std::chrono::milliseconds throttled_answer_delay{1000};
  int max_failure_logs_per_second = 10;
  MetricsRegistry* metrics = nullptr;  // optional; must outlive the authenticator
};

class CallerAuthenticator {
 public:
  // `oidc` may be null (no identity provider: Bearer and JWT passwords are refused). The store,
  // cache and clock must outlive this object.
  CallerAuthenticator(CallerAuthOptions options, registry::RegistryStore& store,
                      std::shared_ptr<authn::TokenAuthenticator> oidc,
                      registry::VerifiedSecretCache& cache, const Clock& clock);

  Result<Caller> Authenticate(const ServerRequest& request);
  // The same for already-extracted Basic credentials (the OAuth2 POST form); `source` is the
  // client's address as ServerRequest::remote_address gives it.
  Result<Caller> AuthenticateBasic(const std::string& username, const std::string& password,
                                   std::chrono::steady_clock::time_point deadline,
                                   std::string_view source);

  const CallerAuthOptions& options() const { return options_; }
  // How long a throttled client is told to wait (the longer refill step of the two buckets).
  std::chrono::seconds throttle_retry_after() const;

 private:
  // Who is trying, for the throttle and the failure log.
  struct Attempt {
    std::string_view remote;  // the client's address, as the server saw it
    std::string source;       // its LoginThrottle::SourceKey
    const std::string& account;
  };
  enum class Failure { kWrongSecret, kUnknownAccount, kDisabled, kExpired, kThrottled };
  struct FailureMetrics;

  Result<Caller> AuthenticateRobot(const Attempt& attempt, const std::string& secret);
  Result<Caller> AuthenticateAccessToken(const Attempt& attempt, const std::string& secret);
  // nullopt when `attempt` may spend a PBKDF2 check; else the "throttled" error (counted, logged).
  std::optional<Error> Throttle(const Attempt& attempt);
  // Counts and logs a refused login, and spends a try of the throttle when the refusal cost a
  // password check (`spent_check`); returns the client's error.
  Error Refuse(const Attempt& attempt, Failure why, std::string client_message, bool spent_check);
  Result<Caller> AuthenticateIdToken(const std::string& token,
                                     std::chrono::steady_clock::time_point deadline);
  bool IsAdmin(const std::vector<std::string>& groups) const;
  // A person's access tokens carry the groups of their latest identity-provider login, so a
  // group the provider took away stops counting for their tokens too.
  Status RefreshAccessTokenGroups(std::int64_t user_id, const std::vector<std::string>& groups);
  bool Verify(std::string_view secret, std::string_view stored) const;
  // One verification against the dummy hash, for a refusal that found nothing to check.
  void VerifyDummy(std::string_view secret);

  CallerAuthOptions options_;
  registry::RegistryStore& store_;
  std::shared_ptr<authn::TokenAuthenticator> oidc_;
  registry::VerifiedSecretCache& cache_;
  const Clock& clock_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // written once under dummy_once_, read-only afterwards
  registry::LoginThrottle throttle_;
  std::unique_ptr<FailureMetrics> failures_;

 public:
  ~CallerAuthenticator();
};

// Error helpers shared by the endpoints: "unauthorized" with a client-safe message.
Error Unauthorized(std::string message);

}  // namespace gatehouse::adapters::registry_service
