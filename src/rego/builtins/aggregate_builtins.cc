// Aggregates: count, sum, product, max, min, sort, all, any.
#include <algorithm>
#include <cmath>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/wide_number.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

BuiltinResult Count(BuiltinContext&, std::span<const Value> args) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kString:
      return Return(Value::Int(static_cast<std::int64_t>(builtins::RuneCount(a.AsString()))));
    case ValueKind::kArray:
    case ValueKind::kSet:
    case ValueKind::kObject:
      return Return(Value::Int(static_cast<std::int64_t>(a.size())));
    default:
      return OperandTypeError("count", 1, "one of {array, object, set, string}", a);
  }
}

// Sums or multiplies in int64 while that is exact; otherwise as wide_number.h does it.
BuiltinResult Accumulate(std::string_view name, std::span<const Value> args, bool product) {
  const Value& a = args[0];
  if (!a.is_array() && !a.is_set()) return OperandTypeError(name, 1, "one of {set, array}", a);
  for (const auto& x : a.Items()) {
    if (!x.is_number()) return builtins::ElementTypeError(name, 1, a, "number", x);
  }
  std::int64_t acc = product ? 1 : 0;
  for (const auto& x : a.Items()) {
    std::int64_t next = 0;
    if (!x.is_int() || (product ? __builtin_mul_overflow(acc, *x.AsInt(), &next)
                                : __builtin_add_overflow(acc, *x.AsInt(), &next))) {
      auto wide = builtins::WideAggregate(name, product, a.Items());
      if (!wide) return wide.error();
      return Return(std::move(wide).value());
    }
    acc = next;
  }
  return Return(Value::Int(acc));
}

BuiltinResult Sum(BuiltinContext&, std::span<const Value> args) {
  return Accumulate("sum", args, false);
}
BuiltinResult Product(BuiltinContext&, std::span<const Value> args) {
  return Accumulate("product", args, true);
}

BuiltinResult Extreme(std::string_view name, std::span<const Value> args, bool want_max) {
  const Value& a = args[0];
  if (!a.is_array() && !a.is_set()) return OperandTypeError(name, 1, "one of {set, array}", a);
  auto items = a.Items();
  if (items.empty()) return builtins::Undefined();
  auto it = want_max ? std::max_element(items.begin(), items.end())
                     : std::min_element(items.begin(), items.end());
  return Return(*it);
}

BuiltinResult Max(BuiltinContext&, std::span<const Value> args) {
  return Extreme("max", args, true);
}
BuiltinResult Min(BuiltinContext&, std::span<const Value> args) {
  return Extreme("min", args, false);
}

BuiltinResult Sort(BuiltinContext&, std::span<const Value> args) {
  const Value& a = args[0];
  if (!a.is_array() && !a.is_set()) return OperandTypeError("sort", 1, "one of {set, array}", a);
  std::vector<Value> items(a.Items().begin(), a.Items().end());
  std::stable_sort(items.begin(), items.end());
  return Return(Value::Array(std::move(items)));
}

BuiltinResult AllOrAny(std::string_view name, std::span<const Value> args, bool all) {
  const Value& a = args[0];
  if (!a.is_array() && !a.is_set()) return OperandTypeError(name, 1, "one of {array, set}", a);
  const Value t = Value::Bool(true);
  for (const auto& x : a.Items()) {
    bool is_true = x == t;
    if (all && !is_true) return builtins::ReturnBool(false);
    if (!all && is_true) return builtins::ReturnBool(true);
  }
  return builtins::ReturnBool(all);
}

BuiltinResult All(BuiltinContext&, std::span<const Value> args) {
  return AllOrAny("all", args, true);
}
BuiltinResult Any(BuiltinContext&, std::span<const Value> args) {
  return AllOrAny("any", args, false);
}

}  // namespace

void RegisterAggregateBuiltins(BuiltinRegistry& r) {
  constexpr TypeMask kColl = kTArray | kTSet;
  builtins::Add(r, "count", {kTArray | kTObject | kTSet | kTString}, kTNumber, Count);
  builtins::Add(r, "sum", {kColl}, kTNumber, Sum);
  builtins::Add(r, "product", {kColl}, kTNumber, Product);
  builtins::Add(r, "max", {kColl}, kTAny, Max);
  builtins::Add(r, "min", {kColl}, kTAny, Min);
  builtins::Add(r, "sort", {kColl}, kTArray, Sort);
  builtins::Add(r, "all", {kColl}, kTBool, All);
  builtins::Add(r, "any", {kColl}, kTBool, Any);
}

}  // namespace gatehouse::rego
