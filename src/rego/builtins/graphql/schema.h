// A validated GraphQL schema, built as vektah/gqlparser v2's ValidateSchemaDocument builds one:
// the built-in prelude (scalars, @include/@skip/@deprecated/@specifiedBy, introspection types)
// merged with the user's document, extensions folded into their types (an extension of an
// unknown type creates it), root operation types resolved, and every type and directive
// definition checked (unknown types, interface implementation, union members, input types,
// directive locations, reserved "__" names). LoadSchema fails with code "graphql_schema" and
// gqlparser's message ("input:<line>:<col>: <message>", or "input: <message>" without a
// position). The Schema owns its definitions; immutable after loading, so safe to share.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "rego/builtins/graphql/ast.h"

namespace gatehouse::rego::graphql {

struct Schema {
  std::map<std::string, Definition*> types;
  std::map<std::string, const DirectiveDefinition*> directives;
  std::map<std::string, std::vector<const Definition*>> possible_types;
  const Definition* query = nullptr;
  const Definition* mutation = nullptr;
  const Definition* subscription = nullptr;

  const Definition* FindType(const std::string& name) const;
  // Object: itself; interface/union: the possible types; others: none.
  std::vector<const Definition*> PossibleTypes(const Definition& def) const;

  // Storage behind the pointers above.
  std::vector<std::unique_ptr<SchemaDocument>> docs;
  std::vector<std::unique_ptr<Definition>> synthesized;
};

Result<std::unique_ptr<Schema>> LoadSchema(SchemaDocument doc);

bool IsInputKind(const std::string& kind);      // SCALAR, ENUM, INPUT_OBJECT
bool IsLeafKind(const std::string& kind);       // SCALAR, ENUM
bool IsCompositeKind(const std::string& kind);  // OBJECT, INTERFACE, UNION

const FieldDefinition* FindField(const std::vector<FieldDefinition>& fields,
                                 const std::string& name);
const ArgumentDefinition* FindArgument(const std::vector<ArgumentDefinition>& args,
                                       const std::string& name);

}  // namespace gatehouse::rego::graphql
