#include "value/decimal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace gatehouse::value {
namespace {

constexpr std::int64_t kExponentCap = 1'000'000'000'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Strips zeros so that `digits` (with the point before digits[0] at `point`) is normal.
Decimal Normalize(bool negative, std::string digits, std::int64_t point) {
  std::size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  if (lead == digits.size()) return Decimal{};
  std::size_t last = digits.find_last_not_of('0');
  Decimal d;
  d.negative = negative;
  d.digits = digits.substr(lead, last + 1 - lead);
  d.exponent = point - static_cast<std::int64_t>(lead);
  return d;
}

}  // namespace

std::optional<Decimal> ParseDecimal(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  std::size_t int_begin = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  std::size_t int_end = i;
  if (int_end == int_begin) return std::nullopt;
  if (s[int_begin] == '0' && int_end - int_begin > 1) return std::nullopt;
  std::string digits(s.substr(int_begin, int_end - int_begin));
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t frac_begin = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == frac_begin) return std::nullopt;
    digits.append(s.substr(frac_begin, i - frac_begin));
  }
  std::int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exponent_negative = s[i++] == '-';
    std::size_t exp_begin = i;
    while (i < s.size() && IsDigit(s[i])) {
      if (exponent < kExponentCap) exponent = exponent * 10 + (s[i] - '0');
      ++i;
    }
    if (i == exp_begin) return std::nullopt;
    if (exponent > kExponentCap) exponent = kExponentCap;
    if (exponent_negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  return Normalize(negative, std::move(digits),
                   static_cast<std::int64_t>(int_end - int_begin) + exponent);
}

Decimal DecimalOf(std::int64_t i) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), i);
  return *ParseDecimal(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

Decimal DecimalOf(double d) {
  if (!std::isfinite(d)) return Decimal{};
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return *ParseDecimal(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

int Compare(const Decimal& a, const Decimal& b) {
  auto sign = [](const Decimal& d) { return d.is_zero() ? 0 : (d.negative ? -1 : 1); };
  int sa = sign(a), sb = sign(b);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude = 0;
  if (a.exponent != b.exponent) {
    magnitude = a.exponent < b.exponent ? -1 : 1;
  } else {
    int c = a.digits.compare(b.digits);
    magnitude = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return sa * magnitude;
}

double ToDouble(const Decimal& d) {
  if (d.is_zero()) return 0;
  if (d.exponent > 400) return d.negative ? -HUGE_VAL : HUGE_VAL;
  if (d.exponent < -400) return d.negative ? -0.0 : 0.0;
  std::string text = (d.negative ? "-0." : "0.") + d.digits + "e" + std::to_string(d.exponent);
  return std::strtod(text.c_str(), nullptr);
}

bool FitsDouble(const Decimal& d) {
  if (d.is_zero()) return true;
  if (d.exponent > 310 || d.exponent < -330 || d.digits.size() > 17) return false;
  const double x = ToDouble(d);
  return std::isfinite(x) && DecimalOf(x) == d;
}

std::string IntegerDigits(const Decimal& d, std::size_t max_digits) {
  if (d.is_zero()) return "0";
  if (!d.is_integer() || d.exponent > static_cast<std::int64_t>(max_digits)) return "";
  std::string out = d.negative ? "-" : "";
  out += d.digits;
  out.append(static_cast<std::size_t>(d.exponent) - d.digits.size(), '0');
  return out;
}

std::string DecimalText(const Decimal& d, std::size_t max_plain_digits) {
  if (d.is_zero()) return "0";
  std::string out = d.negative ? "-" : "";
  const auto n = static_cast<std::int64_t>(d.digits.size());
  if (d.is_integer() && d.exponent <= static_cast<std::int64_t>(max_plain_digits)) {
    out += d.digits;
    out.append(static_cast<std::size_t>(d.exponent - n), '0');
  } else if (!d.is_integer() && d.exponent > -6 && d.exponent <= 21) {
    if (d.exponent <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-d.exponent), '0');
      out += d.digits;
    } else {
      out += d.digits.substr(0, static_cast<std::size_t>(d.exponent));
      out += '.';
      out += d.digits.substr(static_cast<std::size_t>(d.exponent));
    }
  } else {
    out += d.digits[0];
    if (n > 1) {
      out += '.';
      out += d.digits.substr(1);
    }
    out += 'e';
    const std::int64_t e = d.exponent - 1;
    out += e < 0 ? '-' : '+';
    out += std::to_string(e < 0 ? -e : e);
  }
  return out;
}

}  // namespace gatehouse::value
