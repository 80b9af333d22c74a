// RegistryService: the registry tenancy endpoints of `gatehouse serve` in one Handler — the token
// service (/service/token) and the Harbor-shaped API (/api/v2.0/...) — over one store, one
// signing key source and one cache of verified secrets.
//
// Open() opens the store named by the database URL (SQLite in the data dir by default), loads
// the signing keys from <data_dir>/registry-signing-keys (generating the first one, 0600, when
// none can sign) and registers the metrics: gatehouse_registry_token_requests_total{outcome} and
// gatehouse_registry_robots_expiring (robots expired or expiring within 7 days, refreshed by
// RefreshMetrics() before /metrics renders: a pull secret that silently expires takes a team's
// deployments down).
//
// Thread-safe: Handle() may be called from every server thread. Errors of Open(): the store's
// ("invalid_argument", "store_unavailable", "store_error") and the signing keys'.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/http/http_server.h"
#include "adapters/registry/caller_authenticator.h"
#include "adapters/registry/registry_api.h"
#include "adapters/registry/signing_key_files.h"
#include "adapters/registry/token_endpoint.h"
#include "authn/token_authenticator.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/result.h"
#include "registry/login_throttle.h"
#include "registry/store.h"
#include "registry/token_signer.h"
#include "registry/verified_secret_cache.h"

namespace gatehouse::adapters::registry_service {

inline constexpr std::chrono::seconds kExpiryWarningWindow{7 * 24 * 3600};

struct RegistryServiceOptions {
  std::string data_dir;
  std::string database_url;  // "" = SQLite <data_dir>/registry.db
  std::string service = "registry";
  std::string issuer = "gatehouse";
  std::string admin_group;
  std::chrono::seconds token_ttl{300};
  std::string robot_prefix = "robot+";
  registry::SigningAlg signing_alg = registry::SigningAlg::kES256;
  registry::VerifiedSecretCacheOptions cache;
  registry::SecretHashOptions hashing;
  registry::LoginThrottleOptions throttle;
};

// Where the signing keys of `data_dir` live.
std::string SigningKeyDir(const std::string& data_dir);
// The key options for new keys (the certificate's CN is the issuer).
registry::SigningKeyOptions SigningKeyOptionsFor(const RegistryServiceOptions& options);

class RegistryService {
 public:
  // `oidc` and `metrics` may be null; `clock` must outlive the service.
  static Result<std::unique_ptr<RegistryService>> Open(
      const RegistryServiceOptions& options, std::shared_ptr<authn::TokenAuthenticator> oidc,
      std::shared_ptr<MetricsRegistry> metrics, const Clock& clock = SystemClock::Instance());
  // Over a given store and key source (tests).
  static std::unique_ptr<RegistryService> Create(const RegistryServiceOptions& options,
                                                 std::unique_ptr<registry::RegistryStore> store,
                                                 std::unique_ptr<SigningKeySource> keys,
                                                 std::shared_ptr<authn::TokenAuthenticator> oidc,
                                                 std::shared_ptr<MetricsRegistry> metrics,
                                                 const Clock& clock);
  ~RegistryService();

  // True for /service/token and /api/v2.0[/...].
  static bool Handles(std::string_view path);
  // What a registry client gets when the registry's workers are all busy: 429 TOOMANYREQUESTS
  // with Retry-After, in the registry's error format (clients retry it).
  static ServerResponse Overloaded();
  ServerResponse Handle(const ServerRequest& request);
  void RefreshMetrics();

  registry::RegistryStore& store() { return *store_; }
  registry::VerifiedSecretCache& cache() { return *cache_; }
  SigningKeySource& keys() { return *keys_; }

 private:
  RegistryService() = default;

  const Clock* clock_ = nullptr;
  std::shared_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<registry::RegistryStore> store_;
  std::unique_ptr<SigningKeySource> keys_;
  std::unique_ptr<registry::VerifiedSecretCache> cache_;
  std::unique_ptr<CallerAuthenticator> authenticator_;
  std::unique_ptr<TokenEndpoint> token_;
  std::unique_ptr<RegistryApi> api_;
  Gauge* expiring_ = nullptr;
};

}  // namespace gatehouse::adapters::registry_service
