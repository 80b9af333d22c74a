// Wires the Keystone identity source of `gatehouse serve` from its configuration: the
// authenticator (or none when no Keystone URL is set), the loader that installs a new sync
// config (role mappings), a readiness check and the metrics that mirror its counters.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "adapters/config/serve_config.h"
#include "adapters/reload/watched_source.h"
#include "authn/token_authenticator.h"
#include "common/metrics.h"
#include "common/result.h"

namespace gatehouse::app {

struct KeystoneWiring {
  std::shared_ptr<authn::TokenAuthenticator> authenticator;  // null: no Keystone configured
  adapters::WatchedSource::Loader sync_loader;
  std::function<std::string()> ready;  // "" when ready, else why not
  std::function<void()> refresh_metrics;
};

Result<KeystoneWiring> WireKeystone(const adapters::ServeConfig& config,
                                    const std::string& data_dir,
                                    std::shared_ptr<MetricsRegistry> metrics);

}  // namespace gatehouse::app
