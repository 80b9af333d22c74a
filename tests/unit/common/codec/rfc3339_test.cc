#include "common/codec/rfc3339.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/codec/codec_errors.h"

namespace gatehouse::codec {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

TEST(Rfc3339Test, FormatsWholeSecondsUtc) {
  EXPECT_EQ(FormatRfc3339Utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Utc(1795518509), "2026-11-24T11:08:29Z");
  EXPECT_EQ(FormatRfc3339Utc(951782400), "2000-02-29T00:00:00Z");
  const system_clock::time_point t{seconds(1795518509)};
  EXPECT_EQ(FormatRfc3339Utc(t), "2026-11-24T11:08:29Z");
  // The fraction is floored away, never rounded up.
  EXPECT_EQ(FormatRfc3339Utc(t + std::chrono::milliseconds(999)), "2026-11-24T11:08:29Z");
  // Before the epoch, floor (not truncation towards zero).
  EXPECT_EQ(FormatRfc3339Utc(system_clock::time_point{} - std::chrono::milliseconds(1)),
            "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339Utc(std::int64_t{-1}), "1969-12-31T23:59:59Z");
}

TEST(Rfc3339Test, ParsesKeystoneAndOffsetForms) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z")->time_since_epoch(), seconds(0));
  EXPECT_EQ(ParseRfc3339("2015-11-09T01:42:57.000000Z")->time_since_epoch(), seconds(1447033377));
  EXPECT_EQ(*ParseRfc3339("2015-11-09T03:42:57.5+02:00"),
            *ParseRfc3339("2015-11-09T01:42:57.500Z"));
  EXPECT_EQ(*ParseRfc3339("2015-11-08T23:12:57-02:30"), *ParseRfc3339("2015-11-09T01:42:57Z"));
  EXPECT_EQ(FormatRfc3339NanoUtc(*ParseRfc3339("2024-02-29T23:59:59.123456789Z")),
            "2024-02-29T23:59:59.123456789Z");
}

TEST(Rfc3339Test, RefusesMalformedTimestamps) {
  for (const char* text :
       {"", "2015-11-09", "2015-11-09 01:42:57Z", "2015-11-09T01:42:57", "2015-13-09T01:42:57Z",
        "2015-02-29T01:42:57Z", "2015-11-09T24:00:00Z", "2015-11-09T01:60:00Z",
        "2015-11-09T01:42:57.Z", "2015-11-09T01:42:57Zjunk", "2015-11-09T01:42:57+0200",
        "2015-11-09T01:42:57+02:00:00", "20x5-11-09T01:42:57Z"}) {
    Result<system_clock::time_point> parsed = ParseRfc3339(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, CodecError::kInvalidTimestamp);
  }
}

TEST(Rfc3339Test, FormatsLikeGoRfc3339Nano) {
  system_clock::time_point t{seconds(1447033377)};
  EXPECT_EQ(FormatRfc3339NanoUtc(t), "2015-11-09T01:42:57Z");
  EXPECT_EQ(FormatRfc3339NanoUtc(t + std::chrono::milliseconds(500)), "2015-11-09T01:42:57.5Z");
  EXPECT_EQ(FormatRfc3339NanoUtc(system_clock::time_point{}), "1970-01-01T00:00:00Z");
}

TEST(Rfc3339Test, FormatsKubernetesMicroTime) {
  const system_clock::time_point t{seconds(1447033377)};
  EXPECT_EQ(FormatRfc3339MicroUtc(t), "2015-11-09T01:42:57.000000Z");
  EXPECT_EQ(FormatRfc3339MicroUtc(t + std::chrono::microseconds(123456)),
            "2015-11-09T01:42:57.123456Z");
  EXPECT_EQ(FormatRfc3339MicroUtc(t + std::chrono::microseconds(5)), "2015-11-09T01:42:57.000005Z");
  // Nanoseconds are floored away, never rounded up into the next microsecond or second.
  EXPECT_EQ(FormatRfc3339MicroUtc(t + std::chrono::nanoseconds(999999999)),
            "2015-11-09T01:42:57.999999Z");
  // Before the epoch, floor: one microsecond before is the last microsecond of 1969.
  EXPECT_EQ(FormatRfc3339MicroUtc(system_clock::time_point{} - std::chrono::microseconds(1)),
            "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339MicroUtc(t + std::chrono::microseconds(42))),
            t + std::chrono::microseconds(42));
}

}  // namespace
}  // namespace gatehouse::codec
