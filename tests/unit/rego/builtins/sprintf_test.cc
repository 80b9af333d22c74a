// GoSprintf checked directly against what Go's fmt.Sprintf prints (https://pkg.go.dev/fmt).
// Arguments arrive as OPA hands them to Go: integers as int, other numbers as float64, strings
// as string, and every other value (booleans, null, collections) as its Rego text, a string.
#include "rego/builtins/sprintf.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "builtin_test_util.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using builtin_test::B;
using builtin_test::D;
using builtin_test::I;
using builtin_test::J;
using builtin_test::S;

std::string Sprintf(std::string_view format, std::vector<Value> args = {}) {
  auto r = GoSprintf(format, args, 1 << 20);
  if (!r) return "ERROR " + r.error().ToString();
  return *r;
}

TEST(Sprintf, DefaultFormatV) {
  EXPECT_EQ(Sprintf("%v", {I(1)}), "1");
  EXPECT_EQ(Sprintf("%v", {S("s")}), "s");
  EXPECT_EQ(Sprintf("%v", {D(1.5)}), "1.5");
  EXPECT_EQ(Sprintf("%v", {D(100000000.5)}), "1.000000005e+08");  // %g: exponent >= 6 -> %e
  EXPECT_EQ(Sprintf("%v", {D(0.0001)}), "0.0001");
  EXPECT_EQ(Sprintf("%v", {D(0.00001)}), "1e-05");
  EXPECT_EQ(Sprintf("%3v|%-3v|", {I(7), I(7)}), "  7|7  |");
  EXPECT_EQ(Sprintf("%#v", {S("hi")}), R"("hi")");
  EXPECT_EQ(Sprintf("%v", {J(R"(["a", 1])")}), R"(["a", 1])");  // Rego text
  EXPECT_EQ(Sprintf("%v", {B(true)}), "true");
}

TEST(Sprintf, PlusVAddsStructFieldNamesSoNoSignOnNumbers) {
  // Go moves the '+' flag of %v to "plusV" (struct field names): numbers print unsigned.
  EXPECT_EQ(Sprintf("%+v", {I(1)}), "1");
  EXPECT_EQ(Sprintf("%+v", {D(1.5)}), "1.5");
  EXPECT_EQ(Sprintf("%+v", {S("s")}), "s");
  EXPECT_EQ(Sprintf("%+d", {I(1)}), "+1");
}

TEST(Sprintf, Integers) {
  EXPECT_EQ(Sprintf("%d", {I(42)}), "42");
  EXPECT_EQ(Sprintf("%5d", {I(42)}), "   42");
  EXPECT_EQ(Sprintf("%-5d|", {I(42)}), "42   |");
  EXPECT_EQ(Sprintf("%05d", {I(42)}), "00042");
  EXPECT_EQ(Sprintf("%05d", {I(-42)}), "-0042");
  EXPECT_EQ(Sprintf("% d|%+d", {I(5), I(-5)}), " 5|-5");
  EXPECT_EQ(Sprintf("%.3d", {I(7)}), "007");
  EXPECT_EQ(Sprintf("%x|%X|%#x|%x", {I(255), I(255), I(255), I(-255)}), "ff|FF|0xff|-ff");
  EXPECT_EQ(Sprintf("%o|%#o|%O", {I(8), I(8), I(8)}), "10|010|0o10");
  EXPECT_EQ(Sprintf("%b|%#b", {I(5), I(5)}), "101|0b101");
  EXPECT_EQ(Sprintf("%c|%q|%U|%#U", {I(65), I(65), I(0x1F600), I(65)}), "A|'A'|U+1F600|U+0041 'A'");
}

TEST(Sprintf, Floats) {
  EXPECT_EQ(Sprintf("%e", {D(1234.5678)}), "1.234568e+03");
  EXPECT_EQ(Sprintf("%E", {D(1234.5678)}), "1.234568E+03");
  EXPECT_EQ(Sprintf("%f", {D(3.14159)}), "3.141590");
  EXPECT_EQ(Sprintf("%.2f", {D(3.14159)}), "3.14");
  EXPECT_EQ(Sprintf("%8.3f|%-8.2f|", {D(3.14159), D(3.14159)}), "   3.142|3.14    |");
  EXPECT_EQ(Sprintf("%08.3f", {D(-3.14159)}), "-003.142");
  EXPECT_EQ(Sprintf("%+.2e", {D(12345.678)}), "+1.23e+04");
  EXPECT_EQ(Sprintf("%g", {D(1234.5678)}), "1234.5678");
  EXPECT_EQ(Sprintf("%g", {D(0.000012345)}), "1.2345e-05");
  EXPECT_EQ(Sprintf("%.3g", {D(1234.5678)}), "1.23e+03");
  EXPECT_EQ(Sprintf("%G", {D(1e-10)}), "1E-10");
  EXPECT_EQ(Sprintf("%6.2f%%", {D(12.3456)}), " 12.35%");
}

TEST(Sprintf, Strings) {
  EXPECT_EQ(Sprintf("%s", {S("hi")}), "hi");
  EXPECT_EQ(Sprintf("%5s|%-5s|", {S("ab"), S("ab")}), "   ab|ab   |");
  EXPECT_EQ(Sprintf("%.2s", {S("abc")}), "ab");
  EXPECT_EQ(Sprintf("%.1s|%3s|", {S("日本"), S("日本")}), "日| 日本|");  // runes, not bytes
  EXPECT_EQ(Sprintf("%q", {S("hi\n\"")}), R"("hi\n\"")");
  EXPECT_EQ(Sprintf("%x|%X|%#x", {S("hi"), S("hi"), S("hi")}), "6869|6869|0x6869");
  EXPECT_EQ(Sprintf("% x|%# X|%.1x", {S("hi"), S("hi"), S("hi")}), "68 69|0X68 0X69|68");
  EXPECT_EQ(Sprintf("%6x|%x|", {S("hi"), S("")}), "  6869||");
}

TEST(Sprintf, TypesAndPercent) {
  EXPECT_EQ(Sprintf("%T|%T|%T|%T", {I(1), D(1.5), S("s"), B(true)}), "int|float64|string|string");
  EXPECT_EQ(Sprintf("%%"), "%");
  EXPECT_EQ(Sprintf("100%%", {}), "100%");
  // Booleans reach Go as their text, so %t does not apply to them.
  EXPECT_EQ(Sprintf("%t", {B(true)}), "%!t(string=true)");
}

TEST(Sprintf, WrongVerbsPrintTheTypeAndValue) {
  EXPECT_EQ(Sprintf("%d", {S("hi")}), "%!d(string=hi)");
  EXPECT_EQ(Sprintf("%d", {D(1.5)}), "%!d(float64=1.5)");
  EXPECT_EQ(Sprintf("%s", {I(1)}), "%!s(int=1)");
  EXPECT_EQ(Sprintf("%e", {I(1)}), "%!e(int=1)");
  EXPECT_EQ(Sprintf("%z", {S("x")}), "%!z(string=x)");
}

TEST(Sprintf, MissingAndExtraArguments) {
  EXPECT_EQ(Sprintf("%v"), "%!v(MISSING)");
  EXPECT_EQ(Sprintf("%d %d", {I(1)}), "1 %!d(MISSING)");
  EXPECT_EQ(Sprintf("%s", {S("x"), S("y")}), "x%!(EXTRA string=y)");
  EXPECT_EQ(Sprintf("%d", {I(1), S("a"), I(2)}), "1%!(EXTRA string=a, int=2)");
  EXPECT_EQ(Sprintf("hi", {I(1)}), "hi%!(EXTRA int=1)");
  EXPECT_EQ(Sprintf("%"), "%!(NOVERB)");
  EXPECT_EQ(Sprintf("%."), "%!.(MISSING)");  // a final '.' is the verb, not a precision
}

TEST(Sprintf, ArgumentIndexesAndStarWidths) {
  EXPECT_EQ(Sprintf("%[2]d %[1]d", {I(1), I(2)}), "2 1");
  EXPECT_EQ(Sprintf("%[1]d %[1]x", {I(10)}), "10 a");
  EXPECT_EQ(Sprintf("%[3]d", {I(1), I(2)}), "%!d(BADINDEX)");  // no EXTRA once reordered
  EXPECT_EQ(Sprintf("%*d", {I(5), I(42)}), "   42");
  EXPECT_EQ(Sprintf("%-*d|", {I(3), I(7)}), "7  |");
  EXPECT_EQ(Sprintf("%.*f", {I(2), D(3.14159)}), "3.14");
  EXPECT_EQ(Sprintf("%*d", {S("x"), I(1)}), "%!(BADWIDTH)1");
  EXPECT_EQ(Sprintf("%.*d", {S("x"), I(1)}), "%!(BADPREC)1");
}

// Go's own reorder cases (fmt_test.go, TestReorder), with 12.5 for Go's 12.0: an integral
// number reaches Go from OPA as an int, not a float64.
TEST(Sprintf, GosReorderCases) {
  struct Case {
    std::string_view format;
    std::vector<Value> args;
    std::string_view want;
  };
  const Case cases[] = {
      {"%[1]d", {I(1)}, "1"},
      {"%[2]d", {I(2), I(1)}, "1"},
      {"%[2]d %[1]d", {I(1), I(2)}, "2 1"},
      {"%[2]*[1]d", {I(2), I(5)}, "    2"},
      {"%[3]*.[2]*[1]f", {D(12.5), I(2), I(6)}, " 12.50"},
      {"%[1]*.[2]*[3]f", {I(6), I(2), D(12.5)}, " 12.50"},
      {"%[1]*[3]f", {I(10), I(99), D(12.5)}, " 12.500000"},
      {"%.[1]*[3]f", {I(6), I(99), D(12.5)}, "12.500000"},
      {"%[1]*.[3]f", {I(6), I(3), D(12.5)}, "    12"},
      {"%d %d %d %#[1]o %#o %#o", {I(11), I(12), I(13)}, "11 12 13 013 014 015"},
      {"%[d", {I(2), I(1)}, "%!d(BADINDEX)"},
      {"%]d", {I(2), I(1)}, "%!](int=2)d%!(EXTRA int=1)"},
      {"%[]d", {I(2), I(1)}, "%!d(BADINDEX)"},
      {"%[-3]d", {I(2), I(1)}, "%!d(BADINDEX)"},
      {"%[99]d", {I(2), I(1)}, "%!d(BADINDEX)"},
      {"%[3]", {I(2), I(1)}, "%!(NOVERB)"},
      {"%[1].2d", {I(5), I(6)}, "%!d(BADINDEX)"},
      {"%[1]2d", {I(2), I(1)}, "%!d(BADINDEX)"},
      {"%3.[2]d", {I(7)}, "%!d(BADINDEX)"},
      {"%.[2]d", {I(7)}, "%!d(BADINDEX)"},
      {"%d %d %d %#[1]o %#o %#o %#o", {I(11), I(12), I(13)}, "11 12 13 013 014 015 %!o(MISSING)"},
      {"%[5]d %[2]d %d", {I(1), I(2), I(3)}, "%!d(BADINDEX) 2 3"},
      {"%d %[3]d %d", {I(1), I(2)}, "1 %!d(BADINDEX) 2"},
      {"%.[]", {}, "%!](BADINDEX)"},
      {"%.-3d", {I(42)}, "%!-(int=42)3d"},
      {"%2147483648d", {I(42)}, "%!(NOVERB)%!(EXTRA int=42)"},
      {"%-2147483648d", {I(42)}, "%!(NOVERB)%!(EXTRA int=42)"},
      {"%.2147483648d", {I(42)}, "%!(NOVERB)%!(EXTRA int=42)"},
  };
  for (const auto& c : cases) EXPECT_EQ(Sprintf(c.format, c.args), c.want) << c.format;
}

// Go's own width and precision cases (fmt_test.go, TestWidthAndPrecision) that OPA's argument
// types can reach.
TEST(Sprintf, GosWidthAndPrecisionCases) {
  struct Case {
    std::string_view format;
    std::vector<Value> args;
    std::string_view want;
  };
  const Case cases[] = {
      {"%*d", {I(4), I(42)}, "  42"},
      {"%-*d", {I(4), I(42)}, "42  "},
      {"%*d", {I(-4), I(42)}, "42  "},
      {"%-*d", {I(-4), I(42)}, "42  "},
      {"%.*d", {I(4), I(42)}, "0042"},
      {"%*.*d", {I(8), I(4), I(42)}, "    0042"},
      {"%0*d", {I(4), I(42)}, "0042"},
      {"%*d", {S("x"), I(42)}, "%!(BADWIDTH)42"},
      {"%*d", {I(10000000), I(42)}, "%!(BADWIDTH)42"},
      {"%*d", {I(-10000000), I(42)}, "%!(BADWIDTH)42"},
      {"%.*d", {S("x"), I(42)}, "%!(BADPREC)42"},
      {"%.*d", {I(-1), I(42)}, "%!(BADPREC)42"},
      {"%.*d", {I(10000000), I(42)}, "%!(BADPREC)42"},
      {"%*d", {I(5), S("foo")}, "%!d(string=  foo)"},
      {"%*% %d", {I(20), I(5)}, "% 5"},
      {"%*", {I(4)}, "%!(NOVERB)"},
  };
  for (const auto& c : cases) EXPECT_EQ(Sprintf(c.format, c.args), c.want) << c.format;
}

TEST(Sprintf, OutputLargerThanTheLimitFails) {
  std::vector<Value> args = {S(std::string(64, 'a'))};
  auto r = GoSprintf("%s%s", args, 100);
  EXPECT_EQ(*r, std::string(64, 'a') + "%!s(MISSING)");
  auto big = GoSprintf("%s %s", std::vector<Value>{args[0], args[0]}, 100);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, RegoError::kEvalBuiltin);
  EXPECT_EQ(big.error().message, "sprintf: output too large");
  auto wide = GoSprintf("%200d", std::vector<Value>{I(1)}, 100);
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().message, "sprintf: output too large");
}

}  // namespace
}  // namespace gatehouse::rego
