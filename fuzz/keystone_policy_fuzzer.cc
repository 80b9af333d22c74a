// Fuzzes the k8s-keystone-auth policy decoder and evaluator: any text must give a Policy or an
// Error (never a crash: the reference panics on several shapes we must survive), and a parsed
// policy is evaluated against a few fixed requests. Oracles: deny_on_no_match may only turn a
// no-opinion into a deny, never change whether a request is allowed; the lenient reading accepts
// everything the strict one does, and the strict one refuses only what the lenient one warns of.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "authz/keystone/authorizer.h"
#include "authz/keystone/policy.h"
#include "k8s/access_attributes.h"
#include "k8s/decision.h"
#include "k8s/user_info.h"
#include "value/json.h"

namespace {

namespace keystone = gatehouse::authz::keystone;
namespace k8s = gatehouse::k8s;

k8s::UserInfo User(std::vector<std::string> roles, std::vector<std::string> project_names,
                   std::vector<std::string> project_ids) {
  k8s::UserInfo user;
  user.username = "alice";
  user.groups = {"g1", "system:authenticated"};
  user.extra = k8s::Extra{{std::string(keystone::kExtraRoles), std::move(roles)},
                          {std::string(keystone::kExtraProjectName), std::move(project_names)},
                          {std::string(keystone::kExtraProjectId), std::move(project_ids)}};
  return user;
}

k8s::AccessAttributes Resource(std::string verb, std::string ns, std::string group,
                               std::string resource, std::string subresource) {
  k8s::AccessAttributes a;
  a.resource_request = true;
  a.resource.verb = std::move(verb);
  a.resource.namespace_name = std::move(ns);
  a.resource.group = std::move(group);
  a.resource.version = "v1";
  a.resource.resource = std::move(resource);
  a.resource.subresource = std::move(subresource);
  a.resource.name = "x";
  return a;
}

k8s::AccessAttributes NonResource(std::string verb, std::string path) {
  k8s::AccessAttributes a;
  a.resource_request = false;
  a.nonresource.verb = std::move(verb);
  a.nonresource.path = std::move(path);
  return a;
}

void Check(const keystone::Policy& policy, const k8s::UserInfo& user,
           const k8s::AccessAttributes& attributes) {
  k8s::Decision lenient = keystone::AuthorizeKeystone(policy, user, attributes);
  keystone::KeystoneAuthorizeOptions strict_options;
  strict_options.deny_on_no_match = true;
  k8s::Decision strict = keystone::AuthorizeKeystone(policy, user, attributes, strict_options);
  const bool lenient_allows = lenient.kind == k8s::Decision::Kind::kAllow;
  const bool strict_allows = strict.kind == k8s::Decision::Kind::kAllow;
  if (lenient_allows != strict_allows) std::abort();
  if (!lenient_allows && lenient.kind != k8s::Decision::Kind::kNoOpinion) std::abort();
  if (!strict_allows && strict.kind != k8s::Decision::Kind::kDeny) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  keystone::PolicyParseOptions options;
  options.limits.max_bytes = 1 << 16;
  options.limits.max_depth = 32;
  const gatehouse::Result<keystone::Policy> strict = keystone::ParseKeystonePolicy(text, options);
  options.lenient = true;
  gatehouse::Result<keystone::Policy> policy = keystone::ParseKeystonePolicy(text, options);
  // Lenient reading only adds acceptance: what strict reading loads, it loads alike.
  if (strict && (!policy || policy->elements.size() != strict->elements.size())) std::abort();
  // Strict reading refuses only where lenient reading had something to warn about.
  if (!strict && policy && policy->warnings.empty()) std::abort();
  if (!policy) return 0;

  static const std::vector<k8s::UserInfo> users = [] {
    std::vector<k8s::UserInfo> out;
    out.push_back(User({"member", "k8s-admin"}, {"demo"}, {"p-1234"}));
    out.push_back(User({"reader"}, {"Demo", "other"}, {""}));
    out.push_back(User({}, {}, {}));
    k8s::UserInfo no_extra;
    no_extra.username = "bob";
    out.push_back(no_extra);
    return out;
  }();
  static const std::vector<k8s::AccessAttributes> requests = {
      Resource("get", "default", "", "pods", ""),
      Resource("list", "", "apps", "deployments", ""),
      Resource("create", "kube-system", "", "pods", "exec"),
      Resource("DELETE", "Demo", "rbac.authorization.k8s.io", "Roles", ""),
      Resource("", "", "", "", ""),
      NonResource("get", "/healthz"),
      NonResource("get", "/api/v1"),
      NonResource("", ""),
  };
  for (const k8s::UserInfo& user : users) {
    for (const k8s::AccessAttributes& request : requests) Check(*policy, user, request);
  }
  return 0;
}
