#include "authn/keystone/sync_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "authn/keystone/keystone_errors.h"
#include "authn/keystone/user_info_builder.h"

namespace gatehouse::authn {
namespace {

using Strings = std::vector<std::string>;

// Equivalent of upstream pkg/identity/keystone/sync_test.yaml.
constexpr char kSyncTestYaml[] = R"(
data-types-to-sync:
  - projects
  - role_assignments
namespace-format: "prefix-%d-%n-%i-suffix"
projects-blacklist:
  - id1
  - id2
projects-name-blacklist:
  - name1
  - name2
role-mappings:
  - keystone-role: _member_
    username: myuser
    groups: ["mygroup"]
)";

constexpr char kFormatMessage[] =
    "format string should comprise a %i substring (keystone project id)";
constexpr char kRegexMessage[] =
    "namespace name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character";

std::string ValidationMessage(const KeystoneSyncConfig& config) {
  Status s = config.Validate();
  if (s) return "";
  EXPECT_EQ(s.error().code, KeystoneError::kInvalidSyncConfig);
  return s.error().message;
}

TEST(KeystoneSyncConfigTest, SyncConfigFromFile) {
  Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(kSyncTestYaml);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->namespace_format, "prefix-%d-%n-%i-suffix");
  EXPECT_EQ(config->projects_blacklist, (Strings{"id1", "id2"}));
  EXPECT_EQ(config->projects_name_blacklist, (Strings{"name1", "name2"}));
  EXPECT_EQ(config->data_types_to_sync, (Strings{"projects", "role_assignments"}));
  ASSERT_EQ(config->role_mappings.size(), 1u);
  EXPECT_EQ(config->role_mappings[0].keystone_role, "_member_");
  EXPECT_EQ(config->role_mappings[0].username, "myuser");
  EXPECT_EQ(config->role_mappings[0].groups, (Strings{"mygroup"}));
  EXPECT_TRUE(config->unknown_keys.empty());
  EXPECT_TRUE(config->Validate().has_value());
}

TEST(KeystoneSyncConfigTest, DefaultsForEmptyDocumentAndNullKeys) {
  for (const char* text : {"", "namespace-format: null\nrole-mappings: ~\n"}) {
    Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(text);
    ASSERT_TRUE(config.has_value()) << text;
    EXPECT_EQ(config->namespace_format, "%i");
    EXPECT_TRUE(config->data_types_to_sync.empty());
    EXPECT_TRUE(config->role_mappings.empty());
    EXPECT_TRUE(config->Validate().has_value());
  }
}

// Issue 10: a misspelt key (here `role-mapping`) used to drop every role mapping silently.
TEST(KeystoneSyncConfigTest, UnknownKeysAreErrorsNamingTheKey) {
  Result<KeystoneSyncConfig> config =
      ParseKeystoneSyncConfig("namespace-format: \"%i\"\nrole-mapping: []\nfoo: 1\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, KeystoneError::kInvalidSyncConfig);
  EXPECT_EQ(config.error().message,
            "sync config: unknown key \"role-mapping\" (known: data-types-to-sync, "
            "namespace-format, projects-blacklist, projects-name-blacklist, role-mappings)");

  Result<KeystoneSyncConfig> nested = ParseKeystoneSyncConfig(
      "role-mappings:\n  - keystone-role: admin\n    groups: [a]\n"
      "  - keystone-role: member\n    grups: [b]\n");
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error().code, KeystoneError::kInvalidSyncConfig);
  EXPECT_EQ(nested.error().message,
            "role-mappings[1]: unknown key \"grups\" (known: keystone-role, username, groups)");

  // Keys are exact, as in yaml.v2.
  Result<KeystoneSyncConfig> cased = ParseKeystoneSyncConfig("Role-Mappings: []\n");
  ASSERT_FALSE(cased.has_value());
  EXPECT_NE(cased.error().message.find("\"Role-Mappings\""), std::string::npos);
}

TEST(KeystoneSyncConfigTest, LenientReadingListsUnknownKeys) {
  KeystoneSyncConfigOptions lenient;
  lenient.lenient = true;
  Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(
      "namespace-format: \"%i\"\nrole-mapping: []\nfoo: 1\n"
      "role-mappings:\n  - keystone-role: member\n    grups: [b]\n",
      lenient);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->unknown_keys, (Strings{"role-mapping", "foo", "role-mappings[0].grups"}));
  ASSERT_EQ(config->role_mappings.size(), 1u);
  EXPECT_TRUE(config->role_mappings[0].groups.empty());
}

TEST(KeystoneSyncConfigTest, WrongTypesAreErrorsNamingTheKey) {
  struct Case {
    const char* yaml;
    const char* key;
  } cases[] = {
      {"- a\n- b\n", "mapping"},
      {"data-types-to-sync: projects\n", "data-types-to-sync"},
      {"namespace-format: [a]\n", "namespace-format"},
      {"projects-blacklist: {a: b}\n", "projects-blacklist"},
      {"projects-name-blacklist: [[a]]\n", "projects-name-blacklist"},
      {"role-mappings: {a: b}\n", "role-mappings"},
      {"role-mappings: [a]\n", "role-mappings"},
      {"role-mappings:\n  - groups: g\n", "groups"},
  };
  for (const Case& c : cases) {
    Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(c.yaml);
    ASSERT_FALSE(config.has_value()) << c.yaml;
    EXPECT_EQ(config.error().code, KeystoneError::kInvalidSyncConfig) << c.yaml;
    EXPECT_NE(config.error().message.find(c.key), std::string::npos) << config.error().message;
  }
}

TEST(KeystoneSyncConfigTest, UnquotedNumbersAreReadAsStrings) {
  Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(
      "projects-blacklist: [123, abc]\nrole-mappings:\n"
      "  - keystone-role: 42\n    groups: [7]\n");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->projects_blacklist, (Strings{"123", "abc"}));
  EXPECT_EQ(config->role_mappings[0].keystone_role, "42");
  EXPECT_EQ(config->role_mappings[0].groups, (Strings{"7"}));
}

TEST(KeystoneSyncConfigTest, SyncConfigValidation) {
  KeystoneSyncConfig config;
  EXPECT_EQ(ValidationMessage(config), "");

  config.namespace_format = "%i!@#$";
  EXPECT_EQ(ValidationMessage(config), kRegexMessage);
  config.namespace_format = "-%i";
  EXPECT_EQ(ValidationMessage(config), kRegexMessage);
  config.namespace_format = "%n";
  EXPECT_EQ(ValidationMessage(config), kFormatMessage);
  config.namespace_format = "%i-%n-%d";
  EXPECT_EQ(ValidationMessage(config), "");
  config.namespace_format = "a_b.%i";
  EXPECT_EQ(ValidationMessage(config), "");
  // Empty skips the %i check but fails the name check (empty is not a name).
  config.namespace_format = "";
  EXPECT_EQ(ValidationMessage(config), kRegexMessage);

  config.namespace_format = "%i";
  config.data_types_to_sync = {"projects", "not_allowed_type"};
  EXPECT_EQ(ValidationMessage(config),
            "unsupported data type to sync: not_allowed_type. Available values: "
            "projects,role_assignments");
}

TEST(KeystoneSyncConfigTest, FormatCheckComesBeforeDataTypes) {
  KeystoneSyncConfig config;
  config.namespace_format = "%n";
  config.data_types_to_sync = {"bogus"};
  EXPECT_EQ(ValidationMessage(config), kFormatMessage);
}

k8s::UserInfo FakeUser() {
  k8s::UserInfo user;
  user.username = "fake-user";
  user.uid = "b4db78f0-4dd7-41cf-8475-203c34230dc0";
  user.groups = {user.uid};
  user.extra = k8s::Extra{{kKeystoneExtraRoles, {"_member_", "kube_viewer"}}};
  return user;
}

TEST(KeystoneRoleMappingsTest, SyncRoles) {
  Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(kSyncTestYaml);
  ASSERT_TRUE(config.has_value());
  k8s::UserInfo user = FakeUser();
  ApplyRoleMappings(*config, *user.FindExtra(kKeystoneExtraRoles), user);
  EXPECT_EQ(user.username, "myuser");
  EXPECT_EQ(user.groups, (Strings{"b4db78f0-4dd7-41cf-8475-203c34230dc0", "mygroup"}));
}

TEST(KeystoneRoleMappingsTest, EmptyMappingsLeaveUserUnchanged) {
  KeystoneSyncConfig config;
  k8s::UserInfo user = FakeUser();
  ApplyRoleMappings(config, {"_member_"}, user);
  EXPECT_EQ(user.username, "fake-user");
  EXPECT_EQ(user.groups, (Strings{"b4db78f0-4dd7-41cf-8475-203c34230dc0"}));
}

TEST(KeystoneRoleMappingsTest, OrderLastUsernameWinsNoDedupEmptyRoleNeverMatches) {
  KeystoneSyncConfig config;
  config.role_mappings = {
      {"member", "first", {"g1", "g2"}},
      {"absent", "never", {"gx"}},
      {"", "empty-role", {"ge"}},
      {"reader", "", {"g1"}},
      {"member", "last", {}},
  };
  k8s::UserInfo user;
  user.username = "demo";
  user.groups = {"mygroup", "PID"};
  ApplyRoleMappings(config, {"reader", "member"}, user);
  EXPECT_EQ(user.username, "last");
  EXPECT_EQ(user.groups, (Strings{"mygroup", "PID", "g1", "g2", "g1"}));
}

TEST(KeystoneRoleMappingsTest, H13MappingAppendsAfterProjectId) {
  Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(
      "role-mappings:\n  - keystone-role: member\n    username: myuser\n    groups: [g]\n");
  ASSERT_TRUE(config.has_value());
  KeystoneTokenInfo info;
  info.user_name = "demo";
  info.user_id = "uid";
  info.project = KeystoneProject{"PID", "demo", "default", "Default"};
  info.roles = {"reader", "member"};
  k8s::UserInfo user = BuildKeystoneUserInfo(info, {"mygroup"});
  ApplyRoleMappings(*config, info.roles, user);
  EXPECT_EQ(user.username, "myuser");
  EXPECT_EQ(user.groups, (Strings{"mygroup", "PID", "g"}));
}

TEST(KeystoneSyncConfigTest, FormatNamespaceName) {
  Result<KeystoneSyncConfig> config = ParseKeystoneSyncConfig(kSyncTestYaml);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(FormatKeystoneNamespaceName(*config, "pid", "pname", "dom"),
            "prefix-dom-pname-pid-suffix");
  const std::string long_name(60, 'n');
  EXPECT_EQ(FormatKeystoneNamespaceName(*config, "pid", long_name, "dom"), "pid");
}

}  // namespace
}  // namespace gatehouse::authn
