// rego::Value numbers: the three forms (int, double, big) and exact comparison across them.
#include "rego/value.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <unordered_set>

namespace gatehouse::rego {
namespace {

Value N(std::string_view text) {
  auto v = Value::NumberFromText(text);
  EXPECT_TRUE(v) << text;
  return v.value_or(Value::Null());
}

TEST(RegoValueNumbers, EachNumberHasOneForm) {
  EXPECT_TRUE(N("42").is_int());
  EXPECT_TRUE(N("4.2e1").is_int());
  EXPECT_TRUE(N("-9223372036854775808").is_int());
  EXPECT_TRUE(N("9223372036854775808").is_big_number());
  EXPECT_FALSE(N("0.5").is_int());
  EXPECT_FALSE(N("0.5").is_big_number());
  EXPECT_FALSE(N("1e30").is_big_number());  // a double holds it as its shortest digits
  EXPECT_TRUE(N("1e400").is_big_number());
  EXPECT_TRUE(N("0.1000000000000000000000001").is_big_number());
  EXPECT_FALSE(Value::NumberFromText("1.").has_value());
  EXPECT_FALSE(Value::NumberFromText("abc").has_value());
}

TEST(RegoValueNumbers, BigNumbersKeepTheirText) {
  EXPECT_EQ(NumberText(N("2e308")), "2e308");
  EXPECT_EQ(ToJsonText(Value::Array({N("18446744073709551617"), N("1.5e-400")})),
            "[18446744073709551617,1.5e-400]");
  EXPECT_EQ(ToRegoText(Value::Set({N("1e400")})), "{1e400}");
  EXPECT_EQ(ToJson(N("1e400")).AsBigNumber()->text, "1e400");
  EXPECT_EQ(FromJson(value::Value(value::BigNumber{"18446744073709551617"})),
            N("18446744073709551617"));
}

TEST(RegoValueNumbers, CompareExactlyAcrossForms) {
  EXPECT_NE(N("28857836529306024611913"), N("28857836529306024611912"));
  EXPECT_LT(N("28857836529306024611912"), N("28857836529306024611913"));
  EXPECT_LT(Value::Int(INT64_MAX), N("9223372036854775808"));
  EXPECT_LT(N("-9223372036854775809"), Value::Int(INT64_MIN));
  EXPECT_LT(Value::Number(1.7976931348623157e308), N("2e308"));
  EXPECT_LT(N("1e399"), N("1e400"));
  EXPECT_LT(Value::Number(0.1), N("0.1000000000000000000000001"));
  EXPECT_LT(N("0.0999999999999999999999999"), Value::Number(0.1));
  EXPECT_LT(Value::Int(0), N("1e-400"));
  EXPECT_LT(N("-1e-400"), Value::Int(0));
  EXPECT_EQ(N("2e308"), N("20e307"));
  // Infinities (which only builtins' doubles can be) are beyond every big number.
  EXPECT_LT(N("1e400"), Value::Number(std::numeric_limits<double>::infinity()));
  EXPECT_LT(Value::Number(-std::numeric_limits<double>::infinity()), N("-1e400"));
}

TEST(RegoValueNumbers, SetsAndHashesSeeEqualNumbersAsOne) {
  Value set = Value::Set({N("2e308"), N("20e307"), N("2.0e308"), Value::Int(1), N("1.0")});
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(N("2e308").Hash(), N("20e307").Hash());
  EXPECT_TRUE(set.Contains(N("200e306")));
  EXPECT_FALSE(set.Contains(N("2.0000000000000000000001e308")));
}

TEST(RegoValueNumbers, CopiesShareTheBigNode) {
  Value a = N("18446744073709551617");
  Value b = a;
  Value c = std::move(a);
  EXPECT_EQ(b, c);
  EXPECT_EQ(b.BigNumberText(), "18446744073709551617");
  EXPECT_TRUE(a.is_null());  // NOLINT: moved-from is null, and releases nothing twice
  EXPECT_TRUE(b.BigNumberValue()->is_integer());
  EXPECT_EQ(*b.AsDouble(), 18446744073709551617.0);
  EXPECT_FALSE(b.AsInt().has_value());
}

}  // namespace
}  // namespace gatehouse::rego
