// json.match_schema and json.verify_schema.
#include <gtest/gtest.h>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::ErrorOf;
using builtin_test::J;
using builtin_test::S;
using builtin_test::Text;

TEST(JsonSchemaBuiltins, FormatIsCheckedOnStrings) {
  const Value schema = J(R"({"properties": {"mail": {"type": "string", "format": "email"},
      "n": {"format": "email"}}})");
  EXPECT_EQ(Text(Call("json.match_schema", {J(R"({"mail": "a@b.example", "n": 1})"), schema})),
            "[true,[]]");
  EXPECT_EQ(Text(Call("json.match_schema", {J(R"({"mail": "nope"})"), schema})),
            R"([false,[{"desc":"Does not match format 'email'",)"
            R"("error":"mail: Does not match format 'email'","field":"mail","type":"format"}]])");
}

TEST(JsonSchemaBuiltins, MatchAndVerify) {
  const Value schema = J(R"({"properties": {"id": {"type": "integer"}}, "required": ["id"]})");
  EXPECT_EQ(Text(Call("json.match_schema", {J(R"({"id": 5})"), schema})), "[true,[]]");
  EXPECT_EQ(Text(Call("json.match_schema", {S(R"({"id": 5})"), S(ToJsonText(schema))})),
            "[true,[]]");
  EXPECT_EQ(Text(Call("json.match_schema", {J(R"({"id": "foo"})"), schema})),
            R"([false,[{"desc":"Invalid type. Expected: integer, given: string",)"
            R"("error":"id: Invalid type. Expected: integer, given: string","field":"id",)"
            R"("type":"invalid_type"}]])");
  EXPECT_EQ(Text(Call("json.match_schema", {J("{}"), schema})),
            R"x([false,[{"desc":"id is required","error":"(root): id is required",)x"
            R"x("field":"(root)","type":"required"}]])x");
  EXPECT_EQ(
      ErrorOf(Call("json.match_schema",
                   {J(R"({"id": "foo"})"), J(R"({"properties": {"id": {"type": "unknown"}}})")})),
      "eval_builtin_error: json.match_schema: has a primitive type that is NOT VALID -- "
      "given: /unknown/ Expected valid values are:[array boolean integer number null object "
      "string]");
  const Value rich = J(R"({"definitions": {"pos": {"type": "number", "minimum": 0}},
      "type": "object", "additionalProperties": false,
      "properties": {"n": {"$ref": "#/definitions/pos"},
                     "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"},
                              "uniqueItems": true, "maxItems": 2},
                     "kind": {"enum": ["a", "b"]},
                     "alt": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}})");
  EXPECT_EQ(Text(Call("json.match_schema",
                      {J(R"({"n": 1, "tags": ["x"], "kind": "a", "alt": 3})"), rich})),
            "[true,[]]");
  auto bad =
      Call("json.match_schema",
           {J(R"({"n": -1, "tags": ["X", "y", "y"], "kind": "c", "alt": 1.5, "extra": 1})"), rich});
  ASSERT_TRUE(bad && bad->has_value());
  std::vector<std::string> types;
  for (const auto& e : (**bad).Items()[1].Items()) types.emplace_back(e.Find("type")->AsString());
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types,
            (std::vector<std::string>{"additional_property_not_allowed", "array_max_items", "enum",
                                      "number_gte", "number_one_of", "pattern", "unique"}));
  EXPECT_EQ(Text(Call("json.verify_schema", {schema})), "[true,null]");
  EXPECT_EQ(Text(Call("json.verify_schema", {J(R"({"type": "nope"})")})).substr(0, 8), "[false,\"");
}

}  // namespace
}  // namespace gatehouse::rego
