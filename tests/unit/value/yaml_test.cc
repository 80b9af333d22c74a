#include "value/yaml.h"

#include <gtest/gtest.h>

#include "value/value_errors.h"

namespace gatehouse::value {
namespace {

TEST(YamlTest, ResolvesPlainScalarsByCoreSchema) {
  Result<Value> parsed = ParseYaml("a: 1\nb: true\nc: ~\nd: '1'\ne: 1.5\nf: hello\ng: 0x10\n");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->Find("a")->AsInt(), 1);
  EXPECT_EQ(parsed->Find("b")->AsBool(), true);
  EXPECT_TRUE(parsed->Find("c")->is_null());
  EXPECT_EQ(*parsed->Find("d")->AsString(), "1");
  EXPECT_EQ(parsed->Find("e")->AsDouble(), 1.5);
  EXPECT_EQ(*parsed->Find("f")->AsString(), "hello");
  EXPECT_EQ(parsed->Find("g")->AsInt(), 16);
}

TEST(YamlTest, KeepsNumbersBeyondInt64AndDoubleExactly) {
  Result<Value> parsed = ParseYaml("a: 28857836529306024611913\nb: -1.5e400\nc: +.5e999\nd: 2.5\n");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const Value& v = *parsed;
  ASSERT_EQ(v.Find("a")->kind(), Kind::kBigNumber);
  EXPECT_EQ(v.Find("a")->AsBigNumber()->text, "28857836529306024611913");
  EXPECT_EQ(v.Find("b")->AsBigNumber()->text, "-1.5e+400");
  EXPECT_EQ(v.Find("c")->AsBigNumber()->text, "5e+998");
  EXPECT_EQ(v.Find("d")->kind(), Kind::kDouble);  // in range: a double, as Go's YAML reads it
}

TEST(YamlTest, ReportsPositionOfSyntaxErrors) {
  Result<Value> parsed = ParseYaml("a: [1, 2\nb: 3\n");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ValueError::kInvalidYaml);
  EXPECT_NE(parsed.error().message.find("line"), std::string::npos);
}

TEST(YamlTest, ReadsMultiDocumentStreams) {
  Result<std::vector<Value>> docs = ParseYamlStream("a: 1\n---\nb: 2\n");
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ(docs->at(1).Find("b")->AsInt(), 2);
}

TEST(YamlTest, RefusesDeepNesting) {
  YamlLimits limits;
  limits.max_depth = 4;
  Result<Value> parsed = ParseYaml("a: {b: {c: {d: {e: {f: 1}}}}}", limits);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ValueError::kYamlTooDeep);
}

TEST(YamlTest, RefusesAliasExpansionBombs) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char name = 'b'; name <= 'j'; ++name) {
    text += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + previous;
    text += "]\n";
    previous = std::string(1, name);
  }
  Result<Value> parsed = ParseYaml(text);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ValueError::kYamlTooLarge);
  EXPECT_TRUE(ParseYaml("base: &b {x: 1}\none: *b\ntwo: *b\n")) << "honest reuse still works";
}

TEST(YamlTest, StreamThatNeverEndsIsRefused) {
  Result<std::vector<Value>> docs = ParseYamlStream(",");
  EXPECT_FALSE(docs);
}

}  // namespace
}  // namespace gatehouse::value
