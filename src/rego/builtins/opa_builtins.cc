// opa.runtime: the runtime document the evaluation was configured with (BuiltinContext::runtime);
// rego.parse_module: a module's text to OPA's JSON form of its AST (rego/ast_json.h).
#include <algorithm>
#include <string>

#include "rego/ast_json.h"
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/parser.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

BuiltinResult OpaRuntime(BuiltinContext& ctx, std::span<const Value>) {
  return Return(ctx.runtime);
}

// Rego v1, as OPA 1.x parses. A parse error reads as OPA's: "1 error occurred: <file>:<row>:
// <col>: rego_parse_error: <message>".
BuiltinResult RegoParseModule(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "rego.parse_module";
  if (!a[0].is_string()) return OperandTypeError(kName, 1, "string", a[0]);
  if (!a[1].is_string()) return OperandTypeError(kName, 2, "string", a[1]);
  ParseLimits limits;
  limits.max_bytes = std::min(limits.max_bytes, ctx.limits.max_output_bytes);
  auto module = ParseModule(a[0].AsString(), a[1].AsString(), RegoVersion::kV1, limits);
  if (!module) {
    std::string message = module.error().message;
    std::string where;
    const std::string prefix = std::string(a[0].AsString()) + ":";
    if (message.starts_with(prefix)) {
      // "<file>:<row>:<col>: <text>"
      std::size_t colon = message.find(':', prefix.size());
      if (colon != std::string::npos) colon = message.find(':', colon + 1);
      if (colon != std::string::npos && message.compare(colon, 2, ": ") == 0) {
        where = message.substr(0, colon + 2);
        message = message.substr(colon + 2);
      }
    }
    return BuiltinError(kName, "1 error occurred: " + where +
                                   std::string(module.error().code.wire()) + ": " + message);
  }
  return Return(FromJson(ModuleToJson(*module)));
}

}  // namespace

void RegisterOpaBuiltins(BuiltinRegistry& r) {
  builtins::Add(r, "opa.runtime", {}, kTObject, OpaRuntime);
  builtins::Add(r, "rego.parse_module", {kTString, kTString}, kTObject, RegoParseModule);
}

}  // namespace gatehouse::rego
