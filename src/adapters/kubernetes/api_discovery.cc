#include "adapters/kubernetes/api_discovery.h"

#include <algorithm>

#include "value/json.h"
#include "value/value_errors.h"

namespace gatehouse::adapters {
namespace {

Error Invalid(std::string what) {
  return MakeError(value::ValueError::kInvalidJson, std::move(what));
}

std::string Str(const value::Value& v, std::string_view key) {
  const value::Value* f = v.Find(key);
  return f && f->AsString() ? *f->AsString() : "";
}

std::string GroupVersionPath(const std::string& group_version) {
  return group_version.find('/') == std::string::npos ? "/api/" + group_version
                                                      : "/apis/" + group_version;
}

// The resources of one group version; an empty list when the server does not serve it.
Result<std::vector<ApiResource>> GroupVersionResources(KubeClient& kube,
                                                       const std::string& group_version) {
  const std::string path = GroupVersionPath(group_version);
  Result<KubeAnswer> answer = kube.Call("GET", path);
  if (!answer) return answer.error();
  if (answer->status == 404) return std::vector<ApiResource>{};
  if (!answer->ok()) return KubeApiError("discovering " + path, *answer);
  Result<std::vector<ApiResource>> resources = ParseApiResourceList(answer->body);
  if (!resources) return Invalid(path + ": " + resources.error().message);
  return resources;
}

}  // namespace

std::string ApiResource::CollectionPath() const {
  return (group.empty() ? "/api/" + version : "/apis/" + group + "/" + version) + "/" + plural;
}

Result<std::vector<ApiResource>> ParseApiResourceList(std::string_view body) {
  Result<value::Value> doc = value::ParseJson(body);
  if (!doc) return Invalid("APIResourceList: " + doc.error().message);
  const value::Value* resources = doc->Find("resources");
  const std::string group_version = Str(*doc, "groupVersion");
  if (group_version.empty() || resources == nullptr || !resources->AsArray()) {
    return Invalid("APIResourceList: no groupVersion or resources");
  }
  const auto slash = group_version.find('/');
  std::vector<ApiResource> out;
  for (const value::Value& r : *resources->AsArray()) {
    ApiResource resource;
    resource.plural = Str(r, "name");
    if (resource.plural.empty() || resource.plural.find('/') != std::string::npos) continue;
    resource.group = slash == std::string::npos ? "" : group_version.substr(0, slash);
    resource.version = slash == std::string::npos ? group_version : group_version.substr(slash + 1);
    resource.kind = Str(r, "kind");
    const value::Value* namespaced = r.Find("namespaced");
    resource.namespaced = namespaced && namespaced->AsBool().value_or(false);
    bool list = false;
    bool watch = false;
    if (const value::Value* verbs = r.Find("verbs"); verbs && verbs->AsArray()) {
      for (const value::Value& verb : *verbs->AsArray()) {
        list = list || (verb.AsString() && *verb.AsString() == "list");
        watch = watch || (verb.AsString() && *verb.AsString() == "watch");
      }
    }
    resource.listable = list && watch;
    out.push_back(std::move(resource));
  }
  return out;
}

Result<std::vector<std::string>> ParseApiGroupList(std::string_view body) {
  Result<value::Value> doc = value::ParseJson(body);
  if (!doc) return Invalid("APIGroupList: " + doc.error().message);
  const value::Value* groups = doc->Find("groups");
  if (groups == nullptr || !groups->AsArray()) return Invalid("APIGroupList: no groups");
  std::vector<std::string> out;
  for (const value::Value& g : *groups->AsArray()) {
    const value::Value* preferred = g.Find("preferredVersion");
    const std::string gv = preferred ? Str(*preferred, "groupVersion") : "";
    if (!gv.empty()) out.push_back(gv);
  }
  return out;
}

Result<std::optional<ApiResource>> FindApiResource(KubeClient& kube, const std::string& group,
                                                   const std::string& version,
                                                   const std::string& kind) {
  Result<std::vector<ApiResource>> resources =
      GroupVersionResources(kube, group.empty() ? version : group + "/" + version);
  if (!resources) return resources.error();
  for (ApiResource& r : *resources) {
    if (r.kind == kind) return std::optional<ApiResource>(std::move(r));
  }
  return std::optional<ApiResource>();
}

Result<std::vector<ApiResource>> PreferredApiResources(KubeClient& kube) {
  Result<value::Value> groups_answer = kube.CallJson("discovering /apis", "GET", "/apis");
  if (!groups_answer) return groups_answer.error();
  Result<std::vector<std::string>> groups = ParseApiGroupList(value::ToJson(*groups_answer));
  if (!groups) return groups.error();
  std::vector<std::string> group_versions{"v1"};
  group_versions.insert(group_versions.end(), groups->begin(), groups->end());
  std::vector<ApiResource> out;
  for (const std::string& gv : group_versions) {
    Result<std::vector<ApiResource>> resources = GroupVersionResources(kube, gv);
    if (!resources) return resources.error();
    for (ApiResource& r : *resources) {
      if (r.listable) out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace gatehouse::adapters
