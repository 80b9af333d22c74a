// Gatekeeper's match criteria (admission/match.h) and label selectors
// (admission/label_selector.h).
#include "admission/match.h"

#include <gtest/gtest.h>

#include <string>

#include "admission/admission_errors.h"
#include "value/yaml.h"

namespace gatehouse::admission {
namespace {

value::Value Yaml(const std::string& text) {
  auto v = value::ParseYaml(text);
  EXPECT_TRUE(v) << v.error().ToString();
  return v ? *v : value::Value();
}

Match MatchOf(const std::string& yaml) {
  const value::Value doc = Yaml(yaml);
  auto m = Match::Parse(&doc, "spec.match");
  EXPECT_TRUE(m) << m.error().ToString();
  return m ? *m : Match();
}

struct Object {
  std::string group, kind, name, ns;
  value::Value labels;
  const value::Value* namespace_object = nullptr;
  MatchTarget Target() const {
    MatchTarget t;
    t.group = group;
    t.kind = kind;
    t.name = name;
    t.namespace_name = ns;
    t.labels = &labels;
    t.namespace_object = namespace_object;
    return t;
  }
};

TEST(WildcardTest, PrefixSuffixAndContains) {
  EXPECT_TRUE(WildcardMatches("kube-*", "kube-system"));
  EXPECT_FALSE(WildcardMatches("kube-*", "my-kube-system"));
  EXPECT_TRUE(WildcardMatches("*-system", "kube-system"));
  EXPECT_FALSE(WildcardMatches("*-system", "kube-systems"));
  EXPECT_TRUE(WildcardMatches("*kube*", "my-kube-ns"));
  EXPECT_TRUE(WildcardMatches("*", "anything"));
  EXPECT_TRUE(WildcardMatches("default", "default"));
  EXPECT_FALSE(WildcardMatches("default", "default2"));
  EXPECT_FALSE(WildcardMatches("a*b", "ab")) << "a middle star is literal";
  EXPECT_TRUE(WildcardMatches("a*b", "a*b"));
}

TEST(MatchTest, KindsWithWildcardsAndGroups) {
  const Match m = MatchOf(R"(
kinds:
  - apiGroups: [""]
    kinds: ["Pod"]
  - apiGroups: ["apps", "extensions"]
    kinds: ["*"]
)");
  EXPECT_EQ(m.Evaluate(Object{"", "Pod", "p", "default", {}}.Target()), MatchOutcome::kMatches);
  EXPECT_EQ(m.Evaluate(Object{"apps", "Deployment", "d", "default", {}}.Target()),
            MatchOutcome::kMatches);
  EXPECT_EQ(m.Evaluate(Object{"", "Service", "s", "default", {}}.Target()), MatchOutcome::kNoMatch);
  EXPECT_EQ(m.Evaluate(Object{"batch", "Job", "j", "default", {}}.Target()),
            MatchOutcome::kNoMatch);
  EXPECT_EQ(MatchOf("{}").Evaluate(Object{"x", "Y", "n", "", {}}.Target()), MatchOutcome::kMatches);
}

TEST(MatchTest, ScopeNamespacesAndExclusions) {
  const Match m = MatchOf(
      "scope: Namespaced\nnamespaces: [\"team-*\"]\n"
      "excludedNamespaces: [\"*-system\"]\n");
  EXPECT_EQ(m.Evaluate(Object{"", "Pod", "p", "team-a", {}}.Target()), MatchOutcome::kMatches);
  EXPECT_EQ(m.Evaluate(Object{"", "Pod", "p", "other", {}}.Target()), MatchOutcome::kNoMatch);
  EXPECT_EQ(m.Evaluate(Object{"", "Pod", "p", "team-system", {}}.Target()), MatchOutcome::kNoMatch);
  EXPECT_EQ(m.Evaluate(Object{"", "Namespace", "team-a", "", {}}.Target()), MatchOutcome::kNoMatch)
      << "a Namespace is cluster-scoped";
  const Match cluster = MatchOf("scope: Cluster\nnamespaces: [\"team-*\"]\n");
  EXPECT_EQ(cluster.Evaluate(Object{"", "Namespace", "team-a", "", {}}.Target()),
            MatchOutcome::kMatches)
      << "a Namespace matches namespaces by its own name";
  EXPECT_EQ(cluster.Evaluate(Object{"", "Namespace", "other", "", {}}.Target()),
            MatchOutcome::kNoMatch);
  EXPECT_EQ(
      cluster.Evaluate(Object{"rbac.authorization.k8s.io", "ClusterRole", "r", "", {}}.Target()),
      MatchOutcome::kMatches)
      << "namespace lists do not filter other cluster-scoped objects";
}

TEST(MatchTest, LabelAndNamespaceSelectors) {
  const Match m = MatchOf(R"(
labelSelector:
  matchLabels: {app: web}
  matchExpressions:
    - {key: tier, operator: NotIn, values: [test]}
namespaceSelector:
  matchExpressions:
    - {key: env, operator: In, values: [prod, staging]}
)");
  const value::Value prod = Yaml("metadata: {name: shop, labels: {env: prod}}");
  const value::Value dev = Yaml("metadata: {name: lab, labels: {env: dev}}");
  Object o{"", "Pod", "p", "shop", Yaml("{app: web}"), &prod};
  EXPECT_EQ(m.Evaluate(o.Target()), MatchOutcome::kMatches);
  o.labels = Yaml("{app: web, tier: test}");
  EXPECT_EQ(m.Evaluate(o.Target()), MatchOutcome::kNoMatch);
  o.labels = Yaml("{app: api}");
  EXPECT_EQ(m.Evaluate(o.Target()), MatchOutcome::kNoMatch);
  o.labels = Yaml("{app: web}");
  o.namespace_object = &dev;
  EXPECT_EQ(m.Evaluate(o.Target()), MatchOutcome::kNoMatch);
  o.namespace_object = nullptr;
  EXPECT_EQ(m.Evaluate(o.Target()), MatchOutcome::kNamespaceUnknown);
  // A Namespace is selected by its own labels.
  const Match ns_only = MatchOf("namespaceSelector: {matchLabels: {env: prod}}");
  Object ns{"", "Namespace", "shop", "", Yaml("{env: prod}")};
  EXPECT_EQ(ns_only.Evaluate(ns.Target()), MatchOutcome::kMatches);
  ns.labels = Yaml("{env: dev}");
  EXPECT_EQ(ns_only.Evaluate(ns.Target()), MatchOutcome::kNoMatch);
  Object role{"rbac.authorization.k8s.io", "ClusterRole", "r", "", {}};
  EXPECT_EQ(ns_only.Evaluate(role.Target()), MatchOutcome::kMatches);
}

TEST(MatchTest, NameWildcard) {
  const Match m = MatchOf("name: \"web-*\"");
  EXPECT_EQ(m.Evaluate(Object{"", "Pod", "web-1", "d", {}}.Target()), MatchOutcome::kMatches);
  EXPECT_EQ(m.Evaluate(Object{"", "Pod", "api-1", "d", {}}.Target()), MatchOutcome::kNoMatch);
}

TEST(MatchTest, RefusesMalformedCriteria) {
  auto error = [](const std::string& yaml) {
    const value::Value doc = Yaml(yaml);
    auto m = Match::Parse(&doc, "spec.match");
    EXPECT_FALSE(m);
    if (m) return std::string();
    EXPECT_EQ(m.error().code, AdmissionError::kInvalidConstraint);
    return m.error().message;
  };
  EXPECT_EQ(error("scope: Global"),
            "spec.match.scope: Unsupported value: \"Global\": supported values: \"*\", "
            "\"Cluster\", \"Namespaced\"");
  EXPECT_EQ(error("namespaces: default"), "spec.match.namespaces: must be a list of strings");
  EXPECT_EQ(error("labelSelector: {matchExpressions: [{key: a, operator: Near}]}"),
            "spec.match.labelSelector.matchExpressions[0]: operator: Invalid value: \"Near\": not "
            "a valid selector operator");
  EXPECT_EQ(error("labelSelector: {matchExpressions: [{key: a, operator: In}]}"),
            "spec.match.labelSelector.matchExpressions[0]: values: Required value: must be "
            "specified when `operator` is 'In' or 'NotIn'");
  EXPECT_EQ(error("labelSelector: {matchExpressions: [{key: a, operator: Exists, values: [x]}]}"),
            "spec.match.labelSelector.matchExpressions[0]: values: Forbidden: may not be "
            "specified when `operator` is 'Exists' or 'DoesNotExist'");
  EXPECT_EQ(error("kinds: [{apiGroups: apps}]"),
            "spec.match.kinds[0].apiGroups: must be a list of strings");
}

TEST(LabelSelectorTest, ExistsAndDoesNotExist) {
  auto s = LabelSelector::Parse(
      Yaml("matchExpressions: [{key: a, operator: Exists}, {key: b, operator: DoesNotExist}]"),
      "sel");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_TRUE(s->Matches(Yaml("{a: x}")));
  EXPECT_FALSE(s->Matches(Yaml("{a: x, b: y}")));
  EXPECT_FALSE(s->Matches(value::Value()));
  auto all = LabelSelector::Parse(Yaml("{}"), "sel");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->Matches(value::Value()));
}

}  // namespace
}  // namespace gatehouse::admission
