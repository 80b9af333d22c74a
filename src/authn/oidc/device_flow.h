// The OAuth 2.0 protocol pieces of `gatehouse credential oidc`: OpenID discovery, the device
// authorization grant (RFC 8628) and the refresh token grant (RFC 6749 §6), as pure functions
// that build form-encoded requests and parse responses. The plugin (apps/) does the HTTP, the
// waiting and the caching.
//
// Pure and thread-safe. Failures are Errors whose codes are the OAuth error codes the server
// sent ("authorization_pending", "slow_down", "expired_token", "access_denied",
// "invalid_grant", ...) or our own ("oidc_discovery", "oidc_response", "invalid_json",
// "jwt_malformed"); messages may repeat the server's error_description but never a token,
// device code or client secret.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace gatehouse::authn::oidc {

inline constexpr std::string_view kDeviceCodeGrantType =
    "urn:ietf:params:oauth:grant-type:device_code";

struct OidcClient {
  std::string issuer;
  std::string client_id;
  std::string client_secret;        // empty for public clients; secret
  std::vector<std::string> scopes;  // sent space-separated, in this order
};

struct OidcEndpoints {
  std::string device_authorization_endpoint;  // empty when the provider has none
  std::string token_endpoint;
};

// A POST with an application/x-www-form-urlencoded body. `authorization` is the value of the
// Authorization header (HTTP Basic for confidential clients), empty for public ones.
struct FormRequest {
  std::string url;
  std::string body;           // may hold a secret (refresh token, device code)
  std::string authorization;  // secret
};

// application/x-www-form-urlencoded (WHATWG): unreserved bytes as is, space as '+', the rest
// %XX.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

// Splits each entry of `scopes` on spaces and drops empties and repeats (first wins), so both
// `--scope "openid email"` and `--scope openid --scope email` work.
std::vector<std::string> NormalizeScopes(const std::vector<std::string>& scopes);

// `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery §4; one trailing '/' of
// the issuer is not doubled). Errors: "oidc_discovery" when the issuer is not an http(s) URL
// or has a query or fragment.
Result<std::string> BuildDiscoveryUrl(std::string_view issuer);

// Reads the discovery document. Its `issuer` must equal `expected_issuer` exactly (Discovery
// §4.3), `token_endpoint` must be present. Errors: "oidc_discovery" (HTTP status, issuer
// mismatch, missing endpoint), "invalid_json".
Result<OidcEndpoints> ParseDiscoveryDocument(int status, std::string_view body,
                                             std::string_view expected_issuer);

FormRequest BuildDeviceAuthorizationRequest(const OidcEndpoints& endpoints,
                                            const OidcClient& client);
FormRequest BuildDeviceTokenRequest(const OidcEndpoints& endpoints, const OidcClient& client,
                                    const std::string& device_code);
FormRequest BuildRefreshRequest(const OidcEndpoints& endpoints, const OidcClient& client,
                                const std::string& refresh_token);

struct DeviceAuthorization {
  std::string device_code;  // secret
  std::string user_code;    // shown to the user
  std::string verification_uri;
  std::string verification_uri_complete;  // may be empty
  std::chrono::seconds expires_in{0};
  std::chrono::seconds interval{5};  // RFC 8628 §3.2 default
};

// RFC 8628 §3.2. Errors: the server's OAuth error code for 4xx/5xx answers with one
// ("invalid_client", "unauthorized_client", ...), "oidc_response" otherwise or when a required
// field is missing, "invalid_json".
Result<DeviceAuthorization> ParseDeviceAuthorizationResponse(int status, std::string_view body);

struct TokenSet {
  std::string id_token;       // secret; may be empty (e.g. a refresh answer without one)
  std::string access_token;   // secret
  std::string refresh_token;  // secret; may be empty
  std::optional<std::chrono::seconds> expires_in;
};

// A token endpoint answer (RFC 6749 §5.1/§5.2, RFC 8628 §3.5). A 2xx needs access_token and
// token_type Bearer (case-insensitive). An error answer gives its `error` as the Error code
// (e.g. "authorization_pending") and its error_description in the message; an error answer
// without a usable `error` is "oidc_response". Errors also: "invalid_json".
Result<TokenSet> ParseTokenResponse(int status, std::string_view body);

// What the device flow poller does after one token endpoint answer.
struct PollDecision {
  enum class Action { kDone, kWait, kFail };
  Action action = Action::kFail;
  std::chrono::seconds interval{0};  // the interval for the next poll (kWait)
  std::string message;               // for kFail: what to tell the user
};

// RFC 8628 §3.5: tokens → kDone; authorization_pending → kWait at the same interval;
// slow_down → kWait at interval + 5 s; expired_token, access_denied and every other error →
// kFail with a clear message. kWait becomes kFail ("expired_token") when `now + interval`
// would pass `deadline` (the device code's expiry).
PollDecision DecidePoll(const Result<TokenSet>& answer, std::chrono::seconds interval,
                        std::chrono::system_clock::time_point now,
                        std::chrono::system_clock::time_point deadline);

// The `exp` claim of a compact JWT's payload, NOT verified (the API server verifies the token;
// we only need to know when to get a new one). Errors: "jwt_malformed" (not three parts, bad
// base64url or JSON, no integral `exp`).
Result<std::chrono::system_clock::time_point> ParseJwtExpiry(std::string_view jwt);

// The token to hand kubectl and its expiry: with `use_id_token`, the ID token and its `exp`
// (falling back to now + expires_in when unreadable); otherwise the access token and now +
// expires_in. Errors: "oidc_response" when the chosen token is absent.
struct ChosenToken {
  std::string token;  // secret
  std::optional<std::chrono::system_clock::time_point> expiry;
};
Result<ChosenToken> ChooseToken(const TokenSet& tokens, bool use_id_token,
                                std::chrono::system_clock::time_point now);

// The cache entry payload: the three tokens as a JSON object (stored by the caller in
// TokenFileCache's secret `token` field, next to the expiry). Parse errors: "invalid_json",
// "oidc_response" (not an object, or no token at all).
std::string EncodeTokenSet(const TokenSet& tokens);
Result<TokenSet> ParseTokenSet(std::string_view json);

// Merges a refresh answer into the tokens it replaces: a provider need not rotate the refresh
// token (RFC 6749 §6), so the old one is kept when the answer has none. Old ID and access
// tokens are never kept: they are the expired ones being replaced.
TokenSet MergeRefreshed(const TokenSet& old_tokens, TokenSet refreshed);

// Hex SHA-256 over issuer, client id and scopes (length-prefixed, never the secret): the cache
// file name.
std::string OidcCredentialCacheKey(const OidcClient& client);

}  // namespace gatehouse::authn::oidc
