// GatekeeperController as a follower against a fake API server that answers the start-up lists
// with bodies a real kube-apiserver 1.26 sent (tests/data/kube-apiserver-1.26/api/
// constrainttemplate.json, crd-lifecycle.json) and then keeps the watches open and silent: the
// first PolicySet and Inventory come from those lists, and the requests are client-go's. The
// leader's writes (CRDs, status, audit) are tested against the stateful fake API server in
// tests/integration/test_gatekeeper_controller.py.
#include "adapters/admission/gatekeeper_controller.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/kubernetes/kubernetes_errors.h"
#include "unit/adapters/kubernetes/fake_kube_api.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

using testing::CapturedExchange;
using testing::FakeAnswer;
using testing::FakeKubeApi;
using testing::LoadCapturedExchanges;

// The answer body of the first exchange `method path` of a capture.
value::Value Answer(const std::string& file, const std::string& method, const std::string& path) {
  const auto path_of = std::string(GATEHOUSE_TEST_DATA_DIR) + "/kube-apiserver-1.26/api/" + file;
  std::ifstream in(path_of);
  std::stringstream text;
  text << in.rdbuf();
  Result<value::Value> doc = value::ParseJson(text.str());
  EXPECT_TRUE(doc);
  for (const value::Value& e : *doc->Find("exchanges")->AsArray()) {
    const value::Value* request = e.Find("request");
    if (request && *request->Find("method")->AsString() == method &&
        *request->Find("path")->AsString() == path) {
      return *e.Find("response")->Find("body");
    }
  }
  ADD_FAILURE() << "no " << method << " " << path << " in " << file;
  return value::Value();
}

FakeAnswer List(const std::string& kind, const std::string& api_version,
                std::vector<value::Value> items) {
  value::Value list = value::Value::MakeObject();
  list.Set("kind", kind);
  list.Set("apiVersion", api_version);
  list.Set("metadata", value::Value(value::Object{{"resourceVersion", "300"}}));
  value::Value array = value::Value::MakeArray();
  for (value::Value& item : items) {
    // Items of a list carry no apiVersion or kind, as the API server sends them.
    item.Erase("apiVersion");
    item.Erase("kind");
    array.Append(std::move(item));
  }
  list.Set("items", std::move(array));
  FakeAnswer answer;
  answer.headers = {{"Content-Type", "application/json"}};
  answer.body = value::ToJson(list) + "\n";
  return answer;
}

FakeAnswer NotFound() {
  FakeAnswer answer;
  answer.status = 404;
  answer.reason = "Not Found";
  answer.headers = {{"Content-Type", "application/json"}};
  answer.body =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})";
  return answer;
}

value::Value Namespace(const std::string& name, const std::string& owner) {
  value::Value labels(value::Object{{"kubernetes.io/metadata.name", name}});
  if (!owner.empty()) labels.Set("owner", owner);
  return value::Value(value::Object{
      {"apiVersion", "v1"},
      {"kind", "Namespace"},
      {"metadata", value::Object{{"name", name}, {"resourceVersion", "10"}, {"labels", labels}}}});
}

std::shared_ptr<KubeClient> Client(const FakeKubeApi& api) {
  KubeConnection connection;
  connection.server = api.url();
  Result<std::shared_ptr<HttpClient>> http = MakeHttpClient({});
  EXPECT_TRUE(http);
  return std::make_shared<KubeClient>(connection, *http, std::chrono::seconds(5));
}

GatekeeperControllerOptions Options() {
  GatekeeperControllerOptions options;
  options.config_namespace = "gatehouse-system";
  options.pod_id = "gatehouse-0";
  options.audit_interval = std::chrono::milliseconds(0);
  options.settle = std::chrono::milliseconds(1);
  options.reflector.watch_timeout = std::chrono::seconds(30);
  options.reflector.backoff_initial = std::chrono::milliseconds(5);
  options.reflector.backoff_max = std::chrono::milliseconds(20);
  return options;
}

const char* kTemplates = "/apis/templates.gatekeeper.sh/v1/constrainttemplates";
const char* kConstraints = "/apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels";

TEST(GatekeeperControllerTest, TheFirstSetComesFromTheListsAndWatchesFollow) {
  value::Value tmpl = Answer("constrainttemplate.json", "POST", kTemplates);
  value::Value constraint = Answer("crd-lifecycle.json", "POST", kConstraints);
  FakeKubeApi api({
      List("ConstraintTemplateList", "templates.gatekeeper.sh/v1", {tmpl}),
      List("ConfigList", "config.gatekeeper.sh/v1alpha1", {}),
      List("NamespaceList", "v1", {Namespace("tenant-a", ""), Namespace("tenant-b", "bob")}),
      List("K8sRequiredLabelsList", "constraints.gatekeeper.sh/v1beta1", {constraint}),
  });
  auto policies = std::make_shared<Snapshot<admission::PolicySet>>();
  auto inventory = std::make_shared<Snapshot<admission::Inventory>>();
  std::atomic<int> published{0};
  GatekeeperController controller(Client(api), Options(), policies, inventory,
                                  [&](const admission::PolicySet&) { ++published; });
  ASSERT_TRUE(controller.Start());
  std::shared_ptr<const admission::PolicySet> set = policies->Load();
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->templates().size(), 1u);
  ASSERT_EQ(set->constraints().size(), 1u);
  EXPECT_EQ(set->constraints()[0].name, "ns-must-have-owner");
  EXPECT_TRUE(set->problems().empty());
  ASSERT_NE(inventory->Load(), nullptr);
  // Namespaces serve namespaceSelector without being synced into data.inventory.
  EXPECT_NE(inventory->Load()->FindNamespace("tenant-b"), nullptr);
  EXPECT_EQ(inventory->Load()->size(), 0u);
  EXPECT_GE(published.load(), 1);
  EXPECT_FALSE(controller.leading());
  // Then the watches open from their list's resourceVersion (the fake serves one connection
  // at a time, so only the first one is seen).
  ASSERT_TRUE(api.WaitForRequests(5));
  std::vector<std::string> requests = api.requests();
  EXPECT_EQ(requests[0], std::string(kTemplates) + "?limit=500");
  EXPECT_EQ(requests[1],
            "/apis/config.gatekeeper.sh/v1alpha1/namespaces/gatehouse-system/configs?"
            "fieldSelector=metadata.name%3Dconfig&limit=500");
  EXPECT_EQ(requests[2], "/api/v1/namespaces?limit=500");
  EXPECT_EQ(requests[3], std::string(kConstraints) + "?limit=500");
  const std::string watch =
      "?allowWatchBookmarks=true&resourceVersion=300&timeoutSeconds=30&watch=true";
  const std::vector<std::string> watches{
      std::string(kTemplates) + watch,
      "/apis/config.gatekeeper.sh/v1alpha1/namespaces/gatehouse-system/configs?"
      "allowWatchBookmarks=true&fieldSelector=metadata.name%3Dconfig&resourceVersion=300&"
      "timeoutSeconds=30&watch=true",
      "/api/v1/namespaces" + watch, std::string(kConstraints) + watch};
  EXPECT_NE(std::find(watches.begin(), watches.end(), requests[4]), watches.end()) << requests[4];
  EXPECT_EQ(controller.NotReadyReason(), "");
  controller.SetLeading(false);  // no change: nothing to do
  controller.Stop();
}

TEST(GatekeeperControllerTest, MissingGatekeeperCrdsStopTheStartWithAHint) {
  FakeKubeApi api({NotFound()});
  GatekeeperController controller(Client(api), Options(),
                                  std::make_shared<Snapshot<admission::PolicySet>>(),
                                  std::make_shared<Snapshot<admission::Inventory>>(), nullptr);
  Status started = controller.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, KubernetesError::kApiError);
  EXPECT_NE(started.error().message.find("HTTP 404"), std::string::npos) << started.error().message;
  EXPECT_NE(started.error().message.find("is Gatekeeper's ConstraintTemplate CRD installed?"),
            std::string::npos);
}

}  // namespace
}  // namespace gatehouse::adapters
