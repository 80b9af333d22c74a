// Conftest's rule evaluation on the project's engine (docs/conftest-compat.md section 3), with
// the counts Conftest's own acceptance tests and examples show.
#include "admission/bundle/policy_bundle.h"

#include <gtest/gtest.h>

#include "admission/admission_errors.h"
#include "rego/rego_errors.h"

namespace gatehouse::admission::bundle {
namespace {

rego::Value Json(const std::string& text) {
  auto v = rego::ParseJsonText(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : rego::Value();
}

std::shared_ptr<const PolicyBundle> Load(const std::string& rego,
                                         rego::RegoVersion v = rego::RegoVersion::kV1) {
  BundleOptions options;
  options.version = v;
  auto b = PolicyBundle::Load({{"policy/p.rego", rego}}, rego::Value::EmptyObject(), options);
  EXPECT_TRUE(b) << (b ? "" : b.error().ToString());
  return b ? *b : nullptr;
}

CheckResult CheckOne(const PolicyBundle& b, const std::string& input,
                     const std::string& ns = "main") {
  CheckResult r;
  Status s = b.Check(ns, Json(input), {}, &r);
  EXPECT_TRUE(s) << (s ? "" : s.error().ToString());
  return r;
}

std::vector<std::string> Messages(const std::vector<CheckMessage>& m) {
  std::vector<std::string> out;
  for (const CheckMessage& x : m) out.push_back(x.msg);
  return out;
}

TEST(RuleNames, ConftestRegexes) {
  EXPECT_TRUE(IsFailureRule("deny"));
  EXPECT_TRUE(IsFailureRule("violation_no_root"));
  EXPECT_TRUE(IsFailureRule("deny_a_b1"));
  EXPECT_FALSE(IsFailureRule("deny_"));
  EXPECT_FALSE(IsFailureRule("denyX"));
  EXPECT_FALSE(IsFailureRule("Deny"));
  EXPECT_TRUE(IsWarningRule("warn_x"));
  EXPECT_FALSE(IsWarningRule("warning"));
  EXPECT_EQ(ExceptionName("deny"), "");
  EXPECT_EQ(ExceptionName("deny_run_as_root"), "run_as_root");
  EXPECT_EQ(ExceptionName("violation_deny_x"), "x");  // the prefixes come off in turn
  EXPECT_EQ(ExceptionName("warn_latest"), "latest");
}

TEST(NamespacePatterns, GoPathMatch) {
  EXPECT_TRUE(NamespacePatternMatches("main.*", "main.gke"));
  EXPECT_FALSE(NamespacePatternMatches("main.*", "main"));
  EXPECT_TRUE(NamespacePatternMatches("*", "anything.at.all"));
  EXPECT_TRUE(NamespacePatternMatches("m?in", "main"));
  EXPECT_TRUE(NamespacePatternMatches("[a-m]ain", "main"));
  EXPECT_FALSE(NamespacePatternMatches("[^m]ain", "main"));
  EXPECT_FALSE(NamespacePatternMatches("[ab", "a"));  // a bad pattern matches nothing
  EXPECT_TRUE(HasWildcard("main.*"));
  EXPECT_FALSE(HasWildcard("main"));
}

// examples/kubernetes/policy in Conftest: 3 deny bodies, 1 complete violation, 1 warn; a
// Service that trips only the warning is "5 tests, 4 passed, 1 warning".
TEST(PolicyBundle, CountsRuleDefinitionsAsTests) {
  auto b = Load(R"(package main
deny contains msg if { input.kind == "Deployment"; msg := "d1" }
deny contains msg if { input.kind == "Deployment"; msg := "d2" }
deny contains msg if { input.kind == "Deployment"; msg := "d3" }
violation := [m | input.kind == "Deployment"; m := "v1"]
warn contains msg if { input.kind == "Service"; msg := "w1" }
)");
  ASSERT_NE(b, nullptr);
  CheckResult service = CheckOne(*b, R"({"kind": "Service"})");
  EXPECT_EQ(service.tests(), 5);
  EXPECT_EQ(service.successes, 4);
  EXPECT_EQ(Messages(service.warnings), std::vector<std::string>{"w1"});
  CheckResult deployment = CheckOne(*b, R"({"kind": "Deployment"})");
  EXPECT_EQ(Messages(deployment.failures), (std::vector<std::string>{"d1", "d2", "d3", "v1"}));
  EXPECT_EQ(deployment.successes, 1);
}

// tests/return-multiple-failures: one deny body with three messages is 3 tests.
TEST(PolicyBundle, MoreResultsThanRulesCountResults) {
  auto b = Load(R"(package main
deny contains msg if { some x in ["a", "b", "c"]; msg := x }
)");
  CheckResult r = CheckOne(*b, "{}");
  EXPECT_EQ(r.tests(), 3);
  EXPECT_EQ(r.failures.size(), 3u);
  EXPECT_EQ(r.successes, 0);
}

TEST(PolicyBundle, ExceptionsDropEveryResultOfTheRuleAndNameTheQuery) {
  auto b = Load(R"(package main
deny_run_as_root contains "root" if { input.root }
warn_latest contains "latest" if { true }
exception contains rules if { input.name == "ok"; rules := ["run_as_root", "latest"] }
)");
  CheckResult r = CheckOne(*b, R"({"root": true, "name": "ok"})");
  EXPECT_TRUE(r.failures.empty());
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(Messages(r.exceptions),
            (std::vector<std::string>{"data.main.exception[_][_] == \"run_as_root\"",
                                      "data.main.exception[_][_] == \"latest\""}));
  CheckResult other = CheckOne(*b, R"({"root": true, "name": "x"})");
  EXPECT_EQ(Messages(other.failures), std::vector<std::string>{"root"});
  EXPECT_EQ(other.exceptions.size(), 0u);
}

TEST(PolicyBundle, ObjectResultsKeepMetadataAndLocation) {
  auto b = Load(R"(package main
deny contains {"msg": "m", "id": "P1", "_loc": {"file": "x.yaml", "line": 3}, "query": "no"} if { true }
)");
  CheckResult r = CheckOne(*b, "{}");
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].msg, "m");
  ASSERT_TRUE(r.failures[0].loc);
  EXPECT_EQ(r.failures[0].loc->file, "x.yaml");
  EXPECT_EQ(r.failures[0].loc->line, 3);
  EXPECT_EQ(r.failures[0].metadata, Json(R"({"id": "P1", "query": "data.main.deny"})"));
}

TEST(PolicyBundle, ObjectWithoutStringMsgAbortsWithConftestsWords) {
  auto b = Load(R"(package main
deny contains {"message": "m"} if { true }
)");
  CheckResult r;
  Status s = b->Check("main", Json("{}"), {}, &r);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, AdmissionError::kBundleEvaluation);
  EXPECT_EQ(s.error().message,
            "query rule: new result: \"msg\" field must be present and a string");
}

TEST(PolicyBundle, BooleanAndEmptyRulesPassEmptyMessagesPass) {
  auto b = Load(R"(package main
deny if { false }
warn := true
violation contains "" if { true }
)");
  CheckResult r = CheckOne(*b, "{}");
  EXPECT_EQ(r.failures.size(), 0u);
  EXPECT_EQ(r.warnings.size(), 0u);
  EXPECT_EQ(r.successes, 3);  // undefined deny still counts as one passed definition
}

TEST(PolicyBundle, NullInputIsEvaluated) {
  auto b = Load("package main\ndeny contains \"always\" if { true }\n");
  CheckResult r;
  ASSERT_TRUE(b->Check("main", rego::Value(), {}, &r));
  EXPECT_EQ(r.failures.size(), 1u);
}

TEST(PolicyBundle, IfWithoutContainsIsRefusedAfterCompiling) {
  auto b =
      PolicyBundle::Load({{"policy/x.rego", "package main\n\ndeny[msg] if {\n  msg := \"x\"\n}\n"}},
                         rego::Value::EmptyObject());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, AdmissionError::kInvalidBundle);
  EXPECT_EQ(b.error().message,
            "rule is using 'if' keyword without 'contains' keyword: rule in policy/x.rego at "
            "line 3");
}

TEST(PolicyBundle, RegoV0PartialSetsCount) {
  auto b = Load("package main\ndeny[msg] { input.x; msg := \"v0\" }\n", rego::RegoVersion::kV0);
  ASSERT_NE(b, nullptr);
  CheckResult r = CheckOne(*b, R"({"x": true})");
  EXPECT_EQ(Messages(r.failures), std::vector<std::string>{"v0"});
}

TEST(PolicyBundle, NamespacesInFileOrderAndSelection) {
  auto b = PolicyBundle::Load({{"p/b.rego", "package main.gke\ndeny contains \"g\" if { true }\n"},
                               {"p/a.rego", "package main\ndeny contains \"m\" if { true }\n"},
                               {"p/c.rego", "package lib.util\nx := 1\n"}},
                              rego::Value::EmptyObject());
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)->namespaces(), (std::vector<std::string>{"main", "main.gke", "lib.util"}));
  EXPECT_EQ((*b)->SelectNamespaces({"main.*"}, false), std::vector<std::string>{"main.gke"});
  EXPECT_EQ((*b)->SelectNamespaces({"main.*", "main"}, false),
            (std::vector<std::string>{"main", "main.gke"}));
  EXPECT_EQ((*b)->SelectNamespaces({"nothing"}, false), std::vector<std::string>{"nothing"});
  EXPECT_EQ((*b)->SelectNamespaces({}, true).size(), 3u);
  CheckResult r;
  ASSERT_TRUE((*b)->Check("nothing", rego::Value(), {}, &r));
  EXPECT_EQ(r.tests(), 0);
}

TEST(PolicyBundle, PrintLinesCarryFileAndRow) {
  auto b = Load("package main\n\ndeny contains \"x\" if {\n  print(\"hello\", input.n)\n}\n");
  std::vector<std::string> lines;
  CheckOptions options;
  options.print = [&](std::string_view l) { lines.emplace_back(l); };
  CheckResult r;
  ASSERT_TRUE(b->Check("main", Json(R"({"n": 2})"), options, &r));
  EXPECT_EQ(lines, std::vector<std::string>{"policy/p.rego:4: hello 2"});
}

TEST(PolicyBundle, EvaluationErrorsSayWhichQuery) {
  auto b = Load("package main\ndeny := x if { x := input.a }\ndeny := x if { x := input.b }\n");
  CheckResult r;
  Status s = b->Check("main", Json(R"({"a": "1", "b": "2"})"), {}, &r);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, AdmissionError::kBundleEvaluation);
  EXPECT_TRUE(s.error().message.starts_with("query rule: evaluating policy: policy/p.rego:"))
      << s.error().message;
  EXPECT_NE(s.error().message.find("eval_conflict_error"), std::string::npos);
}

TEST(PolicyBundle, OverlaidDataIsVisible) {
  auto b = Load("package main\ndeny contains data.conftest.file.name if { true }\n");
  CheckOptions options;
  options.data.push_back({{"conftest", "file"}, Json(R"({"name": "a.yaml", "dir": "/x"})")});
  CheckResult r;
  ASSERT_TRUE(b->Check("main", rego::Value(), options, &r));
  EXPECT_EQ(Messages(r.failures), std::vector<std::string>{"a.yaml"});
}

// --capabilities: only the listed builtins exist; calling another is OPA's compile error.
TEST(PolicyBundle, CapabilitiesRestrictBuiltins) {
  const std::string rego = "package main\ndeny contains upper(\"x\") if { true }\n";
  BundleOptions options;
  options.builtins = std::vector<std::string>{"eq", "upper"};
  auto allowed = PolicyBundle::Load({{"p.rego", rego}}, rego::Value::EmptyObject(), options);
  ASSERT_TRUE(allowed) << allowed.error().ToString();
  EXPECT_EQ(Messages(CheckOne(**allowed, "{}").failures), std::vector<std::string>{"X"});
  options.builtins = std::vector<std::string>{"eq"};
  auto refused = PolicyBundle::Load({{"p.rego", rego}}, rego::Value::EmptyObject(), options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, rego::RegoError::kType);
  EXPECT_NE(refused.error().message.find("undefined function upper"), std::string::npos)
      << refused.error().message;
}

// Conftest's parse_config builtin (builtins/parse_config.go): a parser name and a text.
TEST(PolicyBundle, ParseConfigBuiltin) {
  auto b = Load(R"(package main
deny contains sprintf("replicas %v", [parse_config("yaml", input.data.config).replicas]) if { true }
deny contains sprintf("documents %v", [count(parse_config("yaml", "a: 1\n---\nb: 2\n"))]) if { true }
deny contains sprintf("json %v", [parse_config("json", "[1, 2]")]) if { true }
deny contains "unknown parser is undefined" if { not parse_config("txt", "x") }
deny contains "bad yaml is undefined" if { not parse_config("yaml", "a: [") }
)");
  ASSERT_NE(b, nullptr);
  CheckResult r = CheckOne(*b, R"({"data": {"config": "replicas: 3\n"}})");
  EXPECT_EQ(Messages(r.failures),
            (std::vector<std::string>{"bad yaml is undefined", "documents 2", "json [1, 2]",
                                      "replicas 3", "unknown parser is undefined"}));
}

}  // namespace
}  // namespace gatehouse::admission::bundle
