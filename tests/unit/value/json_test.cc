#include "value/json.h"

#include <gtest/gtest.h>

#include "value/value_errors.h"

namespace gatehouse::value {
namespace {

TEST(JsonTest, RoundTripsNestedDocument) {
  const std::string text = R"({"a":[1,2.5,"x\n",true,null],"b":{"c":-7}})";
  Result<Value> parsed = ParseJson(text);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(ToJson(*parsed), text);
}

TEST(JsonTest, KeepsMemberOrder) {
  Result<Value> parsed = ParseJson(R"({"z":1,"a":2})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->AsObject()->front().key, "z");
}

TEST(JsonTest, RefusesInvalidJson) {
  Result<Value> parsed = ParseJson("{not json");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ValueError::kInvalidJson);
}

TEST(JsonTest, RefusesOversizedDocument) {
  JsonLimits limits;
  limits.max_bytes = 10;
  Result<Value> parsed = ParseJson(R"({"aaaaaaaaaa":1})", limits);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ValueError::kJsonTooLarge);
}

TEST(JsonTest, RefusesDeepNesting) {
  JsonLimits limits;
  limits.max_depth = 8;
  std::string deep(20, '[');
  deep += std::string(20, ']');
  Result<Value> parsed = ParseJson(deep, limits);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ValueError::kJsonTooDeep);
  EXPECT_TRUE(ParseJson("[[[]]]", limits));
}

TEST(JsonTest, DuplicateKeysLastWinsUnlessRefused) {
  Result<Value> parsed = ParseJson(R"({"a":1,"a":2})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->Find("a")->AsInt(), 2);
  JsonLimits strict;
  strict.reject_duplicate_keys = true;
  Result<Value> refused = ParseJson(R"({"a":1,"a":2})", strict);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ValueError::kDuplicateKey);
}

TEST(JsonTest, DuplicateKeysInLargeObjectsAreFoundToo) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += "\"k7\":\"last\"}";
  Result<Value> parsed = ParseJson(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->AsObject()->size(), 40u);
  EXPECT_EQ(*parsed->Find("k7")->AsString(), "last");
  JsonLimits strict;
  strict.reject_duplicate_keys = true;
  EXPECT_FALSE(ParseJson(text, strict));
}

TEST(JsonTest, EscapesControlCharacters) {
  EXPECT_EQ(ToJson(Value(std::string("a\x01\"b"))), R"("a\u0001\"b")");
}

TEST(JsonTest, PrettyPrintsWithTwoSpaces) {
  Result<Value> parsed = ParseJson(R"({"a":[1]})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(ToJson(*parsed, JsonStyle::kPretty), "{\n  \"a\": [\n    1\n  ]\n}");
}

}  // namespace
}  // namespace gatehouse::value
