#include "authn/keystone/credential_request.h"

#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
#include <vector>

#include "authn/cache_key.h"
#include "authn/keystone/keystone_errors.h"
#include "common/codec/rfc3339.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::authn {
namespace {

using std::chrono::system_clock;
using value::Value;

constexpr std::size_t kMaxTokenBytes = 16 * 1024;
constexpr std::size_t kMaxErrorMessageBytes = 200;

Value NamedInDomain(const std::string& name, const std::string& domain) {
  Value v = Value::MakeObject();
  v.Set("name", name);
  Value d = Value::MakeObject();
  d.Set("name", domain);
  v.Set("domain", std::move(d));
  return v;
}

std::string JoinFields(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : fields) {
    if (!out.empty()) out += ", ";
    out += f;
  }
  return out;
}

bool IsVersionSegment(std::string_view segment) {
  // v3, v2.0: the forms gophercloud's BaseEndpoint strips.
  if (segment.size() < 2 || segment[0] != 'v') return false;
  std::size_t i = 1;
  auto digits = [&] {
    std::size_t start = i;
    while (i < segment.size() && std::isdigit(static_cast<unsigned char>(segment[i]))) ++i;
    return i > start;
  };
  if (!digits()) return false;
  if (i == segment.size()) return true;
  if (segment[i] != '.') return false;
  ++i;
  return digits() && i == segment.size();
}

// Keystone's error messages are plain text written by the server, but a hostile or broken
// server could send anything: keep them short and printable so they cannot corrupt a terminal.
std::string SanitizeServerMessage(std::string_view message) {
  std::string out;
  for (char c : message.substr(0, kMaxErrorMessageBytes)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

bool IsPrintableToken(std::string_view token) {
  for (char c : token) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<KeystoneAuthMethod> SelectKeystoneAuthMethod(const KeystoneCredentials& c) {
  std::vector<std::string> missing;
  if (c.auth_url.empty()) missing.push_back("auth URL");
  KeystoneAuthMethod method = KeystoneAuthMethod::kPassword;
  if (!c.application_credential_id.empty()) {
    method = KeystoneAuthMethod::kApplicationCredentialById;
    if (c.application_credential_secret.empty()) {
      missing.push_back("application credential secret");
    }
  } else if (!c.application_credential_name.empty()) {
    method = KeystoneAuthMethod::kApplicationCredentialByName;
    if (c.application_credential_secret.empty()) {
      missing.push_back("application credential secret");
    }
    if (c.user_name.empty()) missing.push_back("user name");
    if (c.user_domain_name.empty()) missing.push_back("user domain name");
  } else {
    if (c.user_name.empty()) missing.push_back("user name");
    if (c.user_domain_name.empty()) missing.push_back("domain name");
    if (c.password.empty()) missing.push_back("password");
    // An unscoped token is refused by k8s-keystone-auth; fail here with a clear message.
    if (c.project_id.empty() && c.project_name.empty()) missing.push_back("project name or id");
  }
  if (!missing.empty()) {
    return MakeError(KeystoneError::kCredentialIncomplete, "missing " + JoinFields(missing));
  }
  return method;
}

Result<std::string> BuildKeystoneTokenUrl(std::string_view auth_url) {
  auto invalid = [](std::string why) {
    return MakeError(KeystoneError::kInvalidAuthUrl, std::move(why));
  };
  std::size_t scheme_end = auth_url.find("://");
  if (scheme_end == std::string_view::npos) {
    return invalid("auth URL must start with http:// or https://");
  }
  std::string scheme(auth_url.substr(0, scheme_end));
  for (char& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (scheme != "http" && scheme != "https") {
    return invalid("auth URL must start with http:// or https://");
  }
  if (auth_url.find_first_of("?#") != std::string_view::npos) {
    return invalid("auth URL must not have a query or fragment");
  }
  std::string_view rest = auth_url.substr(scheme_end + 3);
  std::size_t path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  if (authority.empty()) return invalid("auth URL has no host");
  if (authority.find('@') != std::string_view::npos) {
    return invalid("auth URL must not contain user information");
  }
  std::string_view path =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::size_t last_slash = path.rfind('/');
  if (last_slash != std::string_view::npos && IsVersionSegment(path.substr(last_slash + 1))) {
    path = path.substr(0, last_slash);
  }
  return scheme + "://" + std::string(authority) + std::string(path) + "/v3/auth/tokens";
}

Result<KeystoneTokenRequest> BuildKeystoneTokenRequest(const KeystoneCredentials& c) {
  Result<KeystoneAuthMethod> method = SelectKeystoneAuthMethod(c);
  if (!method) return method.error();
  Result<std::string> url = BuildKeystoneTokenUrl(c.auth_url);
  if (!url) return url.error();

  Value identity = Value::MakeObject();
  Value scope;
  switch (*method) {
    case KeystoneAuthMethod::kPassword: {
      identity.Set("methods", value::FromStringList({"password"}));
      Value user = NamedInDomain(c.user_name, c.user_domain_name);
      user.Set("password", c.password);
      Value password = Value::MakeObject();
      password.Set("user", std::move(user));
      identity.Set("password", std::move(password));
      Value project;
      if (!c.project_id.empty()) {
        project.Set("id", c.project_id);
      } else {
        // The reference uses one domain for user and project; OS_PROJECT_DOMAIN_NAME refines it.
        project =
            NamedInDomain(c.project_name, c.project_domain_name.empty() ? c.user_domain_name
                                                                        : c.project_domain_name);
      }
      scope.Set("project", std::move(project));
      break;
    }
    case KeystoneAuthMethod::kApplicationCredentialById:
    case KeystoneAuthMethod::kApplicationCredentialByName: {
      identity.Set("methods", value::FromStringList({"application_credential"}));
      Value credential = Value::MakeObject();
      if (*method == KeystoneAuthMethod::kApplicationCredentialById) {
        credential.Set("id", c.application_credential_id);
      } else {
        credential.Set("name", c.application_credential_name);
        credential.Set("user", NamedInDomain(c.user_name, c.user_domain_name));
      }
      credential.Set("secret", c.application_credential_secret);
      identity.Set("application_credential", std::move(credential));
      // No scope: an application credential is bound to its project, and Keystone refuses a
      // request that names another.
      break;
    }
  }
  Value auth = Value::MakeObject();
  auth.Set("identity", std::move(identity));
  if (!scope.is_null()) auth.Set("scope", std::move(scope));
  Value root = Value::MakeObject();
  root.Set("auth", std::move(auth));
  return KeystoneTokenRequest{std::move(url).value(), value::ToJson(root)};
}

Result<IssuedKeystoneToken> ParseKeystoneTokenResponse(int status, const std::string* subject_token,
                                                       std::string_view body) {
  if (status == 401) {
    return MakeError(KeystoneError::kUnauthorized, "Invalid user credentials were provided");
  }
  if (status < 200 || status > 299) {
    std::string message = "Keystone answered HTTP " + std::to_string(status);
    value::JsonLimits limits;
    limits.max_bytes = 64 * 1024;
    Result<Value> parsed = value::ParseJson(body, limits);
    if (parsed) {
      const Value* error = parsed->Find("error");
      const Value* text = error ? error->Find("message") : nullptr;
      if (text && text->AsString() && !text->AsString()->empty()) {
        message += ": " + SanitizeServerMessage(*text->AsString());
      }
    }
    return MakeError(KeystoneError::kErrorStatus, std::move(message));
  }
  auto bad = [](std::string why) { return MakeError(KeystoneError::kBadResponse, std::move(why)); };
  if (subject_token == nullptr || subject_token->empty()) {
    return bad("Keystone sent no X-Subject-Token header");
  }
  if (subject_token->size() > kMaxTokenBytes || !IsPrintableToken(*subject_token)) {
    return bad("Keystone sent a malformed X-Subject-Token header");
  }
  value::JsonLimits limits;
  limits.max_bytes = 8 << 20;  // a token body with a large service catalog is still a token
  Result<Value> parsed = value::ParseJson(body, limits);
  if (!parsed)
    return bad("token body is not JSON (" + std::string(parsed.error().code.wire()) + ")");
  const Value* token = parsed->Find("token");
  const Value* expires = token ? token->Find("expires_at") : nullptr;
  if (expires == nullptr || expires->AsString() == nullptr) {
    return bad("token body has no token.expires_at");
  }
  Result<system_clock::time_point> expires_at = codec::ParseRfc3339(*expires->AsString());
  if (!expires_at) return bad("token.expires_at is not an RFC 3339 timestamp");
  return IssuedKeystoneToken{*subject_token, *expires_at};
}

std::string KeystoneCredentialCacheKey(const KeystoneCredentials& c) {
  Result<std::string> url = BuildKeystoneTokenUrl(c.auth_url);
  const std::string& normalized_url = url ? *url : c.auth_url;
  CacheKeyBuilder key("gatehouse-keystone-credential-v1");
  for (const std::string* field :
       {&normalized_url, &c.user_name, &c.user_domain_name, &c.project_name, &c.project_id,
        &c.project_domain_name, &c.application_credential_id, &c.application_credential_name}) {
    key.Add(*field);
  }
  return key.Hex();
}

bool IsCachedTokenUsable(system_clock::time_point expires_at, system_clock::time_point now,
                         std::chrono::seconds min_remaining) {
  if (min_remaining < std::chrono::seconds(0)) min_remaining = std::chrono::seconds(0);
  return expires_at > now && expires_at - now >= min_remaining;
}

}  // namespace gatehouse::authn
