#include "adapters/registry/caller_authenticator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "adapters/log/log.h"
#include "adapters/log/log_rate_limiter.h"
#include "adapters/registry/access_tokens.h"
#include "adapters/registry/basic_auth.h"
#include "adapters/registry/registry_service_errors.h"
#include "authn/jwt/jws.h"
#include "authn/oidc/claim_mapping.h"
#include "common/common_errors.h"
#include "registry/names.h"
#include "registry/secret.h"
#include "registry/store_errors.h"

namespace gatehouse::adapters::registry_service {
namespace {

constexpr char kBadCredentials[] = "invalid username or password";

std::int64_t UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Store failures other than "not found" are the service's problem, not the caller's.
bool IsStoreFailure(const Error& error) {
  return error.code == registry::StoreError::kUnavailable ||
         error.code == registry::StoreError::kFailed;
}

// Account names in log lines are attacker-chosen: bounded, so a flood of long names cannot
// fill the log.
constexpr std::size_t kMaxLoggedNameBytes = 128;

std::string FirstExtra(const k8s::UserInfo& user, const char* key) {
  const std::vector<std::string>* values = user.FindExtra(key);
  return values != nullptr && !values->empty() ? values->front() : std::string();
}

}  // namespace

Error Unauthorized(std::string message) {
  return MakeError(RegistryServiceError::kUnauthorized, std::move(message));
}

// Counters registered once (the request path only touches atomics) and the failure log's limit.
struct CallerAuthenticator::FailureMetrics {
  static constexpr std::size_t kReasons = 5;
  static constexpr const char* kReasonNames[kReasons] = {"wrong_secret", "unknown_account",
                                                         "disabled", "expired", "throttled"};
  std::array<Counter*, kReasons> by_reason{};
  Counter* throttled_by_source = nullptr;
  Counter* throttled_by_account = nullptr;
  LogRateLimiter log_limit;

  FailureMetrics(MetricsRegistry* metrics, int logs_per_second, const Clock& clock)
      : log_limit(logs_per_second, clock) {
    if (metrics == nullptr) return;
    for (std::size_t i = 0; i < kReasons; ++i) {
      by_reason[i] = &metrics->AddCounter("gatehouse_registry_login_failures_total",
                                          "Refused registry logins (Basic credentials), by reason.",
                                          {{"reason", kReasonNames[i]}});
    }
    throttled_by_source = &metrics->AddCounter(
        "gatehouse_registry_logins_throttled_total",
        "Registry logins refused without a password check, by the bucket that was empty.",
        {{"by", "source"}});
    throttled_by_account = &metrics->AddCounter(
        "gatehouse_registry_logins_throttled_total",
        "Registry logins refused without a password check, by the bucket that was empty.",
        {{"by", "account"}});
  }
};

CallerAuthenticator::CallerAuthenticator(CallerAuthOptions options, registry::RegistryStore& store,
                                         std::shared_ptr<authn::TokenAuthenticator> oidc,
                                         registry::VerifiedSecretCache& cache, const Clock& clock)
    : options_(std::move(options)),
      store_(store),
      oidc_(std::move(oidc)),
      cache_(cache),
      clock_(clock),
      throttle_(options_.throttle, clock),
      failures_(std::make_unique<FailureMetrics>(options_.metrics,
                                                 options_.max_failure_logs_per_second, clock)) {}

CallerAuthenticator::~CallerAuthenticator() = default;

std::chrono::seconds CallerAuthenticator::throttle_retry_after() const {
  // The refill step of the smaller bucket (the longer wait), so one value serves the header and
  // the message whichever bucket was empty.
  int burst = 0;
  for (const int limit : {options_.throttle.source_burst, options_.throttle.account_burst}) {
    if (limit > 0) burst = burst == 0 ? limit : std::min(burst, limit);
  }
  const auto step =
      std::chrono::ceil<std::chrono::seconds>(options_.throttle.period / std::max(1, burst));
  return std::max(std::chrono::seconds(1), step);
}

std::optional<Error> CallerAuthenticator::Throttle(const Attempt& attempt) {
  std::optional<registry::Throttled> throttled = throttle_.Check(attempt.source, attempt.account);
  if (!throttled) return std::nullopt;
  const bool by_source = throttled->by == registry::Throttled::By::kSource;
  Counter* counter = by_source ? failures_->throttled_by_source : failures_->throttled_by_account;
  if (counter != nullptr) counter->Inc();
  Error error = MakeError(
      RegistryServiceError::kThrottled,
      "too many failed logins; retry in " + std::to_string(throttle_retry_after().count()) + " s");
  (void)Refuse(attempt, Failure::kThrottled, error.message, /*spent_check=*/false);
  return error;
}

Error CallerAuthenticator::Refuse(const Attempt& attempt, Failure why, std::string client_message,
                                  bool spent_check) {
  const auto reason = static_cast<std::size_t>(why);
  if (Counter* counter = failures_->by_reason[reason]) counter->Inc();
  // A refusal that cost a PBKDF2 check (a wrong secret, or the dummy check of an unknown name or
  // an expired token) spends a try; a right secret on a disabled or expired robot does not.
  if (spent_check) throttle_.RecordFailure(attempt.source, attempt.account);
  if (std::optional<std::uint64_t> left_out = failures_->log_limit.Allow()) {
    LogFields fields = {{"account", attempt.account.substr(0, kMaxLoggedNameBytes)},
                        {"source", std::string(attempt.remote)},
                        {"reason", FailureMetrics::kReasonNames[reason]}};
    if (*left_out > 0) fields.emplace_back("left_out", std::to_string(*left_out));
    LogWarn("registry login refused", fields);
  }
  if (why == Failure::kThrottled)
    return MakeError(RegistryServiceError::kThrottled, std::move(client_message));
  return Unauthorized(std::move(client_message));
}

bool CallerAuthenticator::Verify(std::string_view secret, std::string_view stored) const {
  return options_.verify_secret ? options_.verify_secret(secret, stored)
                                : registry::VerifySecret(secret, stored);
}

void CallerAuthenticator::VerifyDummy(std::string_view secret) {
  std::call_once(dummy_once_, [this] {
    // A real hash, so checking it costs a full derivation; its answer is never used. If the
    // random generator fails the hash stays empty and the check is cheap, but still refuses.
    Result<std::string> hash = registry::HashSecret("gatehouse: no such account", options_.hashing);
    if (hash) dummy_hash_ = std::move(hash).value();
  });
  (void)Verify(secret, dummy_hash_);
}

bool CallerAuthenticator::IsAdmin(const std::vector<std::string>& groups) const {
  return !options_.admin_group.empty() &&
         std::find(groups.begin(), groups.end(), options_.admin_group) != groups.end();
}

Result<Caller> CallerAuthenticator::Authenticate(const ServerRequest& request) {
  Result<Credentials> credentials = ParseAuthorization(request.FindHeader("Authorization"));
  if (!credentials) return Unauthorized(credentials.error().message);
  switch (credentials->kind) {
    case Credentials::Kind::kNone:
      return Caller{};
    case Credentials::Kind::kBearer:
      return AuthenticateIdToken(credentials->token, request.deadline);
    case Credentials::Kind::kBasic:
      break;
  }
  return AuthenticateBasic(credentials->username, credentials->password, request.deadline,
                           request.remote_address);
}

Result<Caller> CallerAuthenticator::AuthenticateBasic(
    const std::string& username, const std::string& password,
    std::chrono::steady_clock::time_point deadline, std::string_view source) {
  if (password.empty()) return Unauthorized(kBadCredentials);
  const Attempt attempt{source, registry::LoginThrottle::SourceKey(source), username};
  if (registry::HasRobotPrefix(username, options_.robot_prefix)) {
    return AuthenticateRobot(attempt, password);
  }
  if (authn::jwt::LooksLikeJws(password)) return AuthenticateIdToken(password, deadline);
  return AuthenticateAccessToken(attempt, password);
}

Result<Caller> CallerAuthenticator::AuthenticateRobot(const Attempt& attempt,
                                                      const std::string& secret) {
  const std::string& login = attempt.account;
  Result<registry::RobotLogin> parsed = registry::ParseRobotLoginName(login, options_.robot_prefix);
  if (!parsed) {
    if (std::optional<Error> throttled = Throttle(attempt)) return *throttled;
    VerifyDummy(secret);
    return Refuse(attempt, Failure::kUnknownAccount, kBadCredentials, true);
  }
  Result<registry::Robot> robot = store_.LoadRobot(parsed->stored_name);
  if (!robot) {
    if (IsStoreFailure(robot.error())) return robot.error();
    if (std::optional<Error> throttled = Throttle(attempt)) return *throttled;
    VerifyDummy(secret);
    return Refuse(attempt, Failure::kUnknownAccount, kBadCredentials, true);
  }
  if (!cache_.Contains(login, secret, robot->secret_hash)) {
    if (std::optional<Error> throttled = Throttle(attempt)) return *throttled;
    if (!Verify(secret, robot->secret_hash)) {
      return Refuse(attempt, Failure::kWrongSecret, kBadCredentials, true);
    }
    cache_.Remember(login, secret, robot->secret_hash);
  }
  // Only after the secret matched: a stranger learns nothing about the account's state.
  if (robot->disabled) {
    return Refuse(attempt, Failure::kDisabled, "robot account " + login + " is disabled",
                  /*spent_check=*/false);
  }
  if (robot->expires_at != registry::kNever && robot->expires_at <= UnixSeconds(clock_.Now())) {
    return Refuse(attempt, Failure::kExpired, "robot account " + login + " has expired",
                  /*spent_check=*/false);
  }
  Caller caller;
  caller.kind = CallerKind::kRobot;
  caller.credential = CallerCredential::kRobotSecret;
  caller.name = login;
  caller.robot_level = robot->level;
  caller.robot_permissions = robot->permissions;
  return caller;
}

Result<Caller> CallerAuthenticator::AuthenticateAccessToken(const Attempt& attempt,
                                                            const std::string& secret) {
  const std::string& username = attempt.account;
  // Every refusal below costs one PBKDF2 check, as a wrong secret does: no timing tells which
  // users exist or which token names they hold.
  const auto refuse_after_dummy = [&](Failure why) -> Error {
    if (std::optional<Error> throttled = Throttle(attempt)) return *throttled;
    VerifyDummy(secret);
    return Refuse(attempt, why, kBadCredentials, true);
  };
  const std::optional<std::string_view> name = AccessTokenNameOfSecret(secret);
  if (!name) return refuse_after_dummy(Failure::kWrongSecret);
  Result<registry::User> user = store_.LoadUser(username);
  if (!user) {
    if (IsStoreFailure(user.error())) return user.error();
    return refuse_after_dummy(Failure::kUnknownAccount);
  }
  Result<registry::PersonalAccessToken> token = store_.LoadAccessToken(user->id, *name);
  if (!token) {
    if (IsStoreFailure(token.error())) return token.error();
    return refuse_after_dummy(Failure::kWrongSecret);
  }
  const std::int64_t now = UnixSeconds(clock_.Now());
  if (token->expires_at != registry::kNever && token->expires_at <= now) {
    return refuse_after_dummy(Failure::kExpired);
  }
  if (!cache_.Contains(username, secret, token->secret_hash)) {
    if (std::optional<Error> throttled = Throttle(attempt)) return *throttled;
    if (!Verify(secret, token->secret_hash)) {
      return Refuse(attempt, Failure::kWrongSecret, kBadCredentials, true);
    }
    cache_.Remember(username, secret, token->secret_hash);
    // Recorded on cold checks only: the hot path stays read-only.
    (void)store_.RecordAccessTokenUse(token->id, now, std::nullopt);
  }
  Caller caller;
  caller.kind = CallerKind::kUser;
  caller.name = user->username;
  caller.credential = CallerCredential::kAccessToken;
  caller.user_id = user->id;
  caller.groups = token->groups;
  // Never an administrator through a token: its groups are a snapshot from when it was issued,
  // and administration must end the moment the identity provider drops the person from the
  // administrator group.
  caller.sysadmin = false;
  return caller;
}

Result<Caller> CallerAuthenticator::AuthenticateIdToken(
    const std::string& token, std::chrono::steady_clock::time_point deadline) {
  if (!oidc_) return Unauthorized("no identity provider is configured for bearer tokens");
  Result<k8s::UserInfo> user = oidc_->AuthenticateWithin(token, deadline);
  if (!user) return Unauthorized("the identity token was not accepted");
  registry::UserLogin login;
  login.issuer = FirstExtra(*user, authn::oidc::kOidcExtraIssuer);
  login.subject = FirstExtra(*user, authn::oidc::kOidcExtraSubject);
  if (login.issuer.empty()) login.issuer = "keystone";
  if (login.subject.empty()) login.subject = user->uid.empty() ? user->username : user->uid;
  login.username = user->username;
  login.sysadmin = IsAdmin(user->groups);
  Result<registry::User> stored = store_.UpsertUserAtLogin(login);
  if (!stored) {
    if (stored.error().code == CommonError::kConflict) {
      return Unauthorized("user " + login.username +
                          " is linked to another identity; an administrator must re-link it");
    }
    if (IsStoreFailure(stored.error())) return stored.error();
    return Unauthorized("the identity token names an unusable user");
  }
  if (Status refreshed = RefreshAccessTokenGroups(stored->id, user->groups); !refreshed) {
    return refreshed.error();
  }
  Caller caller;
  caller.kind = CallerKind::kUser;
  caller.name = stored->username;
  caller.credential = CallerCredential::kIdToken;
  caller.user_id = stored->id;
  caller.groups = user->groups;
  caller.sysadmin = login.sysadmin;
  return caller;
}

Status CallerAuthenticator::RefreshAccessTokenGroups(std::int64_t user_id,
                                                     const std::vector<std::string>& groups) {
  Result<std::vector<registry::PersonalAccessToken>> tokens = store_.ListAccessTokens(user_id);
  if (!tokens) return tokens.error();
  std::vector<std::string> now_held = groups;
  std::sort(now_held.begin(), now_held.end());
  for (const registry::PersonalAccessToken& token : *tokens) {
    std::vector<std::string> carried = token.groups;
    std::sort(carried.begin(), carried.end());
    if (carried == now_held) continue;
    // last_used kept: this is not a use of the token.
    if (Status recorded = store_.RecordAccessTokenUse(token.id, token.last_used, groups);
        !recorded) {
      return recorded.error();
    }
  }
  return Ok();
}

}  // namespace gatehouse::adapters::registry_service
