// Arithmetic, set operators, bits.* and numbers.range[_step], through the standard registry.
// Expectations come from OPA's conformance cases and Go's semantics.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "builtin_test_util.h"
#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using namespace builtin_test;  // NOLINT: test helpers

TEST(NumberBuiltins, ArithmeticKeepsIntegersExact) {
  EXPECT_EQ(Ok("plus", {I(49649733057), I(1)}), I(49649733058));
  EXPECT_TRUE(Ok("plus", {I(1), I(2)}).is_int());
  EXPECT_EQ(Ok("minus", {I(1), I(3)}), I(-2));
  EXPECT_EQ(Ok("mul", {I(3), I(4)}), I(12));
  EXPECT_EQ(Ok("plus", {D(0.5), D(0.25)}), D(0.75));
  EXPECT_EQ(Ok("div", {I(6), I(3)}), I(2));
  EXPECT_EQ(Ok("div", {I(1), I(2)}), D(0.5));
  EXPECT_EQ(Ok("rem", {I(7), I(3)}), I(1));
  EXPECT_EQ(Ok("rem", {I(-7), I(3)}), I(-1));  // truncated, as Go
  // int64 overflow falls back to a double rather than wrapping.
  EXPECT_GT(*Ok("mul", {I(INT64_MAX), I(2)}).AsDouble(), 1.8e19);
}

TEST(NumberBuiltins, DivisionAndModuloErrors) {
  Error e = Err("div", {I(1), I(0)});
  EXPECT_EQ(e.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(e.message, "div: divide by zero");
  EXPECT_EQ(Err("div", {D(1.5), D(0.0)}).message, "div: divide by zero");
  EXPECT_EQ(Err("rem", {I(7), I(0)}).message, "rem: modulo by zero");
  Error f = Err("rem", {D(1.1), I(1)});
  EXPECT_EQ(f.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(f.message, "rem: modulo on floating-point number");
  Error t = Err("plus", {I(1), S("a")});
  EXPECT_EQ(t.code, RegoError::kEvalType);
  EXPECT_EQ(t.message, "plus: operand 2 must be number but got string");
}

TEST(NumberBuiltins, RoundingFunctions) {
  EXPECT_EQ(Ok("abs", {I(-10)}), I(10));
  EXPECT_EQ(Ok("abs", {D(-1.5)}), D(1.5));
  EXPECT_EQ(Ok("round", {D(2.5)}), I(3));
  EXPECT_EQ(Ok("round", {D(-2.5)}), I(-3));  // half away from zero
  EXPECT_EQ(Ok("ceil", {D(1.01)}), I(2));
  EXPECT_EQ(Ok("ceil", {D(-1.99999)}), I(-1));
  EXPECT_EQ(Ok("floor", {D(99.99999)}), I(99));
  EXPECT_EQ(Ok("floor", {D(-1.001)}), I(-2));
  EXPECT_EQ(Ok("floor", {I(1)}), I(1));
}

TEST(NumberBuiltins, SetOperators) {
  Value a = Value::Set({I(1), I(2), I(3), I(4)});
  Value b = Value::Set({I(1), I(3)});
  EXPECT_EQ(Ok("minus", {a, b}), Value::Set({I(2), I(4)}));
  EXPECT_EQ(Ok("and", {a, b}), b);
  EXPECT_EQ(Ok("or", {b, Value::Set({I(9)})}), Value::Set({I(1), I(3), I(9)}));
  EXPECT_EQ(Err("minus", {b, I(1)}).message, "minus: operand 2 must be set but got number");
  EXPECT_EQ(Err("minus", {I(1), b}).message, "minus: operand 2 must be number but got set");
  EXPECT_EQ(Err("minus", {S("x"), b}).message,
            "minus: operand 1 must be one of {number, set} but got string");
  // The deprecated set_diff, which v0 policies still call.
  EXPECT_EQ(Ok("set_diff", {a, b}), Value::Set({I(2), I(4)}));
  EXPECT_EQ(Err("set_diff", {a, I(1)}).message, "set_diff: operand 2 must be set but got number");
}

TEST(NumberBuiltins, Bits) {
  EXPECT_EQ(Ok("bits.and", {I(7), I(9)}), I(1));
  EXPECT_EQ(Ok("bits.or", {I(7), I(9)}), I(15));
  EXPECT_EQ(Ok("bits.xor", {I(42), I(3)}), I(41));
  EXPECT_EQ(Ok("bits.negate", {I(42)}), I(-43));
  EXPECT_EQ(Ok("bits.lsh", {I(1), I(3)}), I(8));
  EXPECT_EQ(Ok("bits.lsh", {I(2147483647), I(1)}), I(4294967294));
  EXPECT_EQ(Ok("bits.lsh", {I(INT64_MAX), I(1)}), D(18446744073709551614.0));
  EXPECT_EQ(Ok("bits.rsh", {I(8), I(3)}), I(1));
  EXPECT_EQ(Ok("bits.rsh", {I(-8), I(1)}), I(-4));
  Error e = Err("bits.negate", {D(7.2)});
  EXPECT_EQ(e.code, RegoError::kEvalType);
  EXPECT_EQ(e.message,
            "bits.negate: operand 1 must be integer number but got floating-point number");
  EXPECT_EQ(Err("bits.lsh", {I(7), I(-1)}).message,
            "bits.lsh: operand 2 must be an unsigned integer number but got a negative integer");
}

TEST(NumberBuiltins, NumbersRange) {
  EXPECT_EQ(Ok("numbers.range", {I(0), I(0)}), J("[0]"));
  EXPECT_EQ(Ok("numbers.range", {I(-2), I(3)}), J("[-2,-1,0,1,2,3]"));
  EXPECT_EQ(Ok("numbers.range", {I(2), I(-3)}), J("[2,1,0,-1,-2,-3]"));
  EXPECT_EQ(Ok("numbers.range", {I(49649733057), I(49649733059)}),
            J("[49649733057,49649733058,49649733059]"));
  EXPECT_EQ(Err("numbers.range", {D(3.14), I(4)}).message,
            "numbers.range: operand 1 must be integer number but got floating-point number");
  EXPECT_EQ(Ok("numbers.range_step", {I(0), I(10), I(3)}), J("[0,3,6,9]"));
  EXPECT_EQ(Ok("numbers.range_step", {I(10), I(0), I(4)}), J("[10,6,2]"));
  Error step = Err("numbers.range_step", {I(0), I(10), I(0)});
  EXPECT_EQ(step.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(step.message, "numbers.range_step: step must be a positive integer");
}

TEST(NumberBuiltins, NumbersRangeIsBounded) {
  BuiltinContext ctx;
  ctx.limits.max_range_items = 100;
  auto r = Call("numbers.range", {I(0), I(1000)}, ctx);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, RegoError::kEvalBuiltin);
  auto huge = Call("numbers.range", {I(INT64_MIN), I(INT64_MAX)});
  EXPECT_FALSE(huge.has_value());
}

}  // namespace
}  // namespace gatehouse::rego
