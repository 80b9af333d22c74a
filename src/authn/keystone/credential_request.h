// Keystone credential request: the pure half of `gatehouse credential keystone`.
//
// Builds the `POST <base>/v3/auth/tokens` request that client-keystone-auth sends (password or
// application credential, project-scoped), parses Keystone's answer, and decides when a token
// kept in the on-disk cache may be handed out again. No I/O: the caller sends the request and
// owns the cache files. All functions are pure and thread-safe.
//
// Secrets (password, application credential secret, issued token) travel in the values these
// functions return, never in an Error message: errors name fields, not their contents.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::authn {

// What the user supplied, after flags, environment and prompts. Empty means "not given".
struct KeystoneCredentials {
  std::string auth_url;  // http(s)://host[:port][/prefix][/vN]
  std::string user_name;
  std::string user_domain_name;
  std::string project_name;
  std::string project_id;  // wins over project_name when both are set
  std::string project_domain_name;
  std::string password;  // secret
  std::string application_credential_id;
  std::string application_credential_name;
  std::string application_credential_secret;  // secret
};

enum class KeystoneAuthMethod {
  kPassword,                    // user + domain + password, scoped to a project
  kApplicationCredentialById,   // id + secret; the scope is fixed by the credential
  kApplicationCredentialByName  // name + secret + user name + user domain
};

// Picks the method from the fields that are set: an application credential id or name selects
// the application-credential methods, otherwise password. Errors: "credential_incomplete" naming
// the missing fields (e.g. "password, project name or id").
Result<KeystoneAuthMethod> SelectKeystoneAuthMethod(const KeystoneCredentials& credentials);

// `<base>/v3/auth/tokens`, where base is `auth_url` without trailing slashes and without one
// trailing version segment (`/v3`, `/v2.0`), so URLs with and without `/v3` both work. Errors:
// "invalid_auth_url" (not http/https, no host, embedded user info, query or fragment).
Result<std::string> BuildKeystoneTokenUrl(std::string_view auth_url);

struct KeystoneTokenRequest {
  std::string url;
  std::string body;  // JSON; contains a secret
};

// The request for the selected method. Errors: those of SelectKeystoneAuthMethod and
// BuildKeystoneTokenUrl.
Result<KeystoneTokenRequest> BuildKeystoneTokenRequest(const KeystoneCredentials& credentials);

struct IssuedKeystoneToken {
  std::string token;  // secret: the X-Subject-Token header
  std::chrono::system_clock::time_point expires_at;
};

// Interprets Keystone's answer to the token request. `subject_token` is the X-Subject-Token
// header (nullptr when absent). Errors: "keystone_unauthorized" (HTTP 401: wrong credentials),
// "keystone_error" (any other non-2xx, with Keystone's own message, which never echoes
// secrets), "keystone_bad_response" (no token header, unreadable body or expires_at).
Result<IssuedKeystoneToken> ParseKeystoneTokenResponse(int status, const std::string* subject_token,
                                                       std::string_view body);

// Lower-case hex SHA-256 over the identity a token is issued for: normalised token URL, user,
// user domain, project name and id, project domain, application credential id and name. Never
// over the password or secrets, so the key (a file name) reveals nothing and a changed password
// reuses the entry. Fields are length-prefixed, so ("ab","c") and ("a","bc") differ.
std::string KeystoneCredentialCacheKey(const KeystoneCredentials& credentials);

// Whether a cached token may be handed out at `now`: it must stay valid for at least
// `min_remaining` more, so kubectl never receives a token that expires mid-command.
bool IsCachedTokenUsable(std::chrono::system_clock::time_point expires_at,
                         std::chrono::system_clock::time_point now,
                         std::chrono::seconds min_remaining);

}  // namespace gatehouse::authn
