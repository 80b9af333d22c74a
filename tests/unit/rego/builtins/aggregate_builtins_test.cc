// Aggregates (count, sum, product, max, min, sort, all, any) and comparison operators, called
// through the standard registry. Expectations come from OPA's conformance cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "builtin_test_util.h"
#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::Err;
using builtin_test::J;
using builtin_test::Ok;

TEST(AggregateBuiltins, CountCountsElementsMembersAndRunes) {
  EXPECT_EQ(Ok("count", {J("[1,2,3,4]")}), Value::Int(4));
  EXPECT_EQ(Ok("count", {J(R"({"a":1,"b":2})")}), Value::Int(2));
  EXPECT_EQ(Ok("count", {Value::Set({Value::Int(1), Value::Int(2), Value::Int(2)})}),
            Value::Int(2));
  EXPECT_EQ(Ok("count", {Value::String("abcde")}), Value::Int(5));
  EXPECT_EQ(Ok("count", {Value::String("åäö")}), Value::Int(3));
  // Invalid UTF-8 bytes count one each, as Go's rune conversion does.
  EXPECT_EQ(Ok("count", {Value::String(std::string("a\xff\xfe"))}), Value::Int(3));
}

TEST(AggregateBuiltins, CountRejectsScalarsWithOpaWording) {
  Error e = Err("count", {Value::Null()});
  EXPECT_EQ(e.code, RegoError::kEvalType);
  EXPECT_EQ(e.message, "count: operand 1 must be one of {array, object, set, string} but got null");
  EXPECT_NE(Err("count", {Value::Int(1)}).message.find("but got number"), std::string::npos);
}

TEST(AggregateBuiltins, SumAndProductStayExactForIntegers) {
  EXPECT_EQ(Ok("sum", {J("[1,2,3,4]")}), Value::Int(10));
  EXPECT_EQ(Ok("sum", {Value::Set({Value::Int(1), Value::Int(2), Value::Int(3)})}), Value::Int(6));
  EXPECT_EQ(Ok("sum", {J("[49649733057, 1]")}), Value::Int(49649733058));
  EXPECT_EQ(Ok("sum", {J("[]")}), Value::Int(0));
  EXPECT_EQ(Ok("sum", {J("[1.5, 2]")}), Value::Number(3.5));
  EXPECT_EQ(Ok("product", {J("[1,2,3,4]")}), Value::Int(24));
  EXPECT_EQ(Ok("product", {J("[]")}), Value::Int(1));
  // Overflow falls back to floating point instead of wrapping.
  Value big = Ok("sum", {J("[9223372036854775807, 1]")});
  EXPECT_GT(*big.AsDouble(), 9.2e18);
}

TEST(AggregateBuiltins, SumRejectsNonNumbers) {
  Error e = Err("sum", {J(R"([1, "a"])")});
  EXPECT_EQ(e.code, RegoError::kEvalType);
  EXPECT_EQ(e.message, "sum: operand 1 must be array of numbers but got array containing string");
  EXPECT_EQ(Err("sum", {Value::String("x")}).message,
            "sum: operand 1 must be one of {set, array} but got string");
}

TEST(AggregateBuiltins, MaxMinAndSortUseOpaOrder) {
  EXPECT_EQ(Ok("max", {J("[1,2,3,4]")}), Value::Int(4));
  EXPECT_EQ(Ok("min", {J("[3,2,1,4,6,-7,10]")}), Value::Int(-7));
  EXPECT_EQ(Ok("max", {J(R"([1, "a", null])")}), Value::String("a"));
  auto empty = Call("max", {J("[]")});
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty->has_value());  // undefined
  EXPECT_EQ(Ok("sort", {J("[4,3,2,1]")}), J("[1,2,3,4]"));
  EXPECT_EQ(Ok("sort", {Value::Set({Value::Int(2), Value::Int(1)})}), J("[1,2]"));
  EXPECT_EQ(Ok("sort", {J(R"(["b", 1, null, [1]])")}), J(R"([null, 1, "b", [1]])"));
}

TEST(AggregateBuiltins, AllAndAny) {
  EXPECT_EQ(Ok("all", {J("[true, true]")}), Value::Bool(true));
  EXPECT_EQ(Ok("all", {J("[true, 1]")}), Value::Bool(false));
  EXPECT_EQ(Ok("all", {J("[]")}), Value::Bool(true));
  EXPECT_EQ(Ok("any", {J("[false, true]")}), Value::Bool(true));
  EXPECT_EQ(Ok("any", {J("[]")}), Value::Bool(false));
  EXPECT_EQ(Err("any", {Value::Int(1)}).code, RegoError::kEvalType);
}

TEST(ComparisonBuiltins, CompareAcrossTypesInOpaOrder) {
  EXPECT_EQ(Ok("equal", {Value::Int(1), Value::Number(1.0)}), Value::Bool(true));
  EXPECT_EQ(Ok("equal", {J("[1]"), J("[1.0]")}), Value::Bool(true));
  EXPECT_EQ(Ok("neq", {Value::Int(0), Value::Int(1)}), Value::Bool(true));
  EXPECT_EQ(Ok("lt", {Value::Int(-1), Value::Int(0)}), Value::Bool(true));
  EXPECT_EQ(Ok("lte", {Value::Int(1), Value::Int(1)}), Value::Bool(true));
  EXPECT_EQ(Ok("gt", {Value::Int(1), Value::Int(2)}), Value::Bool(false));
  EXPECT_EQ(Ok("gte", {Value::Int(1), Value::Int(2)}), Value::Bool(false));
  // null < boolean < number < string < array < object < set
  EXPECT_EQ(Ok("lt", {Value::Null(), Value::Bool(false)}), Value::Bool(true));
  EXPECT_EQ(Ok("lt", {Value::Int(100), Value::String("")}), Value::Bool(true));
  EXPECT_EQ(Ok("lt", {J("{}"), Value::EmptySet()}), Value::Bool(true));
}

}  // namespace
}  // namespace gatehouse::rego
