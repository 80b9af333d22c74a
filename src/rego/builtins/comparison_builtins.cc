// Comparison operators: equal (==), neq (!=), lt, lte, gt, gte, over any values in OPA's order.
#include "rego/builtins/b1_util.h"
#include "rego/builtins/builtin.h"

namespace gatehouse::rego {
namespace {

BuiltinResult Equal(BuiltinContext&, std::span<const Value> a) {
  return b1::ReturnBool(Compare(a[0], a[1]) == 0);
}
BuiltinResult Neq(BuiltinContext&, std::span<const Value> a) {
  return b1::ReturnBool(Compare(a[0], a[1]) != 0);
}
BuiltinResult Lt(BuiltinContext&, std::span<const Value> a) {
  return b1::ReturnBool(Compare(a[0], a[1]) < 0);
}
BuiltinResult Lte(BuiltinContext&, std::span<const Value> a) {
  return b1::ReturnBool(Compare(a[0], a[1]) <= 0);
}
BuiltinResult Gt(BuiltinContext&, std::span<const Value> a) {
  return b1::ReturnBool(Compare(a[0], a[1]) > 0);
}
BuiltinResult Gte(BuiltinContext&, std::span<const Value> a) {
  return b1::ReturnBool(Compare(a[0], a[1]) >= 0);
}

}  // namespace

void RegisterComparisonBuiltins(BuiltinRegistry& r) {
  b1::Add(r, "equal", {kTAny, kTAny}, kTBool, Equal);
  b1::Add(r, "neq", {kTAny, kTAny}, kTBool, Neq);
  b1::Add(r, "lt", {kTAny, kTAny}, kTBool, Lt);
  b1::Add(r, "lte", {kTAny, kTAny}, kTBool, Lte);
  b1::Add(r, "gt", {kTAny, kTAny}, kTBool, Gt);
  b1::Add(r, "gte", {kTAny, kTAny}, kTBool, Gte);
}

}  // namespace gatehouse::rego
