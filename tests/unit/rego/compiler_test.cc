// Compiler: scoping, safety reordering, and the compile errors OPA reports.
#include <gtest/gtest.h>

#include "eval_test_util.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using testing::Compile;
using testing::EvalQuery;
using testing::One;

TEST(CompilerTest, ReordersBodyForSafety) {
  // `y` is read before the expression that binds it.
  auto rs = EvalQuery({"package t\np := y if { y > 1; y = x + 1; x = 2 }"}, "x = data.t.p");
  EXPECT_EQ(One(rs), "3");
}

// OPA's unifier binds arrays element by element and objects key by key, so an element bound by
// a later expression is safe: `[x, x2] = [y2, 1]` binds x2 first, `y2 = x2` then y2, and the
// first expression then binds x.
TEST(CompilerTest, UnificationOfLiteralsBindsElementByElement) {
  const std::string module = R"(package t
arrays := x if {
  [x, x2] = [y2, 1]
  y2 = x2
}
objects := [x, w] if {
  {"a": x, "b": x2} = {"b": 1, "a": y2}
  y2 = x2
  [w, {"k": [w2]}] = [v, {"k": [3]}]
  v = w2
}
mismatch if [1, 2] = [1, 3]
other_keys if {"a": 1} = {"b": 1}
)";
  EXPECT_EQ(One(EvalQuery({module}, "x = data.t.arrays")), "1");
  EXPECT_EQ(One(EvalQuery({module}, "x = data.t.objects")), "[1, 3]");
  EXPECT_EQ(One(EvalQuery({module}, "x = data.t.mismatch")), "<0 solutions>");
  EXPECT_EQ(One(EvalQuery({module}, "x = data.t.other_keys")), "<0 solutions>");
  // Nothing binds x or y: still unsafe, naming the variable.
  auto unsafe = Compile({"package t\np if [x, 1] = [y, 1]"});
  ASSERT_FALSE(unsafe);
  EXPECT_EQ(unsafe.error().code, RegoError::kUnsafeVar);
  EXPECT_NE(unsafe.error().message.find("is unsafe"), std::string::npos);
}

// OPA's reordering: an expression waits until the variables it reads are bound by another one,
// whatever the order they are written in; every rule below is true in OPA.
TEST(CompilerTest, ReordersWhateverTheWrittenOrder) {
  const std::string module = R"(package t
later_elements if { [x, y] = [a, b]; a = 1; b = 2; x == 1; y == 2 }
later_object if { {"k": v} = o; o = {"k": 1}; v == 1 }
var_to_var if { x = y; y = 1; x == 1 }
chain if { a = b; b = c; c = 5; a == 5 }
self_feeding if { [a, b] = [b, 1]; a == 1 }
later_ref_key if { x = input.z[i]; i = 0; x == 1 }
later_collection if { obj[k] == v; obj := {"a": 1}; k := "a"; v := 1 }
call_before_arg if { f(x) == 2; x = 1 }
negation_before_binding if { not g(x); x = 1 }
comprehension_closure if { c := [y | y := x]; x = 1; c == [1] }
comprehension_of_later if { z = [x | x := w[_]]; w = [1]; z == [1] }
nested_pattern if { {"a": [x, {"b": y}]} = {"a": [1, {"b": 2}]}; x + y == 3 }
every_domain_later if { every v in xs { v > 0 }; xs = [1, 2] }
fixpoint_key_value if { some foo; foo == input.foos[foo] }
fixpoint_key_value_right if { input.foos[foo] == foo; foo == "a" }
f(a) := a + 1
g(v) if v == 2
)";
  for (const char* rule :
       {"later_elements", "later_object", "var_to_var", "chain", "self_feeding", "later_ref_key",
        "later_collection", "call_before_arg", "negation_before_binding", "comprehension_closure",
        "comprehension_of_later", "nested_pattern", "every_domain_later"}) {
    auto rs = EvalQuery({module}, std::string("x = data.t.") + rule,
                        testing::WithInput(testing::Json(R"({"z": [1]})")));
    EXPECT_EQ(One(rs), "true") << rule;
  }
  // The key binds the var the comparison reads, so the rule is undefined rather than unsafe when
  // no key equals its value.
  EXPECT_EQ(One(EvalQuery({module}, "x = data.t.fixpoint_key_value",
                          testing::WithInput(testing::Json(R"({"foos": {"a": "b"}})")))),
            "<0 solutions>");
  // A cycle binds nothing: still unsafe.
  auto cycle = Compile({"package t\np if { x = y + 1; y = x - 1 }"});
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().code, RegoError::kUnsafeVar);
}

TEST(CompilerTest, ReordersComprehensionBodies) {
  auto rs =
      EvalQuery({"package t\np := [v | v > 1; v = xs[_]] if xs := [1, 2, 3]"}, "x = data.t.p");
  EXPECT_EQ(One(rs), "[2, 3]");
}

TEST(CompilerTest, UnsafeVariable) {
  auto p = Compile({"package t\np if { x > 1 }"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kUnsafeVar);
  EXPECT_NE(p.error().message.find("m0.rego:2:"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("var x is unsafe"), std::string::npos) << p.error().message;
}

TEST(CompilerTest, UnsafeHeadVariable) {
  auto p = Compile({"package t\np contains x if { true }"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kUnsafeVar);
}

TEST(CompilerTest, UnsafeVariableInNegation) {
  auto p = Compile({"package t\np if { not q[x] }\nq contains 1"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kUnsafeVar);
}

TEST(CompilerTest, WildcardInNegationIsSafe) {
  auto rs = EvalQuery({"package t\np if { not q[_] }\nq contains 1 if false"}, "x = data.t.p");
  EXPECT_EQ(One(rs), "true");
}

TEST(CompilerTest, RecursionIsACompileError) {
  auto p = Compile({"package t\np if q\nq if p"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kRecursion);
  EXPECT_NE(p.error().message.find("data.t.p"), std::string::npos);
}

TEST(CompilerTest, RecursiveFunctionIsACompileError) {
  auto p = Compile({"package t\nf(x) := y if y := f(x)"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kRecursion);
}

TEST(CompilerTest, UndefinedFunction) {
  auto p = Compile({"package t\np if no_such_function(1)"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kType);
  EXPECT_NE(p.error().message.find("undefined function no_such_function"), std::string::npos);
}

// OPA's compiler gives a rule without arguments arity 0, so `p()` of a complete rule is a call
// of no arguments whose value is the rule's: libraries written for OPA 0.x rely on it.
TEST(CompilerTest, CompleteRuleCalledWithNoArguments) {
  const std::string lib = R"(package lib
merge_annotations = out {
  out := {"a": 1}
}
own = x {
  x := merge_annotations()
}
flag = true { true }
off = false { true }
)";
  const std::string main = R"(package main
import data.lib
deny[msg] {
  a := lib.merge_annotations()
  msg := sprintf("%v", [a])
}
out_form[v] {
  data.lib.merge_annotations(v)
}
checked { lib.flag() }
refused { lib.off() }
)";
  auto policy = Compile({lib, main}, Value::EmptyObject(), RegoVersion::kV0);
  ASSERT_TRUE(policy) << policy.error().ToString();
  auto eval = [&](const std::string& query) {
    auto q = PreparedQuery::Prepare(*policy, query);
    if (!q) return Result<ResultSet>(q.error());
    return q->Eval({});
  };
  EXPECT_EQ(One(eval("x = data.lib.own")), R"({"a": 1})");
  EXPECT_EQ(One(eval("x = data.main.deny")), R"({"{\"a\": 1}"})");
  EXPECT_EQ(One(eval("x = data.main.out_form")), R"({{"a": 1}})");
  EXPECT_EQ(One(eval("x = data.main.checked")), "true");
  // A false value makes the call, like the reference, false: `refused` is undefined.
  EXPECT_EQ(One(eval("x = data.main.refused")), "<0 solutions>");
}

// Only complete rules are read that way: what `q()` of a partial set or object rule means is
// not settled by OPA's documentation, so it stays refused rather than guessed.
TEST(CompilerTest, PartialRuleCalledWithNoArgumentsIsRefused) {
  auto p = Compile({"package t\nq contains 1\np if q()"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kType);
  EXPECT_NE(p.error().message.find("undefined function q"), std::string::npos);
}

// A template string in a function's head is computed from the body's bindings, then compared
// with the argument (OPA rewrites it to a fresh variable unified at the end of the body).
TEST(CompilerTest, TemplateStringArgumentIsComputedAfterTheBody) {
  const std::string module = R"(package t
f($"{x}-{y}") := y if {
  x := "a"
  y := 7
}
hit := f("a-7")
miss := f("a-8")
)";
  EXPECT_EQ(One(EvalQuery({module}, "x = data.t.hit")), "7");
  EXPECT_EQ(One(EvalQuery({module}, "x = data.t.miss")), "<0 solutions>");
  auto unsafe = Compile({"package t\nf($\"{z}\") := 1\np := f(\"q\")"});
  ASSERT_FALSE(unsafe);
  EXPECT_EQ(unsafe.error().code, RegoError::kUnsafeVar);
  EXPECT_NE(unsafe.error().message.find("var z is unsafe"), std::string::npos);
}

TEST(CompilerTest, ArityMismatch) {
  auto p = Compile({"package t\nf(x) := x\np if f(1, 2, 3)"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kType);
  EXPECT_NE(p.error().message.find("arity"), std::string::npos);
}

TEST(CompilerTest, ConflictingRuleKinds) {
  auto p = Compile({"package t\np := 1\np contains 2"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, RegoError::kType);
}

TEST(CompilerTest, AssignedVarsAreScopedInOrder) {
  // The comprehension's x is its own: the outer x is declared after it.
  auto rs = EvalQuery({"package t\nxs := {1, 2}\np := x if { y := {x | xs[x]}; x := count(y) }"},
                      "x = data.t.p");
  EXPECT_EQ(One(rs), "2");
}

TEST(CompilerTest, ImportsAndAliases) {
  auto rs = EvalQuery({"package lib.a\nv := 5",
                       "package t\nimport data.lib.a as z\nimport input.n\n"
                       "p := z.v + n"},
                      "x = data.t.p", testing::WithInput(testing::Json(R"({"n": 1})")));
  EXPECT_EQ(One(rs), "6");
}

TEST(CompilerTest, EmptySetCall) {
  auto rs = EvalQuery({"package t\np := set()"}, "x = data.t.p");
  EXPECT_EQ(One(rs), "set()");
}

TEST(CompilerTest, UnsafeQueryVariable) {
  auto policy = Compile({"package t\np := 1"});
  ASSERT_TRUE(policy);
  auto q = PreparedQuery::Prepare(*policy, "x > 1");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, RegoError::kUnsafeVar);
}

}  // namespace
}  // namespace gatehouse::rego
