// Tests of the GraphQL lexer/parser, AST encoding, schema loading, query validation and the
// graphql.* builtins.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rego/builtins/builtin.h"
#include "rego/builtins/graphql/ast.h"
#include "rego/builtins/graphql/lexer.h"
#include "rego/builtins/graphql/parser.h"
#include "rego/builtins/graphql/schema.h"
#include "rego/builtins/graphql/validator.h"

namespace gatehouse::rego::graphql {
namespace {

std::string QueryJson(std::string_view q) {
  auto doc = ParseQuery(q);
  if (!doc) return "ERROR: " + doc.error().message;
  return ToJsonText(ToValue(*doc));
}

std::string SchemaJson(std::string_view s) {
  auto doc = ParseSchema(s);
  if (!doc) return "ERROR: " + doc.error().message;
  return ToJsonText(ToValue(*doc));
}

std::string LoadError(std::string_view s) {
  auto doc = ParseSchema(s);
  if (!doc) return "PARSE: " + doc.error().message;
  auto schema = LoadSchema(std::move(*doc));
  return schema ? "OK" : schema.error().message;
}

std::vector<std::string> Validate(std::string_view schema_text, std::string_view query_text) {
  auto doc = ParseSchema(schema_text);
  EXPECT_TRUE(doc.has_value());
  auto schema = LoadSchema(std::move(*doc));
  EXPECT_TRUE(schema.has_value()) << schema.error().message;
  auto query = ParseQuery(query_text);
  EXPECT_TRUE(query.has_value()) << query.error().message;
  std::vector<std::string> out;
  for (const auto& e : ValidateQuery(**schema, *query)) {
    out.push_back(std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + " " +
                  e.message);
  }
  return out;
}

BuiltinResult Call(std::string_view name, std::vector<Value> args) {
  const Builtin* b = StandardBuiltins().Find(name);
  EXPECT_NE(b, nullptr) << name;
  BuiltinContext ctx;
  return b->fn(ctx, args);
}

std::string Text(const BuiltinResult& r) {
  if (!r) return "ERROR: " + r.error().message;
  if (!r->has_value()) return "UNDEFINED";
  return ToJsonText(**r);
}

TEST(GraphqlLexer, TokensAndPositions) {
  Lexer lx("  query # comment\n  { \"a\\u0041\" 1.5e3 ... }");
  Token t = lx.Next();
  EXPECT_EQ(t.kind, TokenKind::kName);
  EXPECT_EQ(t.value, "query");
  EXPECT_EQ(t.column, 3);
  t = lx.Next();
  EXPECT_EQ(t.kind, TokenKind::kBraceL);
  EXPECT_EQ(t.line, 2);
  t = lx.Next();
  EXPECT_EQ(t.kind, TokenKind::kString);
  EXPECT_EQ(t.value, "aA");
  EXPECT_EQ(lx.Next().kind, TokenKind::kFloat);
  EXPECT_EQ(lx.Next().kind, TokenKind::kSpread);
  EXPECT_EQ(lx.Next().kind, TokenKind::kBraceR);
  EXPECT_EQ(lx.Next().kind, TokenKind::kEof);
  EXPECT_EQ(BlockStringValue("\n    Hello\n      World\n  \n"), "Hello\n  World");
}

TEST(GraphqlParser, QueryAst) {
  EXPECT_EQ(QueryJson("{hero {name}}"),
            R"({"Operations":[{"Name":"","Operation":"query","SelectionSet":[{"Alias":"hero",)"
            R"("Name":"hero","SelectionSet":[{"Alias":"name","Name":"name"}]}]}]})");
  EXPECT_EQ(
      QueryJson("query Q($e: [Episode!] = [A]) { h: hero(e: $e) { ... on Droid { id } ...F } }"),
      R"({"Operations":[{"Name":"Q","Operation":"query","SelectionSet":[{"Alias":"h",)"
      R"("Arguments":[{"Name":"e","Value":{"ExpectedTypeHasDefault":false,"Kind":0,"Raw":"e"}}],)"
      R"("Name":"hero","SelectionSet":[{"SelectionSet":[{"Alias":"id","Name":"id"}],)"
      R"("TypeCondition":"Droid"},{"Name":"F"}]}],"VariableDefinitions":[{"DefaultValue":)"
      R"({"Children":[{"Name":"","Value":{"ExpectedTypeHasDefault":false,"Kind":7,"Raw":"A"}}],)"
      R"("ExpectedTypeHasDefault":false,"Kind":8,"Raw":""},"Type":{"Elem":{"NamedType":)"
      R"("Episode","NonNull":true},"NamedType":"","NonNull":false},"Used":false,"Variable":"e"}]}]})");
  EXPECT_EQ(QueryJson(""), "{}");
}

TEST(GraphqlParser, QueryErrors) {
  EXPECT_EQ(QueryJson("{a"), "ERROR: Expected Name, found <EOF> in GraphQL string at location 1:3");
  EXPECT_EQ(QueryJson("{a(b: $c)}x"),
            "ERROR: Unexpected Name \"x\" in GraphQL string at location 1:11");
  EXPECT_EQ(QueryJson("{a(b: 01)}"),
            "ERROR: Unexpected <Invalid> in GraphQL string at location 1:8");
  EXPECT_EQ(QueryJson("fragment on on T { a }"),
            "ERROR: Unexpected Name \"on\" in GraphQL string at location 1:10");
}

TEST(GraphqlParser, SchemaAstAndErrors) {
  EXPECT_EQ(
      SchemaJson("type Hello implements & Wo & rld { field(a: Int = 1): String @deprecated }"),
      R"({"Definitions":[{"BuiltIn":false,"Description":"","Fields":[{"Arguments":[{)"
      R"("DefaultValue":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"},)"
      R"("Description":"","Name":"a","Type":{"NamedType":"Int","NonNull":false}}],)"
      R"("Description":"","Directives":[{"Location":"","Name":"deprecated"}],"Name":)"
      R"("field","Type":{"NamedType":"String","NonNull":false}}],"Interfaces":["Wo",)"
      R"("rld"],"Kind":"OBJECT","Name":"Hello"}]})");
  EXPECT_EQ(SchemaJson("directive @foo repeatable on FIELD"),
            R"({"Directives":[{"Description":"","IsRepeatable":true,"Locations":["FIELD"],)"
            R"("Name":"foo"}]})");
  EXPECT_EQ(SchemaJson("type Hello {}"),
            "ERROR: expected at least one definition, found } in GraphQL string at location 1:13");
  EXPECT_EQ(SchemaJson("\"\"\"\r"),
            "ERROR: Unexpected <Invalid> in GraphQL string at location 2:1");
  EXPECT_EQ(SchemaJson("\n  \"Description\"\n  extend type Hello { world: String }"),
            "ERROR: Unexpected String \"Description\" in GraphQL string at location 2:4");
  EXPECT_EQ(SchemaJson("directive @foo on FIELD | INCORRECT_LOCATION"),
            "ERROR: Unexpected Name \"INCORRECT_LOCATION\" in GraphQL string at location 1:27");
  EXPECT_EQ(SchemaJson("union Hello = | Wo | Rld |"),
            "ERROR: Expected Name, found <EOF> in GraphQL string at location 1:27");
  EXPECT_EQ(SchemaJson("extend schema"),
            "ERROR: Unexpected <EOF> in GraphQL string at location 1:14");
}

TEST(GraphqlParser, LimitsAreErrorsNotCrashes) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{a";
  EXPECT_NE(QueryJson("query " + deep).find("nesting too deep"), std::string::npos);
  std::string deep_list = "{a(b: " + std::string(100000, '[') + ")}";
  EXPECT_NE(QueryJson(deep_list).find("nesting too deep"), std::string::npos);
  std::string deep_type = "type A { a: " + std::string(100000, '[') + "}";
  EXPECT_NE(SchemaJson(deep_type).find("nesting too deep"), std::string::npos);
  EXPECT_NE(QueryJson(std::string(kMaxGraphqlInputBytes + 1, ' ')).find("too large"),
            std::string::npos);
  std::string comments;
  for (int i = 0; i < 100000; ++i) comments += "#c\n";
  EXPECT_EQ(QueryJson(comments + "{a}").substr(0, 14), R"({"Operations":)");
}

TEST(GraphqlAst, RoundTripsThroughValues) {
  const char* q =
      "query Q($v: In = {a: [1, \"x\", null, true, 2.5, E]}) @d { f(a: $v) @skip(if: false) { "
      "...F ... @include(if: true) { g } } } fragment F on T { h }";
  auto doc = ParseQuery(q);
  ASSERT_TRUE(doc.has_value());
  const Value v = ToValue(*doc);
  auto back = QueryDocumentFromValue(v);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(ToJsonText(ToValue(*back)), ToJsonText(v));
  auto sdoc = ParseSchema(
      "\"d\" type A implements B @x { f(a: [Int!]! = [1]): String } "
      "extend union U = A schema { query: A } enum E { X @y }");
  ASSERT_TRUE(sdoc.has_value());
  const Value sv = ToValue(*sdoc);
  auto sback = SchemaDocumentFromValue(sv);
  ASSERT_TRUE(sback.has_value()) << sback.error().message;
  EXPECT_EQ(ToJsonText(ToValue(*sback)), ToJsonText(sv));
  auto bad = SchemaDocumentFromValue(*ParseJsonText(R"({"Definitions": [{"Name": 5}]})"));
  EXPECT_FALSE(bad.has_value());
}

TEST(GraphqlSchema, LoadAndValidate) {
  EXPECT_EQ(LoadError("type Query { a: Int }"), "OK");
  EXPECT_EQ(LoadError("extend type User { id: ID! }\nunion E = User\nextend type Query { e: E }"),
            "OK");
  EXPECT_EQ(LoadError("type Hello implements World { f: String }"),
            "input:1:6: Undefined type \"World\".");
  EXPECT_EQ(LoadError("interface IA { id: ID! }\ninterface IIA implements IA { id: ID! }\n"
                      "type A implements IIA { id: ID! }"),
            "input:3:6: Type A must implement IA because it is implemented by IIA.");
  EXPECT_EQ(LoadError("type P { f: [P!]! }\ninput PI { f: [P] }"),
            "input:2:12: OBJECT f: field must be one of SCALAR, ENUM, INPUT_OBJECT.");
  EXPECT_EQ(LoadError("extend scalar Foo @deprecated\nextend type Foo @deprecated"),
            "input:2:13: Cannot extend type Foo because the base type is a SCALAR, not OBJECT.");
  EXPECT_EQ(LoadError("schema { query: Query }"),
            "input:1:10: Schema root query refers to a type Query that does not exist.");
  EXPECT_EQ(LoadError("type Query { a: Missing }"), "input:1:17: Undefined type Missing.");
  EXPECT_EQ(LoadError("type Query { a: Int @include(if: true) }"),
            "input:1:22: Directive include is not applicable on FIELD_DEFINITION.");
  EXPECT_EQ(LoadError("type __Bad { a: Int }"),
            "input:1:6: Name \"__Bad\" must not begin with \"__\", which is reserved by GraphQL "
            "introspection.");
}

TEST(GraphqlValidator, Rules) {
  const char* schema =
      "type Query { a(req: Int!, opt: String): Int me: User search: [R] }\n"
      "type User { id: ID! name: String friend: User }\ntype Other { x: Int }\n"
      "union R = User | Other\nenum Color { RED }";
  EXPECT_EQ(Validate(schema, "{ me { id } }"), std::vector<std::string>{});
  EXPECT_EQ(Validate(schema, "{ a }"),
            std::vector<std::string>{"1:3 Field \"a\" argument \"req\" of type \"Int!\" is "
                                     "required, but it was not provided."});
  EXPECT_EQ(Validate(schema, "{ a(req: 1, x: 2) }"),
            std::vector<std::string>{"1:13 Unknown argument \"x\" on field \"Query.a\"."});
  EXPECT_EQ(Validate(schema, "{ nope }"),
            std::vector<std::string>{"1:3 Cannot query field \"nope\" on type \"Query\"."});
  EXPECT_EQ(Validate(schema, "query Q($v: Int) { me { id } }"),
            std::vector<std::string>{"1:9 Variable \"$v\" is never used in operation \"Q\"."});
  EXPECT_EQ(Validate(schema, "query Q { a(req: $v) }"),
            std::vector<std::string>{"1:18 Variable \"$v\" is not defined by operation \"Q\"."});
  EXPECT_EQ(Validate(schema, "{ me }"),
            std::vector<std::string>{
                "1:3 Field \"me\" of type \"User\" must have a selection of subfields."});
  EXPECT_EQ(Validate(schema, "{ me { ...F } }"),
            std::vector<std::string>{"1:11 Unknown fragment \"F\"."});
  EXPECT_EQ(Validate(schema, "{ me { id } } fragment F on User { id }"),
            std::vector<std::string>{"1:15 Fragment \"F\" is never used."});
  EXPECT_EQ(Validate(schema, "{ me { ...F } } fragment F on User { friend { ...F } }"),
            std::vector<std::string>{"1:50 Cannot spread fragment \"F\" within itself."});
  EXPECT_EQ(Validate(schema, "{ search { ... on User { id } ... on Other { x } } }"),
            std::vector<std::string>{});
  EXPECT_EQ(Validate(schema, "{ me { ... on Other { x } } }"),
            std::vector<std::string>{"1:12 Fragment cannot be spread here as objects of type "
                                     "\"User\" can never be of type \"Other\"."});
  EXPECT_EQ(Validate(schema, "query Q($v: String) { a(req: $v) }"),
            std::vector<std::string>{"1:30 Variable \"$v\" of type \"String\" used in position "
                                     "expecting type \"Int!\"."});
  EXPECT_EQ(Validate(schema, "{ a(req: \"x\") }"),
            std::vector<std::string>{"1:11 Int cannot represent non-integer value: \"x\""});
  EXPECT_EQ(Validate(schema, "mutation { a }"),
            std::vector<std::string>{"1:1 Schema does not support operation type \"mutation\""});
  EXPECT_EQ(Validate(schema, "{ me { id @unknown } }"),
            std::vector<std::string>{"1:12 Unknown directive \"@unknown\"."});
  EXPECT_EQ(Validate(schema, "{ __typename me { __typename } __schema { types { name } } }"),
            std::vector<std::string>{});
}

TEST(GraphqlBuiltins, ParseReportsOpaMessages) {
  const Value schema = Value::String(
      "extend type Query { myAction(myEnum: Locale!): SomeResult! }\n"
      "type SomeResult { id: String }\nenum Locale { EN LT DE }");
  EXPECT_EQ(Text(Call("graphql.parse", {Value::String("query Op {\n  myAction { id } }"), schema})),
            "ERROR: graphql.parse: Field \"myAction\" argument \"myEnum\" of type \"Locale!\" is "
            "required, but it was not provided in GraphQL string at location 2:3");
  EXPECT_EQ(Text(Call("graphql.is_valid", {Value::String("{ myAction { id } }"), schema})),
            "false");
  EXPECT_EQ(Text(Call("graphql.is_valid",
                      {Value::String("query($l: Locale! = DE) { myAction(myEnum: $l) { id } }"),
                       schema})),
            "true");
  EXPECT_EQ(Text(Call("graphql.is_valid", {Value::Int(1), schema})), "false");
  EXPECT_EQ(Text(Call("graphql.parse_and_verify", {Value::String("{ x }"), schema})),
            "[false,{},{}]");
  EXPECT_EQ(Text(Call("graphql.schema_is_valid", {schema})), "true");
  EXPECT_EQ(Text(Call("graphql.schema_is_valid", {Value::String("type A {}")})), "false");
  EXPECT_EQ(Text(Call("graphql.parse_schema", {Value::String("type A {}")})),
            "ERROR: graphql.parse_schema: expected at least one definition, found } in GraphQL "
            "string at location 1:9");
  EXPECT_FALSE(Call("graphql.parse_query", {Value::Int(1)}).has_value());
}

TEST(GraphqlBuiltins, AcceptsAstObjects) {
  auto schema_ast =
      Call("graphql.parse_schema",
           {Value::String("type Query { employee(id: String): E } type E { s: Int }")});
  auto query_ast = Call("graphql.parse_query", {Value::String("{ employee(id: \"a\") { s } }")});
  ASSERT_TRUE(schema_ast.has_value() && query_ast.has_value());
  auto parsed = Call("graphql.parse", {**query_ast, **schema_ast});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(ToJsonText(**parsed), ToJsonText(Value::Array({**query_ast, **schema_ast})));
  auto bad_query = Call("graphql.parse_query", {Value::String("{ employee(id: \"a\") { t } }")});
  EXPECT_EQ(Text(Call("graphql.is_valid", {**bad_query, **schema_ast})), "false");
}

}  // namespace
}  // namespace gatehouse::rego::graphql
