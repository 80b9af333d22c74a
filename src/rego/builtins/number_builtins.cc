// Arithmetic (plus, minus, mul, div, rem, abs, round, ceil, floor), set operators (minus on
// sets, `and`, `or`), bits.*, numbers.range[_step], units.parse[_bytes].
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

// --- units.parse / units.parse_bytes ---

// Splits "<number><unit>" the way OPA does: the number is digits, '.', signs and exponents
// ('e' followed by a digit or sign); the unit is the rest. Fails when an exponent has more than
// six digits.
bool SplitNumAndUnit(std::string_view s, std::string_view& num, std::string_view& unit) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t first_non_num = std::string_view::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!digit(c) && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      first_non_num = i;
      break;
    }
    if (c == 'e' || c == 'E') {
      if (i + 1 == s.size() || (!digit(s[i + 1]) && s[i + 1] != '+' && s[i + 1] != '-')) {
        first_non_num = i;
        break;
      }
      if (s[i + 1] == '+' || s[i + 1] == '-') ++i;
      std::size_t end = i + 1;
      while (end < s.size() && digit(s[end])) ++end;
      if (end - (i + 1) > 6) return false;
    }
  }
  if (first_non_num == std::string_view::npos) {
    num = s;
    unit = {};
  } else {
    num = s.substr(0, first_non_num);
    unit = s.substr(first_non_num);
  }
  return true;
}

// A decimal number as significant digits and a power of ten (value = sign * digits * 10^exp).
struct Decimal {
  bool negative = false;
  std::string digits;  // no leading zeros; empty means zero
  long exp = 0;
};

// Go's big.Rat/big.Float SetString syntax for plain decimals: [+-]digits[.digits][e[+-]digits].
std::optional<Decimal> ParseDecimal(std::string_view s) {
  Decimal d;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) d.negative = s[i++] == '-';
  bool any_digit = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (!(d.digits.empty() && c == '0')) d.digits += c;
      if (dot) --d.exp;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return std::nullopt;
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == s.size()) return std::nullopt;
    long e = 0;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      e = e * 10 + (s[i] - '0');
      if (e > 100000000) return std::nullopt;
    }
    d.exp += neg ? -e : e;
  }
  return d;
}

double DecimalToDouble(const Decimal& d, long extra_exp) {
  if (d.digits.empty()) return 0;
  std::string text = (d.negative ? "-" : "") + d.digits + "e" + std::to_string(d.exp + extra_exp);
  return std::strtod(text.c_str(), nullptr);
}

// The exact integer value, when it is one and fits int64.
std::optional<std::int64_t> DecimalToInt(const Decimal& d, long extra_exp, int binary_shift) {
  if (d.digits.empty()) return 0;
  long exp = d.exp + extra_exp;
  std::string digits = d.digits;
  while (exp < 0 && !digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exp;
  }
  if (digits.size() > 18) return std::nullopt;
  __int128 v = std::stoll(digits);
  if (exp > 0) {
    if (exp > 19) return std::nullopt;
    for (long k = 0; k < exp; ++k) v *= 10;
  }
  if (binary_shift > 0) {
    if (v > (static_cast<__int128>(1) << 62)) return std::nullopt;
    v <<= binary_shift;
  }
  if (exp < 0) {
    if (exp < -38) return std::nullopt;
    __int128 p = 1;
    for (long k = 0; k < -exp; ++k) p *= 10;
    if (v % p != 0) return std::nullopt;
    v /= p;
  }
  if (d.negative) v = -v;
  if (v < INT64_MIN || v > INT64_MAX) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::string StripQuotes(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '"') out += c;
  }
  return out;
}

BuiltinResult UnitsParse(BuiltinContext&, std::span<const Value> a) {
  constexpr std::string_view kName = "units.parse";
  if (!a[0].is_string()) return OperandTypeError(kName, 1, "string", a[0]);
  std::string s = StripQuotes(a[0].AsString());
  if (s.find(' ') != std::string::npos) {
    return BuiltinError(kName, "spaces not allowed in resource strings");
  }
  std::string_view num, unit_view;
  if (!SplitNumAndUnit(s, num, unit_view)) return BuiltinError(kName, "exponent too large");
  if (num.empty()) return BuiltinError(kName, "no amount provided");
  std::string unit(unit_view);
  for (std::size_t i = 1; i < unit.size(); ++i) {
    unit[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(unit[i])));
  }
  long pow10 = 0;
  int pow2 = 0;
  if (unit == "m") {
    pow10 = -3;
  } else if (unit.empty()) {
  } else {
    static constexpr std::string_view kPrefixes = "kmgtpe";
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(unit[0])));
    auto idx = kPrefixes.find(p);
    bool binary = unit.size() == 2 && unit[1] == 'i';
    if (idx == std::string_view::npos || unit.size() > 2 || (unit.size() == 2 && !binary) ||
        (unit[0] == 'm' && !binary)) {
      return BuiltinError(kName, "unit " + unit + " not recognized");
    }
    if (binary) {
      pow2 = 10 * static_cast<int>(idx + 1);
    } else {
      pow10 = 3 * static_cast<long>(idx + 1);
    }
  }
  auto dec = ParseDecimal(num);
  if (!dec) return BuiltinError(kName, "could not parse amount to a number");
  if (auto i = DecimalToInt(*dec, pow10, pow2)) return Return(Value::Int(*i));
  double d = std::ldexp(DecimalToDouble(*dec, pow10), pow2);
  if (!std::isfinite(d)) return BuiltinError(kName, "number out of range");
  if (d != std::trunc(d)) {
    // OPA prints non-integers with ten decimals.
    char buf[512];
    std::snprintf(buf, sizeof(buf), "%.10f", d);
    d = std::strtod(buf, nullptr);
  }
  return Return(Value::Number(d));
}

BuiltinResult UnitsParseBytes(BuiltinContext&, std::span<const Value> a) {
  constexpr std::string_view kName = "units.parse_bytes";
  if (!a[0].is_string()) return OperandTypeError(kName, 1, "string", a[0]);
  std::string s = StripQuotes(a[0].AsString());
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s.find(' ') != std::string::npos) {
    return BuiltinError(kName, "spaces not allowed in resource strings");
  }
  std::string_view num, unit;
  if (!SplitNumAndUnit(s, num, unit)) return BuiltinError(kName, "exponent too large");
  if (num.empty()) return BuiltinError(kName, "no byte amount provided");
  long pow10 = 0;
  int pow2 = 0;
  if (!unit.empty()) {
    static constexpr std::string_view kPrefixes = "kmgtpe";
    auto idx = kPrefixes.find(unit[0]);
    std::string_view rest = unit.substr(1);
    if (idx == std::string_view::npos ||
        !(rest.empty() || rest == "b" || rest == "i" || rest == "ib")) {
      return BuiltinError(kName, "byte unit " + std::string(unit) + " not recognized");
    }
    if (!rest.empty() && rest[0] == 'i') {
      pow2 = 10 * static_cast<int>(idx + 1);
    } else {
      pow10 = 3 * static_cast<long>(idx + 1);
    }
  }
  auto dec = ParseDecimal(num);
  if (!dec) return BuiltinError(kName, "could not parse byte amount to a number");
  if (auto i = DecimalToInt(*dec, pow10, pow2)) return Return(Value::Int(*i));
  double d = std::trunc(std::ldexp(DecimalToDouble(*dec, pow10), pow2));
  if (!std::isfinite(d)) return BuiltinError(kName, "number out of range");
  return Return(Value::Number(d));
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
  builtins::Add(r, "bits.and", {kN, kN}, kN, BitsAnd);
  builtins::Add(r, "bits.or", {kN, kN}, kN, BitsOr);
  builtins::Add(r, "bits.xor", {kN, kN}, kN, BitsXor);
  builtins::Add(r, "bits.negate", {kN}, kN, BitsNegate);
  builtins::Add(r, "bits.lsh", {kN, kN}, kN, BitsLsh);
  builtins::Add(r, "bits.rsh", {kN, kN}, kN, BitsRsh);
  builtins::Add(r, "numbers.range", {kN, kN}, kTArray, NumbersRange);
  builtins::Add(r, "numbers.range_step", {kN, kN, kN}, kTArray, NumbersRangeStep);
  builtins::Add(r, "units.parse", {kTString}, kN, UnitsParse);
  builtins::Add(r, "units.parse_bytes", {kTString}, kN, UnitsParseBytes);
}

}  // namespace gatehouse::rego
