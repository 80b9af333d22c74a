// Decimal: an exact decimal number in normal form, read from a JSON number's text.
//
// OPA keeps every number as the text it was written in and compares them exactly; a Decimal is
// that exactness for the numbers an int64 or a double cannot hold (18446744073709551617,
// 2e308, 0.1000000000000000000000001). Two Decimals are equal exactly when the numbers are,
// whatever the text ("1.50e1" and "15"), and they order as the numbers do.
//
// Normal form: value = (negative ? -1 : 1) * 0.d1 d2 ... dn * 10^exponent, with no leading
// or trailing zero digit; zero has no digits and is not negative. Pure functions, no I/O.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::value {

struct Decimal {
  bool negative = false;
  std::string digits;         // '1'-'9' first and last; empty for zero
  std::int64_t exponent = 0;  // of the point before digits[0]

  bool is_zero() const { return digits.empty(); }
  // No fractional part.
  bool is_integer() const {
    return digits.empty() || exponent >= static_cast<std::int64_t>(digits.size());
  }
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

// A JSON number (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?), else nullopt.
// Exponents beyond +-10^15 saturate there (such numbers are refused where they are used).
std::optional<Decimal> ParseDecimal(std::string_view json_number);

// The exact value of an int64.
Decimal DecimalOf(std::int64_t i);
// The number a finite double stands for: its shortest round-trip digits, as OPA would have
// printed it (0.1 is 1/10, not the binary fraction nearest to it).
Decimal DecimalOf(double d);

// -1, 0, 1 as the numbers order.
int Compare(const Decimal& a, const Decimal& b);

// True when a double holds this number: its shortest digits are exactly these.
bool FitsDouble(const Decimal& d);
// The nearest double (+-inf beyond its range).
double ToDouble(const Decimal& d);
// An integer's decimal digits, '-' first when negative; "" when `d` is not an integer or has
// more than `max_digits` digits.
std::string IntegerDigits(const Decimal& d, std::size_t max_digits);

// JSON text: integers in plain digits while they have at most `max_plain_digits` digits,
// other numbers in plain form when the exponent is small, else d.ddde±N.
std::string DecimalText(const Decimal& d, std::size_t max_plain_digits = 400);

}  // namespace gatehouse::value
