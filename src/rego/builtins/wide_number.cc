#include "rego/builtins/wide_number.h"

#include <gmpxx.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "rego/builtins/builtin_helpers.h"

namespace gatehouse::rego::builtins {
namespace {

Error TooLarge(std::string_view name) { return BuiltinError(name, "number too large"); }

Result<mpz_class> ToInteger(std::string_view name, const Value& v) {
  if (auto i = v.AsInt()) return mpz_class(static_cast<long>(*i));
  std::string digits = value::IntegerDigits(v.ExactValue(), kMaxIntegerDigits);
  if (digits.empty()) return TooLarge(name);
  return mpz_class(digits, 10);
}

Result<Value> FromInteger(std::string_view name, const mpz_class& z) {
  if (z.fits_slong_p()) return Value::Int(z.get_si());
  if (mpz_sizeinbase(z.get_mpz_t(), 10) > kMaxIntegerDigits + 1) return TooLarge(name);
  return IntegerFromDigits(z.get_str(10));
}

// A number at the 64-bit precision of big.Float: ints exactly, a double as the digits it
// stands for, a big number from its text.
long double ToLongDouble(const Value& v) {
  if (auto i = v.AsInt()) return static_cast<long double>(*i);
  if (v.is_big_number()) return std::strtold(std::string(v.BigNumberText()).c_str(), nullptr);
  const double d = *v.AsDouble();
  // Where a double's exact value is its shortest decimal, it converts as is: integers below 2^53,
  // and short dyadic fractions (0.5, 2.25: at most 13 digits, which no other double shares).
  const double magnitude = std::fabs(d);
  if ((magnitude < 9007199254740992.0 && d == std::trunc(d)) ||
      (magnitude < 65536.0 && d * 256 == std::trunc(d * 256))) {
    return static_cast<long double>(d);
  }
  return std::strtold(NumberText(v).c_str(), nullptr);
}

// The shortest digits that read back as `x` at 64-bit precision (big.Float's Text('g', -1)).
Result<Value> FromLongDouble(std::string_view name, long double x) {
  if (!std::isfinite(x)) return BuiltinError(name, "number out of range");
  // Mostly the nearest double's shortest digits already read back as `x`.
  const double nearest = static_cast<double>(x);
  if (std::isfinite(nearest)) {
    char digits[32];
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits) - 1, nearest);
    *end = '\0';
    if (std::strtold(digits, nullptr) == x) return Value::Number(nearest);
  }
  char buf[64];
  for (int precision = 0; precision <= 20; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*Le", precision, x);
    if (std::strtold(buf, nullptr) == x) break;
  }
  auto decimal = value::ParseDecimal(buf);
  if (!decimal) return BuiltinError(name, "number out of range");
  return Value::FromDecimal(*decimal);
}

// The integer part of a number, truncated towards zero, and whether a fraction was dropped
// (with its first digit, for rounding).
struct Truncated {
  value::Decimal whole;
  bool fraction = false;
  int first_fraction_digit = 0;
};

Truncated Truncate(const value::Decimal& d) {
  Truncated t;
  if (d.is_integer()) {
    t.whole = d;
    return t;
  }
  t.fraction = true;
  if (d.exponent <= 0) {
    t.first_fraction_digit = d.exponent == 0 ? d.digits[0] - '0' : 0;
    return t;  // whole is zero
  }
  const auto keep = static_cast<std::size_t>(d.exponent);
  t.first_fraction_digit = d.digits[keep] - '0';
  std::string whole = d.digits.substr(0, keep);
  while (!whole.empty() && whole.back() == '0') whole.pop_back();
  t.whole.negative = d.negative && !whole.empty();
  t.whole.digits = std::move(whole);
  t.whole.exponent = t.whole.digits.empty() ? 0 : d.exponent;
  return t;
}

}  // namespace

std::string IntegerDigits(const Value& a) {
  if (auto i = a.AsInt()) return std::to_string(*i);
  if (!IsIntegral(a)) return "";
  return value::IntegerDigits(a.ExactValue(), kMaxIntegerDigits);
}

std::string IntegerText(const Value& integral, int base) {
  std::string digits = IntegerDigits(integral);
  if (digits.empty()) return "";
  return mpz_class(digits, 10).get_str(base);
}

Value IntegerFromDigits(std::string_view digits) {
  return Value::NumberFromText(digits).value_or(Value::Null());
}

Result<std::optional<Value>> IntegerArithmetic(std::string_view name, WideOp op, const Value& a,
                                               const Value& b) {
  auto x = ToInteger(name, a);
  if (!x) return x.error();
  auto y = ToInteger(name, b);
  if (!y) return y.error();
  mpz_class r;
  switch (op) {
    case WideOp::kPlus:
      r = *x + *y;
      break;
    case WideOp::kMinus:
      r = *x - *y;
      break;
    case WideOp::kMul:
      if (mpz_sizeinbase(x->get_mpz_t(), 10) + mpz_sizeinbase(y->get_mpz_t(), 10) >
          kMaxIntegerDigits + 2) {
        return TooLarge(name);
      }
      r = *x * *y;
      break;
    case WideOp::kDiv:
      if (*y == 0) return BuiltinError(name, "divide by zero");
      if (!mpz_divisible_p(x->get_mpz_t(), y->get_mpz_t())) return std::optional<Value>();
      mpz_divexact(r.get_mpz_t(), x->get_mpz_t(), y->get_mpz_t());
      break;
    case WideOp::kRem:
      if (*y == 0) return BuiltinError(name, "modulo by zero");
      mpz_tdiv_r(r.get_mpz_t(), x->get_mpz_t(), y->get_mpz_t());  // sign of the dividend
      break;
  }
  auto value = FromInteger(name, r);
  if (!value) return value.error();
  return std::optional<Value>(std::move(value).value());
}

Result<Value> FloatArithmetic(std::string_view name, WideOp op, const Value& a, const Value& b) {
  const long double x = ToLongDouble(a), y = ToLongDouble(b);
  switch (op) {
    case WideOp::kPlus:
      return FromLongDouble(name, x + y);
    case WideOp::kMinus:
      return FromLongDouble(name, x - y);
    case WideOp::kMul:
      return FromLongDouble(name, x * y);
    case WideOp::kDiv:
      if (y == 0) return BuiltinError(name, "divide by zero");
      return FromLongDouble(name, x / y);
    case WideOp::kRem:
      break;
  }
  return BuiltinError(name, "modulo on floating-point number");
}

Result<Value> UnaryArithmetic(std::string_view name, WideUnary op, const Value& a) {
  if (auto i = a.AsInt(); i && *i != INT64_MIN) {
    if (op == WideUnary::kAbs) return Value::Int(*i < 0 ? -*i : *i);
    return a;
  }
  if (!a.is_big_number() && !a.is_int()) {
    const double d = *a.AsDouble();
    switch (op) {
      case WideUnary::kAbs:
        return Value::Number(std::fabs(d));
      case WideUnary::kRound:
        return Value::Number(std::round(d));  // Go's math.Round: half away from zero
      case WideUnary::kCeil:
        return Value::Number(std::ceil(d));
      case WideUnary::kFloor:
        return Value::Number(std::floor(d));
    }
  }
  // INT64_MIN and big numbers, exactly.
  value::Decimal d = a.ExactValue();
  if (op == WideUnary::kAbs) {
    d.negative = false;
    return Value::FromDecimal(d);
  }
  Truncated t = Truncate(d);
  if (!t.fraction) return a;
  bool away = false;  // from zero, by one
  switch (op) {
    case WideUnary::kRound:
      away = t.first_fraction_digit >= 5;
      break;
    case WideUnary::kCeil:
      away = !d.negative;
      break;
    case WideUnary::kFloor:
      away = d.negative;
      break;
    case WideUnary::kAbs:
      break;
  }
  if (!away) return Value::FromDecimal(t.whole);
  auto whole = ToInteger(name, Value::FromDecimal(t.whole));
  if (!whole) return whole.error();
  return FromInteger(name, d.negative ? mpz_class(*whole - 1) : mpz_class(*whole + 1));
}

Result<Value> BitsArithmetic(std::string_view name, BitsOp op, const Value& a, const Value& b) {
  auto x = ToInteger(name, a);
  if (!x) return x.error();
  if (op == BitsOp::kNegate) return FromInteger(name, mpz_class(~*x));
  auto y = ToInteger(name, b);
  if (!y) return y.error();
  mpz_class r;
  switch (op) {
    case BitsOp::kAnd:
      r = *x & *y;
      break;
    case BitsOp::kOr:
      r = *x | *y;
      break;
    case BitsOp::kXor:
      r = *x ^ *y;
      break;
    case BitsOp::kLsh:
    case BitsOp::kRsh: {
      if (*y < 0) {
        return TypeError(name,
                         "operand 2 must be an unsigned integer number but got a negative integer");
      }
      constexpr unsigned long kMaxShift = kMaxIntegerDigits * 3;  // bits, within the limit
      if (op == BitsOp::kRsh) {
        const unsigned long shift = y->fits_ulong_p() ? y->get_ui() : ~0UL;
        if (shift > mpz_sizeinbase(x->get_mpz_t(), 2)) {
          r = *x < 0 ? -1 : 0;  // rounds towards negative infinity, as big.Int.Rsh
        } else {
          mpz_fdiv_q_2exp(r.get_mpz_t(), x->get_mpz_t(), shift);
        }
      } else if (*x == 0) {
        r = 0;
      } else if (!y->fits_ulong_p() || y->get_ui() > kMaxShift) {
        return TooLarge(name);
      } else {
        mpz_mul_2exp(r.get_mpz_t(), x->get_mpz_t(), y->get_ui());
      }
      break;
    }
    case BitsOp::kNegate:
      break;
  }
  return FromInteger(name, r);
}

Result<Value> IntegerRange(std::string_view name, const Value& from, const Value& to,
                           const Value& step, std::size_t max_items) {
  auto x = ToInteger(name, from);
  if (!x) return x.error();
  auto y = ToInteger(name, to);
  if (!y) return y.error();
  auto s = ToInteger(name, step);
  if (!s) return s.error();
  mpz_class span = abs(*x - *y);
  mpz_class count = span / *s + 1;
  if (count > static_cast<unsigned long>(max_items)) {
    return BuiltinError(name, "range too large");
  }
  std::vector<Value> out;
  out.reserve(count.get_ui());
  mpz_class i = *x;
  for (unsigned long k = 0; k < count.get_ui(); ++k) {
    auto item = FromInteger(name, i);
    if (!item) return item.error();
    out.push_back(std::move(item).value());
    if (*x <= *y) {
      i += *s;
    } else {
      i -= *s;
    }
  }
  return Value::Array(std::move(out));
}

Result<Value> WideAggregate(std::string_view name, bool product, std::span<const Value> items) {
  bool integral = true;
  for (const auto& x : items) integral = integral && IsIntegral(x);
  if (integral) {
    mpz_class acc = product ? 1 : 0;
    for (const auto& x : items) {
      auto z = ToInteger(name, x);
      if (!z) return z.error();
      if (product) {
        if (mpz_sizeinbase(acc.get_mpz_t(), 10) + mpz_sizeinbase(z->get_mpz_t(), 10) >
            kMaxIntegerDigits + 2) {
          return TooLarge(name);
        }
        acc *= *z;
      } else {
        acc += *z;
      }
    }
    return FromInteger(name, acc);
  }
  long double acc = product ? 1.0L : 0.0L;
  for (const auto& x : items) acc = product ? acc * ToLongDouble(x) : acc + ToLongDouble(x);
  return FromLongDouble(name, acc);
}

}  // namespace gatehouse::rego::builtins
