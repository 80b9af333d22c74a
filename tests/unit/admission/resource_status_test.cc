// The status Gatekeeper's controller writes, in the shapes a real kube-apiserver 1.26 stored
// (tests/data/kube-apiserver-1.26/api/constrainttemplate.json, crd-lifecycle.json), and the merge
// patch that gets there.
#include "admission/resource_status.h"

#include <gtest/gtest.h>

#include "value/json.h"

namespace gatehouse::admission {
namespace {

value::Value Json(const char* text) {
  Result<value::Value> v = value::ParseJson(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : value::Value();
}

const char* kTemplate =
    R"({"metadata":{"name":"k8srequiredlabels","uid":"c2d2be7d-3967-42fa-83be-d74acaf0780d","generation":1}})";
const char* kConstraint =
    R"({"metadata":{"name":"ns-must-have-owner","uid":"1b03fe88-04f4-4f78-ade2-49fa5be27da8","generation":1}})";

TEST(ResourceStatusTest, TemplateStatusHasGatekeepersFields) {
  value::Value status = TemplateStatus(Json(kTemplate), "gatehouse-0", true, {});
  EXPECT_EQ(
      value::ToJson(status),
      R"({"created":true,"byPod":[{"id":"gatehouse-0","observedGeneration":1,"operations":["audit","status","webhook"],"templateUID":"c2d2be7d-3967-42fa-83be-d74acaf0780d"}]})");
}

TEST(ResourceStatusTest, ATemplateThatDoesNotCompileCarriesAnIngestError) {
  value::Value status = TemplateStatus(Json(kTemplate), "gatehouse-0", false,
                                       {{"ingest_error", "1:10: rego_parse_error: unexpected }"}});
  EXPECT_EQ(*status.Find("created")->AsBool(), false);
  const value::Value& error =
      (*status.Find("byPod")->AsArray())[0].Find("errors")->AsArray()->at(0);
  EXPECT_EQ(*error.Find("code")->AsString(), "ingest_error");
  EXPECT_EQ(*error.Find("message")->AsString(), "1:10: rego_parse_error: unexpected }");
}

TEST(ResourceStatusTest, ConstraintStatusCarriesTheAudit) {
  AuditStatus audit;
  audit.timestamp = std::chrono::system_clock::time_point(std::chrono::seconds(1796378400));
  audit.total_violations = 3;
  audit.violations.push_back(
      {"", "v1", "Namespace", "tenant-a", "", "you must provide labels: {\"owner\"}", "deny"});
  value::Value status = ConstraintStatus(Json(kConstraint), "gatehouse-0", true, {}, audit);
  EXPECT_EQ(*status.Find("auditTimestamp")->AsString(), "2026-12-04T10:00:00Z");
  EXPECT_EQ(*status.Find("totalViolations")->AsInt(), 3);
  EXPECT_EQ(
      value::ToJson(*status.Find("violations")),
      R"([{"enforcementAction":"deny","group":"","version":"v1","kind":"Namespace","name":"tenant-a","message":"you must provide labels: {\"owner\"}"}])");
  EXPECT_EQ(
      value::ToJson(*status.Find("byPod")),
      R"([{"id":"gatehouse-0","constraintUID":"1b03fe88-04f4-4f78-ade2-49fa5be27da8","enforced":true,"observedGeneration":1,"operations":["audit","status","webhook"]}])");
}

TEST(ResourceStatusTest, NoAuditKeepsTheAuditFieldsThereAre) {
  value::Value object = Json(kConstraint);
  object.Set("status", Json(R"({"auditTimestamp":"2026-12-04T10:00:00Z","totalViolations":2})"));
  value::Value status = ConstraintStatus(object, "gatehouse-0", true, {}, std::nullopt);
  EXPECT_EQ(*status.Find("totalViolations")->AsInt(), 2);
  EXPECT_EQ(*status.Find("auditTimestamp")->AsString(), "2026-12-04T10:00:00Z");
}

TEST(ResourceStatusTest, PatchSetsWhatDiffersAndNullsWhatIsGone) {
  value::Value object = Json(kConstraint);
  object.Set(
      "status",
      Json(
          R"({"auditTimestamp":"2026-12-04T10:00:00Z","totalViolations":1,"violations":[{"name":"a"}],"other":"kept"})"));
  value::Value wanted =
      Json(R"({"auditTimestamp":"2026-12-04T10:01:00Z","totalViolations":0,"other":"kept"})");
  std::optional<value::Value> patch = StatusPatch(object, wanted, ConstraintStatusFields());
  ASSERT_TRUE(patch);
  // The merge patch the capture shows the server applying (null deletes a field).
  EXPECT_EQ(
      value::ToJson(*patch),
      R"({"status":{"auditTimestamp":"2026-12-04T10:01:00Z","totalViolations":0,"violations":null}})");
}

TEST(ResourceStatusTest, NoPatchWhenTheStatusAlreadySaysIt) {
  value::Value object = Json(kTemplate);
  value::Value wanted = TemplateStatus(object, "gatehouse-0", true, {});
  object.Set("status", wanted);
  EXPECT_FALSE(StatusPatch(object, wanted, TemplateStatusFields()));
  EXPECT_TRUE(StatusPatch(Json(kTemplate), wanted, TemplateStatusFields()));
}

}  // namespace
}  // namespace gatehouse::admission
