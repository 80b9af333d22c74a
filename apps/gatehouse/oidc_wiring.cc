#include "gatehouse/oidc_wiring.h"

#include <mutex>

#include "adapters/http/http_client.h"
#include "adapters/log/log.h"
#include "adapters/oidc/jwks_cache.h"
#include "adapters/oidc/oidc_authenticator.h"
#include "authn/oidc/claim_mapping.h"

namespace gatehouse::app {
namespace {

std::chrono::seconds Seconds(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::seconds>(ms);
}

Result<adapters::OidcAuthenticatorOptions> AuthenticatorOptions(
    const adapters::ServeConfig& config, const adapters::OidcIssuerSettings& issuer) {
  adapters::OidcAuthenticatorOptions options;
  options.verify.issuer = issuer.issuer_url;
  options.verify.audiences = issuer.client_ids;
  if (!issuer.signing_algs.empty()) options.verify.allowed_algs = issuer.signing_algs;
  options.verify.clock_skew = Seconds(issuer.clock_skew);
  options.verify.required_claims = issuer.required_claims;
  authn::oidc::ClaimMapping& mapping = options.mapping;
  mapping.issuer = issuer.issuer_url;
  mapping.username_claim = issuer.username_claim;
  mapping.username_prefix = issuer.username_prefix;
  mapping.groups_claim = issuer.groups_claim;
  mapping.groups_prefix = issuer.groups_prefix;
  Result<authn::oidc::GroupPathRule> rule = authn::oidc::ParseGroupPathRule(issuer.group_path_rule);
  if (!rule) return rule.error();
  mapping.group_path_rule = *rule;
  mapping.realm_roles = issuer.realm_roles;
  mapping.realm_roles_prefix = issuer.realm_roles_prefix;
  mapping.client_roles = issuer.client_roles;
  mapping.client_roles_prefix = issuer.client_roles_prefix;
  options.positive_ttl = Seconds(config.token_cache_ttl);
  options.negative_ttl = Seconds(config.token_cache_negative_ttl);
  options.max_entries = config.token_cache_ttl.count() == 0 ? 0 : config.token_cache_max_entries;
  return options;
}

}  // namespace

Result<OidcWiring> WireOidc(const adapters::ServeConfig& config,
                            std::shared_ptr<MetricsRegistry> metrics) {
  OidcWiring wiring;
  std::vector<std::shared_ptr<adapters::JwksCache>> caches;
  std::vector<std::shared_ptr<adapters::OidcAuthenticator>> authenticators;
  for (const adapters::OidcIssuerSettings& issuer : adapters::EffectiveOidcIssuers(config)) {
    std::shared_ptr<adapters::HttpClient> http;
    if (issuer.jwks_file.empty()) {
      adapters::HttpClientOptions http_options;
      http_options.ca_file = issuer.ca_file;
      http_options.max_response_bytes = 1 << 20;  // discovery documents and key sets are small
      http_options.user_agent = "gatehouse/0.1.0";
      Result<std::shared_ptr<adapters::HttpClient>> made = adapters::MakeHttpClient(http_options);
      if (!made) return made.error();
      http = *made;
    }
    adapters::JwksCacheOptions cache_options;
    cache_options.issuer = issuer.issuer_url;
    cache_options.jwks_file = issuer.jwks_file;
    cache_options.timeout = config.oidc_timeout;
    cache_options.min_unknown_kid_interval = Seconds(config.oidc_jwks_min_refresh_interval);
    auto cache = std::make_shared<adapters::JwksCache>(cache_options, http, SystemClock::Instance(),
                                                       metrics.get());
    Result<adapters::OidcAuthenticatorOptions> options = AuthenticatorOptions(config, issuer);
    if (!options) return options.error();
    Result<std::unique_ptr<adapters::OidcAuthenticator>> created =
        adapters::OidcAuthenticator::Create(*options, cache);
    if (!created) {
      return MakeError(created.error().code, issuer.issuer_url + ": " + created.error().message);
    }
    std::shared_ptr<adapters::OidcAuthenticator> authenticator = std::move(created).value();
    if (Status loaded = cache->Refresh(); !loaded) {
      adapters::LogWarn("OIDC issuer keys not loaded; retrying in the background",
                        {{"issuer", issuer.issuer_url}, {"error", loaded.error().ToString()}});
    } else {
      adapters::LogInfo("OIDC issuer keys loaded", {{"issuer", issuer.issuer_url}});
    }
    caches.push_back(cache);
    authenticators.push_back(authenticator);
    wiring.issuers.push_back({issuer.issuer_url, authenticator});
  }
  if (caches.empty()) {
    wiring.ready = [] { return std::string(); };
    wiring.refresh_metrics = [] {};
    return wiring;
  }
  adapters::JwksRefresherOptions refresher_options;
  refresher_options.interval = config.oidc_jwks_refresh_interval;
  refresher_options.retry_max =
      std::min(refresher_options.retry_max, config.oidc_jwks_refresh_interval);
  wiring.refresher = std::make_shared<adapters::JwksRefresher>(caches, refresher_options);
  wiring.refresher->Start();

  wiring.ready = [caches]() -> std::string {
    for (const auto& cache : caches) {
      if (!cache->ready()) {
        const std::string error = cache->stats().last_error;
        return "OIDC issuer " + cache->issuer() + " has no keys yet" +
               (error.empty() ? "" : ": " + error);
      }
    }
    return "";
  };

  struct Series {
    std::shared_ptr<adapters::OidcAuthenticator> authenticator;
    Counter* verified;
    Counter* refused;
    Counter* cache_hits;
    std::uint64_t last_verified = 0, last_refused = 0, last_hits = 0;
  };
  struct Mirrors {
    std::mutex mu;
    std::vector<Series> series;
  };
  auto mirrors = std::make_shared<Mirrors>();
  for (const auto& authenticator : authenticators) {
    const MetricLabels labels{{"issuer", authenticator->issuer()}};
    mirrors->series.push_back(
        {authenticator,
         &metrics->AddCounter("gatehouse_oidc_tokens_verified_total",
                              "OIDC tokens verified (not answered from the cache).", labels),
         &metrics->AddCounter("gatehouse_oidc_tokens_refused_total",
                              "OIDC tokens refused (not answered from the cache).", labels),
         &metrics->AddCounter("gatehouse_oidc_token_cache_hits_total",
                              "OIDC authentications answered from a cached success.", labels)});
  }
  wiring.refresh_metrics = [mirrors] {
    std::lock_guard<std::mutex> lock(mirrors->mu);
    auto mirror = [](Counter* counter, std::uint64_t now, std::uint64_t& last) {
      if (now > last) counter->Add(static_cast<double>(now - last));
      last = now;
    };
    for (Series& s : mirrors->series) {
      const adapters::OidcAuthenticatorStats stats = s.authenticator->stats();
      mirror(s.verified, stats.verified, s.last_verified);
      mirror(s.refused, stats.refused, s.last_refused);
      mirror(s.cache_hits, stats.cache.hits, s.last_hits);
    }
  };
  return wiring;
}

}  // namespace gatehouse::app
