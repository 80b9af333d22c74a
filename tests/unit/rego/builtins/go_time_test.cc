// Go's time layouts, formatting and parsing, checked directly against what Go's time package
// prints (https://pkg.go.dev/time#pkg-constants, https://pkg.go.dev/time#Parse). The reference
// time is Mon Jan 2 15:04:05 MST 2006 (MST = -0700), i.e. Unix 1136239445; the same clock time
// in UTC is Unix 1136214245. A layout without a year parses as year 0 (Unix -62167219200 for
// 0000-01-01T00:00:00Z), as in Go.
#include "rego/builtins/go_time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "rego/builtins/builtin_failure.h"

namespace gatehouse::rego::builtins {
namespace {

constexpr std::int64_t kRefUtc = 1136214245;   // 2006-01-02T15:04:05Z
constexpr std::int64_t kRefMst = 1136239445;   // 2006-01-02T15:04:05-07:00
constexpr std::int64_t kYear0 = -62167219200;  // 0000-01-01T00:00:00Z

// "<unix seconds>.<nanos>" of time.Parse(layout, value), or Go's error message.
std::string Parse(std::string_view layout, std::string_view value) {
  auto r = ParseGoTime(layout, value);
  if (!r) return r.error().message;
  return std::to_string(r->first) + "." + std::to_string(r->second);
}

std::string At(std::int64_t seconds, std::int32_t nanos = 0) {
  return std::to_string(seconds) + "." + std::to_string(nanos);
}

// t.Format(layout) of Unix (seconds, nanos) in `tz` (UTC when null).
std::string Format(std::int64_t seconds, std::int32_t nanos, std::string_view layout,
                   const TimeZone* tz = nullptr) {
  return FormatGoTime(ToCivil(seconds, nanos, tz), layout);
}

TEST(GoTimeLayouts, NamedLayoutsResolveToGosConstants) {
  EXPECT_EQ(ResolveLayout("ANSIC"), "Mon Jan _2 15:04:05 2006");
  EXPECT_EQ(ResolveLayout("RFC3339"), "2006-01-02T15:04:05Z07:00");
  EXPECT_EQ(ResolveLayout("RFC3339Nano"), "2006-01-02T15:04:05.999999999Z07:00");
  EXPECT_EQ(ResolveLayout("RFC1123Z"), "Mon, 02 Jan 2006 15:04:05 -0700");
  EXPECT_EQ(ResolveLayout("Kitchen"), "3:04PM");
  EXPECT_EQ(ResolveLayout("StampMilli"), "Jan _2 15:04:05.000");
  EXPECT_EQ(ResolveLayout("DateOnly"), "2006-01-02");
  // Anything else is a layout of its own.
  EXPECT_EQ(ResolveLayout("2006"), "2006");
  EXPECT_EQ(ResolveLayout("rfc3339"), "rfc3339");
}

TEST(GoTimeFormat, TheReferenceTimeInItsOwnZonePrintsEachLayoutVerbatim) {
  auto mst = TimeZone::Fixed("Test/MST", -7 * 3600, "MST");
  EXPECT_EQ(Format(kRefMst, 0, "01/02 03:04:05PM '06 -0700", mst.get()),  // time.Layout
            "01/02 03:04:05PM '06 -0700");
  EXPECT_EQ(Format(kRefMst, 0, ResolveLayout("UnixDate"), mst.get()),
            "Mon Jan  2 15:04:05 MST 2006");
  EXPECT_EQ(Format(kRefMst, 0, ResolveLayout("RFC3339"), mst.get()), "2006-01-02T15:04:05-07:00");
  EXPECT_EQ(Format(kRefMst, 0, ResolveLayout("RFC850"), mst.get()),
            "Monday, 02-Jan-06 15:04:05 MST");
  EXPECT_EQ(Format(kRefMst, 0, "-07 -07:00 -070000 Z07 Z0700", mst.get()),
            "-07 -07:00 -070000 -07 -0700");
}

TEST(GoTimeFormat, UtcPrintsZForIsoZonesAndPlusZeroForNumericOnes) {
  EXPECT_EQ(Format(kRefUtc, 0, ResolveLayout("RFC3339")), "2006-01-02T15:04:05Z");
  EXPECT_EQ(Format(kRefUtc, 0, ResolveLayout("RFC1123Z")), "Mon, 02 Jan 2006 15:04:05 +0000");
  EXPECT_EQ(Format(kRefUtc, 0, ResolveLayout("RFC1123")), "Mon, 02 Jan 2006 15:04:05 UTC");
  EXPECT_EQ(Format(kRefUtc, 0, ResolveLayout("ANSIC")), "Mon Jan  2 15:04:05 2006");
  EXPECT_EQ(Format(kRefUtc, 0, ResolveLayout("Kitchen")), "3:04PM");
}

TEST(GoTimeFormat, FractionalSeconds) {
  // .000: exactly that many digits; .999: at most that many, trailing zeros (and the dot) cut.
  EXPECT_EQ(Format(kRefUtc, 123456789, ResolveLayout("StampMilli")), "Jan  2 15:04:05.123");
  EXPECT_EQ(Format(kRefUtc, 123456789, ResolveLayout("StampMicro")), "Jan  2 15:04:05.123456");
  EXPECT_EQ(Format(kRefUtc, 120000000, "15:04:05.000"), "15:04:05.120");
  EXPECT_EQ(Format(kRefUtc, 120000000, ResolveLayout("RFC3339Nano")), "2006-01-02T15:04:05.12Z");
  EXPECT_EQ(Format(kRefUtc, 0, ResolveLayout("RFC3339Nano")), "2006-01-02T15:04:05Z");
  EXPECT_EQ(Format(kRefUtc, 5, "05,999999999"), "05,000000005");
}

TEST(GoTimeFormat, PaddedDaysAndDaysOfYear) {
  EXPECT_EQ(Format(kRefUtc, 0, "_2|02|2"), " 2|02|2");
  EXPECT_EQ(Format(kRefUtc, 0, "002|__2"), "002|  2");
  const std::int64_t feb4 = 1139011200;  // 2006-02-04, day 35
  EXPECT_EQ(Format(feb4, 0, "002|__2|Jan _2|January|Monday|Mon"),
            "035| 35|Feb  4|February|Saturday|Sat");
  EXPECT_EQ(Format(kRefUtc + 12 * 3600, 0, "3:04:05 pm|03PM|15"), "3:04:05 am|03AM|03");
}

TEST(GoTimeParse, NamedLayouts) {
  EXPECT_EQ(Parse(ResolveLayout("RFC3339"), "2006-01-02T15:04:05Z"), At(kRefUtc));
  EXPECT_EQ(Parse(ResolveLayout("RFC3339"), "2006-01-02T15:04:05-07:00"), At(kRefMst));
  EXPECT_EQ(Parse(ResolveLayout("RFC3339Nano"), "2006-01-02T15:04:05.123456789+07:00"),
            At(kRefUtc - 7 * 3600, 123456789));
  EXPECT_EQ(Parse(ResolveLayout("ANSIC"), "Mon Jan  2 15:04:05 2006"), At(kRefUtc));
  EXPECT_EQ(Parse(ResolveLayout("RFC1123Z"), "Mon, 02 Jan 2006 15:04:05 -0700"), At(kRefMst));
  // An abbreviation unknown to the location (UTC) reads as offset 0, as Go documents.
  EXPECT_EQ(Parse(ResolveLayout("UnixDate"), "Mon Jan  2 15:04:05 MST 2006"), At(kRefUtc));
  EXPECT_EQ(Parse(ResolveLayout("Kitchen"), "3:04PM"), At(kYear0 + 15 * 3600 + 4 * 60));
  EXPECT_EQ(Parse(ResolveLayout("Kitchen"), "12:04AM"), At(kYear0 + 4 * 60));
  EXPECT_EQ(Parse(ResolveLayout("Stamp"), "Feb  3 04:05:06"),
            At(kYear0 + (31 + 2) * 86400 + 4 * 3600 + 5 * 60 + 6));
  EXPECT_EQ(Parse(ResolveLayout("StampMilli"), "Jan  2 15:04:05.123"),
            At(kYear0 + 86400 + 15 * 3600 + 4 * 60 + 5, 123000000));
}

TEST(GoTimeParse, FractionsAreOptionalForNinesAndUnmentionedOnesAreAccepted) {
  EXPECT_EQ(Parse("15:04:05.999", "15:04:05"), At(kYear0 + 54245));
  EXPECT_EQ(Parse("15:04:05.999", "15:04:05.5"), At(kYear0 + 54245, 500000000));
  // Go accepts a fraction after the seconds even when the layout has none.
  EXPECT_EQ(Parse(ResolveLayout("RFC3339"), "2006-01-02T15:04:05.5Z"), At(kRefUtc, 500000000));
  EXPECT_EQ(Parse("15:04:05.000", "15:04:05.120"), At(kYear0 + 54245, 120000000));
}

TEST(GoTimeParse, PaddedDaysDaysOfYearAndSpaces) {
  EXPECT_EQ(Parse("Jan _2 2006", "Jan  2 2006"), At(kRefUtc - 54245));
  EXPECT_EQ(Parse("Jan _2 2006", "Jan 12 2006"), At(kRefUtc - 54245 + 10 * 86400));
  EXPECT_EQ(Parse("2006-002", "2006-035"), At(1139011200));
  EXPECT_EQ(Parse("2006 __2", "2006  35"), At(1139011200));
  EXPECT_EQ(Parse("January 2, 2006", "february 4, 2006"), At(1139011200));  // names: any case
  EXPECT_EQ(Parse("06-01-02", "69-01-01"), At(-31536000));                  // 69..99: 19xx
  EXPECT_EQ(Parse("06-01-02", "68-01-01"), At(3092601600));                 // 00..68: 20xx
}

TEST(GoTimeParse, NumericZones) {
  EXPECT_EQ(Parse("2006-01-02 -0700", "2006-01-02 +0530"), At(1136160000 - 19800));
  EXPECT_EQ(Parse("2006-01-02 Z07:00", "2006-01-02 Z"), At(1136160000));
  EXPECT_EQ(Parse("2006-01-02 -07", "2006-01-02 -03"), At(1136160000 + 3 * 3600));
  EXPECT_EQ(Parse("2006-01-02 MST", "2006-01-02 GMT+3"), At(1136160000 - 3 * 3600));
}

TEST(GoTimeParse, ErrorsAreWordedAsGoWordsThem) {
  EXPECT_EQ(Parse("2006-01-02", "x"),
            R"(parsing time "x" as "2006-01-02": cannot parse "x" as "2006")");
  EXPECT_EQ(Parse("2006-01-02", "2006/01/02"),
            R"(parsing time "2006/01/02" as "2006-01-02": cannot parse "/01/02" as "-")");
  EXPECT_EQ(Parse("2006-01-02", "2006-1-02"),
            R"(parsing time "2006-1-02" as "2006-01-02": cannot parse "1-02" as "01")");
  EXPECT_EQ(Parse(ResolveLayout("RFC3339"), "2006-01-02T15:04:05"),
            R"(parsing time "2006-01-02T15:04:05" as "2006-01-02T15:04:05Z07:00": )"
            R"(cannot parse "" as "Z07:00")");
  EXPECT_EQ(Parse("15:04:05.000", "15:04:05.12"),
            R"(parsing time "15:04:05.12" as "15:04:05.000": cannot parse ".12" as ".000")");
  EXPECT_EQ(Parse("-0700", "+05"),
            R"(parsing time "+05" as "-0700": cannot parse "+05" as "-0700")");
  EXPECT_EQ(Parse("Jan", "Jax"), R"(parsing time "Jax" as "Jan": cannot parse "Jax" as "Jan")");
  EXPECT_EQ(Parse("2006-01-02", "2006-01-02 extra"),
            R"(parsing time "2006-01-02 extra": extra text: " extra")");
}

TEST(GoTimeParse, OutOfRangeFields) {
  EXPECT_EQ(Parse("2006-01-02", "2006-13-02"), R"(parsing time "2006-13-02": month out of range)");
  EXPECT_EQ(Parse("2006-01-02", "2006-02-30"), R"(parsing time "2006-02-30": day out of range)");
  EXPECT_EQ(Parse("2006-01-02", "2004-02-29"), At(1078012800));  // a leap day
  EXPECT_EQ(Parse("15:04", "24:00"), R"(parsing time "24:00": hour out of range)");
  EXPECT_EQ(Parse("15:04", "23:60"), R"(parsing time "23:60": minute out of range)");
  EXPECT_EQ(Parse("2006-002", "2006-366"), R"(parsing time "2006-366": day-of-year out of range)");
  EXPECT_EQ(Parse("2006-01-002", "2006-02-035"), At(1139011200));
  // A day of the year must agree with a month and day given too (Go's own test cases).
  EXPECT_EQ(Parse("Jan _2 002 2006", "Feb  4 035 2006"), At(1139011200));
  EXPECT_EQ(Parse("Jan _2 002 2006", "Feb  4 034 2006"),
            R"(parsing time "Feb  4 034 2006": day-of-year does not match day)");
  EXPECT_EQ(Parse("Jan _2 002 2006", "Feb  4 004 2006"),
            R"(parsing time "Feb  4 004 2006": day-of-year does not match month)");
  EXPECT_EQ(Parse("2006 002", "2004 366"), At(1104451200));  // leap year: Dec 31
}

TEST(GoTimeParse, TheErrorCodeIsTimeParse) {
  auto r = ParseGoTime("2006", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, BuiltinFailure::kTimeParse);
}

}  // namespace
}  // namespace gatehouse::rego::builtins
