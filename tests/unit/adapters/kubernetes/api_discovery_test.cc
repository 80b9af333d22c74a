// Discovery answers of a real kube-apiserver 1.26 (tests/data/kube-apiserver-1.26/api/
// discovery.json) read into resources and collection paths.
#include "adapters/kubernetes/api_discovery.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "unit/adapters/kubernetes/fake_kube_api.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

std::string Body(const std::string& path) {
  for (const testing::CapturedExchange& e : testing::LoadCapturedExchanges("discovery.json")) {
    if (e.path == path && e.answer.body) return *e.answer.body;
  }
  ADD_FAILURE() << "no capture of " << path;
  return "";
}

const ApiResource* Find(const std::vector<ApiResource>& all, const std::string& kind) {
  auto it =
      std::find_if(all.begin(), all.end(), [&](const ApiResource& r) { return r.kind == kind; });
  return it == all.end() ? nullptr : &*it;
}

TEST(ApiDiscoveryTest, CoreResourcesWithoutSubresources) {
  Result<std::vector<ApiResource>> core = ParseApiResourceList(Body("/api/v1"));
  ASSERT_TRUE(core) << core.error().message;
  const ApiResource* cm = Find(*core, "ConfigMap");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->CollectionPath(), "/api/v1/configmaps");
  EXPECT_TRUE(cm->namespaced);
  EXPECT_TRUE(cm->listable);
  const ApiResource* binding = Find(*core, "Binding");
  ASSERT_NE(binding, nullptr);
  EXPECT_FALSE(binding->listable);  // create only
  for (const ApiResource& r : *core) EXPECT_EQ(r.plural.find('/'), std::string::npos) << r.plural;
  const ApiResource* ns = Find(*core, "Namespace");
  ASSERT_NE(ns, nullptr);
  EXPECT_FALSE(ns->namespaced);
}

TEST(ApiDiscoveryTest, ConstraintKindsOfTheGatekeeperGroup) {
  Result<std::vector<ApiResource>> kinds =
      ParseApiResourceList(Body("/apis/constraints.gatekeeper.sh/v1beta1"));
  ASSERT_TRUE(kinds) << kinds.error().message;
  const ApiResource* labels = Find(*kinds, "K8sRequiredLabels");
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(labels->CollectionPath(), "/apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels");
  EXPECT_EQ(labels->ApiVersion(), "constraints.gatekeeper.sh/v1beta1");
  EXPECT_FALSE(labels->namespaced);
}

TEST(ApiDiscoveryTest, PreferredVersionOfEachGroup) {
  Result<std::vector<std::string>> groups = ParseApiGroupList(Body("/apis"));
  ASSERT_TRUE(groups) << groups.error().message;
  EXPECT_NE(std::find(groups->begin(), groups->end(), "apps/v1"), groups->end());
  EXPECT_NE(std::find(groups->begin(), groups->end(), "templates.gatekeeper.sh/v1"), groups->end());
  EXPECT_EQ(std::find(groups->begin(), groups->end(), "templates.gatekeeper.sh/v1beta1"),
            groups->end());
}

TEST(ApiDiscoveryTest, NotAResourceListIsInvalidJson) {
  Result<std::vector<ApiResource>> bad = ParseApiResourceList(R"({"kind":"Status"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code.wire(), "invalid_json");
  EXPECT_FALSE(ParseApiGroupList("not json"));
}

}  // namespace
}  // namespace gatehouse::adapters
