// ResourceReflector against a fake API server replaying what a real kube-apiserver 1.26 said
// (tests/data/kube-apiserver-1.26/api/list-paging.json): paged lists, an expired continue token,
// a watch whose events straddle HTTP chunks; the requests asserted byte for byte.
#include "adapters/kubernetes/resource_reflector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kubernetes/kubernetes_errors.h"
#include "unit/adapters/kubernetes/fake_kube_api.h"

namespace gatehouse::adapters {
namespace {

using testing::CapturedExchange;
using testing::FakeAnswer;
using testing::FakeKubeApi;
using testing::LoadCapturedExchanges;

const std::string kCollection = "/api/v1/namespaces/audit-demo/configmaps";

std::unique_ptr<HttpStream> Stream() {
  Result<std::unique_ptr<HttpStream>> stream = MakeHttpStream({});
  EXPECT_TRUE(stream);
  return std::move(stream).value();
}

KubeConnection Connection(const FakeKubeApi& api) {
  KubeConnection connection;
  connection.server = api.url();
  return connection;
}

ReflectorOptions Paged(std::size_t page_size) {
  ReflectorOptions options;
  options.page_size = page_size;
  options.watch_timeout = std::chrono::seconds(2);
  options.watch_slack = std::chrono::seconds(5);
  options.list_timeout = std::chrono::seconds(5);
  options.backoff_initial = std::chrono::milliseconds(1);
  options.backoff_max = std::chrono::milliseconds(4);
  return options;
}

std::vector<std::string> Names(const ResourceReflector& reflector) {
  std::vector<std::string> names;
  for (const auto& object : reflector.Objects()) names.push_back(ObjectKey(*object));
  return names;
}

class ResourceReflectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    x_ = LoadCapturedExchanges("list-paging.json");
    ASSERT_EQ(x_.size(), 18u);
  }
  const CapturedExchange& Step(std::size_t i) const { return x_[i]; }
  std::vector<CapturedExchange> x_;
};

TEST_F(ResourceReflectorTest, ListsEveryPageWithTheContinueToken) {
  FakeKubeApi api({Step(6).answer, Step(7).answer, Step(8).answer});
  std::atomic<int> changes{0};
  ResourceReflector reflector(
      Connection(api), Stream(), kCollection, "", "ConfigMaps", [&] { ++changes; }, nullptr,
      Paged(2));
  ASSERT_TRUE(reflector.List());
  EXPECT_EQ(api.requests(), (std::vector<std::string>{Step(6).path, Step(7).path, Step(8).path}));
  EXPECT_EQ(Names(reflector),
            (std::vector<std::string>{"audit-demo/cm-0", "audit-demo/cm-1", "audit-demo/cm-2",
                                      "audit-demo/cm-3", "audit-demo/cm-4"}));
  EXPECT_EQ(reflector.resource_version(), "334");
  EXPECT_TRUE(reflector.synced());
  EXPECT_EQ(changes.load(), 1);  // one change for the whole list, not one per page
}

TEST_F(ResourceReflectorTest, AnExpiredContinueTokenListsAgainFromTheStart) {
  // Page 1, then the 410 for its token, then a fresh list in one page (resourceVersion 335).
  FakeAnswer whole = Step(9).answer;  // limit=2&resourceVersion=0: every item, no token
  FakeKubeApi api({Step(12).answer, Step(15).answer, whole});
  ResourceReflector reflector(Connection(api), Stream(), kCollection, "", "ConfigMaps", nullptr,
                              nullptr, Paged(2));
  ASSERT_TRUE(reflector.List());
  const std::vector<std::string> requests = api.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1], Step(15).path);  // the expired token, exactly as captured
  EXPECT_EQ(requests[2], kCollection + "?limit=2");
  EXPECT_EQ(reflector.size(), 5u);
}

// page_size 0: one request without `limit`, the selector alone as the query (ConfigMapWatch's
// list by name); every item of the single answer is kept.
TEST_F(ResourceReflectorTest, PageSizeZeroListsWithoutALimit) {
  FakeAnswer whole = Step(9).answer;  // every item, no continue token
  FakeKubeApi api({whole, whole});
  ReflectorOptions options = Paged(0);
  ResourceReflector selected(Connection(api), Stream(), kCollection,
                             "fieldSelector=metadata.name%3Dcm-0", "ConfigMaps", nullptr, nullptr,
                             options);
  ASSERT_TRUE(selected.List());
  ResourceReflector all(Connection(api), Stream(), kCollection, "", "ConfigMaps", nullptr, nullptr,
                        options);
  ASSERT_TRUE(all.List());
  EXPECT_EQ(api.requests(), (std::vector<std::string>{
                                kCollection + "?fieldSelector=metadata.name%3Dcm-0", kCollection}));
  EXPECT_EQ(all.size(), 5u);
}

TEST_F(ResourceReflectorTest, OtherListFailuresAreKubeApiErrorsWithTheServersWords) {
  FakeAnswer forbidden;
  forbidden.status = 403;
  forbidden.reason = "Forbidden";
  forbidden.body =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps is forbidden: User \"tenant-viewer\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"audit-demo\"","reason":"Forbidden","details":{"kind":"configmaps"},"code":403})";
  FakeKubeApi api({forbidden});
  std::vector<std::string> errors;
  ResourceReflector reflector(
      Connection(api), Stream(), kCollection, "", "ConfigMaps", nullptr,
      [&](const Error& e) { errors.push_back(e.message); }, Paged(2));
  Status listed = reflector.List();
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, KubernetesError::kApiError);
  EXPECT_NE(listed.error().message.find("HTTP 403"), std::string::npos) << listed.error().message;
  EXPECT_NE(listed.error().message.find("cannot list resource"), std::string::npos);
  EXPECT_EQ(errors.size(), 1u);
  EXPECT_FALSE(reflector.synced());
}

TEST_F(ResourceReflectorTest, WatchEventsSplitAcrossChunksAllArrive) {
  FakeAnswer empty_list;
  empty_list.body =
      R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"335"},"items":[]})";
  FakeKubeApi api({empty_list, Step(17).answer});
  std::atomic<std::size_t> seen{0};
  ResourceReflector* self = nullptr;
  ResourceReflector reflector(
      Connection(api), Stream(), kCollection, "", "ConfigMaps",
      [&] {
        if (self != nullptr) seen = self->size();
      },
      nullptr, Paged(500));
  self = &reflector;
  ASSERT_TRUE(reflector.List());
  reflector.Start();
  for (int i = 0; i < 500 && seen.load() < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reflector.Stop();
  EXPECT_EQ(reflector.size(), 5u);
  const std::vector<std::string> requests = api.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[1], kCollection +
                             "?allowWatchBookmarks=true&resourceVersion=335&timeoutSeconds=2"
                             "&watch=true");
}

TEST(ObjectKeyTest, NamespacedAndClusterScoped) {
  value::Value namespaced(
      value::Object{{"metadata", value::Object{{"name", "cm-0"}, {"namespace", "audit-demo"}}}});
  value::Value cluster(value::Object{{"metadata", value::Object{{"name", "audit-demo"}}}});
  EXPECT_EQ(ObjectKey(namespaced), "audit-demo/cm-0");
  EXPECT_EQ(ObjectKey(cluster), "/audit-demo");
  EXPECT_EQ(ObjectKey(value::Value(value::Object{})), "");
}

}  // namespace
}  // namespace gatehouse::adapters
