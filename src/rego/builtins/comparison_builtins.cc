// Comparison operators: equal (==), neq (!=), lt, lte, gt, gte, over any values in OPA's order.
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"

namespace gatehouse::rego {
namespace {

BuiltinResult Equal(BuiltinContext&, std::span<const Value> a) {
  return builtins::ReturnBool(Compare(a[0], a[1]) == 0);
}
BuiltinResult Neq(BuiltinContext&, std::span<const Value> a) {
  return builtins::ReturnBool(Compare(a[0], a[1]) != 0);
}
BuiltinResult Lt(BuiltinContext&, std::span<const Value> a) {
  return builtins::ReturnBool(Compare(a[0], a[1]) < 0);
}
BuiltinResult Lte(BuiltinContext&, std::span<const Value> a) {
  return builtins::ReturnBool(Compare(a[0], a[1]) <= 0);
}
BuiltinResult Gt(BuiltinContext&, std::span<const Value> a) {
  return builtins::ReturnBool(Compare(a[0], a[1]) > 0);
}
BuiltinResult Gte(BuiltinContext&, std::span<const Value> a) {
  return builtins::ReturnBool(Compare(a[0], a[1]) >= 0);
}

}  // namespace

void RegisterComparisonBuiltins(BuiltinRegistry& r) {
  builtins::Add(r, "equal", {kTAny, kTAny}, kTBool, Equal);
  builtins::Add(r, "neq", {kTAny, kTAny}, kTBool, Neq);
  builtins::Add(r, "lt", {kTAny, kTAny}, kTBool, Lt);
  builtins::Add(r, "lte", {kTAny, kTAny}, kTBool, Lte);
  builtins::Add(r, "gt", {kTAny, kTAny}, kTBool, Gt);
  builtins::Add(r, "gte", {kTAny, kTAny}, kTBool, Gte);
}

}  // namespace gatehouse::rego
