// Wires the OpenID Connect identity sources of `gatehouse serve`: one JwksCache and
// OidcAuthenticator per configured issuer, a first key load at start-up (a failure is logged and
// leaves the issuer not ready, never fatal), the background refresher, a readiness check and the
// metrics that mirror the authenticators' counters.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/config/serve_config.h"
#include "adapters/identity/identity_chain.h"
#include "adapters/oidc/jwks_refresher.h"
#include "common/metrics.h"
#include "common/result.h"

namespace gatehouse::app {

struct OidcWiring {
  std::vector<adapters::IssuerAuthenticator> issuers;  // empty: no OIDC configured
  std::shared_ptr<adapters::JwksRefresher> refresher;  // null without issuers; Stop() at exit
  std::function<std::string()> ready;                  // "" when every issuer has keys
  std::function<void()> refresh_metrics;
};

// Errors: an HTTP client that cannot be built (unreadable CA file) or invalid issuer options
// ("invalid_oidc_options", "oidc_invalid_option"); provider outages are not errors.
Result<OidcWiring> WireOidc(const adapters::ServeConfig& config,
                            std::shared_ptr<MetricsRegistry> metrics);

}  // namespace gatehouse::app
