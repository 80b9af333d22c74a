// Micro-benchmarks of the keystone authorizer's hot path (one SubjectAccessReview decision) on
// realistic version 1 and version 2 policies, plus policy loading. Target: well above 50k
// decisions per second on one core.
#include <benchmark/benchmark.h>

#include <string>

#include "authz/keystone/authorizer.h"
#include "authz/keystone/policy.h"

namespace {

using gatehouse::authz::keystone::AuthorizeKeystone;
using gatehouse::authz::keystone::ParseKeystonePolicy;
using gatehouse::authz::keystone::Policy;
namespace k8s = gatehouse::k8s;

// A v1 policy as operators write it: per-role rules for several teams, read-only access for
// viewers, nonresource discovery paths and a few subresource grants.
std::string V1PolicyText() {
  std::string text = "[";
  const char* teams[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
  for (const char* team : teams) {
    const std::string t = team;
    text += R"({"resource": {"verbs": ["get", "list", "watch", "create", "update", "patch",
                "delete"], "resources": ["pods", "deployments", "services", "configmaps",
                "secrets", "jobs", "pods/log", "pods/exec"], "version": "*", "namespace": ")" +
            t + R"("}, "match": [{"type": "role", "values": ["member", "admin"]},
                {"type": "project", "values": [")" +
            t + R"("]}]},)";
    text += R"({"resource": {"verbs": ["get", "list", "watch"], "resources": ["*"],
                "version": "*", "namespace": ")" +
            t + R"("}, "match": [{"type": "role", "values": ["reader"]},
                {"type": "project", "values": [")" +
            t + R"("]}]},)";
  }
  text += R"({"nonresource": {"verbs": ["get"], "path": "/api"}, "match": []},
    {"nonresource": {"verbs": ["get"], "path": "/api/*"}, "match": []},
    {"nonresource": {"verbs": ["get"], "path": "/apis"}, "match": []},
    {"nonresource": {"verbs": ["get"], "path": "/apis/*"}, "match": []},
    {"nonresource": {"verbs": ["get"], "path": "/version"}, "match": []},
    {"resource": {"verbs": ["*"], "resources": ["*"], "version": "*", "namespace": "*"},
     "match": [{"type": "role", "values": ["k8s-admin"]}, {"type": "group", "values": ["ops"]}]}
  ])";
  return text;
}

// A v2 policy close to the upstream test policy and docs, with several projects.
std::string V2PolicyText() {
  std::string text = "[";
  const char* projects[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
  for (const char* project : projects) {
    const std::string p = project;
    text += R"({"users": {"roles": ["member"], "projects": [")" + p + R"("]},
      "resource_permissions": {
        ")" +
            p + R"(/!['secrets', 'roles', 'rolebindings']": ["*"],
        ")" +
            p + R"(/['secrets']": ["get", "list"],
        "*/['namespaces', 'nodes']": ["get", "list", "watch"]}},)";
    text += R"({"users": {"roles": ["reader"], "projects": [")" + p + R"("]},
      "resource_permissions": {")" +
            p + R"(/*": ["get", "list", "watch"]}},)";
  }
  text += R"({"users": {"roles": ["k8s-admin"], "projects": ["admin"]},
      "resource_permissions": {"*/*": ["*"]},
      "nonresource_permissions": {"/healthz": ["get"], "/metrics": ["get"]}},
    {"users": {"roles": ["developer"], "projects": ["demo"]},
      "resource_permissions": {
        "!kube-system/!['namespaces', 'clusterrolebindings', 'clusterroles', 'rolebindings']": ["*"],
        "!kube-system/['namespaces', 'clusterroles', 'rolebindings']": ["get", "list"],
        "*/['namespaces', 'clusterrolebindings', 'clusterroles']": ["get", "list"]}}
  ])";
  return text;
}

k8s::UserInfo FoxtrotMember() {
  k8s::UserInfo user;
  user.username = "jdoe";
  user.uid = "7f2c1d9e4b5a4c3d8e9f0a1b2c3d4e5f";
  user.groups = {"developers", "foxtrot-team", "d1f0a3c2b4e5f6a7b8c9d0e1f2a3b4c5"};
  user.extra.emplace();
  user.extra->emplace_back("alpha.kubernetes.io/identity/roles",
                           std::vector<std::string>{"member", "load-balancer_member"});
  user.extra->emplace_back("alpha.kubernetes.io/identity/project/id",
                           std::vector<std::string>{"d1f0a3c2b4e5f6a7b8c9d0e1f2a3b4c5"});
  user.extra->emplace_back("alpha.kubernetes.io/identity/project/name",
                           std::vector<std::string>{"foxtrot"});
  user.extra->emplace_back("alpha.kubernetes.io/identity/user/domain/id",
                           std::vector<std::string>{"default"});
  user.extra->emplace_back("alpha.kubernetes.io/identity/user/domain/name",
                           std::vector<std::string>{"Default"});
  return user;
}

k8s::AccessAttributes Resource(const char* verb, const char* ns, const char* resource,
                               const char* subresource = "") {
  k8s::AccessAttributes attributes;
  attributes.resource_request = true;
  attributes.resource.verb = verb;
  attributes.resource.namespace_name = ns;
  attributes.resource.resource = resource;
  attributes.resource.subresource = subresource;
  attributes.resource.version = "v1";
  return attributes;
}

const Policy& V1Policy() {
  static const Policy policy = ParseKeystonePolicy(V1PolicyText()).value();
  return policy;
}

const Policy& V2Policy() {
  static const Policy policy = ParseKeystonePolicy(V2PolicyText()).value();
  return policy;
}

void RunDecisions(benchmark::State& state, const Policy& policy,
                  const k8s::AccessAttributes& attributes, bool want_allow) {
  const k8s::UserInfo user = FoxtrotMember();
  if ((AuthorizeKeystone(policy, user, attributes).kind == k8s::Decision::Kind::kAllow) !=
      want_allow) {
    state.SkipWithError("unexpected decision: the benchmark policy is wrong");
    return;
  }
  for (auto _ : state) {
    k8s::Decision decision = AuthorizeKeystone(policy, user, attributes);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_V1AllowLateElement(benchmark::State& state) {
  RunDecisions(state, V1Policy(), Resource("get", "foxtrot", "pods", "log"), true);
}
BENCHMARK(BM_V1AllowLateElement);

void BM_V1NoMatch(benchmark::State& state) {
  RunDecisions(state, V1Policy(), Resource("delete", "kube-system", "pods"), false);
}
BENCHMARK(BM_V1NoMatch);

void BM_V1NonResourcePrefix(benchmark::State& state) {
  k8s::AccessAttributes attributes;
  attributes.resource_request = false;
  attributes.nonresource.verb = "get";
  attributes.nonresource.path = "/apis/apps/v1";
  RunDecisions(state, V1Policy(), attributes, true);
}
BENCHMARK(BM_V1NonResourcePrefix);

void BM_V2AllowNegatedList(benchmark::State& state) {
  RunDecisions(state, V2Policy(), Resource("delete", "foxtrot", "deployments"), true);
}
BENCHMARK(BM_V2AllowNegatedList);

void BM_V2AllowClusterScoped(benchmark::State& state) {
  RunDecisions(state, V2Policy(), Resource("watch", "", "nodes"), true);
}
BENCHMARK(BM_V2AllowClusterScoped);

void BM_V2NoMatch(benchmark::State& state) {
  RunDecisions(state, V2Policy(), Resource("create", "foxtrot", "rolebindings"), false);
}
BENCHMARK(BM_V2NoMatch);

void BM_ParseV2Policy(benchmark::State& state) {
  const std::string text = V2PolicyText();
  for (auto _ : state) {
    auto policy = ParseKeystonePolicy(text);
    benchmark::DoNotOptimize(policy);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseV2Policy);

}  // namespace

BENCHMARK_MAIN();
