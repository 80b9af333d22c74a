// A JSON Schema validator (draft 4/6/7 core keywords) for json.match_schema and
// json.verify_schema, reporting errors the way OPA's gojsonschema does: a field path
// ("(root)", "id", "a.0.b"), a type ("invalid_type", "required", ...) and a description.
//
// Keywords: type, enum, const, properties, patternProperties, additionalProperties, required,
// minProperties, maxProperties, items (schema or tuple), additionalItems, minItems, maxItems,
// uniqueItems, minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum,
// exclusiveMaximum (draft 4 booleans and draft 6 numbers), multipleOf, allOf, anyOf, oneOf,
// not, boolean schemas, and local "$ref" ("#", "#/definitions/x"). Others are ignored.
// Recursion through $ref is bounded. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::builtins {

struct SchemaError {
  std::string field;
  std::string type;
  std::string desc;
};

// Whether `schema` is a usable schema. Error code "invalid_schema" with gojsonschema's text.
Result<bool> CheckSchema(const Value& schema);

// The validation errors of `doc` against `schema` (empty: valid). Errors from CheckSchema or a
// $ref that cannot be resolved.
Result<std::vector<SchemaError>> ValidateSchema(const Value& doc, const Value& schema);

}  // namespace gatehouse::rego::builtins
