// trace(note): OPA adds the note to the evaluation's explanation and returns true. gatehouse has
// no explanation (tracing) output yet, so the note goes nowhere; the call still type-checks its
// argument and is true, so policies that use it evaluate as under OPA.
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_namespaces.h"

namespace gatehouse::rego {
namespace {

BuiltinResult Trace(BuiltinContext&, std::span<const Value> args) {
  if (!args[0].is_string()) return OperandTypeError("trace", 1, "string", args[0]);
  return std::optional<Value>(Value::Bool(true));
}

}  // namespace

void RegisterDebugBuiltins(BuiltinRegistry& r) {
  r.Add(Builtin{.name = "trace", .params = {kTString}, .result = kTBool, .fn = Trace});
}

}  // namespace gatehouse::rego
