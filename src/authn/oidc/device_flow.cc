#include "authn/oidc/device_flow.h"

#include <algorithm>
#include <cctype>

#include "authn/cache_key.h"
#include "authn/jwt/jwt_errors.h"
#include "authn/oidc/oauth_errors.h"
#include "authn/oidc/oidc_errors.h"
#include "common/codec/base64.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::authn::oidc {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr std::size_t kMaxResponseBytes = 256 * 1024;
constexpr std::size_t kMaxDescriptionChars = 200;

Result<value::Value> ParseObject(std::string_view body) {
  value::JsonLimits limits;
  limits.max_bytes = kMaxResponseBytes;
  limits.max_depth = 16;
  Result<value::Value> parsed = value::ParseJson(body, limits);
  if (!parsed) return parsed.error();
  if (!parsed->is_object())
    return MakeError(OidcError::kResponse, "the answer is not a JSON object");
  return parsed;
}

std::string StringField(const value::Value& v, std::string_view name) {
  const value::Value* field = v.Find(name);
  return field && field->AsString() ? *field->AsString() : std::string();
}

// A server's error_description is for people; keep it short and printable so a hostile server
// cannot flood or control the user's terminal.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxDescriptionChars)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

// The OAuth error object of a non-2xx answer (RFC 6749 §5.2, RFC 8628 §3.5), as an Error with
// its code; an error code outside those RFCs is an OidcError::kResponse naming it.
Error OAuthFailure(int status, std::string_view body, std::string_view what) {
  Result<value::Value> parsed = ParseObject(body);
  std::string code = parsed ? StringField(*parsed, "error") : std::string();
  bool code_ok =
      !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || c == '_';
      });
  if (!code_ok) {
    return MakeError(OidcError::kResponse,
                     std::string(what) + " failed: HTTP " + std::to_string(status));
  }
  std::string message = std::string(what) + " failed: " + code;
  std::string description = StringField(*parsed, "error_description");
  if (!description.empty()) message += " (" + Printable(description) + ")";
  std::optional<OAuthError> known = FromWire(kAllOAuthErrors, code);
  if (!known) return MakeError(OidcError::kResponse, message);
  return MakeError(*known, message);
}

bool IsHttpUrl(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

std::string BasicAuthorization(const OidcClient& client) {
  // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64ed.
  std::string user = FormEncode({{client.client_id, ""}});
  user.pop_back();  // the '=' of an empty value
  std::string pass = FormEncode({{client.client_secret, ""}});
  pass.pop_back();
  std::string plain = user + ":" + pass;
  return "Basic " + codec::EncodeBase64(plain);
}

FormRequest MakeRequest(const std::string& url, const OidcClient& client,
                        std::vector<std::pair<std::string, std::string>> fields) {
  FormRequest request;
  request.url = url;
  if (client.client_secret.empty()) {
    fields.emplace_back("client_id", client.client_id);
  } else {
    request.authorization = BasicAuthorization(client);
  }
  request.body = FormEncode(fields);
  return request;
}

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::optional<seconds> PositiveSeconds(const value::Value& v, std::string_view name) {
  const value::Value* field = v.Find(name);
  if (!field) return std::nullopt;
  std::optional<std::int64_t> n = field->AsInt();
  // Some providers send numbers as strings.
  if (!n && field->AsString()) {
    const std::string& s = *field->AsString();
    if (!s.empty() && s.size() < 10 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      n = std::stoll(s);
    }
  }
  if (!n || *n <= 0 || *n > 10LL * 365 * 24 * 3600) return std::nullopt;
  return seconds(*n);
}

}  // namespace

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  auto append = [&out](std::string_view s) {
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*') {
        out += ch;
      } else if (c == ' ') {
        out += '+';
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      }
    }
  };
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    append(name);
    out += '=';
    append(value);
  }
  return out;
}

std::vector<std::string> NormalizeScopes(const std::vector<std::string>& scopes) {
  std::vector<std::string> out;
  for (const std::string& entry : scopes) {
    std::size_t pos = 0;
    while (pos < entry.size()) {
      std::size_t end = entry.find(' ', pos);
      if (end == std::string::npos) end = entry.size();
      std::string scope = entry.substr(pos, end - pos);
      if (!scope.empty() && std::find(out.begin(), out.end(), scope) == out.end()) {
        out.push_back(std::move(scope));
      }
      pos = end + 1;
    }
  }
  return out;
}

Result<std::string> BuildDiscoveryUrl(std::string_view issuer) {
  if (!IsHttpUrl(issuer) || issuer.find_first_of("?#") != std::string_view::npos) {
    return MakeError(OidcError::kDiscovery,
                     "the issuer URL must be http(s)://host[/path] without query or fragment");
  }
  std::string url(issuer);
  if (url.back() == '/') url.pop_back();
  return url + "/.well-known/openid-configuration";
}

Result<OidcEndpoints> ParseDiscoveryDocument(int status, std::string_view body,
                                             std::string_view expected_issuer) {
  if (status != 200) {
    return MakeError(OidcError::kDiscovery,
                     "the discovery document answered HTTP " + std::to_string(status));
  }
  Result<value::Value> doc = ParseObject(body);
  if (!doc) return doc.error();
  std::string issuer = StringField(*doc, "issuer");
  if (issuer != expected_issuer) {
    return MakeError(OidcError::kDiscovery, "the discovery document names issuer \"" +
                                                Printable(issuer) + "\", not \"" +
                                                std::string(expected_issuer) + "\"");
  }
  OidcEndpoints endpoints;
  endpoints.token_endpoint = StringField(*doc, "token_endpoint");
  endpoints.device_authorization_endpoint = StringField(*doc, "device_authorization_endpoint");
  if (!IsHttpUrl(endpoints.token_endpoint)) {
    return MakeError(OidcError::kDiscovery, "the discovery document has no http(s) token_endpoint");
  }
  if (!endpoints.device_authorization_endpoint.empty() &&
      !IsHttpUrl(endpoints.device_authorization_endpoint)) {
    return MakeError(OidcError::kDiscovery,
                     "the discovery document's device_authorization_endpoint is not http(s)");
  }
  return endpoints;
}

FormRequest BuildDeviceAuthorizationRequest(const OidcEndpoints& endpoints,
                                            const OidcClient& client) {
  return MakeRequest(endpoints.device_authorization_endpoint, client,
                     {{"scope", JoinScopes(client.scopes)}});
}

FormRequest BuildDeviceTokenRequest(const OidcEndpoints& endpoints, const OidcClient& client,
                                    const std::string& device_code) {
  return MakeRequest(
      endpoints.token_endpoint, client,
      {{"grant_type", std::string(kDeviceCodeGrantType)}, {"device_code", device_code}});
}

FormRequest BuildRefreshRequest(const OidcEndpoints& endpoints, const OidcClient& client,
                                const std::string& refresh_token) {
  return MakeRequest(endpoints.token_endpoint, client,
                     {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
}

Result<DeviceAuthorization> ParseDeviceAuthorizationResponse(int status, std::string_view body) {
  if (status < 200 || status > 299) return OAuthFailure(status, body, "device authorization");
  Result<value::Value> doc = ParseObject(body);
  if (!doc) return doc.error();
  DeviceAuthorization out;
  out.device_code = StringField(*doc, "device_code");
  out.user_code = StringField(*doc, "user_code");
  out.verification_uri = StringField(*doc, "verification_uri");
  // Google's pre-RFC spelling.
  if (out.verification_uri.empty()) out.verification_uri = StringField(*doc, "verification_url");
  out.verification_uri_complete = StringField(*doc, "verification_uri_complete");
  std::optional<seconds> expires_in = PositiveSeconds(*doc, "expires_in");
  if (out.device_code.empty() || out.user_code.empty() || !IsHttpUrl(out.verification_uri) ||
      !expires_in) {
    return MakeError(OidcError::kResponse,
                     "the device authorization answer lacks device_code, user_code, "
                     "verification_uri or expires_in");
  }
  if (!out.verification_uri_complete.empty() && !IsHttpUrl(out.verification_uri_complete)) {
    out.verification_uri_complete.clear();
  }
  out.expires_in = *expires_in;
  if (std::optional<seconds> interval = PositiveSeconds(*doc, "interval")) {
    out.interval = *interval;
  }
  return out;
}

Result<TokenSet> ParseTokenResponse(int status, std::string_view body) {
  if (status < 200 || status > 299) return OAuthFailure(status, body, "token request");
  Result<value::Value> doc = ParseObject(body);
  if (!doc) return doc.error();
  TokenSet out;
  out.access_token = StringField(*doc, "access_token");
  out.id_token = StringField(*doc, "id_token");
  out.refresh_token = StringField(*doc, "refresh_token");
  out.expires_in = PositiveSeconds(*doc, "expires_in");
  std::string type = StringField(*doc, "token_type");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.access_token.empty() || type != "bearer") {
    return MakeError(OidcError::kResponse,
                     "the token answer lacks an access_token of token_type Bearer");
  }
  return out;
}

PollDecision DecidePoll(const Result<TokenSet>& answer, seconds interval,
                        system_clock::time_point now, system_clock::time_point deadline) {
  PollDecision d;
  if (answer) {
    d.action = PollDecision::Action::kDone;
    return d;
  }
  const ErrorCode& code = answer.error().code;
  if (code == OAuthError::kAuthorizationPending || code == OAuthError::kSlowDown) {
    d.interval = code == OAuthError::kSlowDown ? interval + seconds(5) : interval;
    if (now + d.interval <= deadline) {
      d.action = PollDecision::Action::kWait;
      return d;
    }
    d.action = PollDecision::Action::kFail;
    d.message = "the sign-in code expired before it was used; run the command again";
    return d;
  }
  d.action = PollDecision::Action::kFail;
  if (code == OAuthError::kExpiredToken) {
    d.message = "the sign-in code expired before it was used; run the command again";
  } else if (code == OAuthError::kAccessDenied) {
    d.message = "sign-in was denied: " + answer.error().message;
  } else {
    d.message = answer.error().message;
  }
  return d;
}

Result<system_clock::time_point> ParseJwtExpiry(std::string_view jwt) {
  std::size_t first = jwt.find('.');
  std::size_t second = first == std::string_view::npos ? first : jwt.find('.', first + 1);
  if (second == std::string_view::npos || jwt.find('.', second + 1) != std::string_view::npos) {
    return MakeError(jwt::JwtError::kMalformed, "the token is not a compact JWT");
  }
  Result<std::string> payload = codec::DecodeBase64Url(jwt.substr(first + 1, second - first - 1));
  if (!payload) return MakeError(jwt::JwtError::kMalformed, "the JWT payload is not base64url");
  Result<value::Value> claims = ParseObject(*payload);
  if (!claims) return MakeError(jwt::JwtError::kMalformed, "the JWT payload is not a JSON object");
  const value::Value* exp = claims->Find("exp");
  std::optional<std::int64_t> seconds_since_epoch = exp ? exp->AsInt() : std::nullopt;
  if (!seconds_since_epoch || *seconds_since_epoch <= 0 ||
      *seconds_since_epoch > 253402300799) {  // 9999-12-31T23:59:59Z
    return MakeError(jwt::JwtError::kMalformed, "the JWT has no usable exp claim");
  }
  return system_clock::time_point(seconds(*seconds_since_epoch));
}

Result<ChosenToken> ChooseToken(const TokenSet& tokens, bool use_id_token,
                                system_clock::time_point now) {
  ChosenToken out;
  out.token = use_id_token ? tokens.id_token : tokens.access_token;
  if (out.token.empty()) {
    return MakeError(OidcError::kResponse,
                     use_id_token ? "the provider sent no id_token (is scope openid set?)"
                                  : "the provider sent no access_token");
  }
  if (use_id_token) {
    if (Result<system_clock::time_point> exp = ParseJwtExpiry(out.token)) {
      out.expiry = *exp;
      return out;
    }
  }
  if (tokens.expires_in) {
    out.expiry = std::chrono::time_point_cast<system_clock::duration>(now + *tokens.expires_in);
  }
  return out;
}

std::string EncodeTokenSet(const TokenSet& tokens) {
  value::Value v = value::Value::MakeObject();
  v.Set("id_token", tokens.id_token);
  v.Set("access_token", tokens.access_token);
  v.Set("refresh_token", tokens.refresh_token);
  if (tokens.expires_in) v.Set("expires_in", static_cast<std::int64_t>(tokens.expires_in->count()));
  return value::ToJson(v);
}

Result<TokenSet> ParseTokenSet(std::string_view json) {
  Result<value::Value> v = ParseObject(json);
  if (!v) return v.error();
  TokenSet out;
  out.id_token = StringField(*v, "id_token");
  out.access_token = StringField(*v, "access_token");
  out.refresh_token = StringField(*v, "refresh_token");
  out.expires_in = PositiveSeconds(*v, "expires_in");
  if (out.id_token.empty() && out.access_token.empty() && out.refresh_token.empty()) {
    return MakeError(OidcError::kResponse, "the cached entry holds no token");
  }
  return out;
}

TokenSet MergeRefreshed(const TokenSet& old_tokens, TokenSet refreshed) {
  if (refreshed.refresh_token.empty()) refreshed.refresh_token = old_tokens.refresh_token;
  return refreshed;
}

std::string OidcCredentialCacheKey(const OidcClient& client) {
  CacheKeyBuilder key("gatehouse-oidc-credential-v1");
  key.Add(client.issuer).Add(client.client_id);
  for (const std::string& scope : client.scopes) key.Add(scope);
  return key.Hex();
}

}  // namespace gatehouse::authn::oidc
