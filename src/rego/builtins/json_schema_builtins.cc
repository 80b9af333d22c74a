// json.match_schema, json.verify_schema: JSON Schema checks (json_schema.h) with OPA's result
// shapes ([ok, errors] and [ok, error-or-null]).
#include <string>
#include <vector>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/json_schema.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

Result<Value> JsonOrValue(std::string_view name, const Value& v, int n) {
  if (!v.is_string()) {
    if (!v.is_object() && !v.is_bool())
      return OperandTypeError(name, n, "one of {string, object}", v);
    return v;
  }
  auto parsed = ParseJsonText(v.AsString());
  if (!parsed) return BuiltinError(name, "operand " + std::to_string(n) + " is not valid JSON");
  return std::move(*parsed);
}

BuiltinResult JsonMatchSchema(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "json.match_schema";
  Value doc = args[0];
  if (doc.is_string()) {
    auto parsed = JsonOrValue(kName, doc, 1);
    if (!parsed) return parsed.error();
    doc = std::move(*parsed);
  }
  auto schema = JsonOrValue(kName, args[1], 2);
  if (!schema) return schema.error();
  auto errors = builtins::ValidateSchema(doc, *schema);
  if (!errors) return BuiltinError(kName, errors.error().message);
  std::vector<Value> list;
  for (const auto& e : *errors) {
    list.push_back(Value::Object({
        {Value::String("error"), Value::String(e.field + ": " + e.desc)},
        {Value::String("desc"), Value::String(e.desc)},
        {Value::String("field"), Value::String(e.field)},
        {Value::String("type"), Value::String(e.type)},
    }));
  }
  const bool ok = list.empty();
  return Return(Value::Array({Value::Bool(ok), Value::Array(std::move(list))}));
}

BuiltinResult JsonVerifySchema(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "json.verify_schema";
  auto schema = JsonOrValue(kName, args[0], 1);
  if (!schema) {
    if (schema.error().code == RegoError::kEvalType) return schema.error();
    return Return(Value::Array({Value::Bool(false), Value::String(schema.error().message)}));
  }
  auto ok = builtins::CheckSchema(*schema);
  if (!ok) return Return(Value::Array({Value::Bool(false), Value::String(ok.error().message)}));
  return Return(Value::Array({Value::Bool(true), Value::Null()}));
}

}  // namespace

void RegisterJsonSchemaBuiltins(BuiltinRegistry& r) {
  using builtins::Add;
  Add(r, "json.match_schema", {kTString | kTObject, kTString | kTObject}, kTArray, JsonMatchSchema);
  Add(r, "json.verify_schema", {kTString | kTObject}, kTArray, JsonVerifySchema);
}

}  // namespace gatehouse::rego
