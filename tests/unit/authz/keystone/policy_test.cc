#include "authz/keystone/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "authz/keystone/policy_errors.h"
#include "test_support.h"
#include "value/value_errors.h"

namespace gatehouse::authz::keystone {
namespace {

using test_support::kCompatDir;
using test_support::ReadFile;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;

Policy MustParse(std::string_view text) {
  Result<Policy> policy = ParseKeystonePolicy(text);
  EXPECT_TRUE(policy.has_value()) << (policy ? "" : policy.error().ToString());
  return policy ? std::move(policy).value() : Policy{};
}

Error MustFail(std::string_view text) {
  Result<Policy> policy = ParseKeystonePolicy(text);
  EXPECT_FALSE(policy.has_value()) << "accepted: " << text;
  return policy ? Error{} : policy.error();
}

Policy MustParseLeniently(std::string_view text) {
  PolicyParseOptions options;
  options.lenient = true;
  Result<Policy> policy = ParseKeystonePolicy(text, options);
  EXPECT_TRUE(policy.has_value()) << (policy ? "" : policy.error().ToString());
  return policy ? std::move(policy).value() : Policy{};
}

TEST(KeystonePolicyTest, ParsesUpstreamVersion1TestPolicy) {
  std::optional<std::string> text = ReadFile(kCompatDir + "/policy_v1.json");
  ASSERT_TRUE(text);
  Policy policy = MustParse(*text);
  ASSERT_EQ(policy.elements.size(), 20u);
  const PolicyElement& first = policy.elements[0];
  ASSERT_TRUE(first.resource);
  EXPECT_EQ(first.resource->verbs.items(), (std::vector<std::string>{"get", "list"}));
  EXPECT_EQ(first.resource->api_group, "*");
  ASSERT_EQ(first.match.size(), 2u);
  EXPECT_EQ(first.match[0].type, MatchType::kUser);
  EXPECT_EQ(first.match[1].type, MatchType::kRole);
  EXPECT_EQ(policy.elements[5].resource->api_group, "");  // core group only
  EXPECT_EQ(policy.elements[10].match[0].type, MatchType::kUnknown);
  // The unknown type and the nonresource rule without a path are reported.
  EXPECT_THAT(policy.warnings, Contains(AllOf(HasSubstr("policy[10]"), HasSubstr("unknown_type"))));
  EXPECT_THAT(policy.warnings, Contains(AllOf(HasSubstr("policy[15]"), HasSubstr("path"))));
}

TEST(KeystonePolicyTest, ParsesUpstreamVersion2TestPolicyAndPrecompilesKeys) {
  std::optional<std::string> text = ReadFile(kCompatDir + "/policy_v2.json");
  ASSERT_TRUE(text);
  Policy policy = MustParse(*text);
  ASSERT_EQ(policy.elements.size(), 4u);
  EXPECT_TRUE(policy.warnings.empty()) << policy.warnings.front();
  const PolicyElement& developer = policy.elements[0];
  ASSERT_TRUE(developer.users);
  EXPECT_TRUE(developer.users->roles.Contains("developer"));
  EXPECT_TRUE(developer.users->projects.Contains("demo"));
  ASSERT_TRUE(developer.resource_permissions);
  ASSERT_EQ(developer.resource_permissions->size(), 3u);
  const ResourcePermission& not_listed = (*developer.resource_permissions)[0];
  EXPECT_TRUE(not_listed.usable);
  EXPECT_EQ(not_listed.namespace_pattern.kind, NamePattern::Kind::kNot);
  EXPECT_EQ(not_listed.namespace_pattern.text, "!kube-system");
  EXPECT_EQ(not_listed.resource_pattern.kind, NamePattern::Kind::kNotList);
  // 'podSecurityPolicies' is lower-cased before the list is parsed, then deduplicated.
  EXPECT_TRUE(not_listed.resource_pattern.items.Contains("podsecuritypolicies"));
  EXPECT_FALSE(not_listed.resource_pattern.items.Contains("podSecurityPolicies"));
  EXPECT_EQ(not_listed.resource_pattern.items.items().size(), 6u);
  EXPECT_TRUE(not_listed.any_verb);
  const PolicyElement& admin = policy.elements[2];
  ASSERT_TRUE(admin.nonresource_permissions);
  ASSERT_EQ(admin.nonresource_permissions->size(), 1u);
  EXPECT_EQ((*admin.nonresource_permissions)[0].path, "/healthz");
}

TEST(KeystonePolicyTest, NullAndEmptyListGiveAnEmptyPolicy) {
  EXPECT_TRUE(MustParse("null").empty());
  EXPECT_TRUE(MustParse("[]").empty());
  EXPECT_TRUE(MustParse(" [ ] \n").empty());
}

TEST(KeystonePolicyTest, InvalidJsonKeepsTheJsonErrorCode) {
  EXPECT_EQ(MustFail("[{").code, value::ValueError::kInvalidJson);
  EXPECT_EQ(MustFail("").code, value::ValueError::kInvalidJson);
}

TEST(KeystonePolicyTest, SizeLimitIsEnforced) {
  PolicyParseOptions options;
  options.limits.max_bytes = 16;
  Result<Policy> policy = ParseKeystonePolicy(R"([{"resource_permissions": {}}])", options);
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code, value::ValueError::kJsonTooLarge);
}

struct TypeErrorCase {
  const char* text;
  const char* path;  // expected in the message
};

TEST(KeystonePolicyTest, TypeErrorsRefuseTheWholePolicyNamingElementAndField) {
  const TypeErrorCase cases[] = {
      {R"({"a": 1})", "policy:"},
      {R"([{"resource_permissions": {"*/pods": ["get"]}}, {"resource_permissions": ["*/*"]}])",
       "policy[1].resource_permissions:"},
      {R"([{"resource": {"verbs": ["get", 7], "version": "*", "namespace": "*"}}])",
       "policy[0].resource.verbs[1]:"},
      {R"([{"resource": {"verbs": "get"}}])", "policy[0].resource.verbs:"},
      {R"([{"resource": {"version": 1}}])", "policy[0].resource.version:"},
      {R"([{"resource": []}])", "policy[0].resource:"},
      {R"([{"nonresource": {"path": ["/api"]}}])", "policy[0].nonresource.path:"},
      {R"([{"match": {"type": "user"}}])", "policy[0].match:"},
      {R"([{"match": [{"type": 1, "values": []}]}])", "policy[0].match[0].type:"},
      {R"([{"match": [{"type": "user", "values": [true]}]}])", "policy[0].match[0].values[0]:"},
      {R"([{"match": ["user"]}])", "policy[0].match[0]:"},
      {R"([{"users": {"projects": "demo"}}])", "policy[0].users[\"projects\"]:"},
      {R"([{"users": {"domains": 3}}])", "policy[0].users[\"domains\"]:"},
      {R"([{"users": ["demo"]}])", "policy[0].users:"},
      {R"([{"resource_permissions": {"*/pods": "get"}}])",
       "policy[0].resource_permissions[\"*/pods\"]:"},
      {R"([{"nonresource_permissions": {"/healthz": [1]}}])",
       "policy[0].nonresource_permissions[\"/healthz\"][0]:"},
      {R"([3])", "policy[0]:"},
      {R"([{"Resource_Permissions": 5}])", "policy[0].Resource_Permissions:"},
  };
  for (const TypeErrorCase& c : cases) {
    SCOPED_TRACE(c.text);
    Error error = MustFail(c.text);
    EXPECT_EQ(error.code, PolicyError::kInvalidPolicy);
    EXPECT_THAT(error.message, HasSubstr(c.path));
    EXPECT_THAT(error.message, HasSubstr("expected"));
  }
}

TEST(KeystonePolicyTest, FieldNamesAreCaseInsensitive) {
  Policy policy = MustParse(R"([
    {"RESOURCE": {"Verbs": ["get"], "RESOURCES": ["pods"], "Version": "*", "NameSpace": "*"},
     "Match": [{"TYPE": "role", "Values": ["r"]}]},
    {"Users": {"projects": ["p"]}, "resource_Permissions": {"*/*": ["*"]},
     "NonResource_Permissions": {"/x": ["get"]}},
    {"nonResource": {"VERBS": ["get"], "Path": "/healthz"}},
    {"re\u017Fource": {"verbs": ["get"], "resources": ["x"], "version": "*", "namespace": "*"}}
  ])");
  ASSERT_EQ(policy.elements.size(), 4u);
  ASSERT_TRUE(policy.elements[0].resource);
  EXPECT_TRUE(policy.elements[0].resource->resources.Contains("pods"));
  EXPECT_EQ(policy.elements[0].resource->namespace_name, "*");
  ASSERT_EQ(policy.elements[0].match.size(), 1u);
  EXPECT_EQ(policy.elements[0].match[0].type, MatchType::kRole);
  EXPECT_TRUE(policy.elements[1].users);
  EXPECT_TRUE(policy.elements[1].resource_permissions);
  EXPECT_TRUE(policy.elements[1].nonresource_permissions);
  ASSERT_TRUE(policy.elements[2].nonresource);
  EXPECT_EQ(policy.elements[2].nonresource->path, "/healthz");
  // Go folds U+017F (long s) onto 's'.
  EXPECT_TRUE(policy.elements[3].resource);
  EXPECT_TRUE(policy.warnings.empty()) << policy.warnings.front();
}

// Issue 10: `[{"userz": ...}]` loaded silently and the element then matched every user.
TEST(KeystonePolicyTest, MisspeltUsersKeyRefusesTheWholePolicyNamingKeyAndElement) {
  Error error = MustFail(R"([{"users": {"roles": ["admin"], "projects": ["ops"]},
                              "resource_permissions": {"*/*": ["*"]}},
                             {"userz": {"roles": ["admin"], "projects": ["demo"]},
                              "resource_permissions": {"*/secrets": ["get"]}}])");
  EXPECT_EQ(error.code, PolicyError::kInvalidPolicy);
  EXPECT_EQ(error.message,
            "policy[1]: unknown key \"userz\" (known: users, resource_permissions, "
            "nonresource_permissions, resource, nonresource, match)");
}

TEST(KeystonePolicyTest, UnknownKeysAtEveryLevelRefuseThePolicy) {
  const TypeErrorCase cases[] = {
      {R"([{"userz": {"projects": ["demo"]}, "resource_permissions": {"*/secrets": ["get"]}}])",
       "policy[0]: unknown key \"userz\" (known: users, "},
      {R"([{"resource": {"verb": ["get"], "resources": ["pods"], "version": "*",
                         "namespace": "*"}}])",
       "policy[0].resource: unknown key \"verb\" (known: verbs, resources, version, namespace)"},
      {R"([{"nonresource": {"verbs": ["get"], "paths": "/healthz"}}])",
       "policy[0].nonresource: unknown key \"paths\" (known: verbs, path)"},
      {R"([{"match": [{"type": "user", "values": ["a"]}]},
           {"match": [{"type": "user", "values": ["a"]}, {"type": "role", "typo": 1}]}])",
       "policy[1].match[1]: unknown key \"typo\" (known: type, values)"},
      {R"([{"users": {"roles": ["r"], "project": ["demo"]}}])",
       "policy[0].users: unknown key \"project\" (known: roles, projects"},
      // Map keys are exact (a Go map), unlike field names.
      {R"([{"users": {"Projects": ["p"]}}])", "policy[0].users: unknown key \"Projects\""},
      {R"([{"comment": "who may read pods", "resource_permissions": {}}])",
       "policy[0]: unknown key \"comment\""},
  };
  for (const TypeErrorCase& c : cases) {
    SCOPED_TRACE(c.text);
    Error error = MustFail(c.text);
    EXPECT_EQ(error.code, PolicyError::kInvalidPolicy);
    EXPECT_THAT(error.message, HasSubstr(c.path));
  }
}

TEST(KeystonePolicyTest, LenientReadingIgnoresUnknownKeysNamingEachInAWarning) {
  Policy policy = MustParseLeniently(R"([
    {"userz": {"roles": ["admin"], "projects": ["demo"]},
     "resource_permissions": {"*/secrets": ["get"]}},
    {"resource": {"verb": ["get"], "verbs": ["list"], "resources": ["pods"], "version": "*",
                  "namespace": "*"},
     "match": [{"type": "role", "values": ["r"], "typo": {"x": [1]}}],
     "users": {"roles": ["r"], "project": ["p"], "projects": ["p"]}}
  ])");
  ASSERT_EQ(policy.elements.size(), 2u);
  // The reference's reading, for whoever needs it: the first element applies to everyone.
  EXPECT_FALSE(policy.elements[0].users);
  EXPECT_TRUE(policy.elements[0].resource_permissions);
  ASSERT_TRUE(policy.elements[1].resource);
  EXPECT_EQ(policy.elements[1].resource->verbs.items(), (std::vector<std::string>{"list"}));
  EXPECT_TRUE(policy.elements[1].users->projects.Contains("p"));
  EXPECT_THAT(policy.warnings,
              Contains(AllOf(HasSubstr("policy[0]: unknown key \"userz\" is ignored"),
                             HasSubstr("known: users"))));
  EXPECT_THAT(policy.warnings, Contains(HasSubstr("policy[1].resource: unknown key \"verb\"")));
  EXPECT_THAT(policy.warnings, Contains(HasSubstr("policy[1].match[0]: unknown key \"typo\"")));
  EXPECT_THAT(policy.warnings, Contains(HasSubstr("policy[1].users: unknown key \"project\"")));
  EXPECT_EQ(policy.warnings.size(), 4u);
}

TEST(KeystonePolicyTest, LenientReadingStillRefusesTypeErrors) {
  PolicyParseOptions options;
  options.lenient = true;
  Result<Policy> policy =
      ParseKeystonePolicy(R"([{"comment": 1, "resource_permissions": ["*/*"]}])", options);
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code, PolicyError::kInvalidPolicy);
  EXPECT_THAT(policy.error().message, HasSubstr("policy[0].resource_permissions: expected"));
}

TEST(KeystonePolicyTest, MapKeysInsideUsersAreExact) {
  Policy policy = MustParseLeniently(R"([{"users": {"Projects": ["p"], "ROLES": ["r"]}}])");
  ASSERT_TRUE(policy.elements[0].users);
  EXPECT_TRUE(policy.elements[0].users->projects.empty());
  EXPECT_TRUE(policy.elements[0].users->roles.empty());
  EXPECT_THAT(policy.warnings, Contains(HasSubstr("policy[0].users lists no projects")));
}

TEST(KeystonePolicyTest, NullMeansAbsent) {
  Policy policy = MustParse(R"([{"resource_permissions": null, "users": null,
      "resource": {"verbs": ["get"], "resources": ["pods"], "version": "*", "namespace": null}},
      null])");
  ASSERT_EQ(policy.elements.size(), 2u);
  const PolicyElement& element = policy.elements[0];
  EXPECT_FALSE(element.resource_permissions);
  EXPECT_FALSE(element.users);
  ASSERT_TRUE(element.resource);
  EXPECT_FALSE(element.resource->namespace_name);
  EXPECT_TRUE(policy.elements[1].is_null);
  EXPECT_THAT(policy.warnings,
              Contains(AllOf(HasSubstr("policy[0].resource"), HasSubstr("\"namespace\""))));
  EXPECT_THAT(policy.warnings, Contains(AllOf(HasSubstr("policy[1]"), HasSubstr("null"))));
}

TEST(KeystonePolicyTest, RepeatedFieldsDecodeLikeGo) {
  // Go decodes into the struct an earlier key built (merge) and replaces lists; a later null
  // resets a pointer field.
  Policy policy = MustParse(R"([
    {"resource": {"verbs": ["get"], "version": "*"}, "Resource": {"namespace": "*"}},
    {"resource": {"verbs": ["get"]}, "RESOURCE": null},
    {"resource_permissions": {"a/b": ["get"]}, "Resource_permissions": {"c/d": ["list"]}}
  ])");
  ASSERT_TRUE(policy.elements[0].resource);
  EXPECT_EQ(policy.elements[0].resource->api_group, "*");
  EXPECT_EQ(policy.elements[0].resource->namespace_name, "*");
  EXPECT_TRUE(policy.elements[0].resource->verbs.Contains("get"));
  EXPECT_FALSE(policy.elements[1].resource);
  ASSERT_TRUE(policy.elements[2].resource_permissions);
  EXPECT_EQ(policy.elements[2].resource_permissions->size(), 2u);
}

TEST(KeystonePolicyTest, MissingVersionIsWarnedUnlessShadowedByVersion2) {
  Policy warned = MustParse(R"([{"resource": {"verbs": ["*"], "resources": ["*"]}}])");
  EXPECT_THAT(warned.warnings,
              Contains(AllOf(HasSubstr("policy[0].resource"), HasSubstr("\"version\""))));
  Policy shadowed =
      MustParse(R"([{"resource": {"verbs": ["*"]}, "resource_permissions": {"*/pods": ["get"]}}])");
  EXPECT_TRUE(shadowed.warnings.empty());
}

TEST(KeystonePolicyTest, Version2KeysAreSplitTrimmedAndLowerCased) {
  Policy policy = MustParse(R"([{"users": {"projects": ["p"]}, "resource_permissions": {
      " Default \t/ PODS ": ["GET", "List"],
      "ns/pods/exec": ["*"],
      "nopods": ["*"],
      "['A', 'b']/!['X']": ["get"],
      "[a]/*": ["get"],
      "!*/!": ["get"],
      "ns*/pods": ["get"],
      "\u00a0kube-system\u3000/\u212Aeys": ["get"]
  }}])");
  const std::vector<ResourcePermission>& keys = *policy.elements[0].resource_permissions;
  ASSERT_EQ(keys.size(), 8u);
  EXPECT_TRUE(keys[0].usable);
  EXPECT_EQ(keys[0].namespace_pattern.text, "default");
  EXPECT_EQ(keys[0].namespace_pattern.kind, NamePattern::Kind::kLiteral);
  EXPECT_EQ(keys[0].resource_pattern.text, "pods");
  EXPECT_EQ(keys[0].verbs.items(), (std::vector<std::string>{"get", "list"}));
  EXPECT_FALSE(keys[1].usable);
  EXPECT_FALSE(keys[2].usable);
  EXPECT_EQ(keys[3].namespace_pattern.kind, NamePattern::Kind::kList);
  EXPECT_EQ(keys[3].namespace_pattern.items.items(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(keys[3].resource_pattern.kind, NamePattern::Kind::kNotList);
  EXPECT_TRUE(keys[3].resource_pattern.items.Contains("x"));
  EXPECT_EQ(keys[4].namespace_pattern.kind, NamePattern::Kind::kInvalid);  // [a] is not JSON
  EXPECT_EQ(keys[4].resource_pattern.kind, NamePattern::Kind::kAny);
  EXPECT_EQ(keys[5].namespace_pattern.kind, NamePattern::Kind::kNotAny);
  EXPECT_EQ(keys[5].resource_pattern.kind, NamePattern::Kind::kNot);
  EXPECT_EQ(keys[6].namespace_pattern.kind, NamePattern::Kind::kLiteral);
  // Go's TrimSpace trims Unicode spaces; ToLower maps the Kelvin sign to 'k'.
  EXPECT_EQ(keys[7].namespace_pattern.text, "kube-system");
  EXPECT_EQ(keys[7].resource_pattern.text, "keys");
  EXPECT_THAT(policy.warnings, Contains(HasSubstr("\"ns/pods/exec\" is ignored")));
  EXPECT_THAT(policy.warnings, Contains(HasSubstr("\"nopods\" is ignored")));
  EXPECT_THAT(policy.warnings, Contains(HasSubstr("\"[a]\" is not a list")));
}

TEST(KeystonePolicyTest, StringSetJoinedLookupMatchesConcatenation) {
  StringSet set({"pods", "pods/*", "pods/exec", "pods/log", "podsx/y", "a/b/c", "*"});
  EXPECT_TRUE(set.ContainsJoined("pods", "exec"));
  EXPECT_TRUE(set.ContainsJoined("pods", "*"));
  EXPECT_TRUE(set.ContainsJoined("podsx", "y"));
  EXPECT_TRUE(set.ContainsJoined("a", "b/c"));
  EXPECT_TRUE(set.ContainsJoined("a/b", "c"));
  EXPECT_FALSE(set.ContainsJoined("pods", "attach"));
  EXPECT_FALSE(set.ContainsJoined("pod", "s/exec"));  // "pod/s/exec" is not "pods/exec"
  EXPECT_FALSE(set.ContainsJoined("", "pods"));
  EXPECT_FALSE(set.ContainsJoined("pods", ""));
  EXPECT_TRUE(set.Contains("*"));
  EXPECT_FALSE(set.Contains(""));
}

}  // namespace
}  // namespace gatehouse::authz::keystone
