#include "adapters/admission/gatekeeper_cluster.h"

#include <algorithm>
#include <set>

#include "adapters/kubernetes/kubernetes_errors.h"
#include "admission/constraint.h"
#include "admission/constraint_crd.h"
#include "admission/document_fields.h"

namespace gatehouse::adapters {
namespace {

bool Named(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A 404 of a collection: its CRD is not installed (yet).
bool NotServed(const Error& e) {
  return e.code == KubernetesError::kApiError && e.message.find("HTTP 404") != std::string::npos;
}

}  // namespace

std::string ConstraintsPath(const std::string& plural) {
  return "/apis/" + std::string(admission::kConstraintsGroup) + "/v1beta1/" + plural;
}

std::string ConfigsPath(const std::string& namespace_name) {
  return "/apis/config.gatekeeper.sh/v1alpha1/namespaces/" + namespace_name + "/configs";
}

std::string ClusterSource(const value::Value& doc) {
  const std::string kind = admission::StringAt(doc, {"kind"});
  const std::string ns = admission::StringAt(doc, {"metadata", "namespace"});
  const std::string name = admission::StringAt(doc, {"metadata", "name"});
  return kind + "/" + (ns.empty() ? "" : ns + "/") + name;
}

std::vector<ApiResource> AuditedResources(const admission::PolicySet& set,
                                          const std::vector<ApiResource>& served) {
  bool everything = false;
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> wanted;
  for (const admission::Constraint& c : set.constraints()) {
    if (c.match.kinds().empty()) everything = true;
    for (const admission::Match::Kinds& k : c.match.kinds()) {
      if (k.kinds.empty() || k.api_groups.empty() || Named(k.kinds, "*")) everything = true;
      wanted.emplace_back(k.api_groups, k.kinds);
    }
  }
  std::vector<ApiResource> out;
  std::set<std::string> paths;
  for (const ApiResource& r : served) {
    if (!r.listable) continue;
    bool take = everything;
    for (const auto& [groups, kinds] : wanted) {
      take = take || ((Named(groups, "*") || Named(groups, r.group)) && Named(kinds, r.kind));
    }
    if (take && paths.insert(r.CollectionPath()).second) out.push_back(r);
  }
  if (set.constraints().empty()) out.clear();
  return out;
}

Result<std::vector<admission::SourcedDocument>> ReadGatekeeperResources(
    KubeClient& kube, const std::string& config_namespace, CollectionListOptions options) {
  std::vector<admission::SourcedDocument> out;
  Result<std::vector<value::Value>> templates =
      ListCollection(kube, kConstraintTemplatesPath, "", options);
  if (!templates) {
    if (NotServed(templates.error())) {
      return MakeError(
          KubernetesError::kApiError,
          templates.error().message + " (is Gatekeeper's ConstraintTemplate CRD installed?)");
    }
    return templates.error();
  }
  std::set<std::string> plurals;
  for (value::Value& t : *templates) {
    const std::string kind = admission::StringAt(t, {"spec", "crd", "spec", "names", "kind"});
    if (!kind.empty()) plurals.insert(admission::ConstraintResourceName(kind));
    out.push_back({ClusterSource(t), std::move(t)});
  }
  for (const std::string& plural : plurals) {
    Result<std::vector<value::Value>> constraints =
        ListCollection(kube, ConstraintsPath(plural), "", options);
    if (!constraints) {
      if (NotServed(constraints.error())) continue;
      return constraints.error();
    }
    for (value::Value& c : *constraints) out.push_back({ClusterSource(c), std::move(c)});
  }
  Result<std::vector<value::Value>> configs =
      ListCollection(kube, ConfigsPath(config_namespace), kConfigSelector, options);
  if (!configs && !NotServed(configs.error())) return configs.error();
  if (configs) {
    for (value::Value& c : *configs) out.push_back({ClusterSource(c), std::move(c)});
  }
  return out;
}

Result<std::vector<value::Value>> ListAuditedObjects(KubeClient& kube,
                                                     const admission::PolicySet& set,
                                                     CollectionListOptions options) {
  std::vector<value::Value> out;
  if (set.constraints().empty()) return out;
  Result<std::vector<ApiResource>> served = PreferredApiResources(kube);
  if (!served) return served.error();
  for (const ApiResource& r : AuditedResources(set, *served)) {
    Result<std::vector<value::Value>> objects =
        ListCollection(kube, r.CollectionPath(), "", options);
    if (!objects) {
      if (NotServed(objects.error())) continue;  // removed since discovery
      return objects.error();
    }
    if (out.size() + objects->size() > options.max_objects) {
      return MakeError(KubernetesError::kApiError,
                       "audit: more than " + std::to_string(options.max_objects) + " objects");
    }
    for (value::Value& o : *objects) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace gatehouse::adapters
