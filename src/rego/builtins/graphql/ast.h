// GraphQL documents (executable and SDL) as vektah/gqlparser v2 models them, and their
// conversion to and from rego::Value in the JSON shape OPA's graphql.* builtins use: struct
// field names as keys, positions dropped, null and empty arrays/objects pruned (strings and
// booleans kept even when empty/false). Decoding accepts what that encoding produces (keys
// matched case-insensitively as Go's encoding/json does) and fails with a message otherwise.
// Plain values; no sharing; not thread-safe to mutate concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::graphql {

struct Pos {
  int line = 0;  // 0: unknown (documents decoded from values carry no positions)
  int column = 0;
};

struct Type {
  std::string named_type;      // empty for lists
  std::unique_ptr<Type> elem;  // list element type
  bool non_null = false;
  Pos pos;

  std::string Name() const;      // innermost named type
  std::string ToString() const;  // "[String!]!"
  std::unique_ptr<Type> Clone() const;
  bool IsCompatible(const Type& other) const;
};

enum class ValueKind : int {
  kVariable = 0,
  kInt = 1,
  kFloat = 2,
  kString = 3,
  kBlock = 4,
  kBoolean = 5,
  kNull = 6,
  kEnum = 7,
  kList = 8,
  kObject = 9,
};

struct ChildValue;
struct GqlValue {
  std::string raw;
  std::vector<ChildValue> children;
  ValueKind kind = ValueKind::kVariable;
  Pos pos;
  std::string ToString() const;  // gqlparser's Value.String()
};
struct ChildValue {
  std::string name;
  std::unique_ptr<GqlValue> value;
  Pos pos;
};

struct Argument {
  std::string name;
  std::unique_ptr<GqlValue> value;
  Pos pos;
};

struct Directive {
  std::string name;
  std::vector<Argument> arguments;
  Pos pos;
};

struct VariableDefinition {
  std::string variable;
  std::unique_ptr<Type> type;
  std::unique_ptr<GqlValue> default_value;
  std::vector<Directive> directives;
  Pos pos;
};

enum class SelectionKind { kField, kFragmentSpread, kInlineFragment };

// One struct for the three selection kinds (gqlparser's Field, FragmentSpread, InlineFragment).
struct Selection {
  SelectionKind kind = SelectionKind::kField;
  std::string alias;           // fields
  std::string name;            // fields, fragment spreads
  std::string type_condition;  // inline fragments
  std::vector<Argument> arguments;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  Pos pos;
};

struct OperationDefinition {
  std::string operation;  // "query", "mutation", "subscription"
  std::string name;
  std::vector<VariableDefinition> variable_definitions;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  Pos pos;
};

struct FragmentDefinition {
  std::string name;
  std::vector<VariableDefinition> variable_definition;
  std::string type_condition;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  Pos pos;
};

struct QueryDocument {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
};

struct ArgumentDefinition {
  std::string description;
  std::string name;
  std::unique_ptr<GqlValue> default_value;
  std::unique_ptr<Type> type;
  std::vector<Directive> directives;
  Pos pos;
};

struct FieldDefinition {
  std::string description;
  std::string name;
  std::vector<ArgumentDefinition> arguments;
  std::unique_ptr<GqlValue> default_value;  // input fields
  std::unique_ptr<Type> type;
  std::vector<Directive> directives;
  Pos pos;
};

struct EnumValueDefinition {
  std::string description;
  std::string name;
  std::vector<Directive> directives;
  Pos pos;
};

// Kind: "SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT".
struct Definition {
  std::string kind;
  std::string description;
  std::string name;
  std::vector<Directive> directives;
  std::vector<std::string> interfaces;
  std::vector<FieldDefinition> fields;
  std::vector<std::string> types;
  std::vector<EnumValueDefinition> enum_values;
  bool built_in = false;
  Pos pos;
};

struct DirectiveDefinition {
  std::string description;
  std::string name;
  std::vector<ArgumentDefinition> arguments;
  std::vector<std::string> locations;
  bool is_repeatable = false;
  Pos pos;
};

struct OperationTypeDefinition {
  std::string operation;
  std::string type;
  Pos pos;
};

struct SchemaDefinition {
  std::string description;
  std::vector<Directive> directives;
  std::vector<OperationTypeDefinition> operation_types;
  Pos pos;
};

struct SchemaDocument {
  std::vector<SchemaDefinition> schema;
  std::vector<SchemaDefinition> schema_extension;
  std::vector<DirectiveDefinition> directives;
  std::vector<Definition> definitions;
  std::vector<Definition> extensions;
};

// Encoding (already pruned as OPA prunes).
Value ToValue(const QueryDocument& doc);
Value ToValue(const SchemaDocument& doc);

// Decoding of OPA-shaped objects; error code "graphql_decode".
Result<QueryDocument> QueryDocumentFromValue(const Value& v);
Result<SchemaDocument> SchemaDocumentFromValue(const Value& v);

}  // namespace gatehouse::rego::graphql
