// units.parse and units.parse_bytes: "<number><unit>" with SI (k, M, G, ...; m for milli) and
// binary (Ki, Mi, ...) units, as OPA reads them (decimals exact until the final conversion).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

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

void RegisterUnitsBuiltins(BuiltinRegistry& r) {
  builtins::Add(r, "units.parse", {kTString}, kTNumber, UnitsParse);
  builtins::Add(r, "units.parse_bytes", {kTString}, kTNumber, UnitsParseBytes);
}

}  // namespace gatehouse::rego
