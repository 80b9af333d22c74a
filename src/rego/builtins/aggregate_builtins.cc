// Aggregates: count, sum, product, max, min, sort, all, any.
#include <algorithm>
#include <cmath>

#include "rego/builtins/b1_util.h"
#include "rego/builtins/builtin.h"

namespace gatehouse::rego {
namespace {

using b1::Return;

BuiltinResult Count(BuiltinContext&, std::span<const Value> args) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kString:
      return Return(Value::Int(static_cast<std::int64_t>(b1::RuneCount(a.AsString()))));
    case ValueKind::kArray:
    case ValueKind::kSet:
    case ValueKind::kObject:
      return Return(Value::Int(static_cast<std::int64_t>(a.size())));
    default:
      return OperandTypeError("count", 1, "one of {array, object, set, string}", a);
  }
}

// Sums or multiplies exactly in int64 while possible, then in double.
BuiltinResult Accumulate(std::string_view name, std::span<const Value> args, bool product) {
  const Value& a = args[0];
  if (!a.is_array() && !a.is_set()) return OperandTypeError(name, 1, "one of {set, array}", a);
  for (const auto& x : a.Items()) {
    if (!x.is_number()) return b1::ElementTypeError(name, 1, a, "number", x);
  }
  std::int64_t acc_i = product ? 1 : 0;
  bool exact = true;
  double acc_d = product ? 1.0 : 0.0;
  for (const auto& x : a.Items()) {
    if (exact && x.is_int()) {
      std::int64_t next = 0;
      bool overflow = product ? __builtin_mul_overflow(acc_i, *x.AsInt(), &next)
                              : __builtin_add_overflow(acc_i, *x.AsInt(), &next);
      if (!overflow) {
        acc_i = next;
        continue;
      }
    }
    if (exact) {
      exact = false;
      acc_d = static_cast<double>(acc_i);
    }
    acc_d = product ? acc_d * *x.AsDouble() : acc_d + *x.AsDouble();
  }
  if (exact) return Return(Value::Int(acc_i));
  return Return(Value::Number(acc_d));
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
  if (items.empty()) return b1::Undefined();
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
    if (all && !is_true) return b1::ReturnBool(false);
    if (!all && is_true) return b1::ReturnBool(true);
  }
  return b1::ReturnBool(all);
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
  b1::Add(r, "count", {kTArray | kTObject | kTSet | kTString}, kTNumber, Count);
  b1::Add(r, "sum", {kColl}, kTNumber, Sum);
  b1::Add(r, "product", {kColl}, kTNumber, Product);
  b1::Add(r, "max", {kColl}, kTAny, Max);
  b1::Add(r, "min", {kColl}, kTAny, Min);
  b1::Add(r, "sort", {kColl}, kTArray, Sort);
  b1::Add(r, "all", {kColl}, kTBool, All);
  b1::Add(r, "any", {kColl}, kTBool, Any);
}

}  // namespace gatehouse::rego
