// Arithmetic (plus, minus, mul, div, rem, abs, round, ceil, floor), set operators (minus on
// sets, `and`, `or`, the deprecated set_diff), bits.*, numbers.range[_step]. (units.* is in
// units_builtins.cc.)
//
// Like OPA, integers are exact at any size; int64 and double are the fast paths, and what they
// cannot hold goes to wide_number.h.
#include <cmath>
#include <cstdlib>
#include <string>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/wide_number.h"

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

BuiltinResult FromWide(Result<Value> r) {
  if (!r) return r.error();
  return Return(std::move(r).value());
}

// What OPA's math/big does after the int64 fast path: integers of any size exactly, other
// numbers at big.Float's 64-bit precision.
BuiltinResult Arithmetic(std::string_view name, builtins::WideOp op, const Value& a,
                         const Value& b) {
  if (builtins::IsIntegral(a) && builtins::IsIntegral(b)) {
    auto exact = builtins::IntegerArithmetic(name, op, a, b);
    if (!exact) return exact.error();
    if (exact->has_value()) return *exact;  // a quotient that is not an integer is a float
  }
  return FromWide(builtins::FloatArithmetic(name, op, a, b));
}

BuiltinResult Plus(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("plus", a); !ok) return ok.error();
  std::int64_t r = 0;
  if (a[0].is_int() && a[1].is_int() && !__builtin_add_overflow(*a[0].AsInt(), *a[1].AsInt(), &r)) {
    return Return(Value::Int(r));
  }
  return Arithmetic("plus", builtins::WideOp::kPlus, a[0], a[1]);
}

BuiltinResult Mul(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("mul", a); !ok) return ok.error();
  std::int64_t r = 0;
  if (a[0].is_int() && a[1].is_int() && !__builtin_mul_overflow(*a[0].AsInt(), *a[1].AsInt(), &r)) {
    return Return(Value::Int(r));
  }
  return Arithmetic("mul", builtins::WideOp::kMul, a[0], a[1]);
}

BuiltinResult Minus(BuiltinContext&, std::span<const Value> a) {
  if (a[0].is_number() && a[1].is_number()) {
    std::int64_t r = 0;
    if (a[0].is_int() && a[1].is_int() &&
        !__builtin_sub_overflow(*a[0].AsInt(), *a[1].AsInt(), &r)) {
      return Return(Value::Int(r));
    }
    return Arithmetic("minus", builtins::WideOp::kMinus, a[0], a[1]);
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

// A zero of any form (0, 0.0; a big number is never zero).
bool IsZero(const Value& v) { return !v.is_big_number() && *v.AsDouble() == 0; }

BuiltinResult Div(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("div", a); !ok) return ok.error();
  if (IsZero(a[1])) return BuiltinError("div", "divide by zero");
  if (a[0].is_int() && a[1].is_int()) {
    std::int64_t x = *a[0].AsInt(), y = *a[1].AsInt();
    if (!(y == -1 && x == INT64_MIN) && x % y == 0) return Return(Value::Int(x / y));
  }
  // Integers that divide exactly give the integer (1e109 / 1e100 is 1000000000), others a float.
  return Arithmetic("div", builtins::WideOp::kDiv, a[0], a[1]);
}

BuiltinResult Rem(BuiltinContext&, std::span<const Value> a) {
  if (auto ok = CheckNumbers("rem", a); !ok) return ok.error();
  if (!builtins::IsIntegral(a[0]) || !builtins::IsIntegral(a[1])) {
    return BuiltinError("rem", "modulo on floating-point number");
  }
  if (IsZero(a[1])) return BuiltinError("rem", "modulo by zero");
  if (a[0].is_int() && a[1].is_int()) {
    std::int64_t x = *a[0].AsInt(), y = *a[1].AsInt();
    if (y == -1) return Return(Value::Int(0));
    return Return(Value::Int(x % y));
  }
  auto exact = builtins::IntegerArithmetic("rem", builtins::WideOp::kRem, a[0], a[1]);
  if (!exact) return exact.error();
  return *exact;
}

BuiltinResult Unary(std::string_view name, std::span<const Value> a, builtins::WideUnary op) {
  if (auto ok = CheckNumbers(name, a); !ok) return ok.error();
  return FromWide(builtins::UnaryArithmetic(name, op, a[0]));
}

BuiltinResult AbsFn(BuiltinContext&, std::span<const Value> a) {
  return Unary("abs", a, builtins::WideUnary::kAbs);
}
BuiltinResult RoundFn(BuiltinContext&, std::span<const Value> a) {
  return Unary("round", a, builtins::WideUnary::kRound);
}
BuiltinResult CeilFn(BuiltinContext&, std::span<const Value> a) {
  return Unary("ceil", a, builtins::WideUnary::kCeil);
}
BuiltinResult FloorFn(BuiltinContext&, std::span<const Value> a) {
  return Unary("floor", a, builtins::WideUnary::kFloor);
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

// bits.*: int64 first, any size after (two's complement, as big.Int).
template <typename Op>
BuiltinResult Bits(std::string_view name, std::span<const Value> a, builtins::BitsOp wide, Op op) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (auto ok = builtins::CheckIntegerArg(name, a, i); !ok) return ok.error();
  }
  if (auto r = op(a); r) return Return(Value::Int(*r));
  return FromWide(builtins::BitsArithmetic(name, wide, a[0], a.size() > 1 ? a[1] : a[0]));
}

template <std::int64_t (*F)(std::int64_t, std::int64_t)>
std::optional<std::int64_t> BothInt(std::span<const Value> a) {
  if (!a[0].is_int() || !a[1].is_int()) return std::nullopt;
  return F(*a[0].AsInt(), *a[1].AsInt());
}

std::int64_t And(std::int64_t x, std::int64_t y) { return x & y; }
std::int64_t Or(std::int64_t x, std::int64_t y) { return x | y; }
std::int64_t Xor(std::int64_t x, std::int64_t y) { return x ^ y; }

BuiltinResult BitsAnd(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.and", a, builtins::BitsOp::kAnd, BothInt<And>);
}
BuiltinResult BitsOr(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.or", a, builtins::BitsOp::kOr, BothInt<Or>);
}
BuiltinResult BitsXor(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.xor", a, builtins::BitsOp::kXor, BothInt<Xor>);
}
BuiltinResult BitsNegate(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.negate", a, builtins::BitsOp::kNegate,
              [](std::span<const Value> v) -> std::optional<std::int64_t> {
                if (!v[0].is_int()) return std::nullopt;
                return ~*v[0].AsInt();
              });
}

std::optional<std::int64_t> ShiftLeft(std::span<const Value> a) {
  if (!a[0].is_int() || !a[1].is_int() || *a[1].AsInt() < 0 || *a[1].AsInt() >= 63) {
    return std::nullopt;
  }
  __int128 r = static_cast<__int128>(*a[0].AsInt()) << *a[1].AsInt();
  if (r < INT64_MIN || r > INT64_MAX) return std::nullopt;
  return static_cast<std::int64_t>(r);
}

std::optional<std::int64_t> ShiftRight(std::span<const Value> a) {
  if (!a[0].is_int() || !a[1].is_int() || *a[1].AsInt() < 0) return std::nullopt;
  // Arithmetic shift, as big.Int.Rsh: rounds towards negative infinity.
  if (*a[1].AsInt() >= 63) return *a[0].AsInt() < 0 ? -1 : 0;
  return *a[0].AsInt() >> *a[1].AsInt();
}

BuiltinResult BitsLsh(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.lsh", a, builtins::BitsOp::kLsh, ShiftLeft);
}
BuiltinResult BitsRsh(BuiltinContext&, std::span<const Value> a) {
  return Bits("bits.rsh", a, builtins::BitsOp::kRsh, ShiftRight);
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
  constexpr std::string_view kName = "numbers.range";
  for (std::size_t i = 0; i < 2; ++i) {
    if (auto ok = builtins::CheckIntegerArg(kName, a, i); !ok) return ok.error();
  }
  if (a[0].is_int() && a[1].is_int()) return Range(ctx, kName, *a[0].AsInt(), *a[1].AsInt(), 1);
  return FromWide(
      builtins::IntegerRange(kName, a[0], a[1], Value::Int(1), ctx.limits.max_range_items));
}

BuiltinResult NumbersRangeStep(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "numbers.range_step";
  for (std::size_t i = 0; i < 3; ++i) {
    if (auto ok = builtins::CheckIntegerArg(kName, a, i); !ok) return ok.error();
  }
  if (Compare(a[2], Value::Int(0)) <= 0) {
    return BuiltinError(kName, "step must be a positive integer");
  }
  if (a[0].is_int() && a[1].is_int() && a[2].is_int()) {
    return Range(ctx, kName, *a[0].AsInt(), *a[1].AsInt(), *a[2].AsInt());
  }
  return FromWide(builtins::IntegerRange(kName, a[0], a[1], a[2], ctx.limits.max_range_items));
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
