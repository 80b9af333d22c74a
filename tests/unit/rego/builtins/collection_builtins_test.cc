// Collection builtins (array.*, sets, object.*, walk) through the standard registry.
// Expectations come from OPA conformance cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "builtin_test_util.h"
#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using namespace builtin_test;  // NOLINT: test helpers

Value Set(std::vector<Value> v) { return Value::Set(std::move(v)); }

TEST(CollectionBuiltins, ArrayFunctions) {
  EXPECT_EQ(Ok("array.concat", {J("[1,2]"), J("[3]")}), J("[1,2,3]"));
  EXPECT_EQ(Err("array.concat", {J("[1,2]"), J("{}")}).message,
            "array.concat: operand 2 must be array but got object");
  EXPECT_EQ(Ok("array.slice", {J("[1,2,3,4,5]"), I(1), I(3)}), J("[2,3]"));
  EXPECT_EQ(Ok("array.slice", {J("[1,2,3,4,5]"), I(-4), I(-1)}), J("[]"));
  EXPECT_EQ(Ok("array.slice", {J("[1,2,3,4,5]"), I(4), I(1)}), J("[]"));
  EXPECT_EQ(Ok("array.slice", {J("[1,2,3,4,5]"), I(-1), I(2)}), J("[1,2]"));
  EXPECT_EQ(Ok("array.slice", {J("[1,2,3,4,5]"), I(3), I(6)}), J("[4,5]"));
  EXPECT_EQ(Ok("array.slice", {J("[1,2,3]"), I(1000), I(2000)}), J("[]"));
  EXPECT_EQ(Ok("array.reverse", {J("[1,2,3]")}), J("[3,2,1]"));
  EXPECT_EQ(Ok("array.flatten", {J(R"([1, [2, "s"], [[3]], {"a": "b"}])")}),
            J(R"([1, 2, "s", [3], {"a": "b"}])"));
  EXPECT_EQ(Err("array.flatten", {I(1)}).message,
            "array.flatten: operand 1 must be array but got number");
}

TEST(CollectionBuiltins, UnionAndIntersectionOfSets) {
  EXPECT_EQ(Ok("union", {Value::EmptySet()}), Value::EmptySet());
  EXPECT_EQ(Ok("union", {Set({Value::EmptySet(), Set({I(1), I(2)})})}), Set({I(1), I(2)}));
  EXPECT_EQ(Ok("union", {Set({Set({I(1), I(2)}), Set({I(2), I(3)})})}), Set({I(1), I(2), I(3)}));
  EXPECT_EQ(Ok("intersection", {Value::EmptySet()}), Value::EmptySet());
  EXPECT_EQ(Ok("intersection", {Set({Value::EmptySet(), Set({I(1), I(2)})})}), Value::EmptySet());
  EXPECT_EQ(Ok("intersection", {Set({Set({I(1), I(2), I(3)}), Set({I(2)})})}), Set({I(2)}));
  EXPECT_EQ(Err("union", {Set({I(1)})}).message, "union: operand 1 must be set but got number");
}

TEST(CollectionBuiltins, ObjectGet) {
  EXPECT_EQ(Ok("object.get", {J(R"({"a": 1})"), S("a"), I(2)}), I(1));
  EXPECT_EQ(Ok("object.get", {J(R"({"a": 1})"), S("b"), I(2)}), I(2));
  EXPECT_EQ(Ok("object.get", {J(R"({"a": 1})"), J("[]"), I(2)}), J(R"({"a": 1})"));
  EXPECT_EQ(Ok("object.get", {J(R"({"a": {"b": {"c": 1}}})"), J(R"(["a","b","c"])"), I(2)}), I(1));
  EXPECT_EQ(Ok("object.get", {J(R"({"a": {"b": {"c": 1}}})"), J(R"(["a","b","a"])"), I(2)}), I(2));
  EXPECT_EQ(Ok("object.get", {J(R"({"a": {"b": [1,2,3]}})"), J(R"(["a","b","a"])"), I(2)}), I(2));
  EXPECT_EQ(Ok("object.get", {J(R"({"a": {"b": [{"c": 1}]}})"), J(R"(["a","b",0,"c"])"), I(2)}),
            I(1));
  Value non_string_keys =
      Value::Object({{I(1), Value::Object({{S("b"), Value::Object({{J("[1,2,3]"), I(1)}})}})}});
  EXPECT_EQ(Ok("object.get", {non_string_keys, J(R"([1, "b", [1,2,3]])"), I(2)}), I(1));
  EXPECT_EQ(Err("object.get", {S("x"), J(R"(["a"])"), I(2)}).message,
            "object.get: operand 1 must be object but got string");
}

TEST(CollectionBuiltins, ObjectKeysRemoveFilter) {
  EXPECT_EQ(Ok("object.keys", {J(R"({"a": 1, "b": 2})")}), Set({S("a"), S("b")}));
  EXPECT_EQ(Ok("object.keys", {J("{}")}), Value::EmptySet());
  Value obj = J(R"({"a": 1, "b": {"c": 3}, "d": 4})");
  EXPECT_EQ(Ok("object.remove", {obj, Set({S("b"), S("d")})}), J(R"({"a": 1})"));
  EXPECT_EQ(Ok("object.remove", {obj, J(R"(["d", "b"])")}), J(R"({"a": 1})"));
  EXPECT_EQ(Ok("object.remove", {obj, J(R"({"b": 1, "d": ""})")}), J(R"({"a": 1})"));
  EXPECT_EQ(Ok("object.remove", {obj, Set({S("z")})}), obj);
  EXPECT_EQ(Ok("object.filter", {obj, J(R"(["a", "d"])")}), J(R"({"a": 1, "d": 4})"));
  EXPECT_EQ(Ok("object.filter", {obj, Value::EmptySet()}), J("{}"));
  Value odd = Value::Object({{S("a"), I(1)}, {J("[[7]]"), I(2)}});
  EXPECT_EQ(Ok("object.remove", {odd, Set({J("[[7]]")})}), J(R"({"a": 1})"));
  EXPECT_EQ(Ok("object.filter", {odd, Set({J("[[7]]")})}), Value::Object({{J("[[7]]"), I(2)}}));
  EXPECT_EQ(Err("object.remove", {J("[]"), Set({S("a")})}).message,
            "object.remove: operand 1 must be object but got array");
  EXPECT_EQ(Err("object.filter", {obj, S("a")}).message,
            "object.filter: operand 2 must be one of {object, set, array} but got string");
}

TEST(CollectionBuiltins, ObjectUnionMergesRecursively) {
  EXPECT_EQ(Ok("object.union", {J("{}"), J(R"({"a": 1})")}), J(R"({"a": 1})"));
  EXPECT_EQ(Ok("object.union", {J(R"({"a": {"b": {"c": 1}}})"), J(R"({"b": 2})")}),
            J(R"({"a": {"b": {"c": 1}}, "b": 2})"));
  EXPECT_EQ(Ok("object.union", {J(R"({"a": {"b": {"c": 1}}, "e": 1})"),
                                J(R"({"a": {"b": "foo", "b1": "bar"}, "d": 7, "e": 17})")}),
            J(R"({"a": {"b": "foo", "b1": "bar"}, "d": 7, "e": 17})"));
  EXPECT_EQ(Err("object.union", {J("[]"), J("{}")}).message,
            "object.union: operand 1 must be object but got array");
  EXPECT_EQ(Ok("object.union_n", {J("[{}]")}), J("{}"));
  EXPECT_EQ(Ok("object.union_n", {J(R"([{"foo": "bar"}, {"foo": "baz"}])")}),
            J(R"({"foo": "baz"})"));
  EXPECT_EQ(Ok("object.union_n", {J(R"([{"a": 1, "b": 2, "c": 3},
                                         {"foo": "baz", "a": "a", "b": 2, "d": 4},
                                         {"a": "final A!", "e": 5.0}])")}),
            J(R"({"a": "final A!", "b": 2, "c": 3, "d": 4, "e": 5, "foo": "baz"})"));
  EXPECT_EQ(Ok("object.union_n", {J(R"([{"a": {"b": 2}}, {"a": 4}, {"a": {"c": 3}}])")}),
            J(R"({"a": {"c": 3}})"));
  Error e = Err("object.union_n", {J("[1]")});
  EXPECT_EQ(e.code, RegoError::kEvalType);
  EXPECT_EQ(e.message,
            "object.union_n: operand 1 must be array of objects but got array containing number");
}

TEST(CollectionBuiltins, ObjectSubset) {
  Value a = J(R"({"a": 5, "b": 7, "c": 15, "nested": {"x": 10, "y": 15, "z": 20,
                   "arr1": [6, 7, 8, 9]}})");
  EXPECT_EQ(Ok("object.subset", {a, J(R"({"a": 5})")}), B(true));
  EXPECT_EQ(Ok("object.subset", {J(R"({"a": 5})"), a}), B(false));
  EXPECT_EQ(Ok("object.subset", {a, J(R"({"a": 5, "b": 10})")}), B(false));
  EXPECT_EQ(Ok("object.subset", {a, J(R"({"nested": {"x": 10, "arr1": [7, 8]}})")}), B(true));
  EXPECT_EQ(Ok("object.subset", {a, J(R"({"nested": {"arr1": [6, 8]}})")}), B(false));
  Value abc = Set({S("a"), S("b"), S("c")});
  EXPECT_EQ(Ok("object.subset", {Set({I(1), I(2), I(3), abc}), Set({I(3), abc})}), B(true));
  EXPECT_EQ(Ok("object.subset", {Set({I(1), abc}), Set({Set({S("a"), S("b")})})}), B(false));
  EXPECT_EQ(Ok("object.subset", {J("[1,2,3,4,5,6]"), J("[3,4,5]")}), B(true));
  EXPECT_EQ(Ok("object.subset", {J("[1,2,3,4,5,6]"), J("[4,5,6,8]")}), B(false));
  EXPECT_EQ(Ok("object.subset", {J("[1,2,3,4,5,6]"), Set({I(4), I(3), I(2)})}), B(true));
  EXPECT_EQ(Ok("object.subset", {J("[1,2,3,4,5,6]"), Set({I(9)})}), B(false));
  EXPECT_EQ(Err("object.subset", {Set({I(1)}), J("[1]")}).code, RegoError::kEvalType);
}

TEST(CollectionBuiltins, GraphReachable) {
  Value g = J(R"({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": [], "e": ["f"], "f": ["e"],
                  "x": ["x"]})");
  EXPECT_EQ(Ok("graph.reachable", {g, Set({S("b"), S("e")})}),
            Set({S("b"), S("d"), S("e"), S("f")}));
  EXPECT_EQ(Ok("graph.reachable", {J(R"({"a": ["b"], "b": ["c"], "c": ["a"]})"), J(R"(["a"])")}),
            Set({S("a"), S("b"), S("c")}));
  EXPECT_EQ(Ok("graph.reachable", {J("{}"), Set({S("a")})}), Value::EmptySet());
  // Edges that are not collections are ignored.
  EXPECT_EQ(Ok("graph.reachable", {J(R"({"a": 1})"), J(R"(["a"])")}), Set({S("a")}));
  EXPECT_EQ(Err("graph.reachable", {J("[]"), J("[]")}).code, RegoError::kEvalType);
  EXPECT_EQ(Err("graph.reachable", {J("{}"), I(1)}).message,
            "graph.reachable: operand 2 must be {array, set} but got number");
}

TEST(CollectionBuiltins, GraphReachablePaths) {
  Value g = J(R"({"one": ["two", "five"], "two": ["four"], "four": ["three"], "three": ["one"],
                  "five": ["six", "seven"], "six": ["nine"], "seven": ["eight"], "nine": [],
                  "eight": []})");
  EXPECT_EQ(Ok("graph.reachable_paths", {g, J(R"(["one"])")}),
            Set({J(R"(["one", "five", "seven", "eight"])"), J(R"(["one", "five", "six", "nine"])"),
                 J(R"(["one", "two", "four", "three"])")}));
  EXPECT_EQ(Ok("graph.reachable_paths", {J(R"({"a": []})"), J(R"(["a"])")}), Set({J(R"(["a"])")}));
  // As OPA: nodes reached earlier from the same start edge end a path ("six" -> "seven").
  Value g3 = J(R"({"one": ["two", "five"], "two": ["four"], "three": [""], "four": ["three"],
                   "five": ["seven", "six"], "six": ["nine", "seven"], "seven": ["eight"],
                   "eight": ["three"], "nine": [""]})");
  EXPECT_EQ(Ok("graph.reachable_paths", {g3, Set({S("one")})}),
            Set({J(R"(["one", "five", "seven", "eight", "three"])"), J(R"(["one", "five", "six"])"),
                 J(R"(["one", "five", "six", "nine"])"), J(R"(["one", "two", "four", "three"])")}));
  // A graph with exponentially many paths stays cheap (each node is expanded once).
  std::vector<Member> layers;
  for (int i = 0; i < 40; ++i) {
    Value next = J("[" + std::to_string(2 * i + 2) + "," + std::to_string(2 * i + 3) + "]");
    layers.emplace_back(I(2 * i), next);
    layers.emplace_back(I(2 * i + 1), next);
  }
  BuiltinContext ctx;
  ctx.limits.max_range_items = 10000;
  auto r = Call("graph.reachable_paths", {Value::Object(std::move(layers)), J("[0]")}, ctx);
  ASSERT_TRUE(r.has_value());
  EXPECT_LT(r->value_or(Value()).size(), 200u);
}

std::vector<Value> WalkAll(const Value& v) {
  const Builtin* b = StandardBuiltins().Find("walk");
  EXPECT_NE(b, nullptr);
  std::vector<Value> out;
  if (b == nullptr) return out;
  EXPECT_TRUE(b->relation);
  BuiltinContext ctx;
  std::vector<Value> args{v};
  auto st = b->fn_relation(ctx, args, [&](const Value& x) -> Status {
    out.push_back(x);
    return gatehouse::Ok();
  });
  EXPECT_TRUE(st.has_value());
  return out;
}

TEST(CollectionBuiltins, WalkYieldsPathsPreOrder) {
  EXPECT_EQ(WalkAll(I(1)), std::vector<Value>{J("[[], 1]")});
  auto pairs = WalkAll(J(R"([{"foo": 1, "bar": 2}])"));
  std::vector<Value> want = {J(R"([[], [{"bar": 2, "foo": 1}]])"),
                             J(R"([[0], {"bar": 2, "foo": 1}])"), J(R"([[0, "bar"], 2])"),
                             J(R"([[0, "foo"], 1])")};
  EXPECT_EQ(pairs, want);
  auto set_pairs = WalkAll(Set({Set({I(1)})}));
  ASSERT_EQ(set_pairs.size(), 3u);
  EXPECT_EQ(set_pairs[1], Value::Array({Value::Array({Set({I(1)})}), Set({I(1)})}));
  EXPECT_EQ(set_pairs[2], Value::Array({Value::Array({Set({I(1)}), I(1)}), I(1)}));
}

TEST(CollectionBuiltins, WalkStopsOnYieldError) {
  const Builtin* b = StandardBuiltins().Find("walk");
  ASSERT_NE(b, nullptr);
  BuiltinContext ctx;
  std::vector<Value> args{J("[1,2,3]")};
  int calls = 0;
  auto st = b->fn_relation(ctx, args, [&](const Value&) -> Status {
    ++calls;
    return MakeError(CommonError::kInternal, "stop");
  });
  EXPECT_FALSE(st.has_value());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace gatehouse::rego
