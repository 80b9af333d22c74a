// JSON read straight into rego values (rego/json_document.h): the same answers as
// value::ParseJson followed by FromJson.
#include "rego/json_document.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::rego {
namespace {

std::string Via(std::string_view text, const value::JsonLimits& limits = {}) {
  auto v = ParseJsonDocument(text, limits);
  return v ? ToJsonText(*v) : std::string(v.error().code.wire()) + ": " + v.error().message;
}

std::string Reference(std::string_view text, const value::JsonLimits& limits = {}) {
  auto v = value::ParseJson(text, limits);
  return v ? ToJsonText(FromJson(*v))
           : std::string(v.error().code.wire()) + ": " + v.error().message;
}

TEST(JsonDocumentTest, SameAnswersAsTheJsonReader) {
  value::JsonLimits small;
  small.max_bytes = 16;
  value::JsonLimits shallow;
  shallow.max_depth = 2;
  value::JsonLimits strict;
  strict.reject_duplicate_keys = true;
  for (const char* text : {
           R"({"b": [1, 2.5, "x", null, true], "a": {"c": {}}})",
           R"({"k": 1, "k": 2})",
           R"([18446744073709551615, 1e400, 12345678901234567890123])",
           R"({"s": "\u00e9\ud83d\ude00"})",
           "{not json",
           "",
           "[[[1]]]",
       }) {
    EXPECT_EQ(Via(text), Reference(text)) << text;
    EXPECT_EQ(Via(text, small), Reference(text, small)) << text;
    EXPECT_EQ(Via(text, shallow), Reference(text, shallow)) << text;
    EXPECT_EQ(Via(text, strict), Reference(text, strict)) << text;
  }
  EXPECT_EQ(Via(R"({"k": 1, "k": 2})"), R"({"k":2})") << "the last of equal keys stays";
}

TEST(JsonDocumentTest, ALargerDocumentAfterASmallerOneOnTheSameThread) {
  EXPECT_EQ(Via("[1]"), "[1]");
  std::string big = "[";
  for (int i = 0; i < 5000; ++i) big += std::to_string(i) + ",";
  big += "0]";
  EXPECT_EQ(Via(big), Reference(big));
  EXPECT_EQ(Via("{}"), "{}");
}

}  // namespace
}  // namespace gatehouse::rego
