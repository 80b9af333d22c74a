// Keystone token validation and group listing bodies, read into plain structs.
//
// ParseKeystoneTokenInfo() reads the body of `GET /v3/auth/tokens` (what k8s-keystone-auth
// uses: user, user domain, project, roles, plus the scope and expiry we check ourselves);
// ParseKeystoneGroupPage() reads one page of `GET /v3/users/{id}/groups`. Pure functions of
// their input, thread-safe. Errors have code "keystone_bad_response" and name the field that
// is missing or mistyped; they never quote values (a body may hold anything).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::authn {

struct KeystoneProject {
  std::string id;
  std::string name;
  std::string domain_id;
  std::string domain_name;
};

struct KeystoneApplicationCredential {
  std::string id;
  std::string name;
};

struct KeystoneTokenInfo {
  std::string user_id;
  std::string user_name;
  std::string user_domain_id;
  std::string user_domain_name;
  std::optional<KeystoneProject> project;  // absent: unscoped, domain- or system-scoped
  std::vector<std::string> roles;          // role names, in token order
  std::chrono::system_clock::time_point expires_at;
  bool system_scoped = false;  // token.system present
  bool domain_scoped = false;  // token.domain present (domain-scoped token)
  std::optional<KeystoneApplicationCredential> application_credential;
};

// `body` is the whole response object ({"token": {...}}). Required: token.user.id and a valid
// token.expires_at (RFC 3339); strings that Keystone always sends but that we can live without
// (names, domains) default to "" when absent, as in the reference implementation. Roles
// without a string name are an error rather than silently dropped, since roles drive
// authorization.
Result<KeystoneTokenInfo> ParseKeystoneTokenInfo(const value::Value& body);

struct KeystoneGroupPage {
  std::vector<std::string> names;       // group names in API order
  std::optional<std::string> next_url;  // links.next when it is a non-empty string
};

// `body` is {"groups": [{"name": ...}, ...], "links": {"next": url|null}}. Errors when
// `groups` is not an array or a group has no string name.
Result<KeystoneGroupPage> ParseKeystoneGroupPage(const value::Value& body);

}  // namespace gatehouse::authn
