// ConstraintTemplate documents read and checked as Gatekeeper does
// (admission/constraint_template.h).
#include "admission/constraint_template.h"

#include <gtest/gtest.h>

#include <string>

#include "admission/admission_errors.h"
#include "value/yaml.h"

namespace gatehouse::admission {
namespace {

value::Value Yaml(const std::string& text) {
  auto v = value::ParseYaml(text);
  EXPECT_TRUE(v) << v.error().ToString();
  return v ? *v : value::Value();
}

// A template in the given apiVersion, with `targets` as written after "targets:".
std::string Template(const std::string& api_version, const std::string& name,
                     const std::string& kind, const std::string& targets) {
  return "apiVersion: " + api_version + "\nkind: ConstraintTemplate\nmetadata:\n  name: " + name +
         "\nspec:\n  crd:\n    spec:\n      names:\n        kind: " + kind +
         "\n      validation:\n        openAPIV3Schema:\n          type: object\n"
         "          properties:\n            labels:\n              type: array\n"
         "  targets:" +
         targets;
}

const std::string kRegoTarget = R"(
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        import data.lib.helpers
        violation[{"msg": msg}] { helpers.missing(input.review.object); msg := "missing" }
      libs:
        - |
          package lib.helpers
          missing(obj) { not obj.metadata.labels }
)";

TEST(ConstraintTemplateTest, ReadsEveryVersionWithRegoAndLibs) {
  for (const char* version : {"templates.gatekeeper.sh/v1", "templates.gatekeeper.sh/v1beta1",
                              "templates.gatekeeper.sh/v1alpha1"}) {
    auto t = ParseConstraintTemplate(
        Yaml(Template(version, "k8srequiredlabels", "K8sRequiredLabels", kRegoTarget)), "t.yaml");
    ASSERT_TRUE(t) << t.error().ToString();
    EXPECT_EQ(t->name, "k8srequiredlabels");
    EXPECT_EQ(t->kind, "K8sRequiredLabels");
    EXPECT_EQ(t->api_version, version);
    EXPECT_EQ(t->package, "k8srequiredlabels");
    ASSERT_EQ(t->modules.size(), 2u);
    EXPECT_EQ(t->modules[0].filename, "t.yaml");
    EXPECT_EQ(t->modules[1].filename, "t.yaml:libs[0]");
    EXPECT_EQ(*t->parameters_schema.Find("type")->AsString(), "object");
    auto policy = CompileTemplate(*t, rego::Value::EmptyObject());
    ASSERT_TRUE(policy) << policy.error().ToString();
  }
}

TEST(ConstraintTemplateTest, TheCodeListsRegoEngineWins) {
  const std::string targets = R"(
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package old
      code:
        - engine: K8sNativeValidation
          source: {}
        - engine: Rego
          source:
            rego: |
              package fromcode
              violation[{"msg": "no"}] { true }
)";
  auto t = ParseConstraintTemplate(
      Yaml(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX", targets)), "t.yaml");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->package, "fromcode");
  EXPECT_EQ(t->modules.size(), 1u);
}

// The refusals Gatekeeper makes, in its words.
TEST(ConstraintTemplateTest, RefusesWhatGatekeeperRefuses) {
  auto error = [](const std::string& text) {
    auto t = ParseConstraintTemplate(Yaml(text), "t.yaml");
    EXPECT_FALSE(t);
    if (t) return std::string();
    EXPECT_EQ(t.error().code, AdmissionError::kInvalidTemplate);
    return t.error().message;
  };
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v1", "wrong", "K8sX", kRegoTarget)),
            "invalid ConstraintTemplate: the ConstraintTemplate's name \"wrong\" is not equal to "
            "the lowercase of CRD's Kind: \"k8sx\"");
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v1", "k8sx", "\"\"", kRegoTarget)),
            "invalid ConstraintTemplate: ConstraintTemplate \"k8sx\" does not specify CRD Kind");
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX", " []")),
            "failed to validate targets for template k8sx: invalid ConstraintTemplate: no targets "
            "specified: ConstraintTemplate must specify one target");
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX", " ~")),
            "failed to validate targets for template k8sx: invalid ConstraintTemplate: field "
            "\"targets\" not specified in ConstraintTemplate spec");
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX",
                           "\n    - target: a\n      rego: 'package a'\n"
                           "    - target: b\n      rego: 'package b'\n")),
            "failed to validate targets for template k8sx: invalid ConstraintTemplate: "
            "multi-target templates are not currently supported");
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX",
                           "\n    - target: audit.example\n      rego: 'package a'\n")),
            "failed to validate targets for template k8sx: invalid ConstraintTemplate: target "
            "\"audit.example\" not recognized, known targets [admission.k8s.gatekeeper.sh]");
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v2", "k8sx", "K8sX", kRegoTarget)),
            "invalid ConstraintTemplate: unsupported apiVersion \"templates.gatekeeper.sh/v2\" "
            "(templates.gatekeeper.sh/v1, v1beta1 or v1alpha1)");
  EXPECT_EQ(error(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX",
                           "\n    - target: admission.k8s.gatekeeper.sh\n")),
            "invalid ConstraintTemplate: ConstraintTemplate \"k8sx\" has no Rego source");
  EXPECT_EQ(error("[1, 2]"), "invalid ConstraintTemplate: the document is not an object");
}

TEST(ConstraintTemplateTest, RegoThatDoesNotCompileSaysWhere) {
  const std::string bad_parse =
      "\n    - target: admission.k8s.gatekeeper.sh\n"
      "      rego: |\n        package p\n        violation[ {\n";
  auto t = ParseConstraintTemplate(
      Yaml(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX", bad_parse)), "t.yaml");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, AdmissionError::kTemplateCompile);
  EXPECT_EQ(t.error().message,
            "invalid ConstraintTemplate: rego_parse_error: t.yaml:3:1: unexpected eof token");

  const std::string unsafe =
      "\n    - target: admission.k8s.gatekeeper.sh\n"
      "      rego: |\n        package p\n"
      "        violation[{\"msg\": m}] { true }\n";
  auto u = ParseConstraintTemplate(
      Yaml(Template("templates.gatekeeper.sh/v1", "k8sx", "K8sX", unsafe)), "t.yaml");
  ASSERT_TRUE(u) << u.error().ToString();
  auto policy = CompileTemplate(*u, rego::Value::EmptyObject());
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code, AdmissionError::kTemplateCompile);
  EXPECT_NE(
      policy.error().message.find("unable to compile modules: rego_unsafe_var_error: t.yaml:2:"),
      std::string::npos)
      << policy.error().message;
}

}  // namespace
}  // namespace gatehouse::admission
