// Round-trip properties of the JSON writer and reader (the oracle of fuzz/json_fuzzer.cc, on
// chosen edge cases): ParseJson(ToJson(v)) == v, in both styles.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "value/json.h"
#include "value/value.h"
#include "value/value_errors.h"
#include "value/yaml.h"

namespace gatehouse::value {
namespace {

void ExpectRoundTrip(const Value& v) {
  for (JsonStyle style : {JsonStyle::kCompact, JsonStyle::kPretty}) {
    const std::string text = ToJson(v, style);
    Result<Value> again = ParseJson(text);
    ASSERT_TRUE(again) << text << ": " << again.error().message;
    EXPECT_EQ(*again, v) << text;
  }
}

TEST(JsonRoundTripTest, Integers) {
  for (std::int64_t i :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1} << 53,
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    ExpectRoundTrip(Value(i));
    EXPECT_EQ(ToJson(Value(i)), std::to_string(i));
  }
}

TEST(JsonRoundTripTest, Doubles) {
  for (double d : {0.1, -2.5, 1e-300, 5e-324, 1.7976931348623157e308, 1e21, 1e300, 123.0, -0.0,
                   0.30000000000000004, 9223372036854775808.0}) {
    ExpectRoundTrip(Value(d));
  }
}

TEST(JsonRoundTripTest, ReadsAboveInt64Exactly) {
  Result<Value> v = ParseJson("9223372036854775808");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->kind(), Kind::kBigNumber);
  EXPECT_EQ(v->AsBigNumber()->text, "9223372036854775808");
  EXPECT_EQ(*v->AsDouble(), 9223372036854775808.0);
  ExpectRoundTrip(*v);
}

TEST(JsonRoundTripTest, KeepsNumbersNoDoubleHolds) {
  // Beyond 64 bits and beyond double's range: kept as written, inside arrays and objects too.
  // Numbers in double's range stay int64/double beside them, rounded as the DOM reader rounds
  // them in a document without big numbers (so a document reads the same whichever reader).
  const std::string text =
      R"({"big":28857836529306024611913,"huge":1.5e400,"tiny":-2e-400,)"
      R"("precise":0.1000000000000000000000001,"list":[1,2.5,-18446744073709551617]})";
  Result<Value> v = ParseJson(text);
  ASSERT_TRUE(v) << v.error().message;
  for (const char* key : {"big", "huge"}) {
    ASSERT_EQ(v->Find(key)->kind(), Kind::kBigNumber) << key;
  }
  EXPECT_EQ(v->Find("huge")->AsBigNumber()->text, "1.5e400");
  EXPECT_EQ(v->Find("precise")->kind(), Kind::kDouble);
  EXPECT_EQ(*v->Find("precise")->AsDouble(), 0.1);
  EXPECT_EQ(*v->Find("tiny")->AsDouble(), 0.0);
  const Array& list = *v->Find("list")->AsArray();
  EXPECT_EQ(list[0].kind(), Kind::kInt);
  EXPECT_EQ(list[1].kind(), Kind::kDouble);
  EXPECT_EQ(list[2].AsBigNumber()->text, "-18446744073709551617");
  ExpectRoundTrip(*v);
  // Found by fuzz/json_fuzzer: a tiny number beside a big one reads as the DOM reader reads it.
  Result<Value> tiny = ParseJson("[1e400,5e-309551615]");
  ASSERT_TRUE(tiny);
  EXPECT_EQ((*tiny->AsArray())[1], *ParseJson("5e-309551615"));
}

// The error code of a text that must not parse ("parsed" when it does).
std::string FailureOf(std::string_view text, JsonLimits limits = {}) {
  Result<Value> v = ParseJson(text, limits);
  if (v) return "parsed";
  return std::string(v.error().code.wire());
}

TEST(JsonRoundTripTest, BigNumbersAreStillValidatedAndLimited) {
  // The second reading (for big numbers) refuses what the first would have.
  EXPECT_EQ(FailureOf("[1e400,]"), "invalid_json");
  EXPECT_EQ(FailureOf("[1e400] [2]"), "invalid_json");
  EXPECT_EQ(FailureOf("{\"a\": 1e400, \"b\": 01}"), "invalid_json");
  EXPECT_EQ(FailureOf("1e400]"), "invalid_json");
  EXPECT_EQ(FailureOf("[1e400, \"\\x\"]"), "invalid_json");
  // Found by fuzz/json_fuzzer: a bad atom after a big number (once an uncaught exception).
  EXPECT_EQ(FailureOf("[1e400,null5]"), "invalid_json");
  EXPECT_EQ(FailureOf("[1e400,nul]"), "invalid_json");
  EXPECT_EQ(FailureOf("[1e400,tru]"), "invalid_json");
  EXPECT_EQ(FailureOf("{\"a\":1e400,\"a\":2}", {.reject_duplicate_keys = true}), "duplicate_key");
  std::string deep = "[1e400," + std::string(80, '[') + std::string(80, ']') + "]";
  EXPECT_EQ(FailureOf(deep), "json_too_deep");
  // A bare big number is a document too.
  Result<Value> v = ParseJson(" 1e400 ");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->AsBigNumber()->text, "1e400");
}

// Known issue found by fuzz/json_fuzzer: doubles of magnitude >= 2^64 are written as 20-digit
// integers that the reader refuses as out of range. Enable once the writer emits an exponent.
TEST(JsonRoundTripTest, DoublesAboveUint64) {
  Result<Value> v = ParseJson("18446744073709551615");
  ASSERT_TRUE(v);
  ExpectRoundTrip(*v);
  ExpectRoundTrip(Value(18446744073709551616.0));
}

TEST(JsonRoundTripTest, NonFiniteDoublesBecomeNull) {
  EXPECT_EQ(ToJson(Value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(ToJson(Value(std::nan(""))), "null");
  Result<Value> v = ParseJson("1e400");
  ASSERT_TRUE(v);  // exact, as a big number; never an infinity in a Value
  EXPECT_EQ(v->kind(), Kind::kBigNumber);
}

TEST(JsonRoundTripTest, EveryControlCharacterAndUnicode) {
  std::string all;
  for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
  all += "\"\\/\x7f";
  all += "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8";  // é € 😀 U+2028
  ExpectRoundTrip(Value(all));
  const std::string text = ToJson(Value(all));
  for (char c : text) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << text;
  Result<Value> escaped = ParseJson(R"("\ud83d\ude00\u00e9")");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(*escaped->AsString(), "\xf0\x9f\x98\x80\xc3\xa9");
}

TEST(JsonRoundTripTest, RefusesInvalidUtf8AndLoneSurrogates) {
  EXPECT_FALSE(ParseJson("\"\xff\""));
  EXPECT_FALSE(ParseJson("\"\xc3\""));
  EXPECT_FALSE(ParseJson(R"("\ud800")"));
}

TEST(JsonRoundTripTest, NestedDocumentAtTheDepthLimit) {
  JsonLimits limits;
  limits.max_depth = 16;
  Value v = Value::MakeArray();
  for (int i = 0; i < 15; ++i) {
    Value outer = Value::MakeObject();
    outer.Set("k" + std::to_string(i), std::move(v));
    v = std::move(outer);
  }
  const std::string text = ToJson(v);
  Result<Value> again = ParseJson(text, limits);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, v);
  limits.max_depth = 15;
  Result<Value> too_deep = ParseJson(text, limits);
  ASSERT_FALSE(too_deep);
  EXPECT_EQ(too_deep.error().code, ValueError::kJsonTooDeep);
}

TEST(JsonRoundTripTest, EqualityIgnoresMemberOrderButNotArrayOrder) {
  Result<Value> a = ParseJson(R"({"x":1,"y":[1,2]})");
  Result<Value> b = ParseJson(R"({"y":[1,2],"x":1.0})");
  Result<Value> c = ParseJson(R"({"y":[2,1],"x":1})");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(YamlLimitsTest, SizeLimitNamesTheLimit) {
  YamlLimits limits;
  limits.max_bytes = 8;
  Result<Value> v = ParseYaml("key: a long value\n", limits);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ValueError::kYamlTooLarge);
  Result<std::vector<Value>> docs = ParseYamlStream("---\na: 1\n---\nb: 2\n", limits);
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().code, ValueError::kYamlTooLarge);
}

}  // namespace
}  // namespace gatehouse::value
