// opa.runtime: the runtime document the evaluation was configured with (BuiltinContext::runtime).
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

BuiltinResult OpaRuntime(BuiltinContext& ctx, std::span<const Value>) {
  return Return(ctx.runtime);
}

}  // namespace

void RegisterOpaBuiltins(BuiltinRegistry& r) {
  builtins::Add(r, "opa.runtime", {}, kTObject, OpaRuntime);
}

}  // namespace gatehouse::rego
