#include "value/yaml.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

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

TEST(YamlTest, ResolvesNumberSpellingsOfTheCoreSchema) {
  Result<Value> parsed = ParseYaml(
      "a: 0o17\nb: 0x1F\nc: +12\nd: -0\ne: 1.\nf: .5\ng: -.5e-3\nh: 1E+5\ni: 0o8\nj: 1e\nk: 0x\n"
      "l: 0x8000000000000000\nm: 1_000\nn: -.Inf\no: .NaN\np: 00012\nq: yes\n");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const Value& v = *parsed;
  EXPECT_EQ(v.Find("a")->AsInt(), 15);
  EXPECT_EQ(v.Find("b")->AsInt(), 31);
  EXPECT_EQ(v.Find("c")->AsInt(), 12);
  EXPECT_EQ(v.Find("d")->kind(), Kind::kInt);
  EXPECT_EQ(v.Find("e")->kind(), Kind::kDouble);
  EXPECT_EQ(v.Find("f")->AsDouble(), 0.5);
  EXPECT_EQ(v.Find("g")->AsDouble(), -0.0005);
  EXPECT_EQ(v.Find("h")->AsDouble(), 1e5);
  for (const char* text : {"i", "j", "k", "l", "m", "q"}) {
    EXPECT_TRUE(v.Find(text)->is_string()) << text;
  }
  EXPECT_EQ(v.Find("n")->AsDouble(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*v.Find("o")->AsDouble()));
  EXPECT_EQ(v.Find("p")->AsInt(), 12);
}

TEST(YamlTest, TagsMakeStringsOrResolveByTheSchema) {
  Result<Value> parsed = ParseYaml(
      "a: !!str 5\nb: !!str null\nc: !!int \"12\"\nd: ! 12\ne: |\n  12\nf: \"true\"\ng: !!str\n"
      "h: !custom 7\n");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const Value& v = *parsed;
  EXPECT_EQ(*v.Find("a")->AsString(), "5");
  EXPECT_EQ(*v.Find("b")->AsString(), "null");
  EXPECT_EQ(v.Find("c")->AsInt(), 12);
  EXPECT_EQ(*v.Find("d")->AsString(), "12");
  EXPECT_EQ(*v.Find("e")->AsString(), "12\n");
  EXPECT_EQ(*v.Find("f")->AsString(), "true");
  EXPECT_EQ(*v.Find("g")->AsString(), "");
  EXPECT_EQ(v.Find("h")->AsInt(), 7);
}

TEST(YamlTest, KeysAreTheScalarTextAndOthersAreRefused) {
  Result<Value> parsed =
      ParseYaml("1: a\ntrue: b\n0x10: c\n'~': d\n<<: {e: 1}\nv: &k 0o7\n*k : f\n");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed->Find("1")->AsString(), "a");
  EXPECT_EQ(*parsed->Find("true")->AsString(), "b");
  EXPECT_EQ(*parsed->Find("0x10")->AsString(), "c");
  EXPECT_EQ(*parsed->Find("~")->AsString(), "d");
  EXPECT_TRUE(parsed->Find("<<")->is_object()) << "merge keys are ordinary keys";
  EXPECT_EQ(*parsed->Find("0o7")->AsString(), "f");
  for (const char* text : {"null: 1\n", "~: 1\n", "? [a]\n: 1\n", "a: &m {x: 1}\n*m : 2\n"}) {
    Result<Value> refused = ParseYaml(text);
    ASSERT_FALSE(refused) << text;
    EXPECT_EQ(refused.error().code, ValueError::kInvalidYaml);
    EXPECT_EQ(refused.error().message, "only scalar mapping keys are supported") << text;
  }
}

TEST(YamlTest, RepeatedKeysKeepTheirPlaceAndTakeTheLastValue) {
  std::string text;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i)
      text += "k" + std::to_string(i) + ": " + std::to_string(round) + "\n";
  }
  Result<Value> parsed = ParseYaml(text);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->AsObject()->size(), 40u);
  EXPECT_EQ(parsed->AsObject()->front().key, "k0");
  EXPECT_EQ(parsed->Find("k39")->AsInt(), 1);
}

TEST(YamlTest, AliasesExpandAndSelfReferencesAreRefused) {
  Result<Value> parsed = ParseYaml("a: &a {x: [1, 2]}\nb: *a\nc: [*a, *a]\n");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed->Find("b"), *parsed->Find("a"));
  EXPECT_EQ(parsed->Find("c")->AsArray()->at(1), *parsed->Find("a"));
  for (const char* text : {"a: &a [*a]\n", "a: &a {x: [1, *a]}\n"}) {
    Result<Value> refused = ParseYaml(text);
    ASSERT_FALSE(refused) << text;
    EXPECT_EQ(refused.error().code, ValueError::kYamlTooDeep) << text;
  }
  Result<Value> undefined = ParseYaml("a: 1\nb: *nowhere\n");
  ASSERT_FALSE(undefined);
  EXPECT_EQ(undefined.error().message,
            "invalid YAML at line 2, column 4: the referenced anchor is not defined");
}

TEST(YamlTest, ParseYamlReadsTheFirstDocument) {
  Result<Value> first = ParseYaml("a: 1\n---\nb: [unclosed\n");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->Find("a")->AsInt(), 1);
  EXPECT_FALSE(ParseYaml("a\n: b\n")) << "what follows the first document must start another";
  EXPECT_TRUE(ParseYaml("# only a comment\n")->is_null());
  Result<std::vector<Value>> none = ParseYamlStream("# only a comment\n");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(YamlTest, SyntaxErrorsNameLineColumnAndProblem) {
  Result<Value> parsed = ParseYaml("a: [1, 2\nb: 3\n");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message,
            "invalid YAML at line 2, column 2: did not find expected ',' or ']'");
  Result<Value> control = ParseYaml("a: b\nc: \x01\n");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().message,
            "invalid YAML at line 2, column 4: control characters are not allowed");
}

TEST(YamlTest, DeepFlowNestingIsRefusedWithoutReadingOn) {
  // libyaml takes quadratic time on deep flow nesting (64 KiB of '[': 10 s): the reader must
  // stop at the depth limit, also after an earlier error.
  const std::string deep(60000, '[');
  Result<std::vector<Value>> docs = ParseYamlStream(deep);
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().code, ValueError::kYamlTooDeep);
  Result<Value> after_key_error = ParseYaml("? [a]\n: " + deep);
  ASSERT_FALSE(after_key_error);
  EXPECT_EQ(after_key_error.error().message, "only scalar mapping keys are supported");
}

}  // namespace
}  // namespace gatehouse::value
