#include "authn/keystone/sync_config.h"

#include <algorithm>
#include <string>
#include <utility>

#include "authn/keystone/keystone_errors.h"
#include "value/yaml.h"

namespace gatehouse::authn {
namespace {

constexpr std::string_view kDataTypes[] = {"projects", "role_assignments"};

Error Invalid(std::string message) {
  return MakeError(KeystoneError::kInvalidSyncConfig, std::move(message));
}

// yaml.v2 (used by the reference) decodes any scalar into a string field by its text; we accept
// strings, integers and booleans, which covers role or project names written unquoted.
bool ScalarToString(const value::Value& v, std::string* out) {
  if (const std::string* s = v.AsString()) {
    *out = *s;
    return true;
  }
  if (v.kind() == value::Kind::kInt) {
    *out = std::to_string(*v.AsInt());
    return true;
  }
  if (std::optional<bool> b = v.AsBool()) {
    *out = *b ? "true" : "false";
    return true;
  }
  return false;
}

Status ReadString(const value::Value& v, std::string_view key, std::string* out) {
  if (v.is_null()) return Ok();
  if (!ScalarToString(v, out)) return Invalid(std::string(key) + " must be a string");
  return Ok();
}

Status ReadStringList(const value::Value& v, std::string_view key, std::vector<std::string>* out) {
  if (v.is_null()) return Ok();
  const value::Array* items = v.AsArray();
  if (items == nullptr) return Invalid(std::string(key) + " must be a list of strings");
  out->clear();
  for (const value::Value& item : *items) {
    std::string s;
    if (!ScalarToString(item, &s)) return Invalid(std::string(key) + " must be a list of strings");
    out->push_back(std::move(s));
  }
  return Ok();
}

// A key the reference ignores: an error naming it, or (lenient) remembered for a warning. A
// misspelt key must not pass silently: `role-mapping:` would drop every mapping.
Status UnknownKey(std::string where, std::string_view key, std::string_view known,
                  const KeystoneSyncConfigOptions& options, KeystoneSyncConfig& config) {
  if (!options.lenient) {
    return Invalid(where + ": unknown key \"" + std::string(key) +
                   "\" (known: " + std::string(known) + ")");
  }
  config.unknown_keys.push_back(where == "sync config" ? std::string(key)
                                                       : where + "." + std::string(key));
  return Ok();
}

Status ReadRoleMappings(const value::Value& v, const KeystoneSyncConfigOptions& options,
                        KeystoneSyncConfig& config) {
  std::vector<KeystoneRoleMapping>* out = &config.role_mappings;
  if (v.is_null()) return Ok();
  const value::Array* items = v.AsArray();
  if (items == nullptr) return Invalid("role-mappings must be a list");
  out->clear();
  for (std::size_t i = 0; i < items->size(); ++i) {
    const value::Object* fields = (*items)[i].AsObject();
    if (fields == nullptr) return Invalid("role-mappings entries must be mappings");
    KeystoneRoleMapping mapping;
    for (const value::Member& field : *fields) {
      Status s = Ok();
      if (field.key == "keystone-role") {
        s = ReadString(field.value, "role-mappings[].keystone-role", &mapping.keystone_role);
      } else if (field.key == "username") {
        s = ReadString(field.value, "role-mappings[].username", &mapping.username);
      } else if (field.key == "groups") {
        s = ReadStringList(field.value, "role-mappings[].groups", &mapping.groups);
      } else {
        s = UnknownKey("role-mappings[" + std::to_string(i) + "]", field.key,
                       "keystone-role, username, groups", options, config);
      }
      if (!s) return s;
    }
    out->push_back(std::move(mapping));
  }
  return Ok();
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9]$ without a regex engine.
bool IsValidNamespaceLikeName(std::string_view name) {
  if (name.size() < 2 || !IsAlnum(name.front()) || !IsAlnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '-'; });
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

}  // namespace

Status KeystoneSyncConfig::Validate() const {
  if (!namespace_format.empty() && namespace_format.find("%i") == std::string::npos) {
    return Invalid("format string should comprise a %i substring (keystone project id)");
  }
  std::string test_name = ReplaceAll(namespace_format, "%i", "aa");
  test_name = ReplaceAll(std::move(test_name), "%n", "aa");
  test_name = ReplaceAll(std::move(test_name), "%d", "aa");
  if (!IsValidNamespaceLikeName(test_name)) {
    return Invalid(
        "namespace name must consist of alphanumeric characters, '-', '_' or '.', and must start "
        "and end with an alphanumeric character");
  }
  for (const std::string& type : data_types_to_sync) {
    if (std::find(std::begin(kDataTypes), std::end(kDataTypes), type) == std::end(kDataTypes)) {
      return Invalid("unsupported data type to sync: " + type +
                     ". Available values: projects,role_assignments");
    }
  }
  return Ok();
}

Result<KeystoneSyncConfig> KeystoneSyncConfigFromValue(const value::Value& doc,
                                                       const KeystoneSyncConfigOptions& options) {
  KeystoneSyncConfig config;
  if (doc.is_null()) return config;
  const value::Object* fields = doc.AsObject();
  if (fields == nullptr) return Invalid("sync config must be a YAML mapping");
  for (const value::Member& field : *fields) {
    Status s = Ok();
    if (field.key == "data-types-to-sync") {
      s = ReadStringList(field.value, field.key, &config.data_types_to_sync);
    } else if (field.key == "namespace-format") {
      s = ReadString(field.value, field.key, &config.namespace_format);
    } else if (field.key == "projects-blacklist") {
      s = ReadStringList(field.value, field.key, &config.projects_blacklist);
    } else if (field.key == "projects-name-blacklist") {
      s = ReadStringList(field.value, field.key, &config.projects_name_blacklist);
    } else if (field.key == "role-mappings") {
      s = ReadRoleMappings(field.value, options, config);
    } else {
      s = UnknownKey("sync config", field.key,
                     "data-types-to-sync, namespace-format, projects-blacklist, "
                     "projects-name-blacklist, role-mappings",
                     options, config);
    }
    if (!s) return s.error();
  }
  return config;
}

Result<KeystoneSyncConfig> ParseKeystoneSyncConfig(std::string_view yaml) {
  return ParseKeystoneSyncConfig(yaml, KeystoneSyncConfigOptions());
}

Result<KeystoneSyncConfig> ParseKeystoneSyncConfig(std::string_view yaml,
                                                   const KeystoneSyncConfigOptions& options) {
  Result<value::Value> doc = value::ParseYaml(yaml);
  if (!doc) return doc.error();
  return KeystoneSyncConfigFromValue(*doc, options);
}

void ApplyRoleMappings(const KeystoneSyncConfig& config, const std::vector<std::string>& roles,
                       k8s::UserInfo& user) {
  for (const KeystoneRoleMapping& mapping : config.role_mappings) {
    if (mapping.keystone_role.empty() ||
        std::find(roles.begin(), roles.end(), mapping.keystone_role) == roles.end()) {
      continue;
    }
    user.groups.insert(user.groups.end(), mapping.groups.begin(), mapping.groups.end());
    if (!mapping.username.empty()) user.username = mapping.username;
  }
}

std::string FormatKeystoneNamespaceName(const KeystoneSyncConfig& config,
                                        std::string_view project_id, std::string_view project_name,
                                        std::string_view domain_id) {
  std::string name = ReplaceAll(config.namespace_format, "%i", project_id);
  name = ReplaceAll(std::move(name), "%n", project_name);
  name = ReplaceAll(std::move(name), "%d", domain_id);
  if (name.size() > 63) return std::string(project_id);
  return name;
}

}  // namespace gatehouse::authn
