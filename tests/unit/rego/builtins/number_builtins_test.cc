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
  // int64 overflow goes on exactly rather than wrapping or rounding.
  EXPECT_EQ(Ok("mul", {I(INT64_MAX), I(2)}), N("18446744073709551614"));
}

// OPA computes integers with math/big: exact at any size, through every operator.
TEST(NumberBuiltins, IntegersBeyond64BitsAreExact) {
  EXPECT_EQ(Ok("plus", {N("18446744073709551617"), I(1)}), N("18446744073709551618"));
  EXPECT_EQ(Ok("minus", {N("-18446744073709551617"), I(1)}), N("-18446744073709551618"));
  EXPECT_EQ(Ok("mul", {N("123456789012345678901234567890"), I(10)}),
            N("1234567890123456789012345678900"));
  EXPECT_EQ(Ok("plus", {I(INT64_MAX), I(1)}), N("9223372036854775808"));
  EXPECT_EQ(Ok("minus", {I(INT64_MIN), I(1)}), N("-9223372036854775809"));
  // Back in range is an int again.
  Value back = Ok("minus", {N("9223372036854775808"), I(1)});
  EXPECT_TRUE(back.is_int());
  EXPECT_EQ(back, I(INT64_MAX));
  // An integral double stands for its digits: 1e30 is ten to the thirtieth.
  EXPECT_EQ(Ok("plus", {D(1e30), I(1)}), N("1000000000000000000000000000001"));
  // Remainder has the dividend's sign, and a divisor that is a multiple of 2^64 is not zero.
  EXPECT_EQ(Ok("rem", {N("18446744073709551617"), N("18446744073709551616")}), I(1));
  EXPECT_EQ(Ok("rem", {I(10), N("18446744073709551616")}), I(10));
  EXPECT_EQ(Ok("rem", {N("-18446744073709551617"), I(10)}), I(-7));
  EXPECT_EQ(Err("rem", {N("18446744073709551617"), I(0)}).message, "rem: modulo by zero");
  EXPECT_EQ(Err("rem", {N("1.000000000000000000001"), I(2)}).message,
            "rem: modulo on floating-point number");
}

// OPA computes other numbers with big.Float at 64 bits of mantissa, and a result is the
// shortest decimal that reads back at that precision.
TEST(NumberBuiltins, FractionsAtBigFloatPrecision) {
  EXPECT_EQ(Ok("plus", {D(0.1), D(0.2)}), D(0.3));  // not 0.30000000000000004
  EXPECT_EQ(Ok("mul", {D(0.1), I(3)}), D(0.3));
  EXPECT_EQ(Ok("div", {I(1), I(3)}), N("0.33333333333333333334"));
  EXPECT_EQ(Ok("plus", {D(1.1), D(2.2)}), N("3.3000000000000000002"));
  EXPECT_EQ(Ok("sum", {Value::Array({D(0.1), D(0.2)})}), D(0.3));
  EXPECT_EQ(Ok("mul", {D(2.5), I(4)}), I(10));
  EXPECT_EQ(Ok("div", {I(10), I(4)}), D(2.5));
  // A double stands for its shortest digits here too: 1e30 is ten to the thirtieth.
  EXPECT_EQ(Ok("mul", {D(1e30), D(0.5)}), D(5e29));
  EXPECT_EQ(Ok("plus", {D(1e30), D(0.5)}), D(1e30));  // 64 bits cannot hold the half
}

TEST(NumberBuiltins, BigNumbersOtherwiseAtBigFloatPrecision) {
  // Integers that divide exactly give the integer, at any size.
  EXPECT_EQ(Ok("div", {N("18446744073709551616"), I(2)}), N("9223372036854775808"));
  EXPECT_EQ(Ok("div", {D(1e109), D(1e100)}), I(1000000000));
  EXPECT_EQ(Ok("div", {N("18446744073709551617"), I(2)}), N("9223372036854775808"));
  // Beyond double's range the numbers still compute.
  EXPECT_EQ(Ok("mul", {N("2e308"), I(2)}), N("4e308"));
  EXPECT_EQ(Ok("div", {N("1e400"), N("1e399")}), I(10));
  EXPECT_EQ(Err("div", {N("1e400"), I(0)}).message, "div: divide by zero");
  // A tiny big number is not zero.
  EXPECT_EQ(Ok("div", {I(1), N("1e-400")}), N("1e400"));
}

TEST(NumberBuiltins, AbsRoundCeilFloorOnEveryForm) {
  EXPECT_EQ(Ok("abs", {I(INT64_MIN)}), N("9223372036854775808"));
  EXPECT_EQ(Ok("abs", {N("-18446744073709551617")}), N("18446744073709551617"));
  EXPECT_EQ(Ok("round", {D(-2.5)}), I(-3));  // half away from zero
  EXPECT_EQ(Ok("round", {D(2.5)}), I(3));
  EXPECT_EQ(Ok("round", {N("18446744073709551616.5")}), N("18446744073709551617"));
  EXPECT_EQ(Ok("round", {N("-18446744073709551616.4")}), N("-18446744073709551616"));
  EXPECT_EQ(Ok("floor", {N("-18446744073709551616.1")}), N("-18446744073709551617"));
  EXPECT_EQ(Ok("ceil", {N("18446744073709551616.1")}), N("18446744073709551617"));
  EXPECT_EQ(Ok("ceil", {N("-0.1000000000000000000000001")}), I(0));
  EXPECT_EQ(Ok("floor", {N("0.1000000000000000000000001")}), I(0));
  EXPECT_EQ(Ok("round", {N("0.5000000000000000000000001")}), I(1));
  EXPECT_EQ(Ok("floor", {N("2e308")}), N("2e308"));  // integral already
}

TEST(NumberBuiltins, AggregatesAndRangesOnBigIntegers) {
  Value big = N("18446744073709551616");
  EXPECT_EQ(Ok("sum", {Value::Array({big, I(1), I(1)})}), N("18446744073709551618"));
  EXPECT_EQ(Ok("sum", {Value::Array({I(INT64_MAX), I(1)})}), N("9223372036854775808"));
  EXPECT_EQ(Ok("product", {Value::Set({big, I(2)})}), N("36893488147419103232"));
  EXPECT_EQ(Ok("sum", {Value::Array({D(1.5), D(2.5)})}), I(4));
  EXPECT_EQ(Ok("max", {Value::Array({big, I(1), N("1e400")})}), N("1e400"));
  EXPECT_EQ(Ok("numbers.range", {big, N("18446744073709551618")}),
            Value::Array({big, N("18446744073709551617"), N("18446744073709551618")}));
  EXPECT_EQ(Ok("numbers.range_step", {I(0), I(10), N("99999999999999999999")}),
            Value::Array({I(0)}));
  EXPECT_EQ(Err("numbers.range", {I(0), N("18446744073709551616")}).message,
            "numbers.range: range too large");
}

TEST(NumberBuiltins, IntegersAreBounded) {
  // Exact, but not without limit: 10^4000 squared is refused rather than computed.
  std::string digits = "1" + std::string(4000, '0');
  Error e = Err("mul", {N(digits), N(digits)});
  EXPECT_EQ(e.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(e.message, "mul: number too large");
  EXPECT_EQ(Err("bits.lsh", {I(1), I(1 << 20)}).message, "bits.lsh: number too large");
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
  // Beyond int64, exact as big.Int (OPA: "shift of max int64 doesn't overflow and is not lossy").
  EXPECT_EQ(Ok("bits.lsh", {I(INT64_MAX), I(1)}), N("18446744073709551614"));
  EXPECT_EQ(Ok("bits.rsh", {N("18446744073709551614"), I(1)}), I(INT64_MAX));
  EXPECT_EQ(Ok("bits.and", {N("18446744073709551615"), I(255)}), I(255));
  EXPECT_EQ(Ok("bits.negate", {N("18446744073709551616")}), N("-18446744073709551617"));
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
