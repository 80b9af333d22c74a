#include "common/duration.h"

#include <gtest/gtest.h>

#include "common/common_errors.h"

namespace gatehouse {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(DurationTest, ParsesGoDurations) {
  EXPECT_EQ(*ParseDuration("30s"), milliseconds(30000));
  EXPECT_EQ(*ParseDuration("1m30s"), milliseconds(90000));
  EXPECT_EQ(*ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("1.5h"), milliseconds(5400000));
  EXPECT_EQ(*ParseDuration("0"), nanoseconds(0));
}

TEST(DurationTest, RefusesMalformedDurations) {
  for (const char* bad : {"", "s", "10", "10x", "-5s", "1..2s", "abc"}) {
    Result<nanoseconds> parsed = ParseDuration(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, CommonError::kInvalidDuration);
  }
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(FormatDuration(milliseconds(90000)), "1m30s");
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(std::chrono::nanoseconds(812)), "812ns");
  EXPECT_EQ(FormatDuration(std::chrono::nanoseconds(456789)), "456.789\xC2\xB5s");
  EXPECT_EQ(FormatDuration(std::chrono::nanoseconds(1234567)), "1.234567ms");
  EXPECT_EQ(FormatDuration(std::chrono::hours(2)), "2h0m0s");
  EXPECT_EQ(FormatDuration(std::chrono::nanoseconds(3661500000000)), "1h1m1.5s");
}

}  // namespace
}  // namespace gatehouse
