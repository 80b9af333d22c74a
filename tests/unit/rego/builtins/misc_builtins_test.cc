#include <gtest/gtest.h>

#include "b2_test_util.h"

namespace gatehouse::rego {
namespace {

using b2test::Call;
using b2test::ErrorOf;
using b2test::J;
using b2test::S;
using b2test::Text;

TEST(MiscBuiltins, Semver) {
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0"), S("2.0.0")})), "-1");
  EXPECT_EQ(Text(Call("semver.compare", {S("2.0.0"), S("1.0.0")})), "1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0"), S("1.0.0+build")})), "0");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-alpha"), S("1.0.0")})), "-1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-alpha.1"), S("1.0.0-alpha.beta")})), "-1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-beta.11"), S("1.0.0-beta.2")})), "1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-rc.1"), S("1.0.0-rc.1.1")})), "-1");
  EXPECT_EQ(ErrorOf(Call("semver.compare", {S("1.0.0"), S("1")})),
            "eval_builtin_error: semver.compare: operand 2: string \"1\" is not a valid SemVer");
  EXPECT_EQ(Text(Call("semver.is_valid", {S("1.0.0")})), "true");
  EXPECT_EQ(Text(Call("semver.is_valid", {S("1")})), "false");
  EXPECT_EQ(Text(Call("semver.is_valid", {S("01.0.0")})), "false");
  EXPECT_EQ(Text(Call("semver.is_valid", {Value::Int(1)})), "false");
}

TEST(MiscBuiltins, UuidParse) {
  EXPECT_EQ(Text(Call("uuid.parse", {S("{00000000-0000-4000-8000-000000000000}")})),
            R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(Text(Call("uuid.parse", {S("6bea8ef2d3d33cd184e09bab06a52ece")})),
            R"({"variant":"RFC4122","version":3})");
  const std::string v2 =
      R"({"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast",)"
      R"("nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2})";
  EXPECT_EQ(Text(Call("uuid.parse", {S("000003e8-48b9-21ee-b200-325096b39f47")})), v2);
  EXPECT_EQ(Text(Call("uuid.parse", {S("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47")})), v2);
  EXPECT_EQ(Text(Call("uuid.parse", {S("not-a-uuid")})), "UNDEFINED");
  EXPECT_EQ(Text(Call("uuid.parse", {Value::Int(123)})), "UNDEFINED");
}

TEST(MiscBuiltins, NondeterministicBuiltinsAreMemoisedPerEvaluation) {
  BuiltinContext ctx;
  std::uint64_t counter = 0x0123456789abcdefULL;
  ctx.random = [&] { return counter += 0x9E3779B97F4A7C15ULL; };
  const std::string a = Text(b2test::Call(ctx, "uuid.rfc4122", {S("key")}));
  EXPECT_EQ(Text(b2test::Call(ctx, "uuid.rfc4122", {S("key")})), a);
  EXPECT_NE(Text(b2test::Call(ctx, "uuid.rfc4122", {S("other")})), a);
  ASSERT_EQ(a.size(), 38u);
  EXPECT_EQ(a[15], '4');                                          // version nibble
  EXPECT_NE(std::string("89ab").find(a[20]), std::string::npos);  // variant
  const std::string r = Text(b2test::Call(ctx, "rand.intn", {S("k"), Value::Int(10)}));
  EXPECT_EQ(Text(b2test::Call(ctx, "rand.intn", {S("k"), Value::Int(10)})), r);
  const int n = std::stoi(r);
  EXPECT_GE(n, 0);
  EXPECT_LT(n, 10);
  EXPECT_EQ(Text(b2test::Call(ctx, "rand.intn", {S("k"), Value::Int(0)})), "0");
  BuiltinContext fresh;
  fresh.random = [] { return std::uint64_t{7}; };
  EXPECT_EQ(Text(b2test::Call(fresh, "rand.intn", {S("k"), Value::Int(-5)})), "2");
}

TEST(MiscBuiltins, OpaRuntime) {
  BuiltinContext ctx;
  ctx.runtime = J(R"({"env": {"A": "b"}})");
  EXPECT_EQ(Text(b2test::Call(ctx, "opa.runtime", {})), R"({"env":{"A":"b"}})");
}

TEST(MiscBuiltins, JsonSchema) {
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
