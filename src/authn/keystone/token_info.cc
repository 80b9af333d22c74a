#include "authn/keystone/token_info.h"

#include <string_view>
#include <utility>

#include "authn/keystone/credential_request.h"
#include "authn/keystone/keystone_errors.h"
#include "common/codec/rfc3339.h"

namespace gatehouse::authn {
namespace {

Error Bad(std::string what) { return MakeError(KeystoneError::kBadResponse, std::move(what)); }

// Reads an optional string member: absent or null gives "", another kind is an error.
bool ReadOptionalString(const value::Value* object, std::string_view key, std::string* out) {
  out->clear();
  if (object == nullptr) return true;
  const value::Value* v = object->Find(key);
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_string()) return false;
  *out = *v->AsString();
  return true;
}

const value::Value* FindObject(const value::Value& parent, std::string_view key) {
  const value::Value* v = parent.Find(key);
  return v != nullptr && v->is_object() ? v : nullptr;
}

}  // namespace

Result<KeystoneTokenInfo> ParseKeystoneTokenInfo(const value::Value& body) {
  const value::Value* token = FindObject(body, "token");
  if (token == nullptr) return Bad("response has no token object");
  KeystoneTokenInfo info;

  const value::Value* user = FindObject(*token, "user");
  if (user == nullptr) return Bad("token.user is missing or not an object");
  const value::Value* user_id = user->Find("id");
  if (user_id == nullptr || !user_id->is_string() || user_id->AsString()->empty()) {
    return Bad("token.user.id is missing or not a string");
  }
  info.user_id = *user_id->AsString();
  if (!ReadOptionalString(user, "name", &info.user_name)) return Bad("token.user.name");
  const value::Value* user_domain = FindObject(*user, "domain");
  if (!ReadOptionalString(user_domain, "id", &info.user_domain_id) ||
      !ReadOptionalString(user_domain, "name", &info.user_domain_name)) {
    return Bad("token.user.domain has a non-string id or name");
  }

  const value::Value* expires = token->Find("expires_at");
  if (expires == nullptr || !expires->is_string()) {
    return Bad("token.expires_at is missing or not a string");
  }
  Result<std::chrono::system_clock::time_point> expires_at =
      codec::ParseRfc3339(*expires->AsString());
  if (!expires_at) return Bad("token.expires_at is not an RFC 3339 timestamp");
  info.expires_at = *expires_at;

  if (const value::Value* project = token->Find("project");
      project != nullptr && !project->is_null()) {
    if (!project->is_object()) return Bad("token.project is not an object");
    KeystoneProject p;
    const value::Value* pid = project->Find("id");
    if (pid == nullptr || !pid->is_string() || pid->AsString()->empty()) {
      return Bad("token.project.id is missing or not a string");
    }
    p.id = *pid->AsString();
    const value::Value* project_domain = FindObject(*project, "domain");
    if (!ReadOptionalString(project, "name", &p.name) ||
        !ReadOptionalString(project_domain, "id", &p.domain_id) ||
        !ReadOptionalString(project_domain, "name", &p.domain_name)) {
      return Bad("token.project has a non-string name or domain");
    }
    info.project = std::move(p);
  }

  if (const value::Value* roles = token->Find("roles"); roles != nullptr && !roles->is_null()) {
    const value::Array* list = roles->AsArray();
    if (list == nullptr) return Bad("token.roles is not an array");
    for (const value::Value& role : *list) {
      const value::Value* name = role.Find("name");
      if (name == nullptr || !name->is_string()) return Bad("token.roles[] has no string name");
      info.roles.push_back(*name->AsString());
    }
  }

  const value::Value* system = token->Find("system");
  info.system_scoped = system != nullptr && !system->is_null();
  const value::Value* domain = token->Find("domain");
  info.domain_scoped = domain != nullptr && !domain->is_null();

  if (const value::Value* cred = FindObject(*token, "application_credential")) {
    KeystoneApplicationCredential ac;
    if (!ReadOptionalString(cred, "id", &ac.id) || !ReadOptionalString(cred, "name", &ac.name)) {
      return Bad("token.application_credential has a non-string id or name");
    }
    info.application_credential = std::move(ac);
  }
  return info;
}

Result<KeystoneGroupPage> ParseKeystoneGroupPage(const value::Value& body) {
  const value::Value* groups = body.Find("groups");
  if (groups == nullptr || !groups->is_array()) return Bad("groups is missing or not an array");
  KeystoneGroupPage page;
  for (const value::Value& group : *groups->AsArray()) {
    const value::Value* name = group.Find("name");
    if (name == nullptr || !name->is_string()) return Bad("groups[] has no string name");
    page.names.push_back(*name->AsString());
  }
  if (const value::Value* links = FindObject(body, "links")) {
    const value::Value* next = links->Find("next");
    if (next != nullptr && next->is_string() && !next->AsString()->empty()) {
      page.next_url = *next->AsString();
    }
  }
  return page;
}

}  // namespace gatehouse::authn
