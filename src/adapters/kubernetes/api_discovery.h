// ApiDiscovery: which resources the API server serves (`/api/v1`, `/apis`, `/apis/<g>/<v>`), as
// kubectl and controllers find them: the collection path of a kind, and every listable kind of
// every group's preferred version (what an audit walks).
//
// ParseApiResourceList and ParseApiGroupList are pure readers of those answers (subresources
// such as `pods/status` are left out). The fetching functions make one request per group
// version and say which one failed. Thread-safe (no state).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/kubernetes/kube_client.h"
#include "common/result.h"

namespace gatehouse::adapters {

struct ApiResource {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string kind;     // "ConfigMap"
  std::string plural;   // "configmaps"
  bool namespaced = false;
  bool listable = false;  // verbs include list and watch

  // "/api/v1/configmaps", "/apis/apps/v1/deployments": every namespace's objects.
  std::string CollectionPath() const;
  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
};

// An APIResourceList body. Errors: "invalid_json".
Result<std::vector<ApiResource>> ParseApiResourceList(std::string_view body);

// An APIGroupList body: each group's preferred "group/version". Errors: "invalid_json".
Result<std::vector<std::string>> ParseApiGroupList(std::string_view body);

// The resource of `kind` in group/version, nullopt when that group version does not serve it
// (or does not exist: 404). Errors: "kube_api_error", "invalid_json", the HTTP client's.
Result<std::optional<ApiResource>> FindApiResource(KubeClient& kube, const std::string& group,
                                                   const std::string& version,
                                                   const std::string& kind);

// Every listable resource of the core group and of each group's preferred version.
Result<std::vector<ApiResource>> PreferredApiResources(KubeClient& kube);

}  // namespace gatehouse::adapters
