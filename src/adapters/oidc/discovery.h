// OpenID Connect discovery (OpenID Connect Discovery 1.0 §4): where an issuer publishes its keys.
//
// DiscoverJwksUri() fetches `<issuer>/.well-known/openid-configuration` and returns its
// `jwks_uri`. The document's `issuer` must equal the configured issuer byte for byte (§4.3:
// otherwise a provider could vouch for another issuer's tokens). Errors:
// "oidc_discovery_failed" (no answer, non-200, unreadable JSON, jwks_uri missing or not http(s)),
// "oidc_discovery_issuer_mismatch". Thread-safe as the HttpClient is; does one request.
#pragma once

#include <chrono>
#include <string>

#include "adapters/http/http_client.h"
#include "common/result.h"

namespace gatehouse::adapters {

// `<issuer>/.well-known/openid-configuration` (a trailing slash of the issuer is not doubled).
std::string DiscoveryUrl(const std::string& issuer);

Result<std::string> DiscoverJwksUri(HttpClient& client, const std::string& issuer,
                                    std::chrono::milliseconds timeout);

}  // namespace gatehouse::adapters
