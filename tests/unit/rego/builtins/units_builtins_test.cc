// units.parse and units.parse_bytes, through the standard registry. Expectations come from
// OPA's conformance cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "builtin_test_util.h"
#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using namespace builtin_test;  // NOLINT: test helpers

TEST(UnitsBuiltins, Parse) {
  EXPECT_EQ(Ok("units.parse", {S("500m")}), D(0.5));
  EXPECT_EQ(Ok("units.parse", {S("0.0005K")}), D(0.5));
  EXPECT_EQ(Ok("units.parse", {S("0.0000005M")}), D(0.5));
  EXPECT_EQ(Ok("units.parse", {S("10K")}), I(10000));
  EXPECT_EQ(Ok("units.parse", {S("10KI")}), I(10240));
  EXPECT_EQ(Ok("units.parse", {S("1.1Ki")}), D(1126.4));
  EXPECT_EQ(Ok("units.parse", {S("\"100TI\"")}), I(109951162777600));
  EXPECT_EQ(Ok("units.parse", {S(".5K")}), I(500));
  EXPECT_EQ(Ok("units.parse", {S("10E")}), D(1e19));
  EXPECT_EQ(Ok("units.parse", {S("10Ei")}), D(11529215046068469760.0));
  EXPECT_EQ(Ok("units.parse", {S("1e-2")}), D(0.01));
  EXPECT_EQ(Ok("units.parse", {S("-3.5E2m")}), D(-0.35));
  EXPECT_EQ(Ok("units.parse", {S("5e1Gi")}), I(53687091200));
  EXPECT_EQ(Ok("units.parse", {S("5E")}), I(5000000000000000000));
  EXPECT_TRUE(Ok("units.parse", {S("1G")}).is_int());
  EXPECT_EQ(Err("units.parse", {S("")}).message, "units.parse: no amount provided");
  EXPECT_EQ(Err("units.parse", {S("foo")}).message, "units.parse: no amount provided");
  EXPECT_EQ(Err("units.parse", {S("0.0.0")}).message,
            "units.parse: could not parse amount to a number");
  EXPECT_EQ(Err("units.parse", {S(" 327Mi ")}).message,
            "units.parse: spaces not allowed in resource strings");
  EXPECT_EQ(Err("units.parse", {S("5Qi")}).code, RegoError::kEvalBuiltin);
}

TEST(UnitsBuiltins, ParseBytes) {
  EXPECT_EQ(Ok("units.parse_bytes", {S("1024")}), Ok("units.parse_bytes", {S("1KiB")}));
  EXPECT_EQ(Ok("units.parse_bytes", {S("10KB")}), I(10000));
  EXPECT_EQ(Ok("units.parse_bytes", {S("10Kib")}), I(10240));
  EXPECT_EQ(Ok("units.parse_bytes", {S("1.1KiB")}), I(1126));  // truncated
  EXPECT_EQ(Ok("units.parse_bytes", {S("\"100TIB\"")}), I(109951162777600));
  EXPECT_EQ(Ok("units.parse_bytes", {S("128Gi")}), I(137438953472));
  EXPECT_EQ(Ok("units.parse_bytes", {S("1e-2KB")}), I(10));
  EXPECT_EQ(Ok("units.parse_bytes", {S("3.2E2MiB")}), I(335544320));
  EXPECT_EQ(Ok("units.parse_bytes", {S(".0")}), I(0));
  EXPECT_NE(Ok("units.parse_bytes", {S("5E")}), I(5));
  EXPECT_EQ(Err("units.parse_bytes", {S("kb")}).message,
            "units.parse_bytes: no byte amount provided");
  EXPECT_EQ(Err("units.parse_bytes", {S("1 kb")}).message,
            "units.parse_bytes: spaces not allowed in resource strings");
  EXPECT_EQ(Err("units.parse_bytes", {S("1xb")}).message,
            "units.parse_bytes: byte unit xb not recognized");
}

}  // namespace
}  // namespace gatehouse::rego
