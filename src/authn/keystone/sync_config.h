// The k8s-keystone-auth "sync config": role mappings and namespace/RBAC sync settings (SPEC §5).
//
// ParseKeystoneSyncConfig() reads the YAML (file or ConfigMap key `syncConfig`) over the
// reference defaults. Divergence from the reference, on purpose: a key it does not know (at the
// top or in a role mapping; keys are exact, as in yaml.v2) is an error naming it, where the
// reference ignores it, so a misspelt `role-mappings` cannot silently drop every mapping;
// KeystoneSyncConfigOptions::lenient keeps the reference's reading. Validate() applies the
// reference start-up checks in the same order and with the same messages; ApplyRoleMappings()
// rewrites a successful identity (§5.3). The struct is plain data, shared read-only between
// requests (publish it as shared_ptr<const>). All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "k8s/user_info.h"
#include "value/value.h"

namespace gatehouse::authn {

struct KeystoneRoleMapping {
  std::string keystone_role;        // "keystone-role"; "" never matches
  std::string username;             // "" keeps the username
  std::vector<std::string> groups;  // appended to the groups, no de-duplication
};

struct KeystoneSyncConfig {
  std::vector<std::string> data_types_to_sync;  // "data-types-to-sync", default []
  std::string namespace_format = "%i";          // %i project id, %n project name, %d domain id
  std::vector<std::string> projects_blacklist;
  std::vector<std::string> projects_name_blacklist;
  std::vector<KeystoneRoleMapping> role_mappings;
  // Lenient reading only: the keys ignored (`foo`, `role-mappings[1].grups`), so the caller can
  // warn about typos.
  std::vector<std::string> unknown_keys;

  // The reference `validate()`, first failure wins, error code "invalid_sync_config":
  // 1. non-empty namespace-format without "%i" → "format string should comprise a %i substring
  //    (keystone project id)";
  // 2. format with %i/%n/%d replaced by "aa" not a namespace-like name → "namespace name must
  //    consist of alphanumeric characters, '-', '_' or '.', and must start and end with an
  //    alphanumeric character";
  // 3. a data type not in {projects, role_assignments} → "unsupported data type to sync: <dt>.
  //    Available values: projects,role_assignments".
  Status Validate() const;
};

struct KeystoneSyncConfigOptions {
  // The reference's reading: unknown keys are ignored and listed in `unknown_keys`. Off, an
  // unknown key is an "invalid_sync_config" error.
  bool lenient = false;
};

// Reads the YAML text; an empty document gives the defaults, keys set to null keep them.
// Errors: those of value::ParseYaml, and "invalid_sync_config" when the document is not a
// mapping, a known key has the wrong type, or (unless lenient) a key is unknown — the message
// names the key, e.g. `sync config: unknown key "role-mapping" (known: data-types-to-sync, ...)`.
Result<KeystoneSyncConfig> ParseKeystoneSyncConfig(std::string_view yaml);
Result<KeystoneSyncConfig> ParseKeystoneSyncConfig(std::string_view yaml,
                                                   const KeystoneSyncConfigOptions& options);
// Same, from an already parsed document.
Result<KeystoneSyncConfig> KeystoneSyncConfigFromValue(const value::Value& doc,
                                                       const KeystoneSyncConfigOptions& options);

// For each mapping in order whose keystone-role is among `roles`: appends its groups and, when
// its username is non-empty, replaces the username (so the last matching mapping wins).
void ApplyRoleMappings(const KeystoneSyncConfig& config, const std::vector<std::string>& roles,
                       k8s::UserInfo& user);

// The reference formatNamespaceName(): placeholders replaced; a result longer than 63
// characters falls back to the project id alone.
std::string FormatKeystoneNamespaceName(const KeystoneSyncConfig& config,
                                        std::string_view project_id, std::string_view project_name,
                                        std::string_view domain_id);

}  // namespace gatehouse::authn
