// The constraint CRD of a template, against the one a real kube-apiserver 1.26 accepted and
// served (tests/data/kube-apiserver-1.26/api/crd-lifecycle.json, constrainttemplate.json).
#include "admission/constraint_crd.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "value/json.h"

namespace gatehouse::admission {
namespace {

value::Value Capture(const std::string& file) {
  std::ifstream in(std::string(GATEHOUSE_TEST_DATA_DIR) + "/kube-apiserver-1.26/api/" + file);
  std::stringstream text;
  text << in.rdbuf();
  Result<value::Value> doc = value::ParseJson(text.str());
  EXPECT_TRUE(doc) << file;
  return doc ? *doc : value::Value();
}

// The body of the first request `method path` of a capture, or its answer's body.
value::Value Exchange(const value::Value& capture, const std::string& method,
                      const std::string& path, bool answer) {
  for (const value::Value& e : *capture.Find("exchanges")->AsArray()) {
    const value::Value* request = e.Find("request");
    if (request == nullptr) continue;
    if (*request->Find("method")->AsString() == method &&
        *request->Find("path")->AsString() == path) {
      return answer ? *e.Find("response")->Find("body") : *request->Find("body");
    }
  }
  ADD_FAILURE() << "no exchange " << method << " " << path;
  return value::Value();
}

ConstraintTemplate RequiredLabels() {
  value::Value doc = Exchange(Capture("constrainttemplate.json"), "POST",
                              "/apis/templates.gatekeeper.sh/v1/constrainttemplates", false);
  Result<ConstraintTemplate> t = ParseConstraintTemplate(doc, "k8srequiredlabels");
  EXPECT_TRUE(t) << (t ? "" : t.error().message);
  return t ? *t : ConstraintTemplate{};
}

const char* kCrdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

TEST(ConstraintCrdTest, NamesFollowTheKind) {
  ConstraintTemplate t = RequiredLabels();
  EXPECT_EQ(ConstraintResourceName(t), "k8srequiredlabels");
  EXPECT_EQ(ConstraintCrdName(t), "k8srequiredlabels.constraints.gatekeeper.sh");
}

// The template of constrainttemplate.json as it was when crd-lifecycle.json was captured: that
// library version had no description on labels[].allowedRegex.
ConstraintTemplate RequiredLabelsOfTheCrdCapture() {
  ConstraintTemplate t = RequiredLabels();
  value::Value* regex = t.parameters_schema.FindMutable("properties");
  for (const char* step : {"labels", "items", "properties", "allowedRegex"}) {
    regex = regex != nullptr ? regex->FindMutable(step) : nullptr;
  }
  EXPECT_NE(regex, nullptr);
  if (regex != nullptr) {
    EXPECT_TRUE(regex->Erase("description"));
  }
  return t;
}

TEST(ConstraintCrdTest, MatchesWhatTheApiServerServesBack) {
  value::Value capture = Capture("crd-lifecycle.json");
  value::Value created = Exchange(capture, "POST", kCrdPath, true);
  value::Value wanted = ConstraintCrd(RequiredLabelsOfTheCrdCapture());
  EXPECT_TRUE(CrdSpecMatches(created, wanted)) << value::ToJson(wanted);
  EXPECT_EQ(*wanted.Find("metadata")->Find("name")->AsString(),
            "k8srequiredlabels.constraints.gatekeeper.sh");
  EXPECT_EQ(*wanted.Find("metadata")->Find("labels")->Find("gatekeeper.sh/constraint")->AsString(),
            "yes");
  EXPECT_EQ(*wanted.Find("spec")->Find("scope")->AsString(), "Cluster");
  // The capture's request body is the CRD Gatekeeper would have sent; ours says the same.
  value::Value sent = Exchange(capture, "POST", kCrdPath, false);
  EXPECT_TRUE(CrdSpecMatches(sent, wanted));
}

TEST(ConstraintCrdTest, AChangedParameterSchemaNeedsAnUpdate) {
  value::Value created = Exchange(Capture("crd-lifecycle.json"), "POST", kCrdPath, true);
  EXPECT_TRUE(CrdSpecMatches(created, ConstraintCrd(RequiredLabelsOfTheCrdCapture())));
  ConstraintTemplate t = RequiredLabelsOfTheCrdCapture();
  t.parameters_schema = value::Value(
      value::Object{{"type", "object"},
                    {"properties", value::Object{{"limit", value::Object{{"type", "integer"}}}}}});
  EXPECT_FALSE(CrdSpecMatches(created, ConstraintCrd(t)));
}

TEST(ConstraintCrdTest, EstablishedOnlyOnceTheConditionIsTrue) {
  value::Value capture = Capture("crd-lifecycle.json");
  EXPECT_FALSE(CrdEstablished(Exchange(capture, "POST", kCrdPath, true)));
  std::string item = std::string(kCrdPath) + "/k8srequiredlabels.constraints.gatekeeper.sh";
  int established = 0;
  int polls = 0;
  for (const value::Value& e : *capture.Find("exchanges")->AsArray()) {
    const value::Value* request = e.Find("request");
    if (request == nullptr || *request->Find("path")->AsString() != item) continue;
    ++polls;
    if (CrdEstablished(*e.Find("response")->Find("body"))) ++established;
  }
  // The capture polls until Established: only the last poll sees it.
  EXPECT_GE(polls, 2);
  EXPECT_EQ(established, 1);
}

}  // namespace
}  // namespace gatehouse::admission
