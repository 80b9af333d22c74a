#include "rego/builtins/sprintf.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/wide_number.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

// One argument as Go's fmt sees it after OPA's conversion.
struct Arg {
  enum Kind { kInt, kBigInt, kFloat, kString } kind = kString;
  std::int64_t i = 0;
  double f = 0;   // kFloat
  std::string s;  // kString; kBigInt: the digits, '-' first when negative
};

// Go's big.Int.SetString(s, 10): an optional sign, then decimal digits.
bool PlainDigits(std::string_view t) {
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  return !t.empty() && t.find_first_not_of("0123456789") == std::string_view::npos;
}

Arg ToArg(const Value& v) {
  Arg a;
  if (v.is_int()) {
    a.kind = Arg::kInt;
    a.i = *v.AsInt();
  } else if (v.is_big_number()) {
    // OPA's order: a *big.Int when the text is plain digits, else a float64 while one holds
    // it, else the number's text.
    std::string_view text = v.BigNumberText();
    double d = *v.AsDouble();
    if (PlainDigits(text)) {
      a.kind = Arg::kBigInt;
      a.s = std::string(text[0] == '+' ? text.substr(1) : text);
    } else if (std::isfinite(d)) {
      a.kind = Arg::kFloat;
      a.f = d;
    } else {
      a.s = std::string(text);
    }
  } else if (v.is_number()) {
    double d = *v.AsDouble();
    if (std::isfinite(d) && d == std::trunc(d)) {  // integral beyond int64
      a.kind = Arg::kBigInt;
      a.s = builtins::IntegerDigits(v);
    } else {
      a.kind = Arg::kFloat;
      a.f = d;
    }
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
      return a.s;
    case Arg::kFloat:
      return ShortestG(a.f, 'e');
    case Arg::kString:
      return a.s;
  }
  return a.s;
}

void PrintArg(std::string& out, const Arg& a, char32_t verb, const Flags& f);

// Go's badVerb: "%!<verb>(<type>=<the argument as %v under the same flags and width>)".
void BadVerb(std::string& out, char32_t verb, const Arg& a, const Flags& f) {
  out += "%!";
  codec::AppendUtf8(out, verb);
  out += '(';
  out += GoType(a);
  out += '=';
  PrintArg(out, a, 'v', f);
  out += ')';
}

// An int under verbs d v b o O x X c q U; any other verb is a bad verb.
void PrintInt(std::string& out, std::int64_t i, char32_t verb, const Flags& f, const Arg& a) {
  const bool neg = i < 0;
  const std::uint64_t u = neg ? ~static_cast<std::uint64_t>(i) + 1 : static_cast<std::uint64_t>(i);
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
      codec::AppendUtf8(s, i < 0 || i > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(i));
      return Pad(out, s, f, true);
    }
    case 'q': {
      const char32_t r = i < 0 || i > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(i);
      std::string s = "'";
      AppendQuotedRune(s, r, '\'');
      s += '\'';
      return Pad(out, s, f, true);
    }
    case 'U': {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "U+%04llX", static_cast<unsigned long long>(u));
      std::string s = neg ? std::string("-") + buf : std::string(buf);
      if (f.sharp && !neg && i <= 0x10FFFF && i >= 0x20) {
        s += " '";
        codec::AppendUtf8(s, static_cast<char32_t>(i));
        s += "'";
      }
      return Pad(out, s, f, false);
    }
    default:
      return BadVerb(out, verb, a, f);
  }
}

// An integral number beyond int64 (Go's *big.Int) under verbs d v s.
void PrintBigInt(std::string& out, std::string_view digits, char32_t verb, const Flags& f,
                 const Arg& a) {
  const bool negative = !digits.empty() && digits[0] == '-';
  switch (verb) {
    case 'v':
    case 'd':
    case 's':
      return FormatInteger(out, negative, std::string(digits.substr(negative ? 1 : 0)), f, 'd');
    default:
      return BadVerb(out, verb, a, f);
  }
}

// A float64 under verbs v e E f F g G.
void PrintFloat(std::string& out, double d, char32_t verb, const Flags& f, const Arg& a) {
  switch (verb) {
    case 'v':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return FormatFloat(out, d, f, static_cast<char>(verb));
    default:
      return BadVerb(out, verb, a, f);
  }
}

// Go's fmtSbx for %x / %X of a string: the precision limits the bytes encoded; ' ' separates
// them, and with '#' each one (with ' ') or the whole string (without) gets a 0x prefix.
void PrintStringHex(std::string& out, std::string_view bytes, char32_t verb, const Flags& f) {
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
  Pad(out, s, f, true);
}

// A string under verbs v s (precision: at most that many runes; %#v quotes), q, x, X.
void PrintString(std::string& out, std::string_view s, char32_t verb, const Flags& f,
                 const Arg& a) {
  switch (verb) {
    case 'v':
    case 's': {
      if (f.prec >= 0) {
        auto offsets = builtins::RuneOffsets(s);
        const std::size_t runes = offsets.size() - 1;
        if (static_cast<std::size_t>(f.prec) < runes) {
          s = s.substr(0, offsets[static_cast<std::size_t>(f.prec)]);
        }
      }
      if (verb == 'v' && f.sharp_v) return Pad(out, GoQuote(s), f, true);
      return Pad(out, s, f, true);
    }
    case 'q':
      return Pad(out, GoQuote(s), f, true);
    case 'x':
    case 'X':
      return PrintStringHex(out, s, verb, f);
    default:
      return BadVerb(out, verb, a, f);
  }
}

// One argument under one verb (%T for every kind, else by the argument's kind).
void PrintArg(std::string& out, const Arg& a, char32_t verb, const Flags& f) {
  if (verb == 'T') return Pad(out, GoType(a), f, false);
  switch (a.kind) {
    case Arg::kInt:
      return PrintInt(out, a.i, verb, f, a);
    case Arg::kBigInt:
      return PrintBigInt(out, a.s, verb, f, a);
    case Arg::kFloat:
      return PrintFloat(out, a.f, verb, f, a);
    case Arg::kString:
      return PrintString(out, a.s, verb, f, a);
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Go's pp.doPrintf over one format: reads each verb spec (flags, argument index, width,
// precision), prints its argument or Go's error notation, then notes unused arguments.
class Printer {
 public:
  Printer(std::string_view format, std::span<const Value> values, std::size_t max_output_bytes)
      : format_(format), max_output_bytes_(max_output_bytes) {
    args_.reserve(values.size());
    for (const auto& v : values) args_.push_back(ToArg(v));
  }

  Result<std::string> Run() {
    while (i_ < format_.size()) {
      CopyLiteralText();
      if (TooBig()) return OutputTooLarge();
      if (i_ >= format_.size()) break;
      ++i_;  // the '%'
      auto verb_done = PrintOneVerb();
      if (!verb_done) return verb_done.error();
      if (!*verb_done) break;  // %!(NOVERB): the format ended inside a verb
    }
    AppendExtraArguments();
    if (TooBig()) return OutputTooLarge();
    return std::move(out_);
  }

 private:
  static Error OutputTooLarge() {
    return MakeError(RegoError::kEvalBuiltin, "sprintf: output too large");
  }
  bool TooBig() const { return out_.size() > max_output_bytes_; }
  bool AtEnd() const { return i_ >= format_.size(); }
  char Peek() const { return format_[i_]; }

  void CopyLiteralText() {
    const std::size_t start = i_;
    while (!AtEnd() && Peek() != '%') ++i_;
    out_.append(format_.substr(start, i_ - start));
  }

  // The flags # 0 + - space ('-' turns '0' off: no zero padding on the right).
  Flags ReadFlags() {
    Flags f;
    for (; !AtEnd(); ++i_) {
      const char c = Peek();
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
    return f;
  }

  // Go's tooLarge: numbers in a verb spec are limited to +-1e6.
  static bool TooLarge(std::int64_t x) { return x > 1000000 || x < -1000000; }

  // Go's parsenum over format_[start, end): the digits there (at least one), and where they
  // stop. A number that grows too large reads as none and jumps to `end`.
  struct Number {
    int value = 0;
    bool present = false;
    std::size_t next = 0;
  };
  Number ParseNumber(std::size_t start, std::size_t end) const {
    Number n{0, false, start};
    if (start >= end) return {0, false, end};
    for (; n.next < end && IsDigit(format_[n.next]); ++n.next) {
      if (TooLarge(n.value)) return {0, false, end};
      n.value = n.value * 10 + (format_[n.next] - '0');
      n.present = true;
    }
    return n;
  }

  // Go's argNumber: an explicit argument index "[n]" at the cursor (1-based) selects argument
  // n-1; returns whether a well-formed index was read (even one out of range). A malformed or
  // out-of-range index marks the verb's argument bad (good_arg_) and leaves the argument as it
  // was; the cursor skips "[" alone when no "]" follows, else through the "]".
  bool ReadArgIndex() {
    if (AtEnd() || Peek() != '[') return false;
    reordered_ = true;
    std::size_t width = 1;
    bool ok = false;
    int index = 0;
    if (format_.size() - i_ >= 3) {
      for (std::size_t k = i_ + 1; k < format_.size(); ++k) {
        if (format_[k] != ']') continue;
        const Number n = ParseNumber(i_ + 1, k);
        width = k + 1 - i_;
        ok = n.present && n.next == k;
        index = ok ? n.value - 1 : 0;
        break;
      }
    }
    i_ += width;
    if (ok && index >= 0 && static_cast<std::size_t>(index) < args_.size()) {
      arg_num_ = static_cast<std::size_t>(index);
      return true;
    }
    good_arg_ = false;
    return ok;
  }

  // Go's intFromArg for '*': the current argument when it is an int within +-1e6 (nullopt
  // otherwise), consuming it when there is one.
  std::optional<std::int64_t> StarArgument() {
    if (arg_num_ >= args_.size()) return std::nullopt;
    const Arg& a = args_[arg_num_++];
    if (a.kind != Arg::kInt || TooLarge(a.i)) return std::nullopt;
    return a.i;
  }

  // Width: '*' (a negative one means '-'; %!(BADWIDTH) without a usable int) or digits (after
  // an explicit index, "%[3]2d", digits make the index bad).
  void ReadWidth(Flags& f, bool& after_index) {
    if (!AtEnd() && Peek() == '*') {
      ++i_;
      const auto w = StarArgument();
      if (!w) {
        out_ += "%!(BADWIDTH)";
      } else if (*w < 0) {
        f.minus = true;
        f.zero = false;
        f.width = static_cast<int>(-*w);
      } else {
        f.width = static_cast<int>(*w);
      }
      after_index = false;
      return;
    }
    const Number n = ParseNumber(i_, format_.size());
    i_ = n.next;
    if (n.present) {
      f.width = n.value;
      if (after_index) good_arg_ = false;
    }
  }

  // Precision: '.' (not last in the format) then an optional index and '*' (negative or not a
  // usable int: %!(BADPREC)) or digits (none: 0). After an explicit index, "%[3].2d", the index
  // is bad.
  void ReadPrecision(Flags& f, bool& after_index) {
    if (i_ + 1 >= format_.size() || Peek() != '.') return;
    ++i_;
    if (after_index) good_arg_ = false;
    after_index = ReadArgIndex();
    if (!AtEnd() && Peek() == '*') {
      ++i_;
      const auto p = StarArgument();
      if (!p || *p < 0) {
        out_ += "%!(BADPREC)";
      } else {
        f.prec = static_cast<int>(*p);
      }
      after_index = false;
      return;
    }
    const Number n = ParseNumber(i_, format_.size());
    i_ = n.next;
    f.prec = n.present ? n.value : 0;
  }

  // One verb spec after its '%', printed. False when the format ends before the verb
  // (%!(NOVERB) printed); an error when the output would be too large.
  Result<bool> PrintOneVerb() {
    good_arg_ = true;
    Flags f = ReadFlags();
    bool after_index = ReadArgIndex();
    ReadWidth(f, after_index);
    ReadPrecision(f, after_index);
    if (!after_index) after_index = ReadArgIndex();

    if (AtEnd()) {
      out_ += "%!(NOVERB)";
      return false;
    }
    const char32_t verb = codec::DecodeUtf8(format_, i_);
    if (verb == '%') {
      out_ += '%';  // consumes no argument, ignores width and precision
      return true;
    }
    if (!good_arg_) return AppendVerbNote(verb, "BADINDEX");
    if (arg_num_ >= args_.size()) return AppendVerbNote(verb, "MISSING");
    if (f.width > 0 && static_cast<std::size_t>(f.width) > max_output_bytes_) {
      return OutputTooLarge();
    }
    if (verb == 'v') {
      // Go: for %v, '#' means Go syntax and '+' struct field names; neither is a number flag.
      f.sharp_v = f.sharp;
      f.sharp = false;
      f.plus = false;
    }
    PrintArg(out_, args_[arg_num_], verb, f);
    ++arg_num_;
    if (TooBig()) return OutputTooLarge();
    return true;
  }

  // "%!<verb>(<note>)": BADINDEX, MISSING.
  bool AppendVerbNote(char32_t verb, std::string_view note) {
    out_ += "%!";
    codec::AppendUtf8(out_, verb);
    out_ += '(';
    out_ += note;
    out_ += ')';
    return true;
  }

  // "%!(EXTRA <type>=<value>, ...)" for arguments no verb used (not once an index was given).
  void AppendExtraArguments() {
    if (reordered_ || arg_num_ >= args_.size()) return;
    out_ += "%!(EXTRA ";
    for (std::size_t k = arg_num_; k < args_.size(); ++k) {
      if (k > arg_num_) out_ += ", ";
      out_ += GoType(args_[k]);
      out_ += '=';
      out_ += DefaultText(args_[k]);
    }
    out_ += ')';
  }

  std::string_view format_;
  std::size_t max_output_bytes_;
  std::vector<Arg> args_;
  std::string out_;
  std::size_t i_ = 0;        // cursor in format_
  std::size_t arg_num_ = 0;  // the next argument
  bool reordered_ = false;   // an explicit index was seen
  bool good_arg_ = true;     // the current verb's argument index is usable
};

}  // namespace

Result<std::string> GoSprintf(std::string_view format, std::span<const Value> values,
                              std::size_t max_output_bytes) {
  return Printer(format, values, max_output_bytes).Run();
}

}  // namespace gatehouse::rego
