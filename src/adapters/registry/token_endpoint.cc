#include "adapters/registry/token_endpoint.h"

#include <utility>
#include <vector>

#include "adapters/registry/basic_auth.h"
#include "adapters/registry/grant.h"
#include "adapters/registry/registry_service_errors.h"
#include "registry/registry_errors.h"
#include "registry/store_errors.h"
#include "registry/token_response.h"
#include "registry/token_signer.h"

namespace gatehouse::adapters::registry_service {
namespace {

constexpr char kRequestsMetric[] = "gatehouse_registry_token_requests_total";
constexpr char kRequestsHelp[] = "Token endpoint requests, by outcome.";

ServerResponse Json(int status, std::string body) {
  ServerResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

struct FormFields {
  std::vector<std::pair<std::string, std::string>> fields;
  const std::string* Find(std::string_view name) const {
    for (const auto& [key, value] : fields) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

Result<FormFields> ParseForm(std::string_view body, std::size_t max_fields) {
  FormFields form;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (form.fields.size() >= max_fields)
      return MakeError(RegistryServiceError::kInvalidForm, "too many form fields");
    const std::size_t eq = pair.find('=');
    Result<std::string> key = DecodeFormComponent(pair.substr(0, eq));
    if (!key) return key.error();
    Result<std::string> value = DecodeFormComponent(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value) return value.error();
    form.fields.emplace_back(std::move(key).value(), std::move(value).value());
  }
  return form;
}

bool IsStoreFailure(const Error& error) {
  return error.code == registry::StoreError::kUnavailable ||
         error.code == registry::StoreError::kFailed;
}

}  // namespace

TokenEndpoint::TokenEndpoint(TokenEndpointOptions options, registry::MemberStore& store,
                             CallerAuthenticator& authenticator, SigningKeySource& keys,
                             const Clock& clock, MetricsRegistry* metrics)
    : options_(std::move(options)),
      store_(store),
      authenticator_(authenticator),
      keys_(keys),
      clock_(clock),
      issued_(metrics
                  ? &metrics->AddCounter(kRequestsMetric, kRequestsHelp, {{"outcome", "issued"}})
                  : nullptr),
      unauthorized_(metrics ? &metrics->AddCounter(kRequestsMetric, kRequestsHelp,
                                                   {{"outcome", "unauthorized"}})
                            : nullptr),
      bad_request_(metrics ? &metrics->AddCounter(kRequestsMetric, kRequestsHelp,
                                                  {{"outcome", "bad_request"}})
                           : nullptr),
      failed_(metrics ? &metrics->AddCounter(kRequestsMetric, kRequestsHelp, {{"outcome", "error"}})
                      : nullptr),
      throttled_(
          metrics ? &metrics->AddCounter(kRequestsMetric, kRequestsHelp, {{"outcome", "throttled"}})
                  : nullptr) {}

ServerResponse TokenEndpoint::Fail(int status, std::string_view code, std::string_view message,
                                   Counter* outcome) {
  if (outcome != nullptr) outcome->Inc();
  ServerResponse response = Json(status, registry::ErrorBodyJson(code, message));
  if (status == 401) {
    response.headers.emplace_back("WWW-Authenticate",
                                  registry::TokenEndpointChallenge(options_.challenge_realm));
  }
  return response;
}

ServerResponse TokenEndpoint::FailWith(const Error& error) {
  if (error.code == RegistryServiceError::kUnauthorized) {
    return Fail(401, registry::kErrorUnauthorized, error.message, unauthorized_);
  }
  if (error.code == RegistryServiceError::kThrottled) {
    ServerResponse response = Fail(429, registry::kErrorTooManyRequests, error.message, throttled_);
    response.headers.emplace_back("Retry-After",
                                  std::to_string(authenticator_.throttle_retry_after().count()));
    response.delay = authenticator_.options().throttled_answer_delay;
    return response;
  }
  if (error.code == registry::StoreError::kUnavailable) {
    return Fail(503, registry::kErrorUnknown, "the registry database is unavailable", failed_);
  }
  if (IsStoreFailure(error)) {
    return Fail(500, registry::kErrorUnknown, "the registry database failed", failed_);
  }
  if (error.code == registry::RegistryError::kNoSigningKey ||
      error.code == registry::RegistryError::kSigningFailed ||
      error.code == registry::RegistryError::kRandomFailed) {
    return Fail(500, registry::kErrorUnknown, "the token could not be signed", failed_);
  }
  return Fail(400, registry::kErrorInvalidRequest, error.message, bad_request_);
}

ServerResponse TokenEndpoint::Handle(const ServerRequest& request) {
  if (request.method == "POST") return HandlePost(request);
  if (request.method != "GET" && request.method != "HEAD") {
    ServerResponse response = Fail(405, registry::kErrorUnsupported,
                                   "the token endpoint takes GET or POST", bad_request_);
    response.headers.emplace_back("Allow", "GET, POST");
    return response;
  }
  std::size_t bytes = 0;
  for (const auto& [key, value] : request.query) bytes += key.size() + value.size() + 2;
  if (bytes > options_.max_query_bytes) {
    return Fail(414, registry::kErrorInvalidRequest, "the query string is too long", bad_request_);
  }
  if (request.query.size() > options_.max_query_params) {
    return Fail(400, registry::kErrorInvalidRequest, "too many query parameters", bad_request_);
  }
  std::vector<std::string> scopes;
  for (const auto& [key, value] : request.query) {
    if (key == "scope") scopes.push_back(value);
  }
  // The service first: a request meant for another service is not ours to judge.
  const std::string* service = request.FindQuery("service");
  if (service == nullptr || *service != options_.service) {
    return Fail(400, registry::kErrorInvalidRequest, "unknown or missing service", bad_request_);
  }
  Result<Caller> caller = authenticator_.Authenticate(request);
  if (!caller) return FailWith(caller.error());
  return Issue(*caller, service, scopes);
}

ServerResponse TokenEndpoint::HandlePost(const ServerRequest& request) {
  if (request.body.size() > options_.max_query_bytes) {
    return Fail(414, registry::kErrorInvalidRequest, "the form is too long", bad_request_);
  }
  Result<FormFields> form = ParseForm(request.body, options_.max_query_params);
  if (!form) return Fail(400, registry::kErrorInvalidRequest, form.error().message, bad_request_);
  const std::string* service = form->Find("service");
  if (service == nullptr || *service != options_.service) {
    return Fail(400, registry::kErrorInvalidRequest, "unknown or missing service", bad_request_);
  }
  const std::string* grant = form->Find("grant_type");
  if (grant == nullptr || *grant != "password") {
    // Only the password grant: we never hand out refresh tokens, and clients fall back to GET.
    return Fail(400, registry::kErrorUnsupported, "unsupported grant_type", bad_request_);
  }
  const std::string* username = form->Find("username");
  const std::string* password = form->Find("password");
  if (username == nullptr || password == nullptr || username->empty()) {
    return Fail(400, registry::kErrorInvalidRequest, "username and password are required",
                bad_request_);
  }
  Result<Caller> caller = authenticator_.AuthenticateBasic(*username, *password, request.deadline,
                                                           request.remote_address);
  if (!caller) return FailWith(caller.error());
  std::vector<std::string> scopes;
  for (const auto& [key, value] : form->fields) {
    if (key == "scope") scopes.push_back(value);
  }
  return Issue(*caller, service, scopes);
}

ServerResponse TokenEndpoint::Issue(const Caller& caller, const std::string* service,
                                    const std::vector<std::string>& scope_params) {
  if (caller.kind == CallerKind::kAnonymous && scope_params.empty()) {
    // How `docker login` checks credentials: a request without scope must prove who it is,
    // or a login without a password would "succeed" (Harbor answers the same).
    return Fail(401, registry::kErrorUnauthorized, "authentication required", unauthorized_);
  }
  Result<std::vector<registry::ResourceScope>> requested =
      registry::ParseScopes(scope_params, options_.scope_limits);
  if (!requested) {
    return Fail(400, registry::kErrorInvalidRequest, requested.error().message, bad_request_);
  }
  std::vector<ResolvedProject> projects;
  const std::vector<std::string> names = ReferencedProjectNames(*requested);
  if (!names.empty()) {
    const std::string username = caller.kind == CallerKind::kUser ? caller.name : std::string();
    const std::vector<std::string> no_groups;
    Result<std::vector<registry::ProjectRoles>> access = store_.LoadProjectAccess(
        username, caller.kind == CallerKind::kUser ? caller.groups : no_groups, names);
    if (!access) return FailWith(access.error());
    for (registry::ProjectRoles& item : *access) {
      ResolvedProject resolved;
      resolved.project.id = item.project_id;
      resolved.project.name = std::move(item.project_name);
      resolved.project.is_public = item.is_public;
      resolved.roles = std::move(item.roles);
      projects.push_back(std::move(resolved));
    }
  }
  registry::TokenClaims claims;
  claims.issuer = options_.issuer;
  claims.subject = caller.name;
  claims.audience = *service;
  claims.issued_at = clock_.Now();
  claims.lifetime = options_.ttl;
  claims.access = GrantFor(caller, projects, *requested);
  std::shared_ptr<const registry::SigningKeyRing> ring = keys_.Current();
  Result<registry::SignedToken> token = registry::SignToken(*ring, claims);
  if (!token) return FailWith(token.error());
  if (issued_ != nullptr) issued_->Inc();
  const auto lifetime = std::chrono::seconds(token->expires_at - token->issued_at);
  return Json(200, registry::TokenResponseJson(token->token, lifetime, token->issued_at));
}

}  // namespace gatehouse::adapters::registry_service
