// Decimal: exact decimal numbers from JSON text (value/decimal.h).
#include "value/decimal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace gatehouse::value {
namespace {

Decimal D(std::string_view text) {
  auto d = ParseDecimal(text);
  EXPECT_TRUE(d) << text;
  return d.value_or(Decimal{});
}

TEST(DecimalTest, NormalFormIsTheNumberNotTheSpelling) {
  EXPECT_EQ(D("15"), D("1.5e1"));
  EXPECT_EQ(D("15"), D("150e-1"));
  EXPECT_EQ(D("0.0015"), D("1.5E-3"));
  EXPECT_EQ(D("-0"), D("0"));
  EXPECT_FALSE(D("-0.0").negative);
  EXPECT_EQ(D("120").digits, "12");
  EXPECT_EQ(D("120").exponent, 3);
  EXPECT_EQ(D("0.012").digits, "12");
  EXPECT_EQ(D("0.012").exponent, -1);
  EXPECT_TRUE(D("1e3").is_integer());
  EXPECT_TRUE(D("12.000").is_integer());
  EXPECT_FALSE(D("1.5").is_integer());
  EXPECT_FALSE(D("1e-3").is_integer());
}

TEST(DecimalTest, RefusesWhatJsonRefuses) {
  for (const char* bad : {"", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x10", "1 ", "NaN", "--1",
                          "1.2.3", "1e5.5"}) {
    EXPECT_FALSE(ParseDecimal(bad)) << bad;
  }
}

TEST(DecimalTest, OrdersAsTheNumbers) {
  EXPECT_LT(Compare(D("1e399"), D("1e400")), 0);
  EXPECT_LT(Compare(D("-1e400"), D("-1e399")), 0);
  EXPECT_LT(Compare(D("0.1"), D("0.1000000000000000000000001")), 0);
  EXPECT_LT(Compare(D("18446744073709551616"), D("18446744073709551617")), 0);
  EXPECT_LT(Compare(D("-1"), D("0")), 0);
  EXPECT_LT(Compare(D("0"), D("1e-400")), 0);
  EXPECT_EQ(Compare(D("2.50"), D("25e-1")), 0);
  EXPECT_GT(Compare(D("10"), D("9.99999999999999999999")), 0);
}

TEST(DecimalTest, DoublesStandForTheirShortestDigits) {
  EXPECT_EQ(DecimalOf(0.1), D("0.1"));
  EXPECT_EQ(DecimalOf(1e30), D("1e30"));
  EXPECT_EQ(DecimalOf(std::int64_t{INT64_MIN}), D("-9223372036854775808"));
  EXPECT_TRUE(FitsDouble(D("0.1")));
  EXPECT_TRUE(FitsDouble(D("1e30")));
  EXPECT_TRUE(FitsDouble(D("0")));
  EXPECT_FALSE(FitsDouble(D("18446744073709551617")));
  EXPECT_FALSE(FitsDouble(D("2e308")));
  EXPECT_FALSE(FitsDouble(D("1e-400")));
  EXPECT_FALSE(FitsDouble(D("0.1000000000000000000000001")));
}

TEST(DecimalTest, IntegerDigitsAndNearestDouble) {
  EXPECT_EQ(IntegerDigits(D("-1.5e3"), 10), "-1500");
  EXPECT_EQ(IntegerDigits(D("0"), 1), "0");
  EXPECT_EQ(IntegerDigits(D("1.5"), 10), "");   // not an integer
  EXPECT_EQ(IntegerDigits(D("1e20"), 20), "");  // 21 digits
  EXPECT_EQ(ToDouble(D("0.1")), 0.1);
  EXPECT_EQ(ToDouble(D("-2e308")), -HUGE_VAL);
  EXPECT_EQ(ToDouble(D("1e-400")), 0.0);
}

TEST(DecimalTest, TextIsJson) {
  EXPECT_EQ(DecimalText(D("18446744073709551617")), "18446744073709551617");
  EXPECT_EQ(DecimalText(D("-1.5e3")), "-1500");
  EXPECT_EQ(DecimalText(D("0.00012")), "0.00012");
  EXPECT_EQ(DecimalText(D("1.5e-400")), "1.5e-400");
  EXPECT_EQ(DecimalText(D("2e308"), 40), "2e+308");
  EXPECT_EQ(DecimalText(D("123.456")), "123.456");
  EXPECT_EQ(DecimalText(D("0")), "0");
  for (const char* text : {"1.5e-400", "2e+308", "-0.00012", "123.456"}) {
    EXPECT_EQ(D(DecimalText(D(text), 40)), D(text)) << text;
  }
}

TEST(DecimalTest, HugeExponentsSaturateInsteadOfOverflowing) {
  Decimal d = D("1e99999999999999999999999");
  EXPECT_EQ(d.exponent, 1'000'000'000'000'001);
  EXPECT_LT(Compare(D("1e400"), d), 0);
}

}  // namespace
}  // namespace gatehouse::value
