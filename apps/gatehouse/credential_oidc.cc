// `gatehouse credential oidc`: gets an OpenID Connect ID token (or access token) for kubectl.
// Order of preference: a cached token valid for more than a minute, then a silent refresh with
// the cached refresh token, then the device authorization grant (RFC 8628), whose prompt goes
// to stderr (stdout belongs to kubectl). Tokens never reach stderr; the cache holds them in a
// 0600 file keyed by issuer, client id and scopes, never by the client secret.
#include "gatehouse/credential_oidc.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/credential_cache/token_file_cache.h"
#include "adapters/http/http_client.h"
#include "authn/oidc/device_flow.h"
#include "authn/oidc/oidc_errors.h"
#include "common/clock.h"
#include "common/duration.h"
#include "k8s/exec_credential.h"

namespace gatehouse::app {
namespace {

using std::chrono::system_clock;

constexpr char kUserAgent[] = "gatehouse-credential-oidc/0.1.0";
// kubectl must not be handed a token that expires mid-command.
constexpr std::chrono::seconds kMinRemaining{60};

struct OidcFlags {
  std::string issuer_url, client_id, client_secret, ca_file, cache_dir;
  std::vector<std::string> scopes = {"openid offline_access"};
  bool no_cache = false;
  std::string timeout = "10s";
  std::string token_type = "id_token";
};

int Fail(const std::string& reason) {
  std::cerr << "error: " << reason << "\n";
  return 1;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::optional<adapters::TokenFileCache> OpenCache(const OidcFlags& f) {
  if (f.no_cache) return std::nullopt;
  if (!f.cache_dir.empty()) return adapters::TokenFileCache(f.cache_dir);
  Result<std::string> dir = adapters::DefaultTokenCacheDir("oidc");
  if (!dir) {
    std::cerr << "warning: token cache disabled: " << dir.error().message << "\n";
    return std::nullopt;
  }
  return adapters::TokenFileCache(*dir);
}

// Talks to one provider with one deadline per request.
class Provider {
 public:
  Provider(std::shared_ptr<adapters::HttpClient> http, std::chrono::milliseconds timeout)
      : http_(std::move(http)), timeout_(timeout) {}

  Result<adapters::HttpResponse> Get(const std::string& url) {
    adapters::HttpRequest request;
    request.url = url;
    request.headers = {{"Accept", "application/json"}};
    request.timeout = timeout_;
    return Exchange(request);
  }

  Result<adapters::HttpResponse> Post(const authn::oidc::FormRequest& form) {
    adapters::HttpRequest request;
    request.method = "POST";
    request.url = form.url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"}};
    if (!form.authorization.empty())
      request.headers.emplace_back("Authorization", form.authorization);
    request.body = form.body;
    request.timeout = timeout_;
    return Exchange(request);
  }

 private:
  Result<adapters::HttpResponse> Exchange(const adapters::HttpRequest& request) {
    Result<adapters::HttpResponse> response = http_->Send(request);
    if (!response) {
      return MakeError(response.error().code, "cannot reach the OIDC provider at " + request.url +
                                                  ": " + response.error().message);
    }
    return response;
  }

  std::shared_ptr<adapters::HttpClient> http_;
  std::chrono::milliseconds timeout_;
};

Result<authn::oidc::TokenSet> RunDeviceFlow(Provider& provider,
                                            const authn::oidc::OidcEndpoints& endpoints,
                                            const authn::oidc::OidcClient& client) {
  if (endpoints.device_authorization_endpoint.empty()) {
    return MakeError(authn::oidc::OidcError::kDiscovery,
                     "the provider announces no device_authorization_endpoint (device flow "
                     "disabled?)");
  }
  Result<adapters::HttpResponse> response =
      provider.Post(authn::oidc::BuildDeviceAuthorizationRequest(endpoints, client));
  if (!response) return response.error();
  Result<authn::oidc::DeviceAuthorization> device =
      authn::oidc::ParseDeviceAuthorizationResponse(response->status, response->body);
  if (!device) return device.error();
  const std::string& uri = device->verification_uri_complete.empty()
                               ? device->verification_uri
                               : device->verification_uri_complete;
  std::cerr << "To sign in, open " << uri << " and enter code " << device->user_code << std::endl;

  const system_clock::time_point deadline = system_clock::now() + device->expires_in;
  std::chrono::seconds interval = device->interval;
  const authn::oidc::FormRequest poll =
      authn::oidc::BuildDeviceTokenRequest(endpoints, client, device->device_code);
  for (;;) {
    std::this_thread::sleep_for(interval);
    Result<adapters::HttpResponse> answer = provider.Post(poll);
    if (!answer) return answer.error();
    Result<authn::oidc::TokenSet> tokens =
        authn::oidc::ParseTokenResponse(answer->status, answer->body);
    authn::oidc::PollDecision decision =
        authn::oidc::DecidePoll(tokens, interval, system_clock::now(), deadline);
    switch (decision.action) {
      case authn::oidc::PollDecision::Action::kDone:
        return tokens;
      case authn::oidc::PollDecision::Action::kWait:
        interval = decision.interval;
        break;
      case authn::oidc::PollDecision::Action::kFail:
        return MakeError(tokens ? authn::oidc::OidcError::kResponse : tokens.error().code,
                         decision.message);
    }
  }
}

int RunOidcCredential(const OidcFlags& flags) {
  Result<k8s::ExecInfo> exec_info = k8s::ParseExecInfo(Env("KUBERNETES_EXEC_INFO"));
  if (!exec_info) return Fail("KUBERNETES_EXEC_INFO: " + exec_info.error().message);
  Result<std::chrono::nanoseconds> timeout = ParseDuration(flags.timeout);
  if (!timeout || *timeout < std::chrono::milliseconds(1)) {
    return Fail("--timeout must be a positive duration such as 10s");
  }
  if (flags.token_type != "id_token" && flags.token_type != "access_token") {
    return Fail("--token-type must be id_token or access_token");
  }
  const bool use_id_token = flags.token_type == "id_token";
  authn::oidc::OidcClient client;
  client.issuer = flags.issuer_url;
  client.client_id = flags.client_id;
  client.client_secret = flags.client_secret;
  client.scopes = authn::oidc::NormalizeScopes(flags.scopes);
  Result<std::string> discovery_url = authn::oidc::BuildDiscoveryUrl(client.issuer);
  if (!discovery_url) return Fail("--issuer-url: " + discovery_url.error().message);

  auto print = [&](const std::string& token, std::optional<system_clock::time_point> expiry) {
    std::cout << k8s::EncodeExecCredential(exec_info->api_version, token, expiry) << std::endl;
    return 0;
  };

  std::optional<adapters::TokenFileCache> cache = OpenCache(flags);
  const std::string cache_key = authn::oidc::OidcCredentialCacheKey(client);
  std::optional<authn::oidc::TokenSet> cached;
  if (cache) {
    if (std::optional<adapters::CachedToken> hit = cache->Find(cache_key)) {
      if (Result<authn::oidc::TokenSet> tokens = authn::oidc::ParseTokenSet(hit->token)) {
        const std::string& token = use_id_token ? tokens->id_token : tokens->access_token;
        if (!token.empty() && hit->expires_at - system_clock::now() > kMinRemaining) {
          return print(token, hit->expires_at);
        }
        cached = std::move(tokens).value();
      }
    }
  }

  adapters::HttpClientOptions http_options;
  http_options.ca_file = flags.ca_file;
  http_options.user_agent = kUserAgent;
  Result<std::shared_ptr<adapters::HttpClient>> http = adapters::MakeHttpClient(http_options);
  if (!http) return Fail(http.error().message);
  Provider provider(*http, std::chrono::duration_cast<std::chrono::milliseconds>(*timeout));

  Result<adapters::HttpResponse> discovery = provider.Get(*discovery_url);
  if (!discovery) return Fail(discovery.error().message);
  Result<authn::oidc::OidcEndpoints> endpoints =
      authn::oidc::ParseDiscoveryDocument(discovery->status, discovery->body, client.issuer);
  if (!endpoints) return Fail(endpoints.error().message);

  std::optional<authn::oidc::TokenSet> issued;
  if (cached && !cached->refresh_token.empty()) {
    Result<adapters::HttpResponse> response =
        provider.Post(authn::oidc::BuildRefreshRequest(*endpoints, client, cached->refresh_token));
    if (!response) return Fail(response.error().message);
    Result<authn::oidc::TokenSet> refreshed =
        authn::oidc::ParseTokenResponse(response->status, response->body);
    if (refreshed) {
      issued = authn::oidc::MergeRefreshed(*cached, std::move(refreshed).value());
    } else {
      // A revoked or expired refresh token: sign in again rather than fail.
      std::cerr << "refresh failed, signing in again: " << refreshed.error().message << "\n";
    }
  }
  if (!issued) {
    Result<authn::oidc::TokenSet> tokens = RunDeviceFlow(provider, *endpoints, client);
    if (!tokens) return Fail(tokens.error().message);
    issued = std::move(tokens).value();
  }

  const system_clock::time_point now = system_clock::now();
  Result<authn::oidc::ChosenToken> chosen = authn::oidc::ChooseToken(*issued, use_id_token, now);
  if (!chosen) return Fail(chosen.error().message);
  if (cache) {
    // Without a known expiry the token is never served from the cache, but the refresh token
    // still spares the next run a device flow.
    adapters::CachedToken entry{authn::oidc::EncodeTokenSet(*issued), chosen->expiry.value_or(now)};
    Status stored = cache->Store(cache_key, entry);
    if (!stored) std::cerr << "warning: token not cached: " << stored.error().message << "\n";
  }
  return print(chosen->token, chosen->expiry);
}

}  // namespace

void RegisterOidcCredential(CLI::App& credential, int* exit_code) {
  CLI::App* cmd = credential.add_subcommand(
      "oidc",
      "Get an OpenID Connect token for kubectl: cached, refreshed, or by the device "
      "authorization grant (sign in on any browser).");
  auto flags = std::make_shared<OidcFlags>();
  cmd->add_option("--issuer-url", flags->issuer_url, "OpenID Connect issuer URL")->required();
  cmd->add_option("--client-id", flags->client_id, "OAuth client id")->required();
  cmd->add_option("--client-secret", flags->client_secret,
                  "OAuth client secret, for confidential clients");
  cmd->add_option("--scope", flags->scopes,
                  "scopes to request (repeatable, or a space-separated list)")
      ->capture_default_str();
  cmd->add_option("--ca-file", flags->ca_file, "CA bundle to verify the provider");
  cmd->add_option("--cache-dir", flags->cache_dir,
                  "token cache directory (default $XDG_CACHE_HOME/gatehouse/oidc or "
                  "~/.cache/gatehouse/oidc)");
  cmd->add_flag("--no-cache", flags->no_cache, "neither read nor write the token cache");
  cmd->add_option("--timeout", flags->timeout, "timeout of each request to the provider")
      ->capture_default_str();
  cmd->add_option("--token-type", flags->token_type,
                  "the token to give kubectl: id_token or access_token")
      ->capture_default_str();
  cmd->callback([flags, exit_code] { *exit_code = RunOidcCredential(*flags); });
}

}  // namespace gatehouse::app
