#include "rego/builtins/sprintf.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include "rego/builtins/builtin_helpers.h"

namespace gatehouse::rego {
namespace {

// One argument as Go's fmt sees it after OPA's conversion.
struct Arg {
  enum Kind { kInt, kBigInt, kFloat, kString } kind = kString;
  std::int64_t i = 0;
  double f = 0;  // kFloat; kBigInt: an integral double beyond int64
  std::string s;
};

Arg ToArg(const Value& v) {
  Arg a;
  if (v.is_int()) {
    a.kind = Arg::kInt;
    a.i = *v.AsInt();
  } else if (v.is_number()) {
    double d = *v.AsDouble();
    a.kind = std::isfinite(d) && d == std::trunc(d) ? Arg::kBigInt : Arg::kFloat;
    a.f = d;
  } else if (v.is_string()) {
    a.s = std::string(v.AsString());
  } else {
    a.s = ToRegoText(v);
  }
  return a;
}

std::string_view GoType(const Arg& a) {
  switch (a.kind) {
    case Arg::kInt:
      return "int";
    case Arg::kBigInt:
      return "*big.Int";
    case Arg::kFloat:
      return "float64";
    case Arg::kString:
      return "string";
  }
  return "string";
}

struct Flags {
  bool minus = false, plus = false, sharp = false, zero = false, space = false;
  bool sharp_v = false;  // %#v: Go moves '#' here (Go syntax: quoted strings)
  int width = -1;        // -1: none
  int prec = -1;         // -1: none
};

std::string BigIntDigits(double d) {
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.0f", std::fabs(d));
  return buf;
}

// Pads `s` to the width (in runes) with spaces, or zeros when `zero_ok`.
void Pad(std::string& out, std::string_view s, const Flags& f, bool zero_ok) {
  std::size_t n = builtins::RuneCount(s);
  std::size_t width = f.width < 0 ? 0 : static_cast<std::size_t>(f.width);
  if (n >= width) {
    out += s;
    return;
  }
  std::size_t pad = width - n;
  if (f.minus) {
    out += s;
    out.append(pad, ' ');
  } else {
    out.append(pad, zero_ok && f.zero ? '0' : ' ');
    out += s;
  }
}

std::string ToBase(std::uint64_t u, int base, bool upper) {
  if (u == 0) return "0";
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string s;
  while (u > 0) {
    s.insert(s.begin(), digits[u % static_cast<unsigned>(base)]);
    u /= static_cast<unsigned>(base);
  }
  return s;
}

// Go's fmtInteger: precision is a minimum digit count; the zero flag pads after the sign.
void FormatInteger(std::string& out, bool negative, std::string digits, const Flags& f, char verb) {
  Flags g = f;
  if (g.prec >= 0) {
    if (g.prec == 0 && digits == "0") digits.clear();
    while (digits.size() < static_cast<std::size_t>(g.prec)) digits.insert(digits.begin(), '0');
  } else if (g.zero && !g.minus && g.width > 0) {
    std::size_t want = static_cast<std::size_t>(g.width);
    if (negative || g.plus || g.space) --want;  // Go leaves room for the sign, not a prefix
    while (digits.size() < want) digits.insert(digits.begin(), '0');
  }
  std::string prefix;
  if (verb == 'O') {
    prefix = "0o";
  } else if (g.sharp) {
    if (verb == 'o' && (digits.empty() || digits[0] != '0')) prefix = "0";
    if (verb == 'x') prefix = "0x";
    if (verb == 'X') prefix = "0X";
    if (verb == 'b') prefix = "0b";
  }
  std::string s;
  if (negative) {
    s += '-';
  } else if (g.plus) {
    s += '+';
  } else if (g.space) {
    s += ' ';
  }
  s += prefix + digits;
  Flags pad = g;
  pad.zero = false;
  Pad(out, s, pad, false);
}

void AppendQuotedRune(std::string& out, char32_t r, char quote) {
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    case '\\':
      out += "\\\\";
      return;
    default:
      break;
  }
  if (r == static_cast<char32_t>(quote)) {
    out += '\\';
    out += quote;
    return;
  }
  char buf[16];
  if (r < 0x20 || r == 0x7F) {
    std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(r));
    out += buf;
  } else if (r >= 0x80 && r < 0xA0) {
    std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(r));
    out += buf;
  } else {
    codec::AppendUtf8(out, r);
  }
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    char32_t r = codec::DecodeUtf8(s, i);
    if (r == 0xFFFD && i - start == 1 && static_cast<unsigned char>(s[start]) >= 0x80) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(s[start]));
      out += buf;
      continue;
    }
    AppendQuotedRune(out, r, '"');
  }
  out += '"';
  return out;
}

// Shortest round-trip digits of |d| and its decimal exponent (d = 0.DIGITS * 10^dp).
void ShortestDigits(double d, std::string& digits, int& dp) {
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), std::fabs(d), std::chars_format::scientific);
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  auto e = text.find('e');
  digits.clear();
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+' ? 1 : 0), text.data() + text.size(),
                  exp);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  dp = exp + 1;
  if (digits == "0") dp = 1;
}

std::string ExpSuffix(int exp, char e) {
  std::string s(1, e);
  s += exp < 0 ? '-' : '+';
  int a = exp < 0 ? -exp : exp;
  if (a < 10) s += '0';
  s += std::to_string(a);
  return s;
}

// Go's %v / %g without precision (strconv 'g', -1): shortest digits; the %e form when the
// exponent is < -4 or >= 6.
std::string ShortestG(double d, char e) {
  std::string digits;
  int dp = 0;
  ShortestDigits(d, digits, dp);
  int exp = dp - 1;
  std::string s;
  if (exp < -4 || exp >= 6) {
    s += digits[0];
    if (digits.size() > 1) {
      s += '.';
      s += digits.substr(1);
    }
    s += ExpSuffix(exp, e);
    return s;
  }
  if (dp <= 0) {
    s = "0." + std::string(static_cast<std::size_t>(-dp), '0') + digits;
  } else if (static_cast<std::size_t>(dp) >= digits.size()) {
    s = digits + std::string(static_cast<std::size_t>(dp) - digits.size(), '0');
  } else {
    s = digits.substr(0, static_cast<std::size_t>(dp)) + "." +
        digits.substr(static_cast<std::size_t>(dp));
  }
  return s;
}

void FormatFloat(std::string& out, double d, const Flags& f, char verb) {
  std::string body;
  bool negative = std::signbit(d) && !std::isnan(d);
  if (std::isnan(d)) {
    body = "NaN";
  } else if (std::isinf(d)) {
    body = "Inf";
  } else if ((verb == 'v' || verb == 'g' || verb == 'G') && f.prec < 0) {
    body = ShortestG(d, verb == 'G' ? 'E' : 'e');
  } else {
    int prec = f.prec < 0 ? 6 : f.prec;
    char fmt[16];
    char conv = verb == 'v' ? 'g' : verb;
    std::snprintf(fmt, sizeof(fmt), "%%%s.%d%c", f.sharp ? "#" : "", prec, conv);
    char buf[512];
    int n = std::snprintf(buf, sizeof(buf), fmt, std::fabs(d));
    if (n < 0 || static_cast<std::size_t>(n) >= sizeof(buf)) {
      body = ShortestG(d, 'e');
    } else {
      body.assign(buf, static_cast<std::size_t>(n));
    }
  }
  // Go keeps "+" on +Inf, drops it on NaN, and shows it elsewhere only when asked.
  std::string sign;
  if (negative) {
    sign = "-";
  } else if (f.plus) {
    sign = "+";
  } else if (f.space) {
    sign = " ";
  } else if (std::isinf(d)) {
    sign = "+";
  }
  bool finite = std::isfinite(d);
  if (finite && f.zero && !f.minus && f.width > 0) {
    std::size_t want = static_cast<std::size_t>(f.width);
    while (sign.size() + body.size() < want) body.insert(body.begin(), '0');
  }
  Flags pad = f;
  pad.zero = false;
  Pad(out, sign + body, pad, false);
}

std::string DefaultText(const Arg& a) {
  switch (a.kind) {
    case Arg::kInt:
      return std::to_string(a.i);
    case Arg::kBigInt:
      return (a.f < 0 ? "-" : "") + BigIntDigits(a.f);
    case Arg::kFloat:
      return ShortestG(a.f, 'e');
    case Arg::kString:
      return a.s;
  }
  return a.s;
}

void BadVerb(std::string& out, char32_t verb, const Arg& a) {
  out += "%!";
  codec::AppendUtf8(out, verb);
  out += '(';
  out += GoType(a);
  out += '=';
  out += DefaultText(a);
  out += ')';
}

void PrintArg(std::string& out, const Arg& a, char32_t verb, const Flags& f) {
  if (verb == 'T') {
    Pad(out, GoType(a), f, false);
    return;
  }
  switch (a.kind) {
    case Arg::kInt: {
      bool neg = a.i < 0;
      std::uint64_t u =
          neg ? ~static_cast<std::uint64_t>(a.i) + 1 : static_cast<std::uint64_t>(a.i);
      switch (verb) {
        case 'v':
        case 'd':
          return FormatInteger(out, neg, ToBase(u, 10, false), f, 'd');
        case 'b':
          return FormatInteger(out, neg, ToBase(u, 2, false), f, 'b');
        case 'o':
        case 'O':
          return FormatInteger(out, neg, ToBase(u, 8, false), f, static_cast<char>(verb));
        case 'x':
          return FormatInteger(out, neg, ToBase(u, 16, false), f, 'x');
        case 'X':
          return FormatInteger(out, neg, ToBase(u, 16, true), f, 'X');
        case 'c': {
          std::string s;
          codec::AppendUtf8(s, a.i < 0 || a.i > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(a.i));
          return Pad(out, s, f, true);
        }
        case 'q': {
          char32_t r = a.i < 0 || a.i > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(a.i);
          std::string s = "'";
          AppendQuotedRune(s, r, '\'');
          s += '\'';
          return Pad(out, s, f, true);
        }
        case 'U': {
          char buf[32];
          std::snprintf(buf, sizeof(buf), "U+%04llX", static_cast<unsigned long long>(u));
          std::string s = neg ? std::string("-") + buf : std::string(buf);
          if (f.sharp && !neg && a.i <= 0x10FFFF && a.i >= 0x20) {
            s += " '";
            codec::AppendUtf8(s, static_cast<char32_t>(a.i));
            s += "'";
          }
          return Pad(out, s, f, false);
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        default:
          return BadVerb(out, verb, a);
      }
    }
    case Arg::kBigInt:
      switch (verb) {
        case 'v':
        case 'd':
        case 's':
          return FormatInteger(out, a.f < 0, BigIntDigits(a.f), f, 'd');
        default:
          return BadVerb(out, verb, a);
      }
    case Arg::kFloat:
      switch (verb) {
        case 'v':
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
          return FormatFloat(out, a.f, f, static_cast<char>(verb));
        default:
          return BadVerb(out, verb, a);
      }
    case Arg::kString:
      switch (verb) {
        case 'v':
        case 's': {
          std::string_view s = a.s;
          if (f.prec >= 0) {
            auto offsets = builtins::RuneOffsets(s);
            std::size_t runes = offsets.size() - 1;
            if (static_cast<std::size_t>(f.prec) < runes) {
              s = s.substr(0, offsets[static_cast<std::size_t>(f.prec)]);
            }
          }
          if (verb == 'v' && f.sharp_v) return Pad(out, GoQuote(s), f, true);
          return Pad(out, s, f, true);
        }
        case 'q':
          return Pad(out, GoQuote(a.s), f, true);
        case 'x':
        case 'X': {
          // Go's fmtSbx: the precision limits the bytes encoded; ' ' separates them, and with
          // '#' each one (with ' ') or the whole string (without) gets a 0x prefix.
          std::string_view bytes = a.s;
          if (f.prec >= 0 && static_cast<std::size_t>(f.prec) < bytes.size()) {
            bytes = bytes.substr(0, static_cast<std::size_t>(f.prec));
          }
          const char* prefix = verb == 'x' ? "0x" : "0X";
          const char* digits = verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
          std::string s;
          if (f.sharp && !f.space && !bytes.empty()) s += prefix;
          for (std::size_t k = 0; k < bytes.size(); ++k) {
            if (f.space && k > 0) s += ' ';
            if (f.space && f.sharp) s += prefix;
            const auto c = static_cast<unsigned char>(bytes[k]);
            s += digits[c >> 4];
            s += digits[c & 15];
          }
          return Pad(out, s, f, true);
        }
        default:
          return BadVerb(out, verb, a);
      }
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<std::string> GoSprintf(std::string_view format, std::span<const Value> values,
                              std::size_t max_output_bytes) {
  std::vector<Arg> args;
  args.reserve(values.size());
  for (const auto& v : values) args.push_back(ToArg(v));

  std::string out;
  std::size_t arg_num = 0;
  bool reordered = false;
  std::size_t i = 0;
  const std::size_t end = format.size();
  auto too_big = [&] { return out.size() > max_output_bytes; };

  // Parses "[n]" at i; updates arg_num. Returns false when the index is bad.
  auto arg_number = [&](bool& after_index) -> bool {
    after_index = false;
    if (i >= end || format[i] != '[') return true;
    reordered = true;
    std::size_t j = i + 1;
    std::size_t n = 0;
    bool ok = false;
    while (j < end && IsDigit(format[j]) && n < 1000000) {
      n = n * 10 + static_cast<std::size_t>(format[j] - '0');
      ok = true;
      ++j;
    }
    if (j >= end || format[j] != ']') {
      // Unclosed or not a number: skip to the closing bracket if any.
      while (j < end && format[j] != ']') ++j;
      i = j < end ? j + 1 : j;
      return false;
    }
    i = j + 1;
    if (!ok || n < 1 || n > args.size()) return false;
    arg_num = n - 1;
    after_index = true;
    return true;
  };

  while (i < end) {
    std::size_t start = i;
    while (i < end && format[i] != '%') ++i;
    out.append(format.substr(start, i - start));
    if (too_big()) return MakeError("eval_builtin_error", "sprintf: output too large");
    if (i >= end) break;
    ++i;  // skip '%'

    Flags f;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        f.sharp = true;
      } else if (c == '0') {
        f.zero = !f.minus;
      } else if (c == '+') {
        f.plus = true;
      } else if (c == '-') {
        f.minus = true;
        f.zero = false;
      } else if (c == ' ') {
        f.space = true;
      } else {
        break;
      }
    }

    bool good_arg = true;
    bool after_index = false;
    good_arg = arg_number(after_index);

    // Width.
    if (i < end && format[i] == '*') {
      ++i;
      if (good_arg && arg_num < args.size() && args[arg_num].kind == Arg::kInt &&
          args[arg_num].i > -1000000 && args[arg_num].i < 1000000) {
        std::int64_t w = args[arg_num].i;
        if (w < 0) {
          f.minus = true;
          f.zero = false;
          w = -w;
        }
        f.width = static_cast<int>(w);
      } else {
        out += "%!(BADWIDTH)";
      }
      ++arg_num;
      after_index = false;
    } else {
      int w = 0;
      bool any = false;
      while (i < end && IsDigit(format[i])) {
        w = w * 10 + (format[i] - '0');
        if (w > 1000000) w = 1000000;
        any = true;
        ++i;
      }
      if (any) {
        f.width = w;
        if (after_index) good_arg = false;  // Go: "%[3]2d" is a bad index
      }
    }

    // Precision.
    if (i < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg = false;
      bool ai = false;
      if (!arg_number(ai)) good_arg = false;
      if (i < end && format[i] == '*') {
        ++i;
        if (good_arg && arg_num < args.size() && args[arg_num].kind == Arg::kInt &&
            args[arg_num].i < 1000000) {
          f.prec = args[arg_num].i < 0 ? -1 : static_cast<int>(args[arg_num].i);
        } else {
          out += "%!(BADPREC)";
        }
        ++arg_num;
        after_index = false;
      } else {
        int p = 0;
        while (i < end && IsDigit(format[i])) {
          p = p * 10 + (format[i] - '0');
          if (p > 1000000) p = 1000000;
          ++i;
        }
        f.prec = p;
      }
    }

    if (!after_index) {
      if (!arg_number(after_index)) good_arg = false;
    }

    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    char32_t verb = codec::DecodeUtf8(format, i);
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (!good_arg) {
      out += "%!";
      codec::AppendUtf8(out, verb);
      out += "(BADINDEX)";
      continue;
    }
    if (arg_num >= args.size()) {
      out += "%!";
      codec::AppendUtf8(out, verb);
      out += "(MISSING)";
      continue;
    }
    if (f.width > 0 && static_cast<std::size_t>(f.width) > max_output_bytes) {
      return MakeError("eval_builtin_error", "sprintf: output too large");
    }
    if (verb == 'v') {
      // Go: for %v, '#' means Go syntax and '+' struct field names; neither is a number flag.
      f.sharp_v = f.sharp;
      f.sharp = false;
      f.plus = false;
    }
    PrintArg(out, args[arg_num], verb, f);
    ++arg_num;
    if (too_big()) return MakeError("eval_builtin_error", "sprintf: output too large");
  }

  if (!reordered && arg_num < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t k = arg_num; k < args.size(); ++k) {
      if (k > arg_num) out += ", ";
      out += GoType(args[k]);
      out += '=';
      out += DefaultText(args[k]);
    }
    out += ')';
  }
  if (too_big()) return MakeError("eval_builtin_error", "sprintf: output too large");
  return out;
}

}  // namespace gatehouse::rego
