// Constraint documents and their parameters' schema (admission/constraint.h), and the Config
// resource (admission/gatekeeper_config.h).
#include "admission/constraint.h"

#include <gtest/gtest.h>

#include <string>

#include "admission/admission_errors.h"
#include "admission/gatekeeper_config.h"
#include "value/yaml.h"

namespace gatehouse::admission {
namespace {

value::Value Yaml(const std::string& text) {
  auto v = value::ParseYaml(text);
  EXPECT_TRUE(v) << v.error().ToString();
  return v ? *v : value::Value();
}

const char* kConstraint = R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: must-have-owner
spec:
  enforcementAction: warn
  match:
    kinds: [{apiGroups: [""], kinds: ["Namespace"]}]
  parameters:
    labels: ["owner"]
)";

TEST(ConstraintTest, ReadsKindNameActionMatchAndParameters) {
  auto c = ParseConstraint(Yaml(kConstraint));
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->kind, "K8sRequiredLabels");
  EXPECT_EQ(c->name, "must-have-owner");
  EXPECT_EQ(c->action, EnforcementAction::kWarn);
  EXPECT_EQ(EnforcementActionName(c->action), "warn");
  EXPECT_EQ(rego::ToJsonText(c->parameters_value), R"({"labels":["owner"]})");
  MatchTarget ns;
  ns.kind = "Namespace";
  ns.name = "a";
  EXPECT_EQ(c->match.Evaluate(ns), MatchOutcome::kMatches);
  ns.kind = "Pod";
  EXPECT_EQ(c->match.Evaluate(ns), MatchOutcome::kNoMatch);
}

TEST(ConstraintTest, DefaultsAndRefusals) {
  auto bare = ParseConstraint(
      Yaml("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata: {name: x}\n"));
  ASSERT_TRUE(bare) << bare.error().ToString();
  EXPECT_EQ(bare->action, EnforcementAction::kDeny);
  EXPECT_EQ(rego::ToJsonText(bare->parameters_value), "{}");
  auto bad_action = ParseConstraint(
      Yaml("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata: {name: x}\n"
           "spec: {enforcementAction: block}\n"));
  ASSERT_FALSE(bad_action);
  EXPECT_EQ(bad_action.error().code, AdmissionError::kInvalidConstraint);
  EXPECT_EQ(bad_action.error().message,
            "unrecognized enforcementAction: \"block\" is not within the supported list [deny "
            "dryrun warn]");
  auto no_name = ParseConstraint(
      Yaml("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata: {}\n"));
  ASSERT_FALSE(no_name);
  EXPECT_EQ(no_name.error().message, "invalid Constraint: missing metadata.name");
  auto v1 = ParseConstraint(
      Yaml("apiVersion: constraints.gatekeeper.sh/v1\nkind: K8sX\nmetadata: {name: x}\n"));
  ASSERT_FALSE(v1);
  EXPECT_EQ(v1.error().message,
            "invalid Constraint: unsupported version \"v1\" for Constraint \"x\"; supported "
            "versions: map[v1alpha1:true v1beta1:true]");
}

TEST(ConstraintTest, ParametersAreCheckedAgainstTheTemplateSchema) {
  ConstraintTemplate t;
  t.name = "k8srequiredlabels";
  t.kind = "K8sRequiredLabels";
  t.parameters_schema = Yaml(R"(
type: object
properties:
  labels:
    type: array
    items: {type: string}
  message: {type: string}
)");
  auto good = ParseConstraint(Yaml(kConstraint));
  ASSERT_TRUE(good);
  EXPECT_TRUE(ValidateParameters(*good, t));
  auto bad = ParseConstraint(
      Yaml("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\n"
           "metadata: {name: x}\nspec: {parameters: {labels: owner, message: 3}}\n"));
  ASSERT_TRUE(bad);
  Status st = ValidateParameters(*bad, t);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, AdmissionError::kInvalidParameters);
  EXPECT_EQ(st.error().message,
            "schema validation failed: [spec.parameters.labels: Invalid value: \"string\": "
            "spec.parameters.labels in body must be of type array: \"string\", "
            "spec.parameters.message: Invalid value: \"integer\": spec.parameters.message in body "
            "must be of type string: \"integer\"]");
}

TEST(GatekeeperConfigTest, SyncOnlyAndExclusionsByProcess) {
  auto c = GatekeeperConfig::Parse(Yaml(R"(
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  sync:
    syncOnly:
      - {group: "", version: v1, kind: Namespace}
      - {group: networking.k8s.io, version: v1, kind: Ingress}
  match:
    - excludedNamespaces: ["kube-*"]
      processes: ["*"]
    - excludedNamespaces: ["audit-free"]
      processes: ["audit"]
)"));
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_TRUE(c->Synced("", "v1", "Namespace"));
  EXPECT_TRUE(c->Synced("networking.k8s.io", "v1", "Ingress"));
  EXPECT_FALSE(c->Synced("", "v1", "Pod"));
  EXPECT_TRUE(c->Excluded(Process::kWebhook, "kube-system"));
  EXPECT_TRUE(c->Excluded(Process::kAudit, "kube-public"));
  EXPECT_TRUE(c->Excluded(Process::kAudit, "audit-free"));
  EXPECT_FALSE(c->Excluded(Process::kWebhook, "audit-free"));
  EXPECT_FALSE(c->Excluded(Process::kWebhook, "default"));
  auto bad = GatekeeperConfig::Parse(
      Yaml("apiVersion: config.gatekeeper.sh/v1alpha1\nkind: Config\nspec: {sync: {syncOnly: "
           "[{group: apps}]}}\n"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, AdmissionError::kInvalidConfig);
  EXPECT_EQ(bad.error().message, "Config: spec.sync.syncOnly[0].kind: Required value");
}

}  // namespace
}  // namespace gatehouse::admission
