#include "authz/keystone/authorizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "test_support.h"

namespace gatehouse::authz::keystone {
namespace {

using test_support::KeystoneUser;
using test_support::NonResourceRequest;
using test_support::ResourceRequest;
using ::testing::HasSubstr;
using Kind = k8s::Decision::Kind;

Policy MustParse(std::string_view text) {
  Result<Policy> policy = ParseKeystonePolicy(text);
  EXPECT_TRUE(policy.has_value()) << (policy ? "" : policy.error().ToString());
  return policy ? std::move(policy).value() : Policy{};
}

bool Allowed(const Policy& policy, const k8s::UserInfo& user, const k8s::AccessAttributes& attrs) {
  return AuthorizeKeystone(policy, user, attrs).kind == Kind::kAllow;
}

// ---- Upstream vectors ------------------------------------------------------------------------

TEST(KeystoneAuthorizerVectorsTest, EveryUpstreamVectorGivesTheReferenceAnswer) {
  std::string load_error;
  const std::vector<test_support::VectorCase> cases = test_support::LoadUpstreamVectors(load_error);
  ASSERT_TRUE(load_error.empty()) << load_error;
  ASSERT_FALSE(cases.empty());

  std::size_t checked = 0;
  std::size_t allows = 0;
  std::vector<std::string> failures;
  std::string last_policy_text;
  Policy policy;
  for (const test_support::VectorCase& c : cases) {
    if (c.policy_json != last_policy_text || checked == 0) {
      Result<Policy> parsed = ParseKeystonePolicy(c.policy_json);
      if (!parsed) {
        failures.push_back(c.id + " (" + c.suite +
                           "): policy refused: " + parsed.error().ToString());
        continue;
      }
      policy = std::move(parsed).value();
      last_policy_text = c.policy_json;
    }
    ++checked;
    const bool want_allow = c.expect == "allow";
    if (!want_allow && c.expect != "deny" && c.expect != "panic") {
      failures.push_back(c.id + ": unknown expectation " + c.expect);
      continue;
    }
    const k8s::Decision by_default = AuthorizeKeystone(policy, c.user, c.attributes);
    KeystoneAuthorizeOptions strict;
    strict.deny_on_no_match = true;
    const k8s::Decision denying = AuthorizeKeystone(policy, c.user, c.attributes, strict);
    const Kind want_default = want_allow ? Kind::kAllow : Kind::kNoOpinion;
    const Kind want_strict = want_allow ? Kind::kAllow : Kind::kDeny;
    if (by_default.kind != want_default || denying.kind != want_strict) {
      failures.push_back(c.id + " (" + c.suite + "): expected " + c.expect + ", got reason \"" +
                         by_default.reason + "\"");
      continue;
    }
    if (want_allow) {
      ++allows;
      if (by_default.reason.find("policy[") == std::string::npos) {
        failures.push_back(c.id + ": allow reason does not name the element: " + by_default.reason);
      }
    } else if (by_default.reason.empty()) {
      failures.push_back(c.id + ": empty reason");
    }
  }
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
  std::cout << "[ keystone ] " << checked << " upstream vectors checked (" << allows << " allow), "
            << failures.size() << " failed\n";
  EXPECT_EQ(checked, cases.size());
  EXPECT_GE(checked, 88u);  // the vector file has 88 cases; fewer means the loader lost some
}

// ---- Request-level rules ---------------------------------------------------------------------

TEST(KeystoneAuthorizerTest, NoExtraIsNeverAllowed) {
  Policy policy = MustParse(R"([{"resource_permissions": {"*/*": ["*"]}},
                                {"resource": {"verbs": ["*"], "resources": ["*"],
                                              "version": "*", "namespace": "*"}}])");
  k8s::UserInfo user;
  user.username = "anyone";
  const k8s::Decision decision = AuthorizeKeystone(policy, user, ResourceRequest("get", "", "x"));
  EXPECT_EQ(decision.kind, Kind::kNoOpinion);
  EXPECT_EQ(decision.reason, "No auth info found.");
  KeystoneAuthorizeOptions strict;
  strict.deny_on_no_match = true;
  EXPECT_EQ(AuthorizeKeystone(policy, user, ResourceRequest("get", "", "x"), strict).kind,
            Kind::kDeny);
  // An empty but present extra is enough for elements without users/match.
  user.extra.emplace();
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("get", "", "x")));
}

TEST(KeystoneAuthorizerTest, EmptyPolicyMatchesNothing) {
  Policy policy = MustParse("[]");
  const k8s::Decision decision = AuthorizeKeystone(policy, KeystoneUser("u", {"r"}, {"p"}),
                                                   ResourceRequest("get", "default", "pods"));
  EXPECT_EQ(decision.kind, Kind::kNoOpinion);
  EXPECT_THAT(decision.reason, HasSubstr("no keystone policy"));
}

TEST(KeystoneAuthorizerTest, DenyOnNoMatchTurnsNoOpinionIntoDeny) {
  Policy policy = MustParse(R"([{"resource_permissions": {"default/pods": ["get"]}}])");
  const k8s::UserInfo user = KeystoneUser("u", {}, {});
  KeystoneAuthorizeOptions strict;
  strict.deny_on_no_match = true;
  const k8s::Decision lenient =
      AuthorizeKeystone(policy, user, ResourceRequest("list", "default", "pods"));
  const k8s::Decision denied =
      AuthorizeKeystone(policy, user, ResourceRequest("list", "default", "pods"), strict);
  EXPECT_EQ(lenient.kind, Kind::kNoOpinion);
  EXPECT_EQ(denied.kind, Kind::kDeny);
  EXPECT_EQ(denied.reason, "no keystone policy element allows this request");
  EXPECT_EQ(AuthorizeKeystone(policy, user, ResourceRequest("get", "default", "pods"), strict).kind,
            Kind::kAllow);
}

TEST(KeystoneAuthorizerTest, FirstAllowingElementIsNamedInTheReason) {
  Policy policy = MustParse(R"([
    {"resource_permissions": {"kube-system/*": ["*"]}},
    {"resource_permissions": {"default/pods": ["get"], "*/nodes": ["get"]}},
    {"resource": {"verbs": ["*"], "resources": ["*"], "version": "*", "namespace": "*"}},
    {"nonresource_permissions": {"/healthz": ["get"]}},
    {"nonresource": {"verbs": ["get"], "path": "*"}}
  ])");
  const k8s::UserInfo user = KeystoneUser("u", {}, {});
  EXPECT_EQ(AuthorizeKeystone(policy, user, ResourceRequest("get", "default", "pods")).reason,
            "allowed by keystone policy[1] resource_permissions \"default/pods\"");
  EXPECT_EQ(AuthorizeKeystone(policy, user, ResourceRequest("delete", "default", "pods")).reason,
            "allowed by keystone policy[2] resource rule");
  EXPECT_EQ(AuthorizeKeystone(policy, user, NonResourceRequest("get", "/healthz")).reason,
            "allowed by keystone policy[3] nonresource_permissions \"/healthz\"");
  EXPECT_EQ(AuthorizeKeystone(policy, user, NonResourceRequest("get", "/version")).reason,
            "allowed by keystone policy[4] nonresource rule");
}

TEST(KeystoneAuthorizerTest, NullElementIsSkipped) {
  Policy policy = MustParse(R"([null, {"resource_permissions": {"*/*": ["get"]}}])");
  EXPECT_TRUE(Allowed(policy, KeystoneUser("u", {}, {}), ResourceRequest("get", "", "nodes")));
}

TEST(KeystoneAuthorizerTest, LastRepeatedExtraKeyWins) {
  Policy policy = MustParse(R"([{"users": {"projects": ["p"]},
                                 "resource_permissions": {"*/*": ["*"]}}])");
  k8s::UserInfo user = KeystoneUser("u", {}, {"p"});
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("get", "ns", "pods")));
  user.extra->emplace_back("alpha.kubernetes.io/identity/project/name",
                           std::vector<std::string>{"q"});
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "ns", "pods")));
}

// ---- users filter (v2, usable with v1 rules) -------------------------------------------------

TEST(KeystoneAuthorizerTest, UsersNeedAllRolesAndAnyProjectByNameOrId) {
  Policy policy = MustParse(R"([{"users": {"roles": ["a", "b"], "projects": ["demo", "id-2"]},
                                 "resource_permissions": {"*/*": ["*"]}}])");
  const auto request = ResourceRequest("get", "default", "pods");
  EXPECT_TRUE(Allowed(policy, KeystoneUser("u", {"b", "a", "c"}, {"demo"}), request));
  EXPECT_TRUE(Allowed(policy, KeystoneUser("u", {"a", "b"}, {"other"}, {"id-2"}), request));
  EXPECT_FALSE(Allowed(policy, KeystoneUser("u", {"a"}, {"demo"}), request));  // roles: AND
  EXPECT_FALSE(Allowed(policy, KeystoneUser("u", {"a", "b"}, {"other"}, {"id-3"}), request));
  EXPECT_FALSE(Allowed(policy, KeystoneUser("u", {"a", "b"}, {"Demo"}), request));  // exact case
}

TEST(KeystoneAuthorizerTest, UsersWithoutProjectsNeverMatch) {
  const auto request = ResourceRequest("get", "default", "pods");
  const auto user = KeystoneUser("u", {"admin"}, {"demo"}, {"pid"});
  EXPECT_FALSE(Allowed(MustParse(R"([{"users": {"roles": ["admin"]},
                                      "resource_permissions": {"*/*": ["*"]}}])"),
                       user, request));
  EXPECT_FALSE(Allowed(MustParse(R"([{"users": {}, "resource_permissions": {"*/*": ["*"]}}])"),
                       user, request));
  EXPECT_FALSE(Allowed(MustParse(R"([{"users": {"projects": []},
                                      "resource_permissions": {"*/*": ["*"]}}])"),
                       user, request));
  // No roles required: any project member.
  EXPECT_TRUE(Allowed(MustParse(R"([{"users": {"projects": ["pid"]},
                                     "resource_permissions": {"*/*": ["*"]}}])"),
                      user, request));
  // Other keys of `users` refuse the policy; read leniently, they are ignored (as upstream).
  PolicyParseOptions lenient;
  lenient.lenient = true;
  Result<Policy> ignored =
      ParseKeystonePolicy(R"([{"users": {"projects": ["pid"], "domains": ["x"]},
                                                    "resource_permissions": {"*/*": ["*"]}}])",
                          lenient);
  ASSERT_TRUE(ignored) << ignored.error().ToString();
  EXPECT_TRUE(Allowed(*ignored, user, request));
}

TEST(KeystoneAuthorizerTest, UsersFilterAppliesToVersion1Rules) {
  Policy policy = MustParse(R"([{"users": {"projects": ["demo"]},
      "resource": {"verbs": ["get"], "resources": ["pods"], "version": "*", "namespace": "*"},
      "nonresource": {"verbs": ["get"], "path": "/metrics"}}])");
  EXPECT_TRUE(
      Allowed(policy, KeystoneUser("u", {}, {"demo"}), ResourceRequest("get", "a", "pods")));
  EXPECT_FALSE(Allowed(policy, KeystoneUser("u", {}, {"x"}), ResourceRequest("get", "a", "pods")));
  EXPECT_TRUE(
      Allowed(policy, KeystoneUser("u", {}, {"demo"}), NonResourceRequest("get", "/metrics")));
  EXPECT_FALSE(
      Allowed(policy, KeystoneUser("u", {}, {"x"}), NonResourceRequest("get", "/metrics")));
}

// ---- Version 1 -------------------------------------------------------------------------------

TEST(KeystoneAuthorizerV1Test, NonResourcePathWildcards) {
  Policy policy = MustParse(R"([
    {"nonresource": {"verbs": ["get"], "path": "/api/*"}},
    {"nonresource": {"verbs": ["get"], "path": "/log*"}},
    {"nonresource": {"verbs": ["post"], "path": "*"}},
    {"nonresource": {"verbs": ["put"], "path": "**"}},
    {"nonresource": {"verbs": ["head"], "path": "/exact"}}
  ])");
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_FALSE(Allowed(policy, user, NonResourceRequest("get", "/api")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("get", "/api/")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("get", "/api/v1/namespaces")));
  EXPECT_FALSE(Allowed(policy, user, NonResourceRequest("get", "/apis/x")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("get", "/log")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("get", "/logs")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("post", "/anything")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("put", "/anything")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("head", "/exact")));
  EXPECT_FALSE(Allowed(policy, user, NonResourceRequest("head", "/exact/")));
  EXPECT_FALSE(Allowed(policy, user, NonResourceRequest("GET", "/api/")));  // verbs exact case
}

TEST(KeystoneAuthorizerV1Test, NonResourceWithEmptyVerbOrNoPathIsSkipped) {
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_FALSE(Allowed(MustParse(R"([{"nonresource": {"verbs": ["*", ""], "path": "*"}}])"), user,
                       NonResourceRequest("get", "/x")));
  EXPECT_FALSE(Allowed(MustParse(R"([{"nonresource": {"verbs": ["*"]}}])"), user,
                       NonResourceRequest("get", "/x")));
  EXPECT_FALSE(Allowed(MustParse(R"([{"nonresource": {"path": "*"}}])"), user,
                       NonResourceRequest("get", "/x")));
}

TEST(KeystoneAuthorizerV1Test, ResourcesAndSubresources) {
  Policy policy = MustParse(R"([
    {"resource": {"verbs": ["get"], "resources": ["pods"], "version": "*", "namespace": "*"}},
    {"resource": {"verbs": ["create"], "resources": ["pods/exec"], "version": "*", "namespace": "*"}},
    {"resource": {"verbs": ["list"], "resources": ["deployments/*"], "version": "*", "namespace": "*"}},
    {"resource": {"verbs": ["watch"], "resources": ["*"], "version": "*", "namespace": "*"}},
    {"resource": {"verbs": ["delete"], "version": "*", "namespace": "*"}}
  ])");
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("get", "ns", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "ns", "pods", "log")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("create", "ns", "pods", "exec")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("create", "ns", "pods", "attach")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("create", "ns", "pods")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("list", "ns", "deployments", "scale")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("list", "ns", "deployments")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("watch", "ns", "secrets", "anything")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("delete", "ns", "pods")));  // no resources
}

TEST(KeystoneAuthorizerV1Test, NamespaceAndApiGroup) {
  Policy policy = MustParse(R"([
    {"resource": {"verbs": ["get"], "resources": ["pods"], "version": "", "namespace": "default"}},
    {"resource": {"verbs": ["list"], "resources": ["nodes"], "version": "*", "namespace": ""}},
    {"resource": {"verbs": ["watch"], "resources": ["deployments"], "version": "apps", "namespace": "*"}}
  ])");
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("get", "default", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "other", "pods")));
  EXPECT_FALSE(
      Allowed(policy, user, ResourceRequest("get", "default", "pods", "", "metrics.k8s.io")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("list", "", "nodes")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("list", "default", "nodes")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("watch", "", "deployments", "", "apps")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("watch", "x", "deployments", "", "apps")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("watch", "x", "deployments", "", "")));
}

TEST(KeystoneAuthorizerV1Test, MissingVersionOrNamespaceNeverMatchesButDoesNotCrash) {
  Policy policy = MustParse(R"([
    {"resource": {"verbs": ["*"], "resources": ["*"], "namespace": "*"},
     "nonresource": {"verbs": ["get"], "path": "/ok"}},
    {"resource": {"verbs": ["*"], "resources": ["*"], "version": "*"}},
    {"resource": {}}
  ])");
  EXPECT_EQ(policy.warnings.size(), 3u);
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "default", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "", "nodes")));
  // The element's non-resource rule is still in force.
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("get", "/ok")));
}

TEST(KeystoneAuthorizerV1Test, MatchTypesAndCombination) {
  Policy policy = MustParse(R"([
    {"resource": {"verbs": ["get"], "resources": ["a"], "version": "*", "namespace": "*"},
     "match": [{"type": "user", "values": ["alice", "uid-9"]}]},
    {"resource": {"verbs": ["get"], "resources": ["b"], "version": "*", "namespace": "*"},
     "match": [{"type": "group", "values": ["g1", "g2"]}, {"type": "role", "values": ["r"]}]},
    {"resource": {"verbs": ["get"], "resources": ["c"], "version": "*", "namespace": "*"},
     "match": [{"type": "project", "values": ["pname", "pid"]}]},
    {"resource": {"verbs": ["get"], "resources": ["d"], "version": "*", "namespace": "*"},
     "match": [{"type": "role", "values": ["*"]}, {"type": "group", "values": ["*"]}]}
  ])");
  auto alice = KeystoneUser("alice", {"r"}, {"pname"}, {}, {"g2"});
  auto bob = KeystoneUser("bob", {"x"}, {"other"}, {"pid"}, {"g3"});
  bob.uid = "uid-9";
  EXPECT_TRUE(Allowed(policy, alice, ResourceRequest("get", "n", "a")));
  EXPECT_TRUE(Allowed(policy, bob, ResourceRequest("get", "n", "a")));  // by uid
  EXPECT_TRUE(Allowed(policy, alice, ResourceRequest("get", "n", "b")));
  EXPECT_FALSE(Allowed(policy, bob, ResourceRequest("get", "n", "b")));
  bob.groups = {"g1"};
  EXPECT_FALSE(Allowed(policy, bob, ResourceRequest("get", "n", "b")));   // AND: role missing
  EXPECT_TRUE(Allowed(policy, alice, ResourceRequest("get", "n", "c")));  // project name
  EXPECT_TRUE(Allowed(policy, bob, ResourceRequest("get", "n", "c")));    // project id
  EXPECT_TRUE(Allowed(policy, bob, ResourceRequest("get", "n", "d")));    // "*" values
  // A user with no keystone projects does not match a project entry.
  EXPECT_FALSE(Allowed(policy, KeystoneUser("carol", {}, {}), ResourceRequest("get", "n", "c")));
}

TEST(KeystoneAuthorizerV1Test, UnknownMatchTypeFailsTheElement) {
  const auto user = KeystoneUser("u", {"admin"}, {"p"});
  const auto request = ResourceRequest("get", "n", "pods");
  const char* rule =
      R"("resource": {"verbs": ["*"], "resources": ["*"], "version": "*", "namespace": "*"})";
  EXPECT_TRUE(Allowed(MustParse(std::string("[{") + rule +
                                R"(, "match": [{"type": "role", "values": ["admin"]}]}])"),
                      user, request));
  EXPECT_FALSE(Allowed(MustParse(std::string("[{") + rule +
                                 R"(, "match": [{"type": "Role", "values": ["admin"]}]}])"),
                       user, request));
  EXPECT_FALSE(Allowed(MustParse(std::string("[{") + rule +
                                 R"(, "match": [{"type": "role", "values": ["admin"]},
                                                {"type": "domain", "values": ["*"]}]}])"),
                       user, request));
  EXPECT_FALSE(
      Allowed(MustParse(std::string("[{") + rule + R"(, "match": [null]}])"), user, request));
}

// ---- Version 2 -------------------------------------------------------------------------------

TEST(KeystoneAuthorizerV2Test, SubresourcesAreIgnoredAndThreePartKeysAreIgnored) {
  const auto user = KeystoneUser("u", {}, {});
  Policy three_parts = MustParse(R"([{"resource_permissions": {"ns/pods/exec": ["*"]}}])");
  EXPECT_FALSE(Allowed(three_parts, user, ResourceRequest("create", "ns", "pods", "exec")));
  EXPECT_FALSE(Allowed(three_parts, user, ResourceRequest("create", "ns", "pods")));
  Policy pods = MustParse(R"([{"resource_permissions": {"ns/pods": ["create"]}}])");
  EXPECT_TRUE(Allowed(pods, user, ResourceRequest("create", "ns", "pods", "exec")));
  EXPECT_TRUE(Allowed(pods, user, ResourceRequest("create", "ns", "pods", "log")));
}

TEST(KeystoneAuthorizerV2Test, PolicyTextIsLowerCasedRequestIsNot) {
  Policy policy = MustParse(R"([{"resource_permissions": {" Default / PODS ": ["GET"]}}])");
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("get", "default", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("GET", "default", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "Default", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "default", "Pods")));
}

TEST(KeystoneAuthorizerV2Test, ClusterScopedRequestsNeedAStarNamespace) {
  Policy policy = MustParse(R"([{"resource_permissions": {
      "!kube-system/nodes": ["get"], "['*']/namespaces": ["get"], "*/clusterroles": ["list"],
      "!kube-system/*": ["delete"]}}])");
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "", "nodes")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "", "namespaces")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("get", "x", "namespaces")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("list", "", "clusterroles")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("delete", "", "pods")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("delete", "default", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("delete", "kube-system", "pods")));
}

TEST(KeystoneAuthorizerV2Test, NegationsAndLists) {
  const auto user = KeystoneUser("u", {}, {});
  auto allowed = [&](const char* key, const char* ns, const char* resource) {
    const std::string text =
        std::string(R"([{"resource_permissions": {")") + key + R"(": ["get"]}}])";
    return Allowed(MustParse(text), user, ResourceRequest("get", ns, resource));
  };
  EXPECT_TRUE(allowed("['a', 'b']/pods", "b", "pods"));
  EXPECT_FALSE(allowed("['a', 'b']/pods", "c", "pods"));
  EXPECT_TRUE(allowed("['a', '*']/pods", "c", "pods"));
  EXPECT_TRUE(allowed("!['a', 'b']/pods", "c", "pods"));
  EXPECT_FALSE(allowed("!['a', 'b']/pods", "a", "pods"));
  EXPECT_FALSE(allowed("!['a', '*']/pods", "c", "pods"));
  EXPECT_FALSE(allowed("!*/pods", "c", "pods"));
  EXPECT_TRUE(allowed("!/pods", "c", "pods"));  // bare "!" allows any non-empty name
  EXPECT_TRUE(allowed("!a/pods", "b", "pods"));
  EXPECT_FALSE(allowed("!a/pods", "a", "pods"));
  EXPECT_FALSE(allowed("ns*/pods", "ns1", "pods"));  // not a glob
  EXPECT_TRUE(allowed("ns*/pods", "ns*", "pods"));   // literal
  EXPECT_FALSE(allowed("[a]/pods", "a", "pods"));    // unparseable list matches nothing
  EXPECT_FALSE(allowed("['a']x/pods", "a", "pods"));
  EXPECT_FALSE(allowed("[]/pods", "a", "pods"));
  EXPECT_TRUE(allowed("ns/['Pods', 'secrets']", "ns", "pods"));
  EXPECT_FALSE(allowed("ns/!['Pods', 'secrets']", "ns", "pods"));
  EXPECT_TRUE(allowed("ns/!['Pods', 'secrets']", "ns", "configmaps"));
  // A request with an empty resource matches any resource definition.
  EXPECT_TRUE(allowed("ns/!['*']", "ns", ""));
  EXPECT_TRUE(allowed("ns/nothing", "ns", ""));
}

TEST(KeystoneAuthorizerV2Test, Verbs) {
  Policy policy = MustParse(R"([{"resource_permissions": {
      "a/pods": ["*"], "b/pods": [], "c/pods": ["Get", "LIST"]}}])");
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("escalate", "a", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("get", "b", "pods")));
  EXPECT_TRUE(Allowed(policy, user, ResourceRequest("list", "c", "pods")));
  EXPECT_FALSE(Allowed(policy, user, ResourceRequest("watch", "c", "pods")));
}

TEST(KeystoneAuthorizerV2Test, NonResourcePermissionsAreExact) {
  Policy policy = MustParse(R"([{"nonresource_permissions": {
      "/api/*": ["get"], "/healthz": ["GET"], "/version": ["*"]}}])");
  const auto user = KeystoneUser("u", {}, {});
  EXPECT_FALSE(Allowed(policy, user, NonResourceRequest("get", "/api/v1")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("get", "/api/*")));
  EXPECT_FALSE(Allowed(policy, user, NonResourceRequest("get", "/healthz")));  // not lower-cased
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("GET", "/healthz")));
  EXPECT_TRUE(Allowed(policy, user, NonResourceRequest("post", "/version")));
}

TEST(KeystoneAuthorizerV2Test, Version2ShadowsVersion1WithinAnElement) {
  const auto user = KeystoneUser("u", {}, {});
  Policy shadowed = MustParse(R"([{"resource_permissions": {},
      "resource": {"verbs": ["*"], "resources": ["*"], "version": "*", "namespace": "*"},
      "nonresource_permissions": {"/other": ["get"]},
      "nonresource": {"verbs": ["*"], "path": "*"}}])");
  EXPECT_FALSE(Allowed(shadowed, user, ResourceRequest("get", "ns", "pods")));
  EXPECT_FALSE(Allowed(shadowed, user, NonResourceRequest("get", "/healthz")));
  // null is absent: v1 applies again.
  Policy not_shadowed = MustParse(R"([{"resource_permissions": null,
      "resource": {"verbs": ["*"], "resources": ["*"], "version": "*", "namespace": "*"}}])");
  EXPECT_TRUE(Allowed(not_shadowed, user, ResourceRequest("get", "ns", "pods")));
  // A resource request is not answered by nonresource rules and vice versa.
  Policy crossed = MustParse(R"([{"nonresource_permissions": {"/x": ["*"]},
      "resource": {"verbs": ["*"], "resources": ["*"], "version": "*", "namespace": "*"}}])");
  EXPECT_TRUE(Allowed(crossed, user, ResourceRequest("get", "ns", "pods")));
  EXPECT_FALSE(Allowed(crossed, user, NonResourceRequest("get", "/y")));
}

TEST(KeystoneAuthorizerV2Test, CaseInsensitiveFieldNamesWorkEndToEnd) {
  Policy policy = MustParse(R"([{"USERS": {"projects": ["demo"]},
                                 "Resource_Permissions": {"default/pods": ["get"]}}])");
  EXPECT_TRUE(
      Allowed(policy, KeystoneUser("u", {}, {"demo"}), ResourceRequest("get", "default", "pods")));
  EXPECT_FALSE(
      Allowed(policy, KeystoneUser("u", {}, {"other"}), ResourceRequest("get", "default", "pods")));
}

}  // namespace
}  // namespace gatehouse::authz::keystone
