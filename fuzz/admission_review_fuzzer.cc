// Fuzzes the admission webhook's request path as the server runs it: JSON body (the server's
// limits) → DecodeAdmissionReview → ReviewFromAdmissionRequest → Review against a small policy
// set (a required-labels template, a namespaceSelector constraint) → the encoded response. Any
// input must give an answer or an Error, never a crash or a hang; an answer must echo the uid
// and re-parse as JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "admission/policy_set.h"
#include "admission/reviewer.h"
#include "k8s/admission_review.h"
#include "value/json.h"
#include "value/yaml.h"

namespace {

using namespace gatehouse;  // NOLINT: a fuzz target

const char* kSet = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: fuzzlabels}
spec:
  crd: {spec: {names: {kind: FuzzLabels}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package fuzzlabels
        violation[{"msg": msg, "details": {"missing": missing}}] {
          provided := {l | input.review.object.metadata.labels[l]}
          required := {l | l := input.parameters.labels[_]}
          missing := required - provided
          count(missing) > 0
          msg := sprintf("missing %v in %v", [missing, input.review.namespaceObject])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: FuzzLabels
metadata: {name: owner}
spec:
  parameters: {labels: ["owner"]}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: FuzzLabels
metadata: {name: prod}
spec:
  enforcementAction: warn
  match:
    namespaceSelector: {matchExpressions: [{key: env, operator: In, values: [prod]}]}
    labelSelector: {matchLabels: {app: web}}
    excludedNamespaces: ["kube-*"]
  parameters: {labels: ["team"]}
)";

const admission::PolicySet& Set() {
  static const std::shared_ptr<const admission::PolicySet> set = [] {
    auto docs = value::ParseYamlStream(kSet);
    if (!docs) std::abort();
    std::vector<admission::SourcedDocument> sourced;
    for (value::Value& d : *docs) sourced.push_back({"fuzz.yaml", std::move(d)});
    auto built = admission::PolicySet::Build(sourced);
    if (!built->problems().empty() || built->constraints().size() != 2) std::abort();
    return built;
  }();
  return *set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  value::JsonLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_depth = 64;
  Result<value::Value> body = value::ParseJson(text, limits);
  if (!body) return 0;
  Result<k8s::AdmissionReviewRequest> review = k8s::DecodeAdmissionReview(std::move(*body));
  if (!review) return 0;
  k8s::AdmissionVerdict verdict;
  Result<admission::ReviewRequest> request = admission::ReviewFromAdmissionRequest(review->request);
  if (request) {
    admission::ReviewOptions options;
    options.max_steps = 100'000;
    const admission::ReviewOutcome outcome = admission::Review(Set(), *request, options);
    for (const admission::Violation& v : outcome.violations) {
      if (v.constraint == nullptr) std::abort();
      verdict.warnings.push_back("[" + v.constraint->name + "] " + v.message);
    }
  }
  const std::string json = value::ToJson(k8s::EncodeAdmissionReviewResponse(*review, verdict));
  Result<value::Value> reparsed = value::ParseJson(json, limits);
  if (!reparsed) std::abort();
  const value::Value* uid = reparsed->Find("response")->Find("uid");
  if (uid == nullptr || !uid->is_string() || *uid->AsString() != review->uid) std::abort();
  return 0;
}
