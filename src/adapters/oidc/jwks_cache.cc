#include "adapters/oidc/jwks_cache.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "adapters/oidc/discovery.h"
#include "adapters/oidc/oidc_provider_errors.h"

namespace gatehouse::adapters {

JwksCache::JwksCache(JwksCacheOptions options, std::shared_ptr<HttpClient> client,
                     const Clock& clock, MetricsRegistry* metrics)
    : options_(std::move(options)), client_(std::move(client)), clock_(clock) {
  if (metrics != nullptr) {
    constexpr char kHelp[] = "JWKS refreshes of OIDC issuers, by outcome.";
    success_counter_ = &metrics->AddCounter("gatehouse_jwks_refreshes_total", kHelp,
                                            {{"issuer", options_.issuer}, {"outcome", "success"}});
    failure_counter_ = &metrics->AddCounter("gatehouse_jwks_refreshes_total", kHelp,
                                            {{"issuer", options_.issuer}, {"outcome", "failure"}});
    ready_gauge_ = &metrics->AddGauge("gatehouse_oidc_issuer_ready",
                                      "1 once an OIDC issuer's keys are loaded.",
                                      {{"issuer", options_.issuer}});
  }
}

Result<std::string> JwksCache::FetchDocument() {
  if (!options_.jwks_file.empty()) {
    std::ifstream in(options_.jwks_file, std::ios::binary);
    if (!in)
      return MakeError(OidcProviderError::kJwksUnreadable,
                       "cannot read JWKS file " + options_.jwks_file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  if (client_ == nullptr)
    return MakeError(OidcProviderError::kJwksFetchFailed, "no HTTP client configured");
  if (jwks_uri_.empty()) {
    Result<std::string> uri = DiscoverJwksUri(*client_, options_.issuer, options_.timeout);
    if (!uri) return uri.error();
    jwks_uri_ = *uri;
  }
  HttpRequest request;
  request.url = jwks_uri_;
  request.timeout = options_.timeout;
  request.headers.emplace_back("Accept", "application/json");
  Result<HttpResponse> response = client_->Send(request);
  if (!response || response->status != 200) {
    // The provider may have moved its keys: discover again next time.
    jwks_uri_.clear();
    return MakeError(OidcProviderError::kJwksFetchFailed,
                     response ? "JWKS endpoint answered HTTP " + std::to_string(response->status)
                              : "JWKS request failed: " + response.error().ToString());
  }
  return std::move(response->body);
}

Status JwksCache::RefreshLocked() {
  Result<std::string> document = FetchDocument();
  Result<authn::jwt::JsonWebKeySet> parsed =
      document ? authn::jwt::ParseJwks(*document, options_.limits)
               : Result<authn::jwt::JsonWebKeySet>(document.error());
  std::lock_guard<std::mutex> stats_lock(stats_mu_);
  if (!parsed) {
    ++stats_.failures;
    stats_.last_error = parsed.error().ToString();
    if (failure_counter_ != nullptr) failure_counter_->Inc();
    return parsed.error();
  }
  keys_.Publish(std::make_shared<const authn::jwt::JsonWebKeySet>(std::move(parsed).value()));
  ++stats_.refreshes;
  stats_.last_error.clear();
  if (success_counter_ != nullptr) success_counter_->Inc();
  if (ready_gauge_ != nullptr) ready_gauge_->Set(1);
  return Ok();
}

Status JwksCache::Refresh() {
  std::lock_guard<std::mutex> lock(mu_);
  return RefreshLocked();
}

bool JwksCache::RefreshForUnknownKid(const std::shared_ptr<const authn::jwt::JsonWebKeySet>& seen) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Current() != seen) return true;  // refreshed while we waited for the lock
  const std::chrono::steady_clock::time_point now = clock_.Monotonic();
  if (last_unknown_kid_refresh_ &&
      now - *last_unknown_kid_refresh_ < options_.min_unknown_kid_interval) {
    return false;
  }
  last_unknown_kid_refresh_ = now;
  return RefreshLocked() && Current() != seen;
}

JwksCacheStats JwksCache::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

}  // namespace gatehouse::adapters
