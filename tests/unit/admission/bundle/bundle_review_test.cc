// A policy bundle at admission: input is the object (oldObject for DELETE, the namespace filled
// in), the request is data.gatehouse.request, failures deny, warnings warn, errors deny.
#include "admission/bundle/bundle_review.h"

#include <gtest/gtest.h>

namespace gatehouse::admission::bundle {
namespace {

rego::Value Json(const std::string& text) {
  auto v = rego::ParseJsonText(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : rego::Value();
}

ServedBundle Serve(const std::string& rego, std::vector<std::string> namespaces = {"main"}) {
  auto b = PolicyBundle::Load({{"p.rego", rego}}, rego::Value::EmptyObject());
  EXPECT_TRUE(b) << (b ? "" : b.error().ToString());
  ServedBundle s;
  if (!b) return s;
  auto checker = NamespaceChecker::Prepare(*b, std::move(namespaces));
  EXPECT_TRUE(checker);
  if (checker) s.checker = *checker;
  return s;
}

const char* kPolicy = R"(package main
deny contains sprintf("Policy: no-latest - %s uses latest", [input.metadata.name]) if {
  endswith(input.spec.containers[_].image, ":latest")
}
warn contains sprintf("operation %s in %s", [data.gatehouse.request.operation, input.metadata.namespace]) if {
  true
}
deny contains "bad" if { input.metadata.name == "boom"; 1 / 0 == 1 }
deny contains x if { input.metadata.name == "conflict"; x := {"no": "msg"} }
)";

TEST(BundleInput, ObjectOrOldObjectWithTheRequestNamespace) {
  rego::Value create = Json(R"({"namespace": "team-a", "object": {"metadata": {"name": "p"}}})");
  EXPECT_EQ(BundleInput(create), Json(R"({"metadata": {"name": "p", "namespace": "team-a"}})"));
  rego::Value kept =
      Json(R"({"namespace": "team-a", "object": {"metadata": {"namespace": "other"}}})");
  EXPECT_EQ(BundleInput(kept), Json(R"({"metadata": {"namespace": "other"}})"));
  rego::Value del =
      Json(R"({"operation": "DELETE", "object": null, "oldObject": {"kind": "Pod"}})");
  EXPECT_EQ(BundleInput(del), Json(R"({"kind": "Pod"})"));
  rego::Value cluster = Json(R"({"object": {"kind": "Namespace"}})");
  EXPECT_EQ(BundleInput(cluster), Json(R"({"kind": "Namespace"})"));
}

TEST(ReviewWithBundle, FailuresDenyWarningsWarnAndTheRequestIsData) {
  ServedBundle s = Serve(kPolicy);
  BundleVerdict v = ReviewWithBundle(
      s, Json(R"({"operation": "CREATE", "namespace": "team-a", "object": {"metadata": {"name":
          "web"}, "spec": {"containers": [{"image": "nginx:latest"}]}}})"));
  EXPECT_EQ(v.denials, std::vector<std::string>{"Policy: no-latest - web uses latest"});
  EXPECT_EQ(v.warnings, std::vector<std::string>{"operation CREATE in team-a"});
  EXPECT_FALSE(v.error);
}

TEST(ReviewWithBundle, QueryErrorsDenySayingWhy) {
  ServedBundle s = Serve(kPolicy);
  BundleVerdict v = ReviewWithBundle(
      s, Json(R"({"operation": "CREATE", "object": {"metadata": {"name": "conflict"}}})"));
  ASSERT_TRUE(v.error);
  ASSERT_EQ(v.denials.size(), 1u);
  EXPECT_EQ(v.denials[0],
            "policy bundle could not be evaluated: query rule: new result: "
            "\"msg\" field must be present and a string");
}

TEST(ReviewWithBundle, StepLimitDenies) {
  ServedBundle s = Serve(R"(package main
deny contains "never" if {
  some i in numbers.range(1, 100000)
  i < 0
}
)");
  BundleReviewOptions options;
  options.max_steps = 1000;
  BundleVerdict v = ReviewWithBundle(s, Json(R"({"object": {}})"), options);
  ASSERT_TRUE(v.error);
  ASSERT_EQ(v.denials.size(), 1u);
  EXPECT_EQ(v.denials[0],
            "policy bundle could not be evaluated: query rule: evaluating policy: "
            "evaluation exceeded the step budget of 1000");
}

TEST(ReviewWithBundle, ExceptionsAreCountedNotDenied) {
  ServedBundle s = Serve(R"(package main
deny_root contains "root" if { true }
exception contains ["root"] if { input.metadata.labels.trusted == "yes" }
)");
  BundleVerdict v =
      ReviewWithBundle(s, Json(R"({"object": {"metadata": {"labels": {"trusted": "yes"}}}})"));
  EXPECT_TRUE(v.denials.empty());
  EXPECT_EQ(v.exceptions, 1);
}

TEST(ReviewWithBundle, NamespacesNotInTheBundleJudgeNothing) {
  ServedBundle s = Serve(kPolicy, {"other"});
  BundleVerdict v = ReviewWithBundle(
      s, Json(R"({"object": {"metadata": {"name": "web"}, "spec": {"containers": [{"image":
          "nginx:latest"}]}}})"));
  EXPECT_TRUE(v.denials.empty());
  EXPECT_TRUE(v.warnings.empty());
}

}  // namespace
}  // namespace gatehouse::admission::bundle
