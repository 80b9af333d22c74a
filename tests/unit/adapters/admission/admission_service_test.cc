// Gatekeeper's validating webhook on gatehouse's listener (adapters/admission/admission_service.h),
// with Gatekeeper's constraints and with a policy bundle (SetPolicyBundle): its failures deny as
// written, its warnings warn, it joins the constraints, and replacing it while requests run is
// safe (this file is in the TSan pass).
#include "adapters/admission/admission_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

const char* kSet = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sloop}
spec:
  crd: {spec: {names: {kind: K8sLoop}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sloop
        violation[{"msg": msg}] {
          n := count([x | x := numbers.range(1, 100000)[_]; x > 0])
          msg := sprintf("counted %v", [n])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sLoop
metadata: {name: slow}
)";

std::shared_ptr<Snapshot<admission::PolicySet>> Policies() {
  auto docs = value::ParseYamlStream(kSet);
  EXPECT_TRUE(docs);
  std::vector<admission::SourcedDocument> sourced;
  for (value::Value& d : *docs) sourced.push_back({"set.yaml", std::move(d)});
  auto snapshot = std::make_shared<Snapshot<admission::PolicySet>>();
  snapshot->Publish(admission::PolicySet::Build(sourced));
  return snapshot;
}

ServerRequest Post(std::string body) {
  ServerRequest r;
  r.method = "POST";
  r.path = "/v1/admit";
  r.body = std::move(body);
  r.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  return r;
}

const char* kReview = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
  "request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"ConfigMap"},
  "name":"cm","namespace":"demo","operation":"CREATE",
  "object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"demo"}}}})";

value::Value Response(const ServerResponse& r) {
  auto v = value::ParseJson(r.body);
  EXPECT_TRUE(v) << r.body;
  return v ? *v->Find("response") : value::Value();
}

TEST(AdmissionServiceTest, DeniesInGatekeepersForm) {
  AdmissionService service({}, Policies(), nullptr, std::make_shared<MetricsRegistry>());
  ServerResponse r = service.Handle(Post(kReview));
  ASSERT_EQ(r.status, 200);
  const value::Value response = Response(r);
  EXPECT_EQ(*response.Find("uid")->AsString(), "u-1");
  EXPECT_EQ(*response.Find("allowed")->AsBool(), false);
  EXPECT_EQ(*response.Find("status")->Find("code")->AsInt(), 403);
  EXPECT_EQ(*response.Find("status")->Find("message")->AsString(), "[slow] counted 100000");
}

TEST(AdmissionServiceTest, TheStepBudgetOrDeadlineRefusesRatherThanHangs) {
  AdmissionServiceOptions options;
  options.max_steps = 10'000;
  AdmissionService service(options, Policies(), nullptr, std::make_shared<MetricsRegistry>());
  const value::Value response = Response(service.Handle(Post(kReview)));
  EXPECT_EQ(*response.Find("allowed")->AsBool(), false);
  EXPECT_EQ(*response.Find("status")->Find("message")->AsString(),
            "[slow] evaluation exceeded the step budget of 10000");
  AdmissionService timed({}, Policies(), nullptr, std::make_shared<MetricsRegistry>());
  ServerRequest late = Post(kReview);
  late.deadline = std::chrono::steady_clock::now();  // the API server's timeout has run out
  const value::Value refused = Response(timed.Handle(late));
  EXPECT_EQ(*refused.Find("allowed")->AsBool(), false);
  const std::string message = *refused.Find("status")->Find("message")->AsString();
  EXPECT_EQ(message.rfind("[slow] ", 0), 0u) << message;
  EXPECT_NE(message.find("deadline"), std::string::npos) << message;
}

TEST(AdmissionServiceTest, NothingLoadedAllowsAndSaysSo) {
  AdmissionService service({}, std::make_shared<Snapshot<admission::PolicySet>>(), nullptr,
                           std::make_shared<MetricsRegistry>());
  const value::Value response = Response(service.Handle(Post(kReview)));
  EXPECT_EQ(*response.Find("allowed")->AsBool(), true);
  EXPECT_EQ(*response.Find("status")->Find("message")->AsString(),
            "no Gatekeeper resources are loaded");
}

TEST(AdmissionServiceTest, BadBodiesAre400) {
  AdmissionService service({}, Policies(), nullptr, std::make_shared<MetricsRegistry>());
  EXPECT_EQ(service.Handle(Post("{")).status, 400);
  EXPECT_EQ(
      service.Handle(Post(R"({"apiVersion":"admission.k8s.io/v1","kind":"TokenReview"})")).status,
      400);
  ServerResponse r = service.Handle(Post(R"({"apiVersion":"admission.k8s.io/v1",
    "kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE"}})"));
  ASSERT_EQ(r.status, 200) << "a request without an object is answered, not dropped";
  const value::Value response = Response(r);
  EXPECT_EQ(*response.Find("allowed")->AsBool(), false);
  EXPECT_EQ(*response.Find("status")->Find("code")->AsInt(), 500);
}

// --- policy bundles ---------------------------------------------------------------------

std::shared_ptr<const admission::bundle::ServedBundle> Bundle(const std::string& rego) {
  auto b = admission::bundle::PolicyBundle::Load({{"p.rego", rego}}, rego::Value::EmptyObject());
  EXPECT_TRUE(b) << (b ? "" : b.error().ToString());
  auto checker = admission::bundle::NamespaceChecker::Prepare(*b, {"main"});
  EXPECT_TRUE(checker);
  auto served = std::make_shared<admission::bundle::ServedBundle>();
  served->checker = *checker;
  return served;
}

const char* kDenyLatest = R"(package main
deny contains sprintf("Policy: no-latest - container <%s> uses latest", [c.name]) if {
  some c in input.spec.containers
  endswith(c.image, ":latest")
}
warn contains sprintf("%s by %s", [data.gatehouse.request.operation, data.gatehouse.request.userInfo.username]) if {
  true
}
)";

const char* kWarnOnly = R"(package main
warn contains "version two" if { true }
)";

const char* kPod = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
  "request":{"uid":"u-2","kind":{"group":"","version":"v1","kind":"Pod"},
  "name":"web","namespace":"team-a","operation":"CREATE","userInfo":{"username":"alice"},
  "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},
            "spec":{"containers":[{"name":"app","image":"nginx:latest"}]}}}})";

TEST(AdmissionServiceBundleTest, FailuresDenyAsWrittenWarningsWarn) {
  AdmissionService service({}, nullptr, nullptr, std::make_shared<MetricsRegistry>());
  auto bundles = std::make_shared<Snapshot<admission::bundle::ServedBundle>>();
  bundles->Publish(Bundle(kDenyLatest));
  service.SetPolicyBundle(bundles);
  const value::Value response = Response(service.Handle(Post(kPod)));
  EXPECT_EQ(*response.Find("allowed")->AsBool(), false);
  EXPECT_EQ(*response.Find("status")->Find("code")->AsInt(), 403);
  EXPECT_EQ(*response.Find("status")->Find("message")->AsString(),
            "Policy: no-latest - container <app> uses latest");
  ASSERT_NE(response.Find("warnings"), nullptr);
  EXPECT_EQ(value::ToJson(*response.Find("warnings")), R"(["CREATE by alice"])");
}

TEST(AdmissionServiceBundleTest, NothingLoadedYetIsSaid) {
  AdmissionService service({}, nullptr, nullptr, std::make_shared<MetricsRegistry>());
  service.SetPolicyBundle(std::make_shared<Snapshot<admission::bundle::ServedBundle>>());
  const value::Value response = Response(service.Handle(Post(kPod)));
  EXPECT_EQ(*response.Find("allowed")->AsBool(), true);
  EXPECT_EQ(*response.Find("status")->Find("message")->AsString(),
            "no Gatekeeper resources are loaded");
}

TEST(AdmissionServiceBundleTest, JoinsGatekeeperConstraints) {
  const char* set = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8salways}
spec:
  crd: {spec: {names: {kind: K8sAlways}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8salways
        violation[{"msg": "always"}] { true }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAlways
metadata: {name: every-pod}
)";
  auto docs = value::ParseYamlStream(set);
  ASSERT_TRUE(docs);
  std::vector<admission::SourcedDocument> sourced;
  for (value::Value& d : *docs) sourced.push_back({"set.yaml", std::move(d)});
  auto policies = std::make_shared<Snapshot<admission::PolicySet>>();
  policies->Publish(admission::PolicySet::Build(sourced));
  AdmissionService service({}, policies, nullptr, std::make_shared<MetricsRegistry>());
  auto bundles = std::make_shared<Snapshot<admission::bundle::ServedBundle>>();
  bundles->Publish(Bundle(kDenyLatest));
  service.SetPolicyBundle(bundles);
  const value::Value response = Response(service.Handle(Post(kPod)));
  EXPECT_EQ(*response.Find("status")->Find("message")->AsString(),
            "[every-pod] always\nPolicy: no-latest - container <app> uses latest");
}

TEST(AdmissionServiceBundleTest, ReplacingTheBundleUnderRequests) {
  AdmissionService service({}, nullptr, nullptr, std::make_shared<MetricsRegistry>());
  auto bundles = std::make_shared<Snapshot<admission::bundle::ServedBundle>>();
  auto first = Bundle(kDenyLatest);
  auto second = Bundle(kWarnOnly);
  bundles->Publish(first);
  service.SetPolicyBundle(bundles);
  std::atomic<bool> stop{false};
  std::atomic<int> denied{0};
  std::atomic<int> warned{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        const value::Value response = Response(service.Handle(Post(kPod)));
        if (!*response.Find("allowed")->AsBool()) {
          ++denied;
        } else if (response.Find("warnings") != nullptr &&
                   value::ToJson(*response.Find("warnings")) == R"(["version two"])") {
          ++warned;
        } else {
          ++other;
        }
      }
    });
  }
  for (int i = 0; i < 200; ++i) bundles->Publish(i % 2 == 0 ? second : first);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(other.load(), 0) << "every answer is one version's verdict";
  EXPECT_GT(denied.load() + warned.load(), 0);
}

}  // namespace
}  // namespace gatehouse::adapters
