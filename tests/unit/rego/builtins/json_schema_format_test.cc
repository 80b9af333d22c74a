// JSON Schema `format` as gojsonschema's default checkers (OPA's json.*_schema) apply it.
#include "rego/builtins/json_schema_format.h"

#include <gtest/gtest.h>

namespace gatehouse::rego::builtins {
namespace {

TEST(JsonSchemaFormat, DatesAndTimesAsGosLayouts) {
  EXPECT_TRUE(MatchesFormat("date", "2024-02-29"));
  EXPECT_FALSE(MatchesFormat("date", "2023-02-29"));  // day out of range
  EXPECT_FALSE(MatchesFormat("date", "2024-2-9"));
  EXPECT_TRUE(MatchesFormat("time", "12:30:00"));
  EXPECT_TRUE(MatchesFormat("time", "12:30:00+02:00"));
  EXPECT_FALSE(MatchesFormat("time", "25:00:00"));
  EXPECT_TRUE(MatchesFormat("date-time", "2024-01-02T03:04:05Z"));
  EXPECT_TRUE(MatchesFormat("date-time", "2024-01-02T03:04:05.123456789-07:00"));
  EXPECT_TRUE(MatchesFormat("date-time", "2024-01-02"));  // gojsonschema accepts a date alone
  EXPECT_FALSE(MatchesFormat("date-time", "yesterday"));
}

TEST(JsonSchemaFormat, AddressesAndNames) {
  EXPECT_TRUE(MatchesFormat("email", "jane.doe@example.com"));
  EXPECT_TRUE(MatchesFormat("email", "Jane Doe <jane@example.com>"));
  EXPECT_TRUE(MatchesFormat("email", "\"jane doe\"@example.com"));
  EXPECT_FALSE(MatchesFormat("email", "nope"));
  EXPECT_FALSE(MatchesFormat("email", "a..b@example.com"));
  EXPECT_FALSE(MatchesFormat("email", "a@"));
  EXPECT_TRUE(MatchesFormat("hostname", "api.example-1.com"));
  EXPECT_FALSE(MatchesFormat("hostname", "-bad.example.com"));
  EXPECT_FALSE(MatchesFormat("hostname", "under_score.com"));
  EXPECT_TRUE(MatchesFormat("ipv4", "10.0.0.1"));
  EXPECT_FALSE(MatchesFormat("ipv4", "::1"));
  EXPECT_FALSE(MatchesFormat("ipv4", "10.0.0.256"));
  EXPECT_TRUE(MatchesFormat("ipv6", "fe80::1"));
  EXPECT_FALSE(MatchesFormat("ipv6", "10.0.0.1"));
}

TEST(JsonSchemaFormat, UrisPointersRegexesUuids) {
  EXPECT_TRUE(MatchesFormat("uri", "https://example.com/a?b=c#d"));
  EXPECT_FALSE(MatchesFormat("uri", "/relative/path"));
  EXPECT_FALSE(MatchesFormat("uri", "http://exa mple.com"));
  EXPECT_FALSE(MatchesFormat("uri", "http://example.com/%zz"));
  EXPECT_FALSE(MatchesFormat("uri", "http:\\\\example.com"));
  EXPECT_TRUE(MatchesFormat("uri-reference", "/relative/path"));
  EXPECT_FALSE(MatchesFormat("uri-reference", ":nope"));
  EXPECT_TRUE(MatchesFormat("uri-template", "https://example.com/{id}"));
  EXPECT_TRUE(MatchesFormat("json-pointer", "/a/b~1c/~0"));
  EXPECT_FALSE(MatchesFormat("json-pointer", "a/b"));
  EXPECT_FALSE(MatchesFormat("json-pointer", "/a~2"));
  EXPECT_TRUE(MatchesFormat("relative-json-pointer", "1/a"));
  EXPECT_TRUE(MatchesFormat("relative-json-pointer", "0#"));
  EXPECT_FALSE(MatchesFormat("relative-json-pointer", "/a"));
  EXPECT_TRUE(MatchesFormat("regex", "^a+$"));
  EXPECT_FALSE(MatchesFormat("regex", "(unclosed"));
  EXPECT_TRUE(MatchesFormat("uuid", "123E4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(MatchesFormat("uuid", "123e4567e89b12d3a456426614174000"));
}

TEST(JsonSchemaFormat, UnknownFormatsAcceptEverything) {
  EXPECT_TRUE(MatchesFormat("x-custom", "anything"));
  EXPECT_TRUE(MatchesFormat("", ""));
}

}  // namespace
}  // namespace gatehouse::rego::builtins
