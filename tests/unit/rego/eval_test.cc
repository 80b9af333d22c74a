// Evaluator: language semantics beyond the conformance cases, errors and limits.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "eval_test_util.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using testing::EvalQuery;
using testing::Json;
using testing::One;

TEST(EvalTest, CompleteRulesAndDefaults) {
  auto rs = EvalQuery({"package t\ndefault allow := false\nallow if input.user == \"alice\""},
                      "x = data.t.allow", testing::WithInput(testing::Json(R"({"user": "bob"})")));
  EXPECT_EQ(One(rs), "false");
  rs = EvalQuery({"package t\ndefault allow := false\nallow if input.user == \"alice\""},
                 "x = data.t.allow", testing::WithInput(testing::Json(R"({"user": "alice"})")));
  EXPECT_EQ(One(rs), "true");
}

// Base data is read through string paths, as OPA's store reads it: a number in a ref finds the
// key of the same decimal text at any depth. Input and rule values are plain documents, where
// the number 2 and the string "2" are different keys.
TEST(EvalTest, NumberKeysFindStringKeysOfBaseDataOnly) {
  Value data = testing::Json(R"({"nested": {"2": "bar", "deeper": {"7": {"1": "x"}}}})");
  const std::string module = R"(package t
p := data.nested[2]
q := data.nested.deeper[7][1]
local := {"2": "v"}
r := local[2]
s := input.nested[2]
)";
  auto eval = [&](const std::string& query) {
    return testing::One(testing::EvalQuery({module}, query, testing::WithInput(data), data));
  };
  EXPECT_EQ(eval("x = data.t.p"), R"("bar")");
  EXPECT_EQ(eval("x = data.t.q"), R"("x")");
  EXPECT_EQ(eval("x = data.t.r"), "<0 solutions>");
  EXPECT_EQ(eval("x = data.t.s"), "<0 solutions>");
}

// Rules with ref heads merge along the rule tree, but a rule below may not write into the value
// another rule produced: OPA reports a conflict.
TEST(EvalTest, RuleBelowMayNotWriteIntoAnotherRulesValue) {
  const std::string into = R"(package t
p[q].r := v if {
  q := "q"
  v := {"s": {"t": 1}}
}
p.q.r.s.u := 42
)";
  auto conflict = testing::EvalQuery({into}, "x = data.t.p");
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, RegoError::kEvalConflict);
  const std::string beside = R"(package t
p[q].r := v if {
  q := "q"
  v := {"s": 1}
}
p.q.w.s := 42
)";
  EXPECT_EQ(testing::One(testing::EvalQuery({beside}, "x = data.t.p")),
            R"({"q": {"r": {"s": 1}, "w": {"s": 42}}})");
}

TEST(EvalTest, PartialSetsAndObjects) {
  auto rs = EvalQuery({"package t\ns contains v if some v in [3, 1, 2]\n"
                       "o[k] := v if some k, v in {\"a\": 1, \"b\": 2}"},
                      "x = [data.t.s, data.t.o]");
  EXPECT_EQ(One(rs), R"([{1, 2, 3}, {"a": 1, "b": 2}])");
}

TEST(EvalTest, RefHeadsBuildNestedObjects) {
  auto rs =
      EvalQuery({"package t\na.b[c] := d if some c, d in {\"x\": 1}\na.e := 2"}, "x = data.t.a");
  EXPECT_EQ(One(rs), R"({"b": {"x": 1}, "e": 2})");
}

TEST(EvalTest, ElseChains) {
  auto rs = EvalQuery(
      {"package t\nf(x) := \"neg\" if x < 0\nelse := \"zero\" if x == 0\nelse := \"pos\""},
      "x = [data.t.f(-1), data.t.f(0), data.t.f(3)]");
  EXPECT_EQ(One(rs), R"(["neg", "zero", "pos"])");
}

TEST(EvalTest, UnificationDestructures) {
  auto rs = EvalQuery({"package t\np := [a, b] if { [a, {\"k\": b}] = [1, {\"k\": 2}] }"},
                      "x = data.t.p");
  EXPECT_EQ(One(rs), "[1, 2]");
}

TEST(EvalTest, QueryEnumeratesSolutions) {
  auto rs = EvalQuery({"package t\nxs := [10, 20]"}, "data.t.xs[i] = v");
  ASSERT_TRUE(rs);
  ASSERT_EQ(rs->size(), 2u);
  EXPECT_EQ(rs->at(1).bindings.size(), 2u);
  EXPECT_EQ(ToRegoText(rs->at(1).bindings[0].second), "1");
  EXPECT_EQ(ToRegoText(rs->at(1).bindings[1].second), "20");
}

TEST(EvalTest, EveryAndNot) {
  auto rs =
      EvalQuery({"package t\nall_pos if every v in input.xs { v > 0 }\n"
                 "none_neg if not some_neg\nsome_neg if { some v in input.xs; v < 0 }"},
                "x = [all_pos, none_neg]; all_pos = data.t.all_pos; none_neg = data.t.none_neg",
                testing::WithInput(testing::Json(R"({"xs": [1, 2]})")));
  EXPECT_EQ(One(rs), "[true, true]");
  rs = EvalQuery({"package t\nall_pos if every v in input.xs { v > 0 }"}, "x = data.t.all_pos",
                 testing::WithInput(testing::Json(R"({"xs": [1, -2]})")));
  ASSERT_TRUE(rs);
  EXPECT_TRUE(rs->empty());
}

TEST(EvalTest, WithReplacesInputDataAndFunctions) {
  std::vector<std::string> m = {"package t\nf(x) := x + 1\np := [input.a, data.d.v, f(1)]"};
  auto rs = EvalQuery(m, "x = data.t.p with input.a as 7 with data.d.v as 8 with data.t.f as 42");
  EXPECT_EQ(One(rs), "[7, 8, 42]");
  // Without the modifiers the memoised values are unaffected.
  rs = EvalQuery(m, "x = data.t.p", testing::WithInput(testing::Json(R"({"a": 1})")),
                 Json(R"({"d": {"v": 2}})"));
  EXPECT_EQ(One(rs), "[1, 2, 2]");
}

TEST(EvalTest, WithReplacesBuiltin) {
  auto rs =
      EvalQuery({"package t\nmock(_) := 99\np := x if { x := count([1]) with count as mock }"},
                "x = data.t.p");
  EXPECT_EQ(One(rs), "99");
}

TEST(EvalTest, CompleteRuleConflict) {
  auto rs = EvalQuery({"package t\np := 1\np := 2"}, "x = data.t.p");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code, RegoError::kEvalConflict);
  EXPECT_NE(rs.error().message.find("complete rules must not produce multiple outputs"),
            std::string::npos);
}

TEST(EvalTest, FunctionConflict) {
  auto rs = EvalQuery({"package t\nf(_) := 1\nf(_) := 2"}, "x = data.t.f(0)");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code, RegoError::kEvalConflict);
}

TEST(EvalTest, ObjectKeyConflict) {
  auto rs = EvalQuery({"package t\no[k] := v if some k, v in [\"a\", \"b\"]\no[\"x\"] := 1\n"
                       "q[k] := v if { some v in [1, 2]; k := \"same\" }"},
                      "x = data.t.q");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code, RegoError::kEvalConflict);
}

TEST(EvalTest, VirtualDocsMergeWithBaseData) {
  auto rs = EvalQuery({"package a.b\nc := 1"}, "x = data.a", {}, Json(R"({"a": {"z": 2}})"));
  EXPECT_EQ(One(rs), R"({"b": {"c": 1}, "z": 2})");
  rs = EvalQuery({"package a.b\nc := 1\nd := 2"}, "data.a.b[k] = 2; x = k", {});
  EXPECT_EQ(One(rs), R"("d")");
}

TEST(EvalTest, StepBudgetIsAnError) {
  EvalOptions opts;
  opts.max_steps = 50;
  opts.input = Json(
      R"({"xs": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60]})");
  auto rs =
      EvalQuery({"package t\np := [y | some v in input.xs; y := v + 1]"}, "x = data.t.p", opts);
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code, RegoError::kEvalCancel);
}

TEST(EvalTest, DeadlineIsAnError) {
  ManualClock clock;
  EvalOptions opts;
  opts.clock = &clock;
  opts.deadline = clock.Monotonic() - std::chrono::nanoseconds(1);
  std::string xs = "[";
  for (int i = 0; i < 3000; ++i) xs += (i ? "," : "") + std::to_string(i);
  opts.input = Json("{\"xs\": " + xs + "]}");
  auto rs = EvalQuery({"package t\np := [y | some v in input.xs; y := v]"}, "x = data.t.p", opts);
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code, RegoError::kEvalCancel);
  EXPECT_NE(rs.error().message.find("deadline"), std::string::npos);
  opts.deadline = clock.Monotonic() + std::chrono::seconds(1);
  EXPECT_TRUE(
      EvalQuery({"package t\np := [y | some v in input.xs; y := v]"}, "x = data.t.p", opts));
}

TEST(EvalTest, CallDepthIsAnError) {
  EvalOptions opts;
  opts.max_depth = 3;
  auto rs = EvalQuery({"package t\np0 := p1\np1 := p2\np2 := p3\np3 := p4\np4 := 1"},
                      "x = data.t.p0", opts);
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code, RegoError::kEvalCancel);
  opts.max_depth = 10;
  EXPECT_EQ(One(EvalQuery({"package t\np0 := p1\np1 := p2\np2 := p3\np3 := p4\np4 := 1"},
                          "x = data.t.p0", opts)),
            "1");
}

TEST(EvalTest, PrintGoesToTheCallback) {
  std::vector<std::string> lines;
  EvalOptions opts;
  opts.print = [&](std::string_view s) { lines.emplace_back(s); };
  auto rs =
      EvalQuery({"package t\np if { print(\"hello\", 1, input.missing) }"}, "x = data.t.p", opts);
  EXPECT_EQ(One(rs), "true");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "hello 1 <undefined>");
}

TEST(EvalTest, BuiltinErrorsAreUndefinedUnlessStrict) {
  std::vector<std::string> m = {"package t\np := count(input.n)"};
  EvalOptions opts;
  opts.input = Json(R"({"n": 5})");
  auto rs = EvalQuery(m, "x = data.t.p", opts);
  ASSERT_TRUE(rs);
  EXPECT_TRUE(rs->empty());
  opts.strict_builtin_errors = true;
  rs = EvalQuery(m, "x = data.t.p", opts);
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().code, RegoError::kEvalType);
  EXPECT_NE(rs.error().message.find("m0.rego:2: eval_type_error: count"), std::string::npos)
      << rs.error().message;
}

TEST(EvalTest, TemplateStrings) {
  auto rs = EvalQuery({"package t\np := $\"{input.a} and {input.missing}\""}, "x = data.t.p",
                      testing::WithInput(testing::Json(R"({"a": [1]})")));
  EXPECT_EQ(One(rs), R"("[1] and <undefined>")");
  // Escaped braces are text, the closing one too.
  auto escaped = EvalQuery({R"(package t
p := $"foo \{42\} {1 + 1} \}")"},
                           "x = data.t.p");
  EXPECT_EQ(One(escaped), R"("foo {42} 2 }")");
}

}  // namespace
}  // namespace gatehouse::rego
