// Type predicates, type_name, to_number and the cast_* builtins, through the registry.
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

TEST(TypeBuiltins, Predicates) {
  EXPECT_EQ(Ok("is_number", {D(-42.0)}), B(true));
  EXPECT_EQ(Ok("is_number", {D(100.1)}), B(true));
  EXPECT_EQ(Ok("is_number", {Value::Null()}), B(false));
  EXPECT_EQ(Ok("is_string", {S("Hey")}), B(true));
  EXPECT_EQ(Ok("is_string", {B(false)}), B(false));
  EXPECT_EQ(Ok("is_boolean", {B(false)}), B(true));
  EXPECT_EQ(Ok("is_boolean", {S("Hello")}), B(false));
  EXPECT_EQ(Ok("is_array", {J("[1,2,3]")}), B(true));
  EXPECT_EQ(Ok("is_array", {Value::Set({I(1)})}), B(false));
  EXPECT_EQ(Ok("is_set", {Value::Set({I(1)})}), B(true));
  EXPECT_EQ(Ok("is_object", {J(R"({"foo": 1})")}), B(true));
  EXPECT_EQ(Ok("is_null", {Value::Null()}), B(true));
  EXPECT_EQ(Ok("is_null", {B(true)}), B(false));
}

TEST(TypeBuiltins, TypeName) {
  EXPECT_EQ(Ok("type_name", {Value::Null()}), S("null"));
  EXPECT_EQ(Ok("type_name", {B(true)}), S("boolean"));
  EXPECT_EQ(Ok("type_name", {I(100)}), S("number"));
  EXPECT_EQ(Ok("type_name", {S("Hello")}), S("string"));
  EXPECT_EQ(Ok("type_name", {J("[1]")}), S("array"));
  EXPECT_EQ(Ok("type_name", {Value::Set({I(1)})}), S("set"));
  EXPECT_EQ(Ok("type_name", {J("{}")}), S("object"));
}

TEST(TypeBuiltins, ToNumber) {
  EXPECT_EQ(Ok("to_number", {S("-42.0")}), I(-42));
  // The string is the number's text: exact beyond int64 and double precision.
  EXPECT_EQ(Ok("to_number", {S("18446744073709551617")}), N("18446744073709551617"));
  EXPECT_EQ(Ok("to_number", {S("0.1000000000000000000000001")}), N("0.1000000000000000000000001"));
  EXPECT_EQ(Err("to_number", {S("1e400")}).message,
            "to_number: strconv.ParseFloat: parsing \"1e400\": value out of range");
  EXPECT_EQ(Ok("to_number", {B(false)}), I(0));
  EXPECT_EQ(Ok("to_number", {B(true)}), I(1));
  EXPECT_EQ(Ok("to_number", {D(100.1)}), D(100.1));
  EXPECT_EQ(Ok("to_number", {Value::Null()}), I(0));
  EXPECT_EQ(Ok("to_number", {S("3")}), I(3));
  EXPECT_TRUE(Ok("to_number", {S("9007199254740993")}).is_int());
  EXPECT_EQ(Ok("to_number", {S("9007199254740993")}), I(9007199254740993));
  EXPECT_EQ(Ok("to_number", {S("+1.5e3")}), I(1500));
  EXPECT_EQ(Ok("to_number", {S(".5")}), D(0.5));
  Error e = Err("to_number", {S("broken")});
  EXPECT_EQ(e.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(e.message, "to_number: strconv.ParseFloat: parsing \"broken\": invalid syntax");
  for (const char* s : {"nan", "inf", "-inf", "Infinity", "-Infinity", "-nan", "-NaN", "iNf"}) {
    Error t = Err("to_number", {S(s)});
    EXPECT_EQ(t.code, RegoError::kEvalType) << s;
  }
  EXPECT_EQ(Err("to_number", {S("")}).code, RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("to_number", {S("1e999")}).code, RegoError::kEvalBuiltin);
  EXPECT_EQ(Err("to_number", {J("[]")}).message,
            "to_number: operand 1 must be one of {null, boolean, number, string} but got array");
}

TEST(TypeBuiltins, Casts) {
  EXPECT_EQ(Ok("cast_array", {Value::Set({I(2), I(1)})}), J("[1, 2]"));
  EXPECT_EQ(Ok("cast_array", {J("[3]")}), J("[3]"));
  EXPECT_EQ(Ok("cast_set", {J("[1, 1, 2]")}), Value::Set({I(1), I(2)}));
  EXPECT_EQ(Ok("cast_string", {S("x")}), S("x"));
  EXPECT_EQ(Ok("cast_boolean", {B(true)}), B(true));
  EXPECT_EQ(Ok("cast_null", {Value::Null()}), Value::Null());
  EXPECT_EQ(Ok("cast_object", {J("{}")}), J("{}"));
  EXPECT_EQ(Err("cast_string", {I(1)}).message,
            "cast_string: operand 1 must be string but got number");
  EXPECT_EQ(Err("cast_array", {I(1)}).message,
            "cast_array: operand 1 must be one of {array, set} but got number");
}

}  // namespace
}  // namespace gatehouse::rego
