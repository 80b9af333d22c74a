#include "authn/keystone/credential_request.h"

#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
#include <vector>

#include "authn/cache_key.h"
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

// Parses exactly `width` decimal digits at `pos`.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

Error InvalidTimestamp() {
  return MakeError("invalid_timestamp", "timestamp is not RFC 3339 (YYYY-MM-DDTHH:MM:SS[.f]Z)");
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
    return MakeError("credential_incomplete", "missing " + JoinFields(missing));
  }
  return method;
}

Result<std::string> BuildKeystoneTokenUrl(std::string_view auth_url) {
  auto invalid = [](std::string why) { return MakeError("invalid_auth_url", std::move(why)); };
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
    return MakeError("keystone_unauthorized", "Invalid user credentials were provided");
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
    return MakeError("keystone_error", std::move(message));
  }
  auto bad = [](std::string why) { return MakeError("keystone_bad_response", std::move(why)); };
  if (subject_token == nullptr || subject_token->empty()) {
    return bad("Keystone sent no X-Subject-Token header");
  }
  if (subject_token->size() > kMaxTokenBytes || !IsPrintableToken(*subject_token)) {
    return bad("Keystone sent a malformed X-Subject-Token header");
  }
  value::JsonLimits limits;
  limits.max_bytes = 8 << 20;  // a token body with a large service catalog is still a token
  Result<Value> parsed = value::ParseJson(body, limits);
  if (!parsed) return bad("token body is not JSON (" + parsed.error().code + ")");
  const Value* token = parsed->Find("token");
  const Value* expires = token ? token->Find("expires_at") : nullptr;
  if (expires == nullptr || expires->AsString() == nullptr) {
    return bad("token body has no token.expires_at");
  }
  Result<system_clock::time_point> expires_at = ParseRfc3339(*expires->AsString());
  if (!expires_at) return bad("token.expires_at is not an RFC 3339 timestamp");
  return IssuedKeystoneToken{*subject_token, *expires_at};
}

Result<system_clock::time_point> ParseRfc3339(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 0, 4, &year) || text.size() < 20 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, &month) || text[7] != '-' || !ReadDigits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !ReadDigits(text, 11, 2, &hour) || text[13] != ':' ||
      !ReadDigits(text, 14, 2, &minute) || text[16] != ':' || !ReadDigits(text, 17, 2, &second)) {
    return InvalidTimestamp();
  }
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(unsigned(month)),
                                   std::chrono::day(unsigned(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return InvalidTimestamp();

  std::size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    long long nanos = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (pos - start < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++pos;
    }
    std::size_t count = pos - start;
    if (count == 0) return InvalidTimestamp();
    for (std::size_t i = count; i < 9; ++i) nanos *= 10;
    fraction = std::chrono::nanoseconds(nanos);
  }
  std::chrono::minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (!ReadDigits(text, pos + 1, 2, &offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !ReadDigits(text, pos + 4, 2, &offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return InvalidTimestamp();
    }
    offset = std::chrono::minutes(offset_hours * 60 + offset_minutes);
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return InvalidTimestamp();
  }
  if (pos != text.size()) return InvalidTimestamp();

  system_clock::time_point result = std::chrono::sys_days(date);
  result += std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second) -
            offset;
  result += std::chrono::duration_cast<system_clock::duration>(fraction);
  return result;
}

std::string FormatRfc3339(system_clock::time_point time) {
  auto day_start = std::chrono::floor<std::chrono::days>(time);
  std::chrono::year_month_day date{day_start};
  auto since_midnight = std::chrono::duration_cast<std::chrono::nanoseconds>(time - day_start);
  std::chrono::hh_mm_ss<std::chrono::nanoseconds> clock(since_midnight);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02lld", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), static_cast<long long>(clock.seconds().count()));
  std::string out = buffer;
  long long nanos = clock.subseconds().count();
  if (nanos != 0) {
    std::snprintf(buffer, sizeof(buffer), ".%09lld", nanos);
    std::string fraction = buffer;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  out += 'Z';
  return out;
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
