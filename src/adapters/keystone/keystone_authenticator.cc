#include "adapters/keystone/keystone_authenticator.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "adapters/keystone/keystone_auth_errors.h"
#include "authn/keystone/keystone_errors.h"
#include "authn/keystone/user_info_builder.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

using std::chrono::steady_clock;
using std::chrono::system_clock;

Error Unavailable(std::string why) {
  return MakeError(KeystoneAuthError::kUnavailable, std::move(why));
}

authn::TokenCacheComputed Fail(Error error, bool cacheable) {
  return authn::TokenCacheComputed{std::move(error), std::nullopt, cacheable};
}

// A token travels in an HTTP header: anything but visible ASCII could split or smuggle headers.
bool IsPlausibleToken(std::string_view token, std::size_t max_bytes) {
  if (token.empty() || token.size() > max_bytes) return false;
  return std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// RFC 3986 path segment escaping for ids that come from Keystone's own response.
std::string EscapePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : segment) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

std::string ScopeDescription(const authn::KeystoneTokenInfo& info) {
  if (info.system_scoped) return "system-scoped";
  if (info.domain_scoped) return "domain-scoped";
  return "unscoped";
}

// The message of a non-2xx Keystone answer with Keystone's own error text (which never echoes
// tokens), cut short and stripped of control characters since it reaches logs and reviews.
std::string KeystoneMessage(const HttpResponse& response) {
  std::string out = "HTTP " + std::to_string(response.status);
  value::JsonLimits limits;
  limits.max_bytes = 64 * 1024;
  Result<value::Value> body = value::ParseJson(response.body, limits);
  if (!body) return out;
  const value::Value* error = body->Find("error");
  const value::Value* message = error != nullptr ? error->Find("message") : nullptr;
  if (message == nullptr || !message->is_string()) return out;
  out += ": ";
  constexpr std::size_t kMaxMessage = 200;
  for (char c : message->AsString()->substr(0, kMaxMessage)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  }
  return out;
}

Result<value::Value> ParseBody(const HttpResponse& response) {
  value::JsonLimits limits;
  limits.max_bytes = 8 << 20;  // a large group listing is still a listing
  return value::ParseJson(response.body, limits);
}

}  // namespace

Result<std::unique_ptr<KeystoneAuthenticator>> KeystoneAuthenticator::Create(
    KeystoneAuthenticatorOptions options, std::shared_ptr<HttpClient> client, const Clock& clock) {
  auto invalid = [](std::string why) {
    return MakeError(KeystoneAuthError::kInvalidOptions, std::move(why));
  };
  while (!options.url.empty() && options.url.back() == '/') options.url.pop_back();
  const std::string& url = options.url;
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return invalid("keystone URL must start with http:// or https://");
  }
  // Without /v3 the reference passes version discovery but then 404s on every call (SPEC §2.2).
  if (url.size() < 3 || url.compare(url.size() - 3, 3, "/v3") != 0) {
    return invalid("keystone URL must end with /v3 (the identity v3 endpoint)");
  }
  if (client == nullptr) return invalid("no HTTP client");
  if (options.timeout.count() <= 0) return invalid("timeout must be positive");
  if (options.mode == KeystoneValidationMode::kServiceToken) {
    if (options.service_credentials.auth_url.empty()) options.service_credentials.auth_url = url;
    Result<authn::KeystoneAuthMethod> method =
        authn::SelectKeystoneAuthMethod(options.service_credentials);
    if (!method) return method.error();
  }
  return std::unique_ptr<KeystoneAuthenticator>(
      new KeystoneAuthenticator(std::move(options), std::move(client), clock));
}

KeystoneAuthenticator::KeystoneAuthenticator(KeystoneAuthenticatorOptions options,
                                             std::shared_ptr<HttpClient> client, const Clock& clock)
    : options_(std::move(options)),
      client_(std::move(client)),
      clock_(clock),
      cache_(authn::TokenCacheOptions{options_.positive_ttl, options_.negative_ttl,
                                      options_.max_entries},
             clock),
      sync_config_(options_.sync_config) {}

void KeystoneAuthenticator::SetSyncConfig(std::shared_ptr<const authn::KeystoneSyncConfig> config) {
  sync_config_.store(std::move(config));
}

KeystoneAuthenticatorStats KeystoneAuthenticator::stats() const {
  KeystoneAuthenticatorStats s;
  s.cache = cache_.stats();
  s.keystone_requests = keystone_requests_.load(std::memory_order_relaxed);
  s.keystone_errors = keystone_errors_.load(std::memory_order_relaxed);
  s.service_tokens_issued = service_tokens_issued_.load(std::memory_order_relaxed);
  return s;
}

Result<k8s::UserInfo> KeystoneAuthenticator::Authenticate(std::string_view token) {
  return AuthenticateWithin(token, steady_clock::time_point::max());
}

Result<k8s::UserInfo> KeystoneAuthenticator::AuthenticateWithin(
    std::string_view token, steady_clock::time_point caller_deadline) {
  if (!IsPlausibleToken(token, options_.max_token_bytes)) {
    return MakeError(KeystoneAuthError::kTokenInvalid,
                     "token is empty, too long or has invalid characters");
  }
  const steady_clock::time_point deadline =
      std::min(clock_.Monotonic() + options_.timeout, caller_deadline);
  Result<k8s::UserInfo> user = cache_.GetOrCompute(token, [&] { return Compute(token, deadline); });
  if (!user) return user;
  // Mappings are applied after the cache so a new sync config takes effect at once.
  std::shared_ptr<const authn::KeystoneSyncConfig> sync = sync_config_.load();
  if (sync != nullptr && !sync->role_mappings.empty()) {
    const std::vector<std::string>* found = user->FindExtra(authn::kKeystoneExtraRoles);
    const std::vector<std::string> roles = found != nullptr ? *found : std::vector<std::string>{};
    authn::ApplyRoleMappings(*sync, roles, *user);
  }
  return user;
}

authn::TokenCacheComputed KeystoneAuthenticator::Compute(std::string_view token,
                                                         steady_clock::time_point deadline) {
  Result<HttpResponse> validated =
      AuthorizedGet(options_.url + "/auth/tokens?nocatalog", token, /*subject=*/true, deadline);
  if (!validated) return Fail(validated.error(), false);
  const HttpResponse& response = *validated;
  if (response.status == 401 || response.status == 404) {
    return Fail(MakeError(KeystoneAuthError::kTokenInvalid,
                          "Keystone rejected the token (" + KeystoneMessage(response) + ")"),
                true);
  }
  if (response.status == 403) {
    return Fail(MakeError(KeystoneAuthError::kForbidden,
                          "Keystone refused token validation (" + KeystoneMessage(response) + ")"),
                false);
  }
  if (response.status != 200 && response.status != 203) {
    keystone_errors_.fetch_add(1, std::memory_order_relaxed);
    return Fail(Unavailable("token validation: " + KeystoneMessage(response)), false);
  }
  Result<value::Value> body = ParseBody(response);
  if (!body) {
    return Fail(MakeError(authn::KeystoneError::kBadResponse, "token validation body is not JSON"),
                false);
  }
  Result<authn::KeystoneTokenInfo> info = authn::ParseKeystoneTokenInfo(*body);
  if (!info) return Fail(info.error(), false);
  if (clock_.Now() >= info->expires_at) {
    return Fail(MakeError(KeystoneAuthError::kTokenExpired, "the Keystone token has expired"),
                true);
  }
  if (!info->project) {
    return Fail(MakeError(KeystoneAuthError::kTokenNotProjectScoped,
                          "the Keystone token is " + ScopeDescription(*info) +
                              "; a project-scoped token is required"),
                true);
  }

  std::vector<std::string> groups;
  std::string url = options_.url + "/users/" + EscapePathSegment(info->user_id) + "/groups";
  for (std::size_t page = 0;; ++page) {
    if (page == options_.max_group_pages) {
      return Fail(
          MakeError(authn::KeystoneError::kBadResponse,
                    "more than " + std::to_string(options_.max_group_pages) + " pages of groups"),
          false);
    }
    Result<HttpResponse> listed = AuthorizedGet(url, token, /*subject=*/false, deadline);
    if (!listed) return Fail(listed.error(), false);
    if (listed->status == 401 || listed->status == 404) {
      return Fail(MakeError(KeystoneAuthError::kTokenInvalid,
                            "Keystone rejected the token when listing groups (" +
                                KeystoneMessage(*listed) + ")"),
                  true);
    }
    if (listed->status == 403) {
      return Fail(MakeError(KeystoneAuthError::kForbidden,
                            "Keystone refused to list groups (" + KeystoneMessage(*listed) + ")"),
                  false);
    }
    if (listed->status != 200) {
      keystone_errors_.fetch_add(1, std::memory_order_relaxed);
      return Fail(Unavailable("group listing: " + KeystoneMessage(*listed)), false);
    }
    Result<value::Value> page_body = ParseBody(*listed);
    if (!page_body) {
      return Fail(MakeError(authn::KeystoneError::kBadResponse, "group listing body is not JSON"),
                  false);
    }
    Result<authn::KeystoneGroupPage> parsed = authn::ParseKeystoneGroupPage(*page_body);
    if (!parsed) return Fail(parsed.error(), false);
    groups.insert(groups.end(), parsed->names.begin(), parsed->names.end());
    if (!parsed->next_url) break;
    // The token is sent to links.next: never let a response send it to another server.
    if (parsed->next_url->rfind(options_.url + "/", 0) != 0) {
      return Fail(MakeError(authn::KeystoneError::kBadResponse,
                            "links.next of the group listing is outside the Keystone URL"),
                  false);
    }
    url = *parsed->next_url;
  }
  return authn::TokenCacheComputed{authn::BuildKeystoneUserInfo(*info, groups), info->expires_at,
                                   true};
}

Result<HttpResponse> KeystoneAuthenticator::Send(HttpRequest request,
                                                 steady_clock::time_point deadline) {
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.Monotonic());
  if (remaining.count() <= 0) {
    keystone_errors_.fetch_add(1, std::memory_order_relaxed);
    return Unavailable("timed out after " + std::to_string(options_.timeout.count()) + " ms");
  }
  request.timeout = remaining;
  request.headers.emplace_back("Accept", "application/json");
  keystone_requests_.fetch_add(1, std::memory_order_relaxed);
  Result<HttpResponse> response = client_->Send(request);
  if (!response) {
    keystone_errors_.fetch_add(1, std::memory_order_relaxed);
    // Transport errors name the failure (timeout, connect, TLS), never header values.
    return Unavailable(response.error().ToString());
  }
  if (response->status >= 500) {
    keystone_errors_.fetch_add(1, std::memory_order_relaxed);
    return Unavailable(KeystoneMessage(*response));
  }
  return response;
}

Result<HttpResponse> KeystoneAuthenticator::AuthorizedGet(const std::string& url,
                                                          std::string_view user_token, bool subject,
                                                          steady_clock::time_point deadline) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  if (subject) request.headers.emplace_back("X-Subject-Token", std::string(user_token));
  if (options_.mode == KeystoneValidationMode::kSelf) {
    request.headers.emplace_back("X-Auth-Token", std::string(user_token));
    return Send(std::move(request), deadline);
  }
  for (int attempt = 0;; ++attempt) {
    Result<std::string> service = ServiceToken(deadline);
    if (!service) return service.error();
    HttpRequest with_auth = request;
    with_auth.headers.emplace_back("X-Auth-Token", *service);
    Result<HttpResponse> response = Send(std::move(with_auth), deadline);
    // With a service token a 401 is about the service token (a bad subject gives 404).
    if (!response || response->status != 401) return response;
    DropServiceToken(*service);
    if (attempt == 1) {
      keystone_errors_.fetch_add(1, std::memory_order_relaxed);
      return Unavailable("Keystone rejected the service token (HTTP 401)");
    }
  }
}

Result<std::string> KeystoneAuthenticator::ServiceToken(steady_clock::time_point deadline) {
  std::lock_guard<std::mutex> lock(service_mu_);
  if (!service_token_.empty() && clock_.Now() < service_token_refresh_at_) return service_token_;
  service_token_.clear();
  Result<authn::KeystoneTokenRequest> built =
      authn::BuildKeystoneTokenRequest(options_.service_credentials);
  if (!built) return Unavailable("service credentials: " + built.error().ToString());
  HttpRequest request;
  request.method = "POST";
  request.url = built->url;
  request.body = std::move(built->body);
  request.headers.emplace_back("Content-Type", "application/json");
  Result<HttpResponse> response = Send(std::move(request), deadline);
  if (!response) return response.error();
  Result<authn::IssuedKeystoneToken> issued = authn::ParseKeystoneTokenResponse(
      response->status, response->FindHeader("X-Subject-Token"), response->body);
  if (!issued) {
    keystone_errors_.fetch_add(1, std::memory_order_relaxed);
    return Unavailable("could not obtain a service token: " + issued.error().ToString());
  }
  const system_clock::time_point now = clock_.Now();
  const system_clock::duration lifetime =
      std::max<system_clock::duration>(issued->expires_at - now, system_clock::duration::zero());
  const system_clock::duration margin =
      std::min<system_clock::duration>(options_.service_token_refresh_margin, lifetime / 2);
  service_token_ = std::move(issued->token);
  service_token_refresh_at_ = issued->expires_at - margin;
  service_tokens_issued_.fetch_add(1, std::memory_order_relaxed);
  return service_token_;
}

void KeystoneAuthenticator::DropServiceToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(service_mu_);
  if (service_token_ == token) service_token_.clear();
}

}  // namespace gatehouse::adapters
