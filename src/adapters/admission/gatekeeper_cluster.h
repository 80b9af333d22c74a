// Gatekeeper's resources and the objects an audit judges, read from the Kubernetes API: the
// shared reads of the controller (gatekeeper_controller.h) and of `gatehouse audit --kubeconfig`.
//
// - Collection paths of ConstraintTemplates, a template's constraints and the Config.
// - ClusterSource: how a document read from the API is named in problems and logs
//   ("ConstraintTemplate/k8srequiredlabels", "K8sRequiredLabels/ns-must-have-owner",
//   "Config/gatekeeper-system/config").
// - AuditedResources: the resources an audit lists, as Gatekeeper's audit with
//   --audit-match-kind-only: the kinds the constraints' `match.kinds` name (every listable
//   resource when one constraint names none, or "*").
// - ReadGatekeeperResources / ListAuditedObjects: one-shot reads (paged lists).
// Thread-safe (no state).
#pragma once

#include <string>
#include <vector>

#include "adapters/kubernetes/api_discovery.h"
#include "adapters/kubernetes/collection_list.h"
#include "adapters/kubernetes/kube_client.h"
#include "admission/policy_set.h"
#include "common/result.h"

namespace gatehouse::adapters {

inline constexpr const char* kConstraintTemplatesPath =
    "/apis/templates.gatekeeper.sh/v1/constrainttemplates";
inline constexpr const char* kCrdsPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

// "/apis/constraints.gatekeeper.sh/v1beta1/<plural>".
std::string ConstraintsPath(const std::string& plural);
// "/apis/config.gatekeeper.sh/v1alpha1/namespaces/<ns>/configs".
std::string ConfigsPath(const std::string& namespace_name);
// The Config the controller reads: `config` in its namespace, as Gatekeeper's.
inline constexpr const char* kConfigSelector = "fieldSelector=metadata.name%3Dconfig";

std::string ClusterSource(const value::Value& doc);

std::vector<ApiResource> AuditedResources(const admission::PolicySet& set,
                                          const std::vector<ApiResource>& served);

// Templates, their constraints and the Config of `config_namespace`. A template's constraint
// collection that does not exist yet (404: no CRD) reads as empty. Errors: "kube_api_error"
// (a 404 for the templates means Gatekeeper's CRDs are not installed, and says so),
// "invalid_json", the HTTP client's.
Result<std::vector<admission::SourcedDocument>> ReadGatekeeperResources(
    KubeClient& kube, const std::string& config_namespace, CollectionListOptions options = {});

// Every object of AuditedResources(set, discovery). Errors: as ListCollection and discovery.
Result<std::vector<value::Value>> ListAuditedObjects(KubeClient& kube,
                                                     const admission::PolicySet& set,
                                                     CollectionListOptions options = {});

}  // namespace gatehouse::adapters
