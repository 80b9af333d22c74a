// JwksCache: the verification keys of one OIDC issuer, fetched, cached and published immutably.
//
// Keys come from a static JWKS file (re-read on every refresh) or from the network: discovery
// (adapters/oidc/discovery.h) gives the jwks_uri, which is remembered until a fetch from it
// fails. A successful Refresh() publishes a whole new authn::jwt::JsonWebKeySet through a
// Snapshot, so request threads read keys without locks and keep a set valid while they use it. A
// failed refresh keeps the previous keys (a provider outage does not stop verification) and is
// counted. Until the first success the issuer is not ready and Current() is null.
//
// RefreshForUnknownKid() is the on-demand path for rotation: a token naming a kid the cached set
// lacks triggers at most one refresh per `min_unknown_kid_interval` (so forged kids cannot make
// us hammer the provider); concurrent callers share one refresh.
//
// Metrics (when a registry is given): gatehouse_jwks_refreshes_total{issuer,outcome} with
// outcome success|failure, and gatehouse_oidc_issuer_ready{issuer} (0/1).
//
// Thread-safety: all members may be called concurrently; refreshes are serialised by a mutex
// held during the fetch (bounded by `timeout` per request). The HttpClient, Clock and registry
// must outlive the cache.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/http/http_client.h"
#include "authn/jwt/jwk.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/result.h"
#include "common/snapshot.h"

namespace gatehouse::adapters {

struct JwksCacheOptions {
  std::string issuer;                                 // exactly as in tokens' `iss`
  std::string jwks_file;                              // non-empty: static key set, no discovery
  std::chrono::milliseconds timeout{3000};            // each HTTP request
  std::chrono::seconds min_unknown_kid_interval{10};  // rate limit of on-demand refreshes
  authn::jwt::JwksLimits limits;
};

struct JwksCacheStats {
  std::uint64_t refreshes = 0;  // successful
  std::uint64_t failures = 0;
  std::string last_error;  // of the latest failed refresh; "" after a success
};

class JwksCache {
 public:
  // `client` may be null only with a jwks_file.
  JwksCache(JwksCacheOptions options, std::shared_ptr<HttpClient> client, const Clock& clock,
            MetricsRegistry* metrics = nullptr);
  JwksCache(const JwksCache&) = delete;
  JwksCache& operator=(const JwksCache&) = delete;

  const std::string& issuer() const { return options_.issuer; }

  // The published keys; nullptr until the first successful refresh.
  std::shared_ptr<const authn::jwt::JsonWebKeySet> Current() const { return keys_.Load(); }
  bool ready() const { return Current() != nullptr; }

  // Fetches and publishes the keys now. Errors: "jwks_fetch_failed", "oidc_discovery_*",
  // "jwks_unreadable" (file), and ParseJwks()'s codes; the previous keys stay in force.
  Status Refresh();

  // For a token whose kid is absent from `seen` (the set it was checked against): true when a
  // set other than `seen` is now published (by this call or a concurrent one), so the caller
  // should verify once more; false when rate-limited or the refresh failed.
  bool RefreshForUnknownKid(const std::shared_ptr<const authn::jwt::JsonWebKeySet>& seen);

  JwksCacheStats stats() const;

 private:
  Result<std::string> FetchDocument();
  Status RefreshLocked();

  JwksCacheOptions options_;
  std::shared_ptr<HttpClient> client_;
  const Clock& clock_;
  Snapshot<authn::jwt::JsonWebKeySet> keys_;
  Counter* success_counter_ = nullptr;
  Counter* failure_counter_ = nullptr;
  Gauge* ready_gauge_ = nullptr;

  std::mutex mu_;         // serialises refreshes; guards the two fields below
  std::string jwks_uri_;  // from discovery; cleared when a fetch from it fails
  std::optional<std::chrono::steady_clock::time_point> last_unknown_kid_refresh_;
  // Separate from mu_ so readiness and metrics never wait for a slow fetch.
  mutable std::mutex stats_mu_;
  JwksCacheStats stats_;
};

}  // namespace gatehouse::adapters
