#include "gatehouse/keystone_wiring.h"

#include <atomic>
#include <mutex>

#include "adapters/http/http_client.h"
#include "adapters/keystone/keystone_authenticator.h"
#include "adapters/log/log.h"
#include "authn/keystone/sync_config.h"

namespace gatehouse::app {
namespace {

// Mirrors a monotonically increasing source counter into a Prometheus counter.
class CounterMirror {
 public:
  explicit CounterMirror(Counter& counter) : counter_(&counter) {}
  void Update(std::uint64_t source_total) {
    if (source_total > last_) counter_->Add(static_cast<double>(source_total - last_));
    last_ = source_total;
  }

 private:
  Counter* counter_;
  std::uint64_t last_ = 0;
};

std::chrono::seconds Seconds(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::seconds>(ms);
}

}  // namespace

Result<KeystoneWiring> WireKeystone(const adapters::ServeConfig& config,
                                    const std::string& /*data_dir*/,
                                    std::shared_ptr<MetricsRegistry> metrics) {
  KeystoneWiring wiring;
  if (config.keystone_url.empty()) {
    if (adapters::EffectiveOidcIssuers(config).empty()) {
      adapters::LogWarn(
          "no --keystone-url and no OIDC issuer: every TokenReview is answered "
          "authenticated:false");
    }
    wiring.sync_loader = [](const std::string&) { return Ok(); };
    return wiring;
  }
  adapters::HttpClientOptions http_options;
  http_options.ca_file = config.keystone_ca_file;
  std::string user_agent;
  for (auto it = config.user_agents.rbegin(); it != config.user_agents.rend(); ++it) {
    user_agent += *it + " ";
  }
  http_options.user_agent = user_agent + "gatehouse/0.1.0";
  Result<std::shared_ptr<adapters::HttpClient>> http = adapters::MakeHttpClient(http_options);
  if (!http) return http.error();

  adapters::KeystoneAuthenticatorOptions options;
  options.url = config.keystone_url;
  while (options.url.size() > 1 && options.url.back() == '/') options.url.pop_back();
  options.timeout = config.keystone_timeout;
  options.positive_ttl = Seconds(config.token_cache_ttl);
  options.negative_ttl = Seconds(config.token_cache_negative_ttl);
  options.max_entries = config.token_cache_ttl.count() == 0 ? 0 : config.token_cache_max_entries;
  if (config.keystone_validation == "service") {
    options.mode = adapters::KeystoneValidationMode::kServiceToken;
    authn::KeystoneCredentials& c = options.service_credentials;
    c.user_name = config.keystone_service_username;
    c.password = config.keystone_service_password;
    c.user_domain_name = config.keystone_service_user_domain;
    c.project_name = config.keystone_service_project;
    c.project_domain_name = config.keystone_service_project_domain;
    c.application_credential_id = config.keystone_service_app_cred_id;
    c.application_credential_secret = config.keystone_service_app_cred_secret;
  }
  Result<std::unique_ptr<adapters::KeystoneAuthenticator>> created =
      adapters::KeystoneAuthenticator::Create(options, *http);
  if (!created) return created.error();
  std::shared_ptr<adapters::KeystoneAuthenticator> keystone = std::move(created).value();
  wiring.authenticator = keystone;

  authn::KeystoneSyncConfigOptions sync_options;
  sync_options.lenient = config.keystone_policy_lenient;
  // Only ever text: a deleted sync config is a failed reload (WatchedSource), not the defaults.
  wiring.sync_loader = [keystone, sync_options](const std::string& text) -> Status {
    Result<authn::KeystoneSyncConfig> parsed = authn::ParseKeystoneSyncConfig(text, sync_options);
    if (!parsed) return parsed.error();
    if (Status valid = parsed->Validate(); !valid) return valid;
    for (const std::string& key : parsed->unknown_keys) {
      adapters::LogWarn("sync config: unknown key ignored", {{"key", key}});
    }
    keystone->SetSyncConfig(
        std::make_shared<const authn::KeystoneSyncConfig>(std::move(parsed).value()));
    return Ok();
  };

  // Ready once Keystone has answered at least once: a replica that cannot reach it at start-up
  // stays out of the Service instead of refusing every token.
  auto reachable = std::make_shared<std::atomic<bool>>(false);
  auto probe_mu = std::make_shared<std::mutex>();
  std::shared_ptr<adapters::HttpClient> probe_client = *http;
  const std::string probe_url = options.url + "/";
  wiring.ready = [reachable, probe_mu, probe_client, probe_url]() -> std::string {
    if (reachable->load()) return "";
    std::lock_guard<std::mutex> lock(*probe_mu);
    adapters::HttpRequest request;
    request.url = probe_url;
    request.timeout = std::chrono::milliseconds(1000);
    Result<adapters::HttpResponse> response = probe_client->Send(request);
    if (response && response->status < 500) {
      reachable->store(true);
      return "";
    }
    return "keystone not reachable yet: " +
           (response ? "HTTP " + std::to_string(response->status) : response.error().message);
  };

  struct Mirrors {
    std::mutex mu;
    CounterMirror requests, errors, hits, negative_hits, misses, coalesced, evictions;
    Gauge* entries;
  };
  auto counter = [&](const char* name, const char* help) -> Counter& {
    return metrics->AddCounter(name, help);
  };
  auto mirrors = std::shared_ptr<Mirrors>(new Mirrors{
      {},
      CounterMirror(
          counter("gatehouse_keystone_requests_total", "HTTP requests sent to Keystone.")),
      CounterMirror(counter("gatehouse_keystone_errors_total",
                            "Keystone requests without a usable answer (network, timeout, 5xx).")),
      CounterMirror(counter("gatehouse_token_cache_hits_total",
                            "Authentications answered from a cached success.")),
      CounterMirror(counter("gatehouse_token_cache_negative_hits_total",
                            "Authentications answered from a cached failure.")),
      CounterMirror(counter("gatehouse_token_cache_misses_total",
                            "Authentications that asked the identity provider.")),
      CounterMirror(counter("gatehouse_token_cache_coalesced_total",
                            "Authentications that waited for a concurrent identical one.")),
      CounterMirror(counter("gatehouse_token_cache_evictions_total",
                            "Cache entries dropped to respect the size bound.")),
      &metrics->AddGauge("gatehouse_token_cache_entries", "Authentication results cached.")});
  wiring.refresh_metrics = [mirrors, keystone] {
    const adapters::KeystoneAuthenticatorStats stats = keystone->stats();
    std::lock_guard<std::mutex> lock(mirrors->mu);
    mirrors->requests.Update(stats.keystone_requests);
    mirrors->errors.Update(stats.keystone_errors);
    mirrors->hits.Update(stats.cache.hits);
    mirrors->negative_hits.Update(stats.cache.negative_hits);
    mirrors->misses.Update(stats.cache.misses);
    mirrors->coalesced.Update(stats.cache.coalesced);
    mirrors->evictions.Update(stats.cache.evictions);
    mirrors->entries->Set(static_cast<double>(stats.cache.entries));
  };
  return wiring;
}

}  // namespace gatehouse::app
