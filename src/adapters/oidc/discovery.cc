#include "adapters/oidc/discovery.h"

#include "adapters/oidc/oidc_provider_errors.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

Error Failed(std::string why) {
  return MakeError(OidcProviderError::kDiscoveryFailed, std::move(why));
}

bool IsHttpUrl(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

}  // namespace

std::string DiscoveryUrl(const std::string& issuer) {
  std::string base = issuer;
  if (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/.well-known/openid-configuration";
}

Result<std::string> DiscoverJwksUri(HttpClient& client, const std::string& issuer,
                                    std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.url = DiscoveryUrl(issuer);
  request.timeout = timeout;
  request.headers.emplace_back("Accept", "application/json");
  Result<HttpResponse> response = client.Send(request);
  if (!response) return Failed("discovery request failed: " + response.error().ToString());
  if (response->status != 200) {
    return Failed("discovery answered HTTP " + std::to_string(response->status));
  }
  value::JsonLimits limits;
  limits.max_bytes = 256 * 1024;
  limits.max_depth = 16;
  Result<value::Value> document = value::ParseJson(response->body, limits);
  if (!document || !document->is_object()) {
    return Failed("discovery document is not a JSON object");
  }
  const value::Value* found_issuer = document->Find("issuer");
  if (found_issuer == nullptr || found_issuer->AsString() == nullptr ||
      *found_issuer->AsString() != issuer) {
    return MakeError(OidcProviderError::kDiscoveryIssuerMismatch,
                     "discovery document's issuer is not the configured issuer " + issuer);
  }
  const value::Value* jwks_uri = document->Find("jwks_uri");
  if (jwks_uri == nullptr || jwks_uri->AsString() == nullptr || !IsHttpUrl(*jwks_uri->AsString())) {
    return Failed("discovery document has no http(s) jwks_uri");
  }
  return *jwks_uri->AsString();
}

}  // namespace gatehouse::adapters
