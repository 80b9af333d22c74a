// graphql.parse, graphql.parse_and_verify, graphql.parse_query, graphql.parse_schema,
// graphql.is_valid, graphql.schema_is_valid: OPA's GraphQL builtins over the parser, schema
// loader and validator in rego/builtins/graphql/. Query and schema arguments may be strings or
// AST objects (as produced by parse_query / parse_schema).
#include <string>
#include <string_view>
#include <utility>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_failure.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/graphql/ast.h"
#include "rego/builtins/graphql/parser.h"
#include "rego/builtins/graphql/schema.h"
#include "rego/builtins/graphql/validator.h"

namespace gatehouse::rego {
namespace {

namespace gql = graphql;

struct Loaded {
  gql::QueryDocument query;
  gql::SchemaDocument schema;
};

// nullopt + error message, or the documents. `type_error` tells the caller the operand had the
// wrong type (graphql.parse reports it; the boolean builtins answer false).
struct LoadOutcome {
  std::optional<Loaded> docs;
  std::optional<Error> error;
  bool type_error = false;
};

LoadOutcome LoadDocuments(std::string_view name, std::span<const Value> args) {
  LoadOutcome out;
  Loaded docs;
  // OPA reports these operands as 0 and 1 (its builtins.NewOperandTypeErr positions).
  const Value& q = args[0];
  if (q.is_string()) {
    auto r = gql::ParseQuery(q.AsString());
    if (!r) {
      out.error = BuiltinError(name, r.error().message);
      return out;
    }
    docs.query = std::move(*r);
  } else if (q.is_object()) {
    auto r = gql::QueryDocumentFromValue(q);
    if (!r) {
      out.error = BuiltinError(name, r.error().message);
      return out;
    }
    docs.query = std::move(*r);
  } else {
    out.type_error = true;
    out.error = OperandTypeError(name, 0, "one of {string, object}", q);
    return out;
  }
  const Value& s = args[1];
  if (s.is_string()) {
    auto r = gql::ParseSchema(s.AsString());
    if (!r) {
      out.error = BuiltinError(name, r.error().message);
      return out;
    }
    docs.schema = std::move(*r);
  } else if (s.is_object()) {
    auto r = gql::SchemaDocumentFromValue(s);
    if (!r) {
      out.error = BuiltinError(name, r.error().message);
      return out;
    }
    docs.schema = std::move(*r);
  } else {
    out.type_error = true;
    out.error = OperandTypeError(name, 1, "one of {string, object}", s);
    return out;
  }
  out.docs = std::move(docs);
  return out;
}

// The conformance cases expect "in GraphQL string" (newer OPA sources say "GraphQL query
// string"). OPA splits gqlparser's "input:<line>:<col>: <msg>.\n..." at the first three colons.
std::string ValidationMessage(const std::vector<gql::ValidationError>& errors) {
  const std::string text = gql::FormatErrorList(errors);
  std::size_t c1 = text.find(':');
  std::size_t c2 = c1 == std::string::npos ? c1 : text.find(':', c1 + 1);
  std::size_t c3 = c2 == std::string::npos ? c2 : text.find(':', c2 + 1);
  if (c3 == std::string::npos) return text;
  std::string msg = text.substr(c3 + 1);
  const std::size_t first = msg.find_first_not_of(' ');
  msg = first == std::string::npos ? "" : msg.substr(first);
  if (msg.size() >= 2 && msg.compare(msg.size() - 2, 2, ".\n") == 0) msg.resize(msg.size() - 2);
  return msg + " in GraphQL string at location " + text.substr(c1 + 1, c2 - c1 - 1) + ":" +
         text.substr(c2 + 1, c3 - c2 - 1);
}

// Loads the schema and validates the query; an error message on failure.
std::optional<std::string> Verify(Loaded docs) {
  auto schema = gql::LoadSchema(std::move(docs.schema));
  if (!schema) {
    return "Error in gqlparser SchemaDocument to Schema conversion: " + schema.error().message;
  }
  auto errors = gql::ValidateQuery(**schema, docs.query);
  if (!errors.empty()) return ValidationMessage(errors);
  return std::nullopt;
}

BuiltinResult GraphqlParse(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "graphql.parse";
  LoadOutcome loaded = LoadDocuments(kName, args);
  if (loaded.error) return *loaded.error;
  Value query = gql::ToValue(loaded.docs->query);
  Value schema = gql::ToValue(loaded.docs->schema);
  if (auto err = Verify(std::move(*loaded.docs))) return BuiltinError(kName, *err);
  return std::optional<Value>(Value::Array({std::move(query), std::move(schema)}));
}

BuiltinResult GraphqlParseAndVerify(BuiltinContext&, std::span<const Value> args) {
  LoadOutcome loaded = LoadDocuments("graphql.parse_and_verify", args);
  const Value unverified =
      Value::Array({Value::Bool(false), Value::EmptyObject(), Value::EmptyObject()});
  if (loaded.error) return std::optional<Value>(unverified);
  Value query = gql::ToValue(loaded.docs->query);
  Value schema = gql::ToValue(loaded.docs->schema);
  if (Verify(std::move(*loaded.docs))) return std::optional<Value>(unverified);
  return std::optional<Value>(
      Value::Array({Value::Bool(true), std::move(query), std::move(schema)}));
}

BuiltinResult GraphqlIsValid(BuiltinContext&, std::span<const Value> args) {
  LoadOutcome loaded = LoadDocuments("graphql.is_valid", args);
  if (loaded.error) return std::optional<Value>(Value::Bool(false));
  return std::optional<Value>(Value::Bool(!Verify(std::move(*loaded.docs)).has_value()));
}

BuiltinResult GraphqlParseQuery(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "graphql.parse_query";
  if (!args[0].is_string()) return OperandTypeError(kName, 1, "string", args[0]);
  auto doc = gql::ParseQuery(args[0].AsString());
  if (!doc) return BuiltinError(kName, doc.error().message);
  return std::optional<Value>(gql::ToValue(*doc));
}

BuiltinResult GraphqlParseSchema(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "graphql.parse_schema";
  if (!args[0].is_string()) return OperandTypeError(kName, 1, "string", args[0]);
  auto doc = gql::ParseSchema(args[0].AsString());
  if (!doc) return BuiltinError(kName, doc.error().message);
  return std::optional<Value>(gql::ToValue(*doc));
}

BuiltinResult GraphqlSchemaIsValid(BuiltinContext&, std::span<const Value> args) {
  const Value& s = args[0];
  Result<gql::SchemaDocument> doc = MakeError(BuiltinFailure::kGraphql, "wrong type");
  if (s.is_string()) {
    doc = gql::ParseSchema(s.AsString());
  } else if (s.is_object()) {
    doc = gql::SchemaDocumentFromValue(s);
  }
  if (!doc) return std::optional<Value>(Value::Bool(false));
  return std::optional<Value>(Value::Bool(gql::LoadSchema(std::move(*doc)).has_value()));
}

void AddBuiltin(BuiltinRegistry& r, std::string name, std::vector<TypeMask> params, TypeMask result,
                BuiltinFunction fn) {
  Builtin b;
  b.name = std::move(name);
  b.params = std::move(params);
  b.result = result;
  b.fn = fn;
  r.Add(std::move(b));
}

}  // namespace

void RegisterGraphqlBuiltins(BuiltinRegistry& r) {
  constexpr TypeMask kDoc = kTString | kTObject;
  AddBuiltin(r, "graphql.parse", {kDoc, kDoc}, kTArray, GraphqlParse);
  AddBuiltin(r, "graphql.parse_and_verify", {kDoc, kDoc}, kTArray, GraphqlParseAndVerify);
  AddBuiltin(r, "graphql.parse_query", {kTString}, kTObject, GraphqlParseQuery);
  AddBuiltin(r, "graphql.parse_schema", {kTString}, kTObject, GraphqlParseSchema);
  AddBuiltin(r, "graphql.is_valid", {kDoc, kDoc}, kTBool, GraphqlIsValid);
  AddBuiltin(r, "graphql.schema_is_valid", {kDoc}, kTBool, GraphqlSchemaIsValid);
}

}  // namespace gatehouse::rego
