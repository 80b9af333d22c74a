// Policy bundles as Gatekeeper ConstraintTemplates and Constraints
// (admission/bundle/template_builder.h): the token rewriting, the documents written, and that the
// templates, run as Gatekeeper runs them, give the messages `gatehouse test` gives.
#include "admission/bundle/template_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "admission/admission_errors.h"
#include "admission/bundle/policy_bundle.h"
#include "admission/document_fields.h"
#include "admission/policy_set.h"
#include "admission/review_request.h"
#include "admission/reviewer.h"
#include "value/yaml.h"

namespace gatehouse::admission::bundle {
namespace {

using rego::RegoVersion;

std::string Rewrite(const std::string& text, ModuleRewrite rewrite = {}) {
  auto out = RewriteModuleForTemplate({"p.rego", text}, rewrite);
  EXPECT_TRUE(out) << (out ? "" : out.error().ToString());
  return out ? *out : "";
}

Error RewriteError(const std::string& text, ModuleRewrite rewrite = {}) {
  auto out = RewriteModuleForTemplate({"p.rego", text}, rewrite);
  EXPECT_FALSE(out) << *out;
  return out ? Error{} : out.error();
}

ModuleRewrite V0() {
  ModuleRewrite r;
  r.version = RegoVersion::kV0;
  return r;
}

rego::Value Json(const std::string& text) {
  auto v = rego::ParseJsonText(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : rego::Value();
}

TemplateBuild Build(std::vector<rego::SourceFile> files, const std::string& data = "{}",
                    TemplateBuildOptions options = {}) {
  auto b = BuildTemplates(std::move(files), Json(data), options);
  EXPECT_TRUE(b) << (b ? "" : b.error().ToString());
  return b ? *b : TemplateBuild();
}

Error BuildError(std::vector<rego::SourceFile> files, const std::string& data = "{}",
                 TemplateBuildOptions options = {}) {
  auto b = BuildTemplates(std::move(files), Json(data), options);
  EXPECT_FALSE(b);
  return b ? Error{} : b.error();
}

const GeneratedFile* FileNamed(const TemplateBuild& b, const std::string& path) {
  for (const GeneratedFile& f : b.files) {
    if (f.path == path) return &f;
  }
  ADD_FAILURE() << "no file " << path;
  return nullptr;
}

value::Value Doc(const TemplateBuild& b, const std::string& path) {
  const GeneratedFile* f = FileNamed(b, path);
  if (f == nullptr) return value::Value();
  auto v = value::ParseYaml(f->text);
  EXPECT_TRUE(v) << f->text;
  return v ? *v : value::Value();
}

std::string RegoOf(const TemplateBuild& b, const std::string& name) {
  const value::Value doc = Doc(b, name + "/template.yaml");
  const value::Value* targets = FieldAt(doc, {"spec", "targets"});
  if (targets == nullptr || !targets->is_array()) return "";
  return StringAt(targets->AsArray()->front(), {"rego"});
}

// Every template and constraint of the build, as Gatekeeper would load them.
std::shared_ptr<const PolicySet> Load(const TemplateBuild& b) {
  std::vector<SourcedDocument> docs;
  for (const GeneratedFile& f : b.files) docs.push_back({f.path, Doc(b, f.path)});
  auto set = PolicySet::Build(docs);
  for (const PolicyProblem& p : set->problems()) {
    ADD_FAILURE() << p.source << ": " << p.error.ToString();
  }
  return set;
}

// The messages of each constraint kind for one object, as Gatekeeper reviews it.
std::map<std::string, std::vector<std::string>> Gatekeeper(const PolicySet& set,
                                                           const std::string& object) {
  auto request = ReviewFromObject(rego::ToJson(Json(object)));
  EXPECT_TRUE(request);
  std::map<std::string, std::vector<std::string>> out;
  if (!request) return out;
  ReviewOptions options;
  options.review_namespace_object = false;
  for (const Violation& v : Review(set, *request, options).violations) {
    out[v.constraint->kind].push_back(v.message);
  }
  for (auto& [kind, messages] : out) std::sort(messages.begin(), messages.end());
  return out;
}

// The failures and warnings `gatehouse test` reports for one object in one namespace.
std::pair<std::vector<std::string>, std::vector<std::string>> Conftest(
    const std::vector<rego::SourceFile>& files, const std::string& data, const std::string& ns,
    const std::string& object, RegoVersion version = RegoVersion::kV1) {
  BundleOptions options;
  options.version = version;
  auto b = PolicyBundle::Load(files, Json(data), options);
  EXPECT_TRUE(b) << (b ? "" : b.error().ToString());
  if (!b) return {};
  CheckResult r;
  Status s = (*b)->Check(ns, Json(object), {}, &r);
  EXPECT_TRUE(s) << (s ? "" : s.error().ToString());
  std::pair<std::vector<std::string>, std::vector<std::string>> out;
  for (const CheckMessage& m : r.failures) out.first.push_back(m.msg);
  for (const CheckMessage& m : r.warnings) out.second.push_back(m.msg);
  std::sort(out.first.begin(), out.first.end());
  std::sort(out.second.begin(), out.second.end());
  return out;
}

// ----------------------------------------------------------------------------------------------
// Rewriting.

TEST(RewriteModuleForTemplate, InputAtTheHeadOfAReferenceIsTheObjectUnderReview) {
  EXPECT_EQ(Rewrite("package p\n\nx := input.metadata.name\n\ny := object.get(input, \"a\", 1)\n"
                    "z := input[\"kind\"]\n"),
            "package p\n\nimport future.keywords\n\nx := input.review.object.metadata.name\n\n"
            "y := object.get(input.review.object, \"a\", 1)\nz := input.review.object[\"kind\"]\n");
}

TEST(RewriteModuleForTemplate, StringsCommentsAndFieldsNamedInputAreUntouched) {
  const std::string text =
      "package p\n# input.x and data.y in a comment\nx := \"input.spec data.z\"\n"
      "y := `input data`\nz := obj.input.data\nw := {\"input\": 1}\n";
  EXPECT_EQ(V0().version, RegoVersion::kV0);
  EXPECT_EQ(Rewrite(text, V0()), text);
}

TEST(RewriteModuleForTemplate, DataBecomesTheConstraintParameters) {
  const std::string out = Rewrite(
      "package p\n\na := data.parameters.excludedNamespaces\nb := data[\"parameters\"][id]\n"
      "c := data.gatehouse.annotation_domain\nd := data.lib.helpers.x\ne := "
      "data.inventory.cluster\n"
      "f := data.gatehouse.request.operation\ng := data.gatehouse[\"request\"].userInfo\n",
      V0());
  EXPECT_EQ(out,
            "package p\n\na := input.parameters.parameters.excludedNamespaces\n"
            "b := input.parameters[\"parameters\"][id]\n"
            "c := input.parameters.gatehouse.annotation_domain\nd := data.lib.helpers.x\n"
            "e := data.inventory.cluster\nf := input.review.operation\n"
            "g := input.review.userInfo\n");
}

TEST(RewriteModuleForTemplate, ThePackageAndTheImportsOfV1Text) {
  ModuleRewrite r;
  r.package = "gatehouseprivileged";
  EXPECT_EQ(Rewrite("# The policy.\npackage policy.privileged # the policy\n\n"
                    "import rego.v1\nimport future.keywords.in\nimport data.lib.x\n\n"
                    "deny contains \"m\" if x.y\n",
                    r),
            "# The policy.\npackage gatehouseprivileged # the policy\n\n"
            "import future.keywords\n\n\n\nimport data.lib.x\n\ndeny contains \"m\" if x.y\n");
  // v0 text keeps its own keyword imports; Gatekeeper accepts future.*.
  EXPECT_EQ(Rewrite("package a.b\nimport future.keywords.in\np { 1 in [1] }\n", V0()),
            "package a.b\nimport future.keywords.in\np { 1 in [1] }\n");
  // rego.v1 makes v0 text v1: the same treatment, as Gatekeeper refuses `import rego.v1`.
  bool v1 = false;
  auto out =
      RewriteModuleForTemplate({"p.rego", "package a\nimport rego.v1\np if true\n"}, V0(), &v1);
  ASSERT_TRUE(out);
  EXPECT_TRUE(v1);
  EXPECT_EQ(*out, "package a\n\nimport future.keywords\n\np if true\n");
}

TEST(RewriteModuleForTemplate, RuleValuesAV0ParserWouldReadAsSets) {
  EXPECT_EQ(Rewrite("package p\n\nq[x] if x := input.a\nr[\"k\"] if true\ns.t[u] if u := 1\n"
                    "ok contains x if x := 1\nf(x) if x\n"),
            "package p\n\nimport future.keywords\n\nq[x] := true if x := input.review.object.a\n"
            "r[\"k\"] := true if true\ns.t[u] := true if u := 1\nok contains x if x := 1\n"
            "f(x) if x\n");
}

TEST(RewriteModuleForTemplate, ViolationRuleRenamedOnlyWhenAsked) {
  ModuleRewrite r = V0();
  EXPECT_EQ(Rewrite("package p\nviolation[m] { m := data.lib.a.violation }\n", r),
            "package p\nviolation[m] { m := data.lib.a.violation }\n");
  r.rename_violation = true;
  EXPECT_EQ(Rewrite("package p\nviolation[m] { m := data.lib.a.violation }\n", r),
            "package p\n_gatehouse_violation[m] { m := data.lib.a.violation }\n");
}

TEST(RewriteModuleForTemplate, WhatATemplateCannotExpress) {
  ModuleRewrite r = V0();
  r.bundle_roots = {"policy", "util"};
  Error e = RewriteError("package p\nx := data.util.y\n", r);
  EXPECT_EQ(e.code, AdmissionError::kInvalidBundle);
  EXPECT_EQ(e.message,
            "p.rego:2:6: data.util refers to a package of the bundle, which a ConstraintTemplate "
            "cannot reach (only lib.* packages go into its libs)");
  e = RewriteError("package p\nx := data\n", r);
  EXPECT_EQ(e.code, AdmissionError::kInvalidBundle);
  EXPECT_TRUE(e.message.starts_with("p.rego:2:6: a reference to the whole data document"))
      << e.message;
  e = RewriteError("package p\nx := data[y]\ny := \"a\"\n", r);
  EXPECT_TRUE(e.message.starts_with("p.rego:2:6: a reference to the whole data document"));
  e = RewriteError("package p\nimport data.settings\n", r);
  EXPECT_EQ(e.code, AdmissionError::kInvalidTemplate);
  EXPECT_EQ(e.message,
            "p.rego:2:1: invalid import: bad import: \"data.settings\" (a ConstraintTemplate may "
            "import only data.lib.* and future.keywords)");
  e = RewriteError("package p\nimport data.inventory\n", r);
  EXPECT_EQ(e.code, AdmissionError::kInvalidTemplate);
  e = RewriteError("package p\nimport input.spec as s\n", r);
  EXPECT_TRUE(
      e.message.starts_with("p.rego:2:1: invalid import: cannot import input: "
                            "\"input.spec\""))
      << e.message;
  e = RewriteError("package p\n_gatehouse_x := 1\n", r);
  EXPECT_EQ(e.code, AdmissionError::kInvalidBundle);
  EXPECT_TRUE(e.message.starts_with("p.rego:2:1: _gatehouse_x: names starting with _gatehouse_"));
  e = RewriteError("package p\nx := {\n", r);
  EXPECT_EQ(e.code.wire(), "rego_parse_error");
}

// ----------------------------------------------------------------------------------------------
// The documents.

const rego::SourceFile kPrivileged{"policies/privileged/policy.rego", R"(# METADATA
# title: Privileged containers
# description: No container runs privileged.
# custom:
#   id: privileged
#   kinds: [Pod, Deployment, Job, CronJob, Widget, example.com/Thing, core/Binding, Pod]
package policy.privileged

import data.lib.k8s

deny contains msg if {
	not k8s.excluded
	some c in input.spec.containers
	c.securityContext.privileged
	msg := sprintf("container <%s> is privileged in %s", [c.name, k8s.domain])
}
)"};

const rego::SourceFile kLib{"policies/lib/k8s.rego", R"(package lib.k8s

default domain := "policy.gatehouse.dev"

domain := data.gatehouse.annotation_domain

excluded if input.metadata.namespace in data.parameters.excludedNamespaces
)"};

const rego::SourceFile kLibTest{"policies/lib/k8s_test.rego", R"(package lib.k8s_test

import data.lib.k8s

test_excluded if k8s.excluded with input as {"metadata": {"namespace": "a"}}
	with data.parameters.excludedNamespaces as ["a"]
)"};

const rego::SourceFile kPolicyTest{"policies/privileged/policy_test.rego",
                                   R"(package policy.privileged_test

import data.policy.privileged

test_denied if count(privileged.deny) == 1 with input as {"spec": {"containers": [
	{"name": "a", "securityContext": {"privileged": true}}]}}
)"};

TEST(BuildTemplates, OneTemplateAndConstraintPerPolicyPackage) {
  const TemplateBuild b = Build({kPrivileged, kLib, kLibTest, kPolicyTest},
                                R"({"parameters": {"excludedNamespaces": ["kube-system"]},
                                    "inventory": {"x": 1}, "lib": {"y": 2}})");
  ASSERT_EQ(b.templates.size(), 1u);
  const GeneratedTemplate& t = b.templates[0];
  EXPECT_EQ(t.package, "policy.privileged");
  EXPECT_EQ(t.name, "gatehouseprivileged");
  EXPECT_EQ(t.kind, "GatehousePrivileged");
  EXPECT_EQ(t.constraint_name, "privileged");
  EXPECT_FALSE(t.warn);
  EXPECT_EQ(t.rules, std::vector<std::string>{"deny"});
  ASSERT_EQ(b.files.size(), 2u);
  EXPECT_EQ(b.files[0].path, "gatehouseprivileged/template.yaml");
  EXPECT_EQ(b.files[1].path, "gatehouseprivileged/constraint.yaml");

  const GeneratedFile* template_file = FileNamed(b, "gatehouseprivileged/template.yaml");
  ASSERT_NE(template_file, nullptr);
  EXPECT_TRUE(template_file->text.starts_with(
      "# Generated by gatehouse build-templates from package policy.privileged; change the "
      "policy, not this file.\napiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\n"
      "metadata:\n  annotations:\n    description: No container runs privileged.\n"
      "    metadata.gatehouse.dev/package: policy.privileged\n"
      "    metadata.gatekeeper.sh/title: Privileged containers\n  name: gatehouseprivileged\n"
      "spec:\n  crd:\n    spec:\n      names:\n        kind: GatehousePrivileged\n"
      "      validation:\n        legacySchema: false\n        openAPIV3Schema:\n"
      "          type: object\n          x-kubernetes-preserve-unknown-fields: true\n"
      "  targets:\n  - libs:\n    - |\n      package lib.k8s\n\n      import future.keywords\n"))
      << template_file->text;
  EXPECT_NE(template_file->text.find("\n    rego: |\n      # METADATA\n"), std::string::npos);
  EXPECT_NE(template_file->text.find("\n      \tnot k8s.excluded\n"), std::string::npos);

  const value::Value tmpl = Doc(b, "gatehouseprivileged/template.yaml");
  const value::Value& target = FieldAt(tmpl, {"spec", "targets"})->AsArray()->front();
  EXPECT_EQ(StringAt(target, {"target"}), "admission.k8s.gatekeeper.sh");
  ASSERT_EQ(target.Find("libs")->AsArray()->size(), 1u);  // not the test file
  EXPECT_EQ(*target.Find("libs")->AsArray()->front().AsString(),
            "package lib.k8s\n\nimport future.keywords\n\n"
            "default domain := \"policy.gatehouse.dev\"\n\n"
            "domain := input.parameters.gatehouse.annotation_domain\n\n"
            "excluded if input.review.object.metadata.namespace in "
            "input.parameters.parameters.excludedNamespaces\n");
  const std::string rego = StringAt(target, {"rego"});
  EXPECT_NE(rego.find("package gatehouseprivileged\n\nimport future.keywords\n\n"
                      "import data.lib.k8s\n"),
            std::string::npos);
  EXPECT_NE(rego.find("\tsome c in input.review.object.spec.containers\n"), std::string::npos);
  EXPECT_NE(rego.find("violation contains {\"msg\": _gatehouse_m, \"details\": {\"rule\": "
                      "\"deny\"}} if {\n\tsome _gatehouse_r in _gatehouse_results(deny)\n"),
            std::string::npos)
      << rego;
  EXPECT_EQ(rego.find("_gatehouse_excepted"), std::string::npos);  // no exception rule

  EXPECT_EQ(FileNamed(b, "gatehouseprivileged/constraint.yaml")->text,
            "# Generated by gatehouse build-templates from package policy.privileged; change the "
            "policy, not this file.\n"
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: GatehousePrivileged\n"
            "metadata:\n  name: privileged\nspec:\n  enforcementAction: deny\n  match:\n"
            "    kinds:\n    - apiGroups:\n      - \"\"\n      kinds:\n      - Pod\n"
            "      - Binding\n    - apiGroups:\n      - apps\n      kinds:\n      - Deployment\n"
            "    - apiGroups:\n      - batch\n      kinds:\n      - Job\n      - CronJob\n"
            "    - apiGroups:\n      - \"*\"\n      kinds:\n      - Widget\n"
            "    - apiGroups:\n      - example.com\n      kinds:\n      - Thing\n"
            "  parameters:\n    parameters:\n      excludedNamespaces:\n      - kube-system\n");
}

TEST(BuildTemplates, TheAnnotationDomainJoinsTheParameters) {
  TemplateBuildOptions options;
  options.annotation_domain = "policy.example.com";
  const TemplateBuild b =
      Build({kPrivileged, kLib}, R"({"gatehouse": {"other": 1}, "a": [1, "2"]})", options);
  const value::Value c = Doc(b, "gatehouseprivileged/constraint.yaml");
  EXPECT_EQ(rego::FromJson(*FieldAt(c, {"spec", "parameters"})),
            Json(R"({"a": [1, "2"], "gatehouse": {"other": 1,
                     "annotation_domain": "policy.example.com"}})"));
  // Gatekeeper, as the constraint has it, gives the domain the library reads.
  auto set = Load(b);
  const auto messages = Gatekeeper(*set, R"({"apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a",
      "securityContext": {"privileged": true}}]}})");
  EXPECT_EQ(messages.at("GatehousePrivileged"),
            std::vector<std::string>{"container <a> is privileged in policy.example.com"});
}

TEST(BuildTemplates, WithoutKindsTheConstraintMatchesEverything) {
  const TemplateBuild b =
      Build({{"p.rego", "package main\n\ndeny contains \"always\" if input.kind\n"}});
  ASSERT_EQ(b.templates.size(), 1u);
  EXPECT_EQ(b.templates[0].name, "gatehousemain");  // the last package segment
  EXPECT_EQ(b.templates[0].kind, "GatehouseMain");
  const value::Value c = Doc(b, "gatehousemain/constraint.yaml");
  EXPECT_EQ(FieldAt(c, {"spec", "match"}), nullptr);
  EXPECT_EQ(rego::FromJson(*FieldAt(c, {"spec", "parameters"})), rego::Value::EmptyObject());
  auto set = Load(b);
  EXPECT_EQ(Gatekeeper(*set, R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})")
                .at("GatehouseMain"),
            std::vector<std::string>{"always"});
}

const rego::SourceFile kLabels{"policy/labels.rego", R"(# METADATA
# custom:
#   id: team_labels
package main

deny contains msg if {
	not input.metadata.labels.team
	msg := sprintf("%s: label <team> is required", [input.metadata.name])
}

deny_owner contains {"msg": "label <owner> is required", "severity": "high"} if {
	not input.metadata.labels.owner
}

violation contains "violation itself" if input.metadata.labels.violation

violation_empty contains "" if true

deny_array := ["first", "second", 3, {"msg": ""}] if input.metadata.labels.array

warn contains msg if {
	input.metadata.labels.team == data.settings.legacy_team
	msg := sprintf("team <%s> is being retired", [data.settings.legacy_team])
}

warn_exempt contains "warn_exempt fired" if true

exception contains rules if {
	input.metadata.annotations["example.com/exempt"] == "true"
	rules := ["owner", "exempt"]
}
)"};

TEST(BuildTemplates, WarningsExceptionsAndResultsAsConftestReadsThem) {
  const std::string data = R"({"settings": {"legacy_team": "blue"}})";
  const TemplateBuild b = Build({kLabels}, data);
  ASSERT_EQ(b.templates.size(), 2u);
  EXPECT_EQ(b.templates[0].name, "gatehouseteamlabels");
  EXPECT_EQ(b.templates[0].kind, "GatehouseTeamLabels");
  EXPECT_EQ(b.templates[0].constraint_name, "team-labels");
  EXPECT_EQ(b.templates[0].rules, (std::vector<std::string>{"deny", "deny_owner", "violation",
                                                            "violation_empty", "deny_array"}));
  EXPECT_EQ(b.templates[1].name, "gatehouseteamlabelswarn");
  EXPECT_EQ(b.templates[1].kind, "GatehouseTeamLabelsWarn");
  EXPECT_TRUE(b.templates[1].warn);
  EXPECT_EQ(b.templates[1].rules, (std::vector<std::string>{"warn", "warn_exempt"}));
  EXPECT_EQ(
      StringAt(Doc(b, "gatehouseteamlabelswarn/constraint.yaml"), {"spec", "enforcementAction"}),
      "warn");
  const std::string rego = RegoOf(b, "gatehouseteamlabels");
  EXPECT_NE(rego.find("_gatehouse_violation contains \"violation itself\""), std::string::npos);
  EXPECT_NE(rego.find("_gatehouse_excepted_deny_owner if {\n\texception[_][_] == \"owner\"\n}"),
            std::string::npos)
      << rego;
  EXPECT_NE(rego.find("\tnot _gatehouse_excepted_violation\n\tsome _gatehouse_r in "
                      "_gatehouse_results(_gatehouse_violation)\n"),
            std::string::npos);
  EXPECT_EQ(RegoOf(b, "gatehouseteamlabelswarn").find("{\"rule\": \"deny\"}"), std::string::npos);

  auto set = Load(b);
  for (const std::string& object : {
           std::string(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})"),
           std::string(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b",
               "labels": {"team": "blue", "owner": "x", "violation": true, "array": true}}})"),
           std::string(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c",
               "labels": {"team": "blue"}, "annotations": {"example.com/exempt": "true"}}})"),
       }) {
    SCOPED_TRACE(object);
    const auto conftest = Conftest({kLabels}, data, "main", object);
    auto gatekeeper = Gatekeeper(*set, object);
    EXPECT_EQ(gatekeeper["GatehouseTeamLabels"], conftest.first);
    EXPECT_EQ(gatekeeper["GatehouseTeamLabelsWarn"], conftest.second);
    EXPECT_FALSE(conftest.second.empty());
  }
}

TEST(BuildTemplates, AResultWithoutAStringMsgIsAViolationSayingSo) {
  const TemplateBuild b =
      Build({{"p.rego", "package main\n\ndeny contains {\"message\": \"x\"} if true\n"}});
  auto set = Load(b);
  EXPECT_EQ(Gatekeeper(*set, R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}})")
                .at("GatehouseMain"),
            std::vector<std::string>{
                "query rule: new result: \"msg\" field must be present and a string"});
}

TEST(BuildTemplates, OnlyWarningsMakeOnlyTheWarningTemplate) {
  const TemplateBuild b = Build({{"p.rego", "package a.b_c\n\nwarn contains \"w\" if true\n"}});
  ASSERT_EQ(b.templates.size(), 1u);
  EXPECT_EQ(b.templates[0].name, "gatehousebcwarn");
  EXPECT_EQ(b.templates[0].kind, "GatehouseBCWarn");
  EXPECT_EQ(b.templates[0].constraint_name, "b-c");
}

TEST(BuildTemplates, TheAdmissionRequestIsTheReview) {
  const rego::SourceFile policy{"p.rego", R"(package main

deny contains msg if {
	data.gatehouse.request.operation == "CREATE"
	msg := sprintf("%s may not create %s", [data.gatehouse.request.userInfo.username, input.kind])
}
)"};
  const TemplateBuild b = Build({policy});
  auto set = Load(b);
  const std::string request = R"({"uid": "1", "operation": "CREATE",
      "kind": {"group": "", "version": "v1", "kind": "Pod"}, "userInfo": {"username": "ann"},
      "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}})";
  auto review = ReviewFromAdmissionRequest(Json(request));
  ASSERT_TRUE(review);
  const auto violations = Review(*set, *review, {}).violations;
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].message, "ann may not create Pod");
  // The same words from the bundle, given the request as the webhook gives it.
  auto bundle = PolicyBundle::Load({policy}, rego::Value::EmptyObject());
  ASSERT_TRUE(bundle);
  CheckResult r;
  CheckOptions options;
  options.data = {{{"gatehouse", "request"}, Json(request)}};
  ASSERT_TRUE((*bundle)->Check("main", *Json(request).Find("object"), options, &r));
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].msg, violations[0].message);
}

TEST(BuildTemplates, RegoV0Bundles) {
  const rego::SourceFile policy{"p.rego", R"(package k8s.privileged

import data.lib.util

deny[msg] {
	c := input.spec.containers[_]
	c.securityContext.privileged
	msg := sprintf("container <%s> is privileged", [util.name(c)])
}

exception[rules] {
	input.metadata.labels.exempt
	rules := [""]
}
)"};
  const rego::SourceFile lib{"lib.rego", "package lib.util\n\nname(c) = n { n := c.name }\n"};
  TemplateBuildOptions options;
  options.version = RegoVersion::kV0;
  const TemplateBuild b = Build({policy, lib}, "{}", options);
  const std::string rego = RegoOf(b, "gatehouseprivileged");
  EXPECT_EQ(rego.find("future.keywords"), std::string::npos);
  EXPECT_NE(rego.find("violation[{\"msg\": _gatehouse_m, \"details\": {\"rule\": \"deny\"}}] {\n"
                      "\tnot _gatehouse_excepted_deny\n"),
            std::string::npos)
      << rego;
  EXPECT_NE(rego.find("_gatehouse_excepted_deny {\n\texception[_][_] == \"\"\n}"),
            std::string::npos);
  auto set = Load(b);
  for (const std::string& object :
       {std::string(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "a", "securityContext": {"privileged": true}},
                                   {"name": "b"}]}})"),
        std::string(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
           "labels": {"exempt": "yes"}},
           "spec": {"containers": [{"name": "a", "securityContext": {"privileged": true}}]}})")}) {
    SCOPED_TRACE(object);
    EXPECT_EQ(Gatekeeper(*set, object)["GatehousePrivileged"],
              Conftest({policy, lib}, "{}", "k8s.privileged", object, RegoVersion::kV0).first);
  }
}

TEST(BuildTemplates, WhatCannotBeBuilt) {
  Error e = BuildError({{"a.rego", "package main\n\ndeny contains \"a\" if input.a\n"},
                        {"b.rego", "package main\n\ndeny contains \"b\" if input.b\n"}});
  EXPECT_EQ(e.code, AdmissionError::kInvalidBundle);
  EXPECT_TRUE(e.message.starts_with("main: the package is split over a.rego, b.rego; "))
      << e.message;
  e = BuildError({{"a.rego",
                   "# METADATA\n# custom:\n#   id: 7\npackage main\n\n"
                   "deny contains \"a\" if true\n"}});
  EXPECT_EQ(e.message, "main: METADATA custom.id must be a non-empty string");
  e = BuildError({{"a.rego",
                   "# METADATA\n# custom:\n#   kinds: Pod\npackage main\n\n"
                   "deny contains \"a\" if true\n"}});
  EXPECT_EQ(e.message, "main: METADATA custom.kinds must be a list of kinds");
  e = BuildError({{"a.rego", "package a.x\n\ndeny contains \"a\" if true\n"},
                  {"b.rego", "package b.x\n\ndeny contains \"b\" if true\n"}});
  EXPECT_EQ(e.message,
            "b.x: another package also makes the template gatehousex (set METADATA custom.id to "
            "tell them apart)");
  e = BuildError({{"a.rego",
                   "# METADATA\n# custom:\n#   id: \"--\"\npackage main\n\n"
                   "deny contains \"a\" if true\n"}});
  EXPECT_EQ(e.message, "main: the id \"--\" has no letters or digits to name a template");
  e = BuildError({{"a.rego", "# METADATA\n# custom:\n#   id: " + std::string(60, 'x') +
                                 "\npackage main\n\ndeny contains \"a\" if true\n"}});
  EXPECT_TRUE(e.message.ends_with("is longer than 63 characters, which a CRD name cannot be"));
  // The bundle's own errors, as `gatehouse test` gives them.
  e = BuildError({{"a.rego", "package main\n\ndeny[msg] if msg := \"x\"\n"}});
  EXPECT_EQ(e.code, AdmissionError::kInvalidBundle);
  EXPECT_TRUE(e.message.starts_with("rule is using 'if' keyword without 'contains' keyword"));
  e = BuildError({{"a.rego", "package main\n\ndeny contains x if {\n"}});
  EXPECT_EQ(e.code.wire(), "rego_parse_error");
}

TEST(BuildTemplates, GatekeepersOwnChecksOfLibs) {
  // A lib package must be below lib., not lib itself (frameworks' regorewriter).
  Error e = BuildError({{"a.rego",
                         "package main\n\nimport data.lib\n\n"
                         "deny contains \"a\" if lib.on\n"},
                        {"lib.rego", "package lib\n\non := true\n"}});
  EXPECT_EQ(e.code, AdmissionError::kInvalidTemplate);
  EXPECT_EQ(e.message,
            "main: ConstraintTemplate gatehousemain: invalid ConstraintTemplate: invalid lib "
            "prefix: path data.lib not found in lib prefixes");
  // data.inventory is Gatekeeper's: kept, and the template compiles.
  const TemplateBuild b = Build({{"a.rego",
                                  "package main\n\ndeny contains \"dup\" if {\n"
                                  "\tdata.inventory.namespace[_][_][_][input.metadata."
                                  "name]\n}\n"}});
  EXPECT_NE(RegoOf(b, "gatehousemain")
                .find("data.inventory.namespace[_][_][_][input.review.object.metadata.name]"),
            std::string::npos);
}

}  // namespace
}  // namespace gatehouse::admission::bundle
