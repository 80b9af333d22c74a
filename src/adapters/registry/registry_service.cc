#include "adapters/registry/registry_service.h"

#include <utility>

#include "adapters/registry_store/open_store.h"
#include "registry/token_response.h"

namespace gatehouse::adapters::registry_service {

std::string SigningKeyDir(const std::string& data_dir) {
  return data_dir + "/registry-signing-keys";
}

registry::SigningKeyOptions SigningKeyOptionsFor(const RegistryServiceOptions& options) {
  registry::SigningKeyOptions key;
  key.alg = options.signing_alg;
  key.common_name = options.issuer;
  return key;
}

Result<std::unique_ptr<RegistryService>> RegistryService::Open(
    const RegistryServiceOptions& options, std::shared_ptr<authn::TokenAuthenticator> oidc,
    std::shared_ptr<MetricsRegistry> metrics, const Clock& clock) {
  Result<std::unique_ptr<registry::RegistryStore>> store =
      OpenRegistryStore(options.database_url, options.data_dir, clock);
  if (!store) return store.error();
  Result<std::unique_ptr<SigningKeySource>> keys =
      SigningKeySource::Open(SigningKeyDir(options.data_dir), SigningKeyOptionsFor(options),
                             options.token_ttl, clock, std::chrono::seconds(5));
  if (!keys) return keys.error();
  return Create(options, std::move(store).value(), std::move(keys).value(), std::move(oidc),
                std::move(metrics), clock);
}

std::unique_ptr<RegistryService> RegistryService::Create(
    const RegistryServiceOptions& options, std::unique_ptr<registry::RegistryStore> store,
    std::unique_ptr<SigningKeySource> keys, std::shared_ptr<authn::TokenAuthenticator> oidc,
    std::shared_ptr<MetricsRegistry> metrics, const Clock& clock) {
  std::unique_ptr<RegistryService> service(new RegistryService());
  service->clock_ = &clock;
  service->metrics_ = std::move(metrics);
  service->store_ = std::move(store);
  service->keys_ = std::move(keys);
  service->cache_ = std::make_unique<registry::VerifiedSecretCache>(options.cache, clock);

  CallerAuthOptions auth;
  auth.robot_prefix = options.robot_prefix;
  auth.admin_group = options.admin_group;
  auth.hashing = options.hashing;
  auth.throttle = options.throttle;
  auth.metrics = service->metrics_.get();
  service->authenticator_ = std::make_unique<CallerAuthenticator>(
      auth, *service->store_, std::move(oidc), *service->cache_, clock);

  TokenEndpointOptions token;
  token.service = options.service;
  token.issuer = options.issuer;
  token.ttl = options.token_ttl;
  service->token_ =
      std::make_unique<TokenEndpoint>(token, *service->store_, *service->authenticator_,
                                      *service->keys_, clock, service->metrics_.get());
  RegistryApiOptions api;
  api.robot_prefix = options.robot_prefix;
  api.hashing = options.hashing;
  service->api_ = std::make_unique<RegistryApi>(api, *service->store_, *service->authenticator_,
                                                *service->cache_, clock);
  if (service->metrics_) {
    service->expiring_ = &service->metrics_->AddGauge(
        "gatehouse_registry_robots_expiring",
        "Robot accounts expired or expiring within 7 days (their pull secrets stop working).");
  }
  return service;
}

RegistryService::~RegistryService() = default;

bool RegistryService::Handles(std::string_view path) {
  if (path == kTokenPath) return true;
  const std::string_view api = kApiPrefix;
  return path.substr(0, api.size()) == api &&
         (path.size() == api.size() || path[api.size()] == '/');
}

ServerResponse RegistryService::Overloaded() {
  ServerResponse response;
  response.status = 429;
  response.body = registry::ErrorBodyJson(registry::kErrorTooManyRequests,
                                          "the registry is busy checking passwords; retry later");
  response.headers.emplace_back("Retry-After", "1");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ServerResponse RegistryService::Handle(const ServerRequest& request) {
  if (request.path == kTokenPath) return token_->Handle(request);
  return api_->Handle(request);
}

void RegistryService::RefreshMetrics() {
  if (expiring_ == nullptr) return;
  registry::RobotFilter filter;
  filter.expiring_before = std::chrono::duration_cast<std::chrono::seconds>(
                               (clock_->Now() + kExpiryWarningWindow).time_since_epoch())
                               .count();
  filter.page.page_size = 1;
  Result<registry::Listing<registry::Robot>> listing = store_->ListRobots(filter);
  if (listing) expiring_->Set(static_cast<double>(listing->total));
}

}  // namespace gatehouse::adapters::registry_service
