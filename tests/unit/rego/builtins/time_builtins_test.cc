#include <gtest/gtest.h>

#include "builtin_test_util.h"
#include "rego/builtins/builtin_failure.h"
#include "rego/builtins/go_time.h"
#include "rego/builtins/tz_database.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::ErrorOf;
using builtin_test::J;
using builtin_test::S;
using builtin_test::Text;

Value I(std::int64_t v) { return Value::Int(v); }

TEST(TimeBuiltins, NowIsTheContextClock) {
  BuiltinContext ctx;
  ctx.now_ns = 1234;
  EXPECT_EQ(Text(builtin_test::Call(ctx, "time.now_ns", {})), "1234");
}

TEST(TimeBuiltins, ParseRfc3339) {
  EXPECT_EQ(Text(Call("time.parse_rfc3339_ns", {S("2017-06-02T19:00:00-07:00")})),
            "1496455200000000000");
  EXPECT_EQ(Text(Call("time.parse_rfc3339_ns", {S("1970-01-01T00:00:00-00:00")})), "0");
  EXPECT_EQ(Text(Call("time.parse_rfc3339_ns", {S("1677-09-21T00:12:43.145224192-00:00")})),
            "-9223372036854775808");
  EXPECT_EQ(Text(Call("time.parse_rfc3339_ns", {S("2262-04-11T23:47:16.854775807-00:00")})),
            "9223372036854775807");
  EXPECT_EQ(ErrorOf(Call("time.parse_rfc3339_ns", {S("2262-04-11T23:47:16.854775808-00:00")})),
            "eval_builtin_error: time.parse_rfc3339_ns: time outside of valid range");
  EXPECT_EQ(ErrorOf(Call("time.parse_rfc3339_ns", {S("1677-09-21T00:12:43.145224191-00:00")})),
            "eval_builtin_error: time.parse_rfc3339_ns: time outside of valid range");
  EXPECT_NE(ErrorOf(Call("time.parse_rfc3339_ns", {S("2017-13-02T19:00:00Z")}))
                .find("month out of range"),
            std::string::npos);
}

TEST(TimeBuiltins, ParseWithLayouts) {
  EXPECT_EQ(Text(Call("time.parse_ns", {S("2006-01-02"), S("2020-02-02")})), "1580601600000000000");
  EXPECT_EQ(Text(Call("time.parse_ns",
                      {S("Mon Jan _2 15:04:05 MST 2006"), S("Tue Feb  4 10:11:12 UTC 2020")})),
            "1580811072000000000");
  EXPECT_EQ(Text(Call("time.parse_ns", {S("02 Jan 06 15:04 -0700"), S("04 Feb 20 10:11 +0100")})),
            "1580807460000000000");
  EXPECT_EQ(Text(Call("time.parse_ns", {S("3:04PM"), S("1:05AM")})),
            Text(Call("time.parse_ns", {S("15:04"), S("01:05")})));
  EXPECT_NE(
      ErrorOf(Call("time.parse_ns", {S("2006-01-02"), S("2020-02-30")})).find("day out of range"),
      std::string::npos);
  EXPECT_EQ(ErrorOf(Call("time.parse_ns", {S("2006-01-02"), S("2020-0x-01")})),
            "eval_builtin_error: time.parse_ns: parsing time \"2020-0x-01\" as \"2006-01-02\": "
            "cannot parse \"0x-01\" as \"01\"");
}

TEST(TimeBuiltins, Durations) {
  EXPECT_EQ(Text(Call("time.parse_duration_ns", {S("100ms")})), "100000000");
  EXPECT_EQ(Text(Call("time.parse_duration_ns", {S("-1h30m")})), "-5400000000000");
  EXPECT_EQ(Text(Call("time.parse_duration_ns", {S("1.5us")})), "1500");
  EXPECT_EQ(Text(Call("time.parse_duration_ns", {S("0")})), "0");
  EXPECT_FALSE(Call("time.parse_duration_ns", {S("1")}));
  EXPECT_FALSE(Call("time.parse_duration_ns", {S("3000000h")}));
}

TEST(TimeBuiltins, DateClockWeekday) {
  EXPECT_EQ(Text(Call("time.date", {I(1517814000000000000)})), "[2018,2,5]");
  EXPECT_EQ(Text(Call("time.date", {J("[1517832000000000000, \"\"]")})), "[2018,2,5]");
  EXPECT_EQ(Text(Call("time.date", {I(1582977600000000000)})), "[2020,2,29]");
  EXPECT_EQ(Text(Call("time.date", {I(-1)})), "[1969,12,31]");
  EXPECT_EQ(Text(Call("time.clock", {I(1517832000000000000)})), "[12,0,0]");
  EXPECT_EQ(Text(Call("time.clock", {J("[1517832000000000000, \"America/New_York\"]")})),
            "[7,0,0]");
  // Summer time in New York and Paris.
  EXPECT_EQ(Text(Call("time.clock", {J("[1530446400000000000, \"America/New_York\"]")})),
            "[8,0,0]");
  EXPECT_EQ(Text(Call("time.clock", {J("[1530446400000000000, \"Europe/Paris\"]")})), "[14,0,0]");
  // Beyond the last transition of the file, the POSIX footer rule applies.
  EXPECT_EQ(Text(Call("time.clock", {J("[4117996800000000000, \"Europe/Paris\"]")})),
            "[2,0,0]");  // 2100-06-30T00:00Z is 02:00 CEST
  EXPECT_EQ(Text(Call("time.weekday", {I(1517832000000000000)})), "\"Monday\"");
  EXPECT_EQ(Text(Call("time.weekday", {I(1518350400000000000)})), "\"Sunday\"");
  EXPECT_EQ(ErrorOf(Call("time.clock", {Value::Number(1582977600.0 * 1e12)})),
            "eval_builtin_error: time.clock: timestamp too big");
  // The int64 edges: the last nanoseconds that are times, and one beyond on either side.
  EXPECT_EQ(Text(Call("time.date", {I(INT64_MAX)})), "[2262,4,11]");
  EXPECT_EQ(Text(Call("time.date", {I(INT64_MIN)})), "[1677,9,21]");
  EXPECT_EQ(ErrorOf(Call("time.date", {*Value::NumberFromText("9223372036854775808")})),
            "eval_builtin_error: time.date: timestamp too big");
  EXPECT_EQ(ErrorOf(Call("time.date", {*Value::NumberFromText("-9223372036854775809")})),
            "eval_builtin_error: time.date: timestamp too big");
  EXPECT_NE(ErrorOf(Call("time.date", {J("[0, \"No/Such_Zone\"]")})).find("unknown time zone"),
            std::string::npos);
  EXPECT_FALSE(Call("time.date", {J("[0, \"../../etc/passwd\"]")}));
  EXPECT_EQ(ErrorOf(Call("time.date", {S("x")})),
            "eval_type_error: time.date: operand 1 must be one of {number, array} but got string");
}

TEST(TimeBuiltins, AddDate) {
  EXPECT_EQ(Text(Call("time.add_date", {I(1585852421593912000), I(3), I(9), I(12)})),
            "1705257221593912000");
  EXPECT_EQ(Text(Call("time.add_date", {I(1585852421593912000), I(-1), I(-1), I(-1)})),
            "1551465221593912000");
  EXPECT_EQ(ErrorOf(Call("time.add_date", {I(0), I(2262), I(1), I(1)})),
            "eval_builtin_error: time.add_date: time outside of valid range");
  EXPECT_EQ(ErrorOf(Call("time.add_date",
                         {I(std::numeric_limits<std::int64_t>::min()), I(0), I(0), I(-1)})),
            "eval_builtin_error: time.add_date: time outside of valid range");
}

TEST(TimeBuiltins, Diff) {
  auto parse = [](std::string_view d) { return **Call("time.parse_ns", {S("2006-01-02"), S(d)}); };
  EXPECT_EQ(Text(Call("time.diff", {parse("2020-02-02"), parse("2020-03-01")})), "[0,0,28,0,0,0]");
  EXPECT_EQ(Text(Call("time.diff", {parse("2021-02-02"), parse("2021-03-01")})), "[0,0,27,0,0,0]");
  EXPECT_EQ(Text(Call("time.diff", {parse("2004-02-29"), parse("2005-03-01")})), "[1,0,1,0,0,0]");
  EXPECT_EQ(Text(Call("time.diff", {I(61000000000), I(0)})), "[0,0,0,0,1,1]");
  EXPECT_EQ(Text(Call("time.diff", {J("[60000000000, \"UTC\"]"), J("[0, \"Asia/Shanghai\"]")})),
            "[0,0,0,0,1,0]");
}

TEST(TimeBuiltins, Format) {
  const std::int64_t t = 1670006453141828752;
  EXPECT_EQ(Text(Call("time.format", {I(t)})), "\"2022-12-02T18:40:53.141828752Z\"");
  EXPECT_EQ(Text(Call("time.format", {Value::Array({I(t), S("Asia/Kolkata")})})),
            "\"2022-12-03T00:10:53.141828752+05:30\"");
  EXPECT_EQ(
      Text(Call("time.format",
                {Value::Array({I(t), S("Asia/Kolkata"), S("Mon Jan 02 15:04:05 -0700 2006")})})),
      "\"Sat Dec 03 00:10:53 +0530 2022\"");
  EXPECT_EQ(Text(Call("time.format", {Value::Array({I(t), S("Asia/Kolkata"), S("RFC1123Z")})})),
            "\"Sat, 03 Dec 2022 00:10:53 +0530\"");
  EXPECT_EQ(Text(Call("time.format", {Value::Array({I(t), S("UTC"), S("Kitchen")})})),
            "\"6:40PM\"");
  EXPECT_EQ(ErrorOf(Call("time.format", {Value::Number(1582977600 * 10e12)})),
            "eval_builtin_error: time.format: timestamp too big");
}

class FakeZones : public builtins::TzDatabase {
 public:
  Result<std::shared_ptr<const builtins::TimeZone>> Find(std::string_view name) const override {
    if (name == "Test/Plus2") return builtins::TimeZone::Fixed("Test/Plus2", 7200, "TP2");
    return MakeError(BuiltinFailure::kUnknownTimeZone, "unknown time zone " + std::string(name));
  }
};

TEST(TimeBuiltins, InjectedZoneDatabase) {
  FakeZones zones;
  builtins::ScopedTzDatabase scoped(&zones);
  EXPECT_EQ(Text(Call("time.clock", {J("[0, \"Test/Plus2\"]")})), "[2,0,0]");
  EXPECT_EQ(Text(Call("time.format", {J("[0, \"Test/Plus2\", \"MST\"]")})), "\"TP2\"");
  EXPECT_FALSE(Call("time.clock", {J("[0, \"Europe/Paris\"]")}));
}

}  // namespace
}  // namespace gatehouse::rego
