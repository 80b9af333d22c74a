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
  EXPECT_EQ(Problem(*set, "k8sbroken").substr(0, 46),
            "template_compile_error: rego_unsafe_var_error:");
  EXPECT_EQ(Problem(*set, "bad-parameters"),
            "invalid_constraint_parameters: set.yaml#6: K8sRequiredLabels bad-parameters is "
            "invalid: spec.parameters.labels: Invalid type. Expected: array, given: string");
  EXPECT_EQ(Problem(*set, "orphan"),
            "constraint_without_template: set.yaml#7: no matches for kind \"K8sNoSuchKind\" in "
            "version \"constraints.gatekeeper.sh/v1beta1\"");
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
  EXPECT_TRUE(out.errors.empty());
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
  EXPECT_EQ(no_old.error().message, "request.oldObject: Required value for a DELETE review");
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
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0].error.code, AdmissionError::kEvaluation);
  EXPECT_EQ(out.errors[0].error.message.rfind("K8sRequiredLabels owner: ", 0), 0u)
      << out.errors[0].error.message;
}

TEST(ReviewRequestTest, OfflineObjectsAndAdmissionReviewDocuments) {
  auto r = ReviewFromObject(
      Yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: n, labels: "
           "{a: b}}}"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->group, "apps");
  EXPECT_EQ(r->version, "v1");
  EXPECT_EQ(r->kind, "Deployment");
  EXPECT_EQ(rego::ToJsonText(*r->review.Find(rego::Value::String("kind"))),
            R"({"group":"apps","kind":"Deployment","version":"v1"})");
  EXPECT_EQ(r->review.Find(rego::Value::String("operation")), nullptr);
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
