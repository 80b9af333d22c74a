// Arithmetic (plus, minus, mul, div, rem, abs, round, ceil, floor), set operators (minus on
// sets, `and`, `or`, the deprecated set_diff), bits.*, numbers.range[_step]. (units.* is in
// units_builtins.cc.)
//
// OPA computes with arbitrary precision; here integers stay exact in int64 and everything else
// (overflow included) falls back to double.
#include <cmath>
#include <cstdlib>
#include <string>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

Result<bool> CheckNumbers(std::string_view name, std::span<const Value> args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!args[i].is_number()) {
      return OperandTypeError(name, static_cast<int>(i + 1), "number", args[i]);
    }
  }
  return true;
}

BuiltinResult NumberResult(std::string_view name, double d) {
  if (!std::isfinite(d)) return BuiltinError(name, "number out of range");
  return Return(Value::Number(d));
}

BuiltinResult Plus(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("plus", a); !ok) return ok.error();
  std::int64_t r = 0;
  if (a[0].is_int() && a[1].is_int() && !__builtin_add_overflow(*a[0].AsInt(), *a[1].AsInt(), &r)) {
    return Return(Value::Int(r));
  }
  return NumberResult("plus", *a[0].AsDouble() + *a[1].AsDouble());
}

BuiltinResult Mul(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("mul", a); !ok) return ok.error();
  std::int64_t r = 0;
  if (a[0].is_int() && a[1].is_int() && !__builtin_mul_overflow(*a[0].AsInt(), *a[1].AsInt(), &r)) {
    return Return(Value::Int(r));
  }
  return NumberResult("mul", *a[0].AsDouble() * *a[1].AsDouble());
}

BuiltinResult Minus(BuiltinContext&, std::span<const Value> a) {
  if (a[0].is_number() && a[1].is_number()) {
    std::int64_t r = 0;
    if (a[0].is_int() && a[1].is_int() &&
        !__builtin_sub_overflow(*a[0].AsInt(), *a[1].AsInt(), &r)) {
      return Return(Value::Int(r));
    }
    return NumberResult("minus", *a[0].AsDouble() - *a[1].AsDouble());
  }
  if (a[0].is_set() && a[1].is_set()) {
    std::vector<Value> out;
    for (const auto& x : a[0].Items()) {
      if (!a[1].Contains(x)) out.push_back(x);
    }
    return Return(Value::Set(std::move(out)));
  }
  if (!a[0].is_number() && !a[0].is_set()) {
    return OperandTypeError("minus", 1, "one of {number, set}", a[0]);
  }
  if (a[1].is_number()) return OperandTypeError("minus", 2, "set", a[1]);
  return OperandTypeError("minus", 2, "number", a[1]);
}

BuiltinResult Div(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("div", a); !ok) return ok.error();
  if (*a[1].AsDouble() == 0) return BuiltinError("div", "divide by zero");
  if (a[0].is_int() && a[1].is_int()) {
    std::int64_t x = *a[0].AsInt(), y = *a[1].AsInt();
    if (!(y == -1 && x == INT64_MIN) && x % y == 0) return Return(Value::Int(x / y));
  }
  return NumberResult("div", *a[0].AsDouble() / *a[1].AsDouble());
}

BuiltinResult Rem(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("rem", a); !ok) return ok.error();
  if (!builtins::IsIntegral(a[0]) || !builtins::IsIntegral(a[1])) {
    return BuiltinError("rem", "modulo on floating-point number");
  }
  if (*a[1].AsDouble() == 0) return BuiltinError("rem", "modulo by zero");
  if (a[0].is_int() && a[1].is_int()) {
    std::int64_t x = *a[0].AsInt(), y = *a[1].AsInt();
    if (y == -1) return Return(Value::Int(0));
    return Return(Value::Int(x % y));
  }
  return NumberResult("rem", std::fmod(*a[0].AsDouble(), *a[1].AsDouble()));
}

BuiltinResult Unary(std::string_view name, std::span<const Value> a, double (*f)(double)) {
  if (auto ok = CheckNumbers(name, a); !ok) return ok.error();
  if (a[0].is_int()) {
    std::int64_t x = *a[0].AsInt();
    if (name != "abs") return Return(a[0]);
    if (x != INT64_MIN) return Return(Value::Int(x < 0 ? -x : x));
  }
  return NumberResult(name, f(*a[0].AsDouble()));
}

// Go's math.Round: half away from zero.
double RoundHalfAway(double d) { return std::round(d); }
double Abs(double d) { return std::fabs(d); }
double Ceil(double d) { return std::ceil(d); }
double Floor(double d) { return std::floor(d); }

BuiltinResult AbsFn(BuiltinContext&, std::span<const Value> a) { return Unary("abs", a, Abs); }
BuiltinResult RoundFn(BuiltinContext&, std::span<const Value> a) {
  return Unary("round", a, RoundHalfAway);
}
BuiltinResult CeilFn(BuiltinContext&, std::span<const Value> a) { return Unary("ceil", a, Ceil); }
BuiltinResult FloorFn(BuiltinContext&, std::span<const Value> a) {
  return Unary("floor", a, Floor);
}

// Set operators `&` and `|`.
BuiltinResult SetAnd(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_set()) return OperandTypeError("and", 1, "set", a[0]);
  if (!a[1].is_set()) return OperandTypeError("and", 2, "set", a[1]);
  std::vector<Value> out;
  for (const auto& x : a[0].Items()) {
    if (a[1].Contains(x)) out.push_back(x);
  }
  return Return(Value::Set(std::move(out)));
}

// The deprecated set_diff(a, b): a - b for two sets (OPA keeps it for v0 policies).
BuiltinResult SetDiff(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_set()) return OperandTypeError("set_diff", 1, "set", a[0]);
  if (!a[1].is_set()) return OperandTypeError("set_diff", 2, "set", a[1]);
  std::vector<Value> out;
  for (const auto& x : a[0].Items()) {
    if (!a[1].Contains(x)) out.push_back(x);
  }
  return Return(Value::Set(std::move(out)));
}

BuiltinResult SetOr(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_set()) return OperandTypeError("or", 1, "set", a[0]);
  if (!a[1].is_set()) return OperandTypeError("or", 2, "set", a[1]);
  std::vector<Value> out(a[0].Items().begin(), a[0].Items().end());
  out.insert(out.end(), a[1].Items().begin(), a[1].Items().end());
  return Return(Value::Set(std::move(out)));
}

// An integer operand: "operand N must be integer number but got floating-point number".
Result<std::int64_t> IntOperand(std::string_view name, std::span<const Value> a, std::size_t i) {
  int n = static_cast<int>(i + 1);
  if (!a[i].is_number()) return OperandTypeError(name, n, "number", a[i]);
  if (!a[i].is_int()) {
    if (builtins::IsIntegral(a[i])) return BuiltinError(name, "integer out of range");
    return builtins::TypeError(name, "operand " + std::to_string(n) +
                                         " must be integer number but got floating-point number");
  }
  return *a[i].AsInt();
}

template <typename Op>
BuiltinResult Bits(std::string_view name, std::span<const Value> a, Op op) {
  auto x = IntOperand(name, a, 0);
  if (!x) return x.error();
  auto y = IntOperand(name, a, 1);
  if (!y) return y.error();
  return Return(Value::Int(op(*x, *y)));
}

BuiltinResult BitsAnd(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.and", a, [](std::int64_t x, std::int64_t y) { return x & y; });
}
BuiltinResult BitsOr(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.or", a, [](std::int64_t x, std::int64_t y) { return x | y; });
}
BuiltinResult BitsXor(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.xor", a, [](std::int64_t x, std::int64_t y) { return x ^ y; });
}
BuiltinResult BitsNegate(BuiltinContext&, std::span<const Value> a) {
  auto x = IntOperand("bits.negate", a, 0);
  if (!x) return x.error();
  return Return(Value::Int(~*x));
}

BuiltinResult Shift(std::string_view name, std::span<const Value> a, bool left) {
  auto x = IntOperand(name, a, 0);
  if (!x) return x.error();
  auto y = IntOperand(name, a, 1);
  if (!y) return y.error();
  if (*y < 0) {
    return builtins::TypeError(
        name, "operand 2 must be an unsigned integer number but got a negative integer");
  }
  if (!left) {
    // Arithmetic shift, as big.Int.Rsh: rounds towards negative infinity.
    if (*y >= 63) return Return(Value::Int(*x < 0 ? -1 : 0));
    return Return(Value::Int(*x >> *y));
  }
  if (*x == 0) return Return(Value::Int(0));
  if (*y < 63) {
    __int128 r = static_cast<__int128>(*x) << *y;
    if (r >= INT64_MIN && r <= INT64_MAX) return Return(Value::Int(static_cast<std::int64_t>(r)));
  }
  // Beyond int64: approximate as a double (OPA is exact here).
  if (*y > 1100) return BuiltinError(name, "shift out of range");
  return NumberResult(name, std::ldexp(static_cast<double>(*x), static_cast<int>(*y)));
}

BuiltinResult BitsLsh(BuiltinContext&, std::span<const Value> a) {
  return Shift("bits.lsh", a, true);
}
BuiltinResult BitsRsh(BuiltinContext&, std::span<const Value> a) {
  return Shift("bits.rsh", a, false);
}

BuiltinResult Range(BuiltinContext& ctx, std::string_view name, std::int64_t x, std::int64_t y,
                    std::int64_t step) {
  __int128 span = static_cast<__int128>(x) - y;
  if (span < 0) span = -span;
  __int128 count = span / step + 1;
  if (count > static_cast<__int128>(ctx.limits.max_range_items)) {
    return BuiltinError(name, "range too large");
  }
  std::vector<Value> out;
  out.reserve(static_cast<std::size_t>(count));
  __int128 i = x;
  for (__int128 k = 0; k < count; ++k) {
    out.push_back(Value::Int(static_cast<std::int64_t>(i)));
    i += x <= y ? step : -step;
  }
  return Return(Value::Array(std::move(out)));
}

BuiltinResult NumbersRange(BuiltinContext& ctx, std::span<const Value> a) {
  auto x = IntOperand("numbers.range", a, 0);
  if (!x) return x.error();
  auto y = IntOperand("numbers.range", a, 1);
  if (!y) return y.error();
  return Range(ctx, "numbers.range", *x, *y, 1);
}

BuiltinResult NumbersRangeStep(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "numbers.range_step";
  auto x = IntOperand(kName, a, 0);
  if (!x) return x.error();
  auto y = IntOperand(kName, a, 1);
  if (!y) return y.error();
  auto step = IntOperand(kName, a, 2);
  if (!step) return step.error();
  if (*step <= 0) return BuiltinError(kName, "step must be a positive integer");
  return Range(ctx, kName, *x, *y, *step);
}

}  // namespace

void RegisterNumberBuiltins(BuiltinRegistry& r) {
  constexpr TypeMask kN = kTNumber;
  builtins::Add(r, "plus", {kN, kN}, kN, Plus);
  builtins::Add(r, "minus", {kN | kTSet, kN | kTSet}, kN | kTSet, Minus);
  builtins::Add(r, "mul", {kN, kN}, kN, Mul);
  builtins::Add(r, "div", {kN, kN}, kN, Div);
  builtins::Add(r, "rem", {kN, kN}, kN, Rem);
  builtins::Add(r, "abs", {kN}, kN, AbsFn);
  builtins::Add(r, "round", {kN}, kN, RoundFn);
  builtins::Add(r, "ceil", {kN}, kN, CeilFn);
  builtins::Add(r, "floor", {kN}, kN, FloorFn);
  builtins::Add(r, "and", {kTSet, kTSet}, kTSet, SetAnd);
  builtins::Add(r, "or", {kTSet, kTSet}, kTSet, SetOr);
  builtins::Add(r, "set_diff", {kTSet, kTSet}, kTSet, SetDiff);
  builtins::Add(r, "bits.and", {kN, kN}, kN, BitsAnd);
  builtins::Add(r, "bits.or", {kN, kN}, kN, BitsOr);
  builtins::Add(r, "bits.xor", {kN, kN}, kN, BitsXor);
  builtins::Add(r, "bits.negate", {kN}, kN, BitsNegate);
  builtins::Add(r, "bits.lsh", {kN, kN}, kN, BitsLsh);
  builtins::Add(r, "bits.rsh", {kN, kN}, kN, BitsRsh);
  builtins::Add(r, "numbers.range", {kN, kN}, kTArray, NumbersRange);
  builtins::Add(r, "numbers.range_step", {kN, kN, kN}, kTArray, NumbersRangeStep);
}

}  // namespace gatehouse::rego
