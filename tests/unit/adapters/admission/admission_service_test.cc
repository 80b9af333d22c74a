// Gatekeeper's validating webhook on gatehouse's listener (adapters/admission/admission_service.h).
#include "adapters/admission/admission_service.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gatehouse::adapters
