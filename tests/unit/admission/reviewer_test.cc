// One request judged against a PolicySet (admission/policy_set.h, admission/reviewer.h,
// admission/review_request.h, admission/inventory.h).
#include "admission/reviewer.h"

#include <gtest/gtest.h>

#include <string>

#include "admission/admission_errors.h"
#include "value/yaml.h"

namespace gatehouse::admission {
namespace {

std::vector<SourcedDocument> Docs(const std::string& stream) {
  auto docs = value::ParseYamlStream(stream);
  EXPECT_TRUE(docs) << docs.error().ToString();
  std::vector<SourcedDocument> out;
  if (!docs) return out;
  for (std::size_t i = 0; i < docs->size(); ++i) {
    out.push_back({"set.yaml#" + std::to_string(i + 1), (*docs)[i]});
  }
  return out;
}

value::Value Yaml(const std::string& text) {
  auto v = value::ParseYaml(text);
  EXPECT_TRUE(v) << v.error().ToString();
  return v ? *v : value::Value();
}

const char* kSet = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srequiredlabels}
spec:
  crd:
    spec:
      names: {kind: K8sRequiredLabels}
      validation:
        openAPIV3Schema:
          type: object
          properties:
            labels: {type: array, items: {type: string}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        violation[{"msg": msg, "details": {"missing": missing}}] {
          provided := {l | input.review.object.metadata.labels[l]}
          required := {l | l := input.parameters.labels[_]}
          missing := required - provided
          count(missing) > 0
          msg := sprintf("you must provide labels: %v", [missing])
        }
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8suniquehost}
spec:
  crd: {spec: {names: {kind: K8sUniqueHost}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8suniquehost
        violation[{"msg": msg}] {
          host := input.review.object.spec.rules[_].host
          other := data.inventory.namespace[ns][_]["Ingress"][name]
          not same(other)
          other.spec.rules[_].host == host
          msg := sprintf("ingress host conflicts with an existing ingress <%v>", [host])
        }
        same(other) {
          other.metadata.namespace == input.review.object.metadata.namespace
          other.metadata.name == input.review.object.metadata.name
        }
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sbroken}
spec:
  crd: {spec: {names: {kind: K8sBroken}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sbroken
        violation[{"msg": msg}] { true }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: owner}
spec:
  match: {kinds: [{apiGroups: [""], kinds: ["ConfigMap"]}]}
  parameters: {labels: ["owner"]}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: team}
spec:
  enforcementAction: warn
  match: {kinds: [{apiGroups: [""], kinds: ["ConfigMap"]}]}
  parameters: {labels: ["team"]}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: bad-parameters}
spec:
  parameters: {labels: "owner"}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNoSuchKind
metadata: {name: orphan}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sUniqueHost
metadata: {name: unique-host}
spec:
  match: {kinds: [{apiGroups: ["networking.k8s.io"], kinds: ["Ingress"]}]}
---
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatekeeper-system}
spec:
  match:
    - {excludedNamespaces: ["kube-*"], processes: ["webhook"]}
)";

std::string Problem(const PolicySet& set, std::string_view name) {
  for (const PolicyProblem& p : set.problems()) {
    if (p.name == name) return std::string(p.error.code.wire()) + ": " + p.error.message;
  }
  return "(none)";
}

TEST(PolicySetTest, LeavesOutWhatFailsAndKeepsTheRest) {
  auto set = PolicySet::Build(Docs(kSet));
  EXPECT_EQ(set->templates().size(), 2u);
  ASSERT_EQ(set->constraints().size(), 3u);
  EXPECT_EQ(set->constraints()[0].name, "owner");
  EXPECT_EQ(set->constraints()[1].name, "team");
  EXPECT_EQ(set->constraints()[2].name, "unique-host");
  EXPECT_TRUE(set->FindTemplate("K8sUniqueHost")->reads_inventory);
  EXPECT_FALSE(set->FindTemplate("K8sRequiredLabels")->reads_inventory);
  ASSERT_EQ(set->problems().size(), 3u);
  EXPECT_EQ(Problem(*set, "k8sbroken").substr(0, 73),
            "template_compile_error: unable to compile modules: rego_unsafe_var_error:");
  EXPECT_EQ(Problem(*set, "bad-parameters"),
            "invalid_constraint_parameters: schema validation failed: spec.parameters.labels: "
            "Invalid value: \"string\": spec.parameters.labels in body must be of type array: "
            "\"string\"");
  EXPECT_EQ(Problem(*set, "orphan"),
            "constraint_without_template: missing ConstraintTemplate: template \"k8snosuchkind\" "
            "not found");
}

ReviewRequest Request(const std::string& yaml) {
  auto r = ReviewFromAdmissionRequest(Yaml(yaml));
  EXPECT_TRUE(r) << r.error().ToString();
  return r ? *r : ReviewRequest();
}

TEST(ReviewerTest, DenyAndWarnViolationsInConstraintOrder) {
  auto set = PolicySet::Build(Docs(kSet));
  const ReviewRequest req = Request(R"(
uid: u1
kind: {group: "", version: v1, kind: ConfigMap}
name: cm
namespace: demo
operation: CREATE
object: {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: demo}}
)");
  ReviewOutcome out = Review(*set, req, {});
  EXPECT_FALSE(out.excluded);
  EXPECT_EQ(out.constraints_evaluated, 2u);
  ASSERT_EQ(out.violations.size(), 2u);
  EXPECT_EQ(out.violations[0].constraint->name, "owner");
  EXPECT_EQ(out.violations[0].message, "you must provide labels: {\"owner\"}");
  EXPECT_EQ(rego::ToJsonText(out.violations[0].details), R"({"missing":["owner"]})");
  EXPECT_EQ(out.violations[1].constraint->name, "team");
  EXPECT_EQ(out.violations[1].constraint->action, EnforcementAction::kWarn);
}

TEST(ReviewerTest, ExcludedNamespacesAreNotJudged) {
  auto set = PolicySet::Build(Docs(kSet));
  const ReviewRequest req = Request(R"(
kind: {group: "", version: v1, kind: ConfigMap}
name: cm
namespace: kube-system
operation: CREATE
object: {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: kube-system}}
)");
  ReviewOutcome webhook = Review(*set, req, {});
  EXPECT_TRUE(webhook.excluded);
  EXPECT_TRUE(webhook.violations.empty());
  ReviewOptions audit;
  audit.process = Process::kAudit;
  EXPECT_EQ(Review(*set, req, audit).violations.size(), 2u) << "excluded for the webhook only";
}

TEST(ReviewerTest, DeleteJudgesTheOldObject) {
  auto set = PolicySet::Build(Docs(kSet));
  const ReviewRequest req = Request(R"(
kind: {group: "", version: v1, kind: ConfigMap}
name: cm
namespace: demo
operation: DELETE
object: null
oldObject: {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: demo, labels: {owner: me}}}
)");
  ReviewOutcome out = Review(*set, req, {});
  ASSERT_EQ(out.violations.size(), 1u);
  EXPECT_EQ(out.violations[0].constraint->name, "team");
  auto no_old = ReviewFromAdmissionRequest(
      Yaml("kind: {group: '', version: v1, kind: ConfigMap}\noperation: DELETE\nobject: null\n"));
  ASSERT_FALSE(no_old);
  EXPECT_EQ(no_old.error().code, AdmissionError::kInvalidReview);
  EXPECT_EQ(no_old.error().message,
            "request: AdmissionRequest does not contain an \"object\" or \"oldObject\" to review");
}

TEST(ReviewerTest, InventoryGivesDataInventory) {
  auto set = PolicySet::Build(Docs(kSet));
  const std::string ingress = R"(
kind: {group: networking.k8s.io, version: v1, kind: Ingress}
name: web
namespace: shop
operation: CREATE
object:
  apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: web, namespace: shop}
  spec: {rules: [{host: shop.example.com}]}
)";
  const ReviewRequest req = Request(ingress);
  EXPECT_TRUE(Review(*set, req, {}).violations.empty()) << "no other ingress yet";
  auto inventory = Inventory::Build({
      Yaml("{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: old, namespace: "
           "blog}, spec: {rules: [{host: shop.example.com}]}}"),
      Yaml("{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: web, namespace: "
           "shop}, spec: {rules: [{host: shop.example.com}]}}"),
      Yaml("{apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {env: prod}}}"),
  });
  EXPECT_EQ(inventory->size(), 3u);
  ASSERT_NE(inventory->FindNamespace("shop"), nullptr);
  ReviewOptions options;
  options.inventory = inventory.get();
  ReviewOutcome out = Review(*set, req, options);
  ASSERT_EQ(out.violations.size(), 1u);
  EXPECT_EQ(out.violations[0].message,
            "ingress host conflicts with an existing ingress <shop.example.com>");
}

TEST(ReviewerTest, AnEvaluationLimitIsAnErrorNotASilentAllow) {
  auto set = PolicySet::Build(Docs(kSet));
  const ReviewRequest req = Request(R"(
kind: {group: "", version: v1, kind: ConfigMap}
name: cm
namespace: demo
object: {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: demo}}
)");
  ReviewOptions options;
  options.max_steps = 3;
  ReviewOutcome out = Review(*set, req, options);
  ASSERT_EQ(out.violations.size(), 2u);
  EXPECT_EQ(out.violations[0].failure, ErrorCode(AdmissionError::kEvaluation));
  EXPECT_EQ(out.violations[0].constraint->name, "owner") << "deny sorts before warn";
  EXPECT_EQ(out.violations[0].message, "evaluation exceeded the step budget of 3")
      << out.violations[0].message;
}

TEST(ReviewerTest, NamespaceSelectorNeedsTheNamespace) {
  std::string docs = kSet;
  docs += R"(---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: prod-only}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Secret"]}]
    namespaceSelector: {matchLabels: {env: prod}}
  parameters: {labels: ["owner"]}
)";
  auto set = PolicySet::Build(Docs(docs));
  const ReviewRequest req = Request(R"(
kind: {group: "", version: v1, kind: Secret}
name: s
namespace: shop
operation: CREATE
object: {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: shop}}
)");
  ReviewOutcome unknown = Review(*set, req, {});
  ASSERT_EQ(unknown.violations.size(), 1u);
  EXPECT_EQ(unknown.violations[0].failure, ErrorCode(AdmissionError::kNamespaceUnknown));
  EXPECT_EQ(unknown.violations[0].message,
            "unable to match constraints: error matching the requested object: s :failed to run "
            "Match criteria: namespace selector for namespace-scoped object but missing Namespace");
  const value::Value prod = Yaml(
      "{apiVersion: v1, kind: Namespace, metadata: {name: shop, "
      "labels: {env: prod}}}");
  ReviewOptions options;
  options.namespace_object = &prod;
  ReviewOutcome known = Review(*set, req, options);
  ASSERT_EQ(known.violations.size(), 1u);
  EXPECT_FALSE(known.violations[0].failure.has_value());
  EXPECT_EQ(known.violations[0].message, "you must provide labels: {\"owner\"}");
}

TEST(ReviewRequestTest, OfflineObjectsAndAdmissionReviewDocuments) {
  auto r = ReviewFromObject(
      Yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: n, labels: "
           "{a: b}}}"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->group, "apps");
  EXPECT_EQ(r->version, "v1");
  EXPECT_EQ(r->kind, "Deployment");
  EXPECT_EQ(rego::ToJsonText(r->review),
            R"({"kind":{"group":"apps","kind":"Deployment","version":"v1"},"name":"d",)"
            R"("namespace":"n","object":{"apiVersion":"apps/v1","kind":"Deployment",)"
            R"("metadata":{"labels":{"a":"b"},"name":"d","namespace":"n"}},"oldObject":null,)"
            R"("operation":"","options":null,"resource":{"group":"","resource":"","version":""},)"
            R"("uid":"","userInfo":{}})");
  auto ar = ReviewFromObject(Yaml(R"(
apiVersion: admission.k8s.io/v1
kind: AdmissionReview
request:
  operation: UPDATE
  kind: {group: "", version: v1, kind: ServiceAccount}
  name: sa
  object: {apiVersion: v1, kind: ServiceAccount, metadata: {name: sa}}
)"));
  ASSERT_TRUE(ar) << ar.error().ToString();
  EXPECT_EQ(ar->operation, "UPDATE");
  EXPECT_EQ(ar->kind, "ServiceAccount");
}

}  // namespace
}  // namespace gatehouse::admission
