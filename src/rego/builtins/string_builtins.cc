// String builtins: concat, contains, startswith, endswith, format_int, indexof, indexof_n,
// lower, upper, replace, strings.replace_n, split, strings.split_n, sprintf, substring, trim*,
// strings.reverse, strings.count, strings.any_prefix_match, strings.any_suffix_match,
// strings.render_template.
//
// Positions and lengths count Unicode code points, as OPA does (Go runes).
#include <algorithm>
#include <string>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/go_template.h"
#include "rego/builtins/sprintf.h"
#include "rego/builtins/wide_number.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

Result<std::string_view> Str(std::string_view name, std::span<const Value> a, std::size_t i) {
  if (!a[i].is_string()) return OperandTypeError(name, static_cast<int>(i + 1), "string", a[i]);
  return a[i].AsString();
}

Error TooLarge(std::string_view name) { return BuiltinError(name, "output too large"); }

BuiltinResult Concat(BuiltinContext& ctx, std::span<const Value> a) {
  auto sep = Str("concat", a, 0);
  if (!sep) return sep.error();
  if (!a[1].is_array() && !a[1].is_set()) {
    return OperandTypeError("concat", 2, "one of {set, array}", a[1]);
  }
  std::size_t total = 0;
  for (const auto& x : a[1].Items()) {
    if (!x.is_string()) return builtins::ElementTypeError("concat", 2, a[1], "string", x);
    total += x.size() + sep->size();
  }
  if (total > ctx.limits.max_output_bytes) return TooLarge("concat");
  std::string out;
  out.reserve(total);
  bool first = true;
  for (const auto& x : a[1].Items()) {
    if (!first) out += *sep;
    first = false;
    out += x.AsString();
  }
  return Return(Value::String(std::move(out)));
}

template <typename Pred>
BuiltinResult StrPred(std::string_view name, std::span<const Value> a, Pred pred) {
  auto x = Str(name, a, 0);
  if (!x) return x.error();
  auto y = Str(name, a, 1);
  if (!y) return y.error();
  return builtins::ReturnBool(pred(*x, *y));
}

BuiltinResult Contains(BuiltinContext&, std::span<const Value> a) {
  return StrPred("contains", a, [](std::string_view s, std::string_view t) {
    return s.find(t) != std::string_view::npos;
  });
}
BuiltinResult StartsWith(BuiltinContext&, std::span<const Value> a) {
  return StrPred("startswith", a,
                 [](std::string_view s, std::string_view t) { return s.starts_with(t); });
}
BuiltinResult EndsWith(BuiltinContext&, std::span<const Value> a) {
  return StrPred("endswith", a,
                 [](std::string_view s, std::string_view t) { return s.ends_with(t); });
}

// Go's strings.Count: non-overlapping; an empty needle counts rune boundaries.
BuiltinResult StringsCount(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("strings.count", a, 0);
  if (!s) return s.error();
  auto t = Str("strings.count", a, 1);
  if (!t) return t.error();
  std::int64_t n = 0;
  if (t->empty()) {
    n = static_cast<std::int64_t>(builtins::RuneCount(*s)) + 1;
  } else {
    for (std::size_t pos = s->find(*t); pos != std::string_view::npos;
         pos = s->find(*t, pos + t->size())) {
      ++n;
    }
  }
  return Return(Value::Int(n));
}

BuiltinResult FormatInt(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_number()) return OperandTypeError("format_int", 1, "number", a[0]);
  if (!a[1].is_number()) return OperandTypeError("format_int", 2, "number", a[1]);
  auto base = a[1].AsInt();
  if (!base || (*base != 2 && *base != 8 && *base != 10 && *base != 16)) {
    return builtins::TypeError("format_int", "operand 2 must be one of {2, 8, 10, 16}");
  }
  // Truncated towards zero, then written in the base (big.Float.Int, big.Int.Text in OPA).
  const bool negative = Compare(a[0], Value::Int(0)) < 0;
  auto truncated = builtins::UnaryArithmetic(
      "format_int", negative ? builtins::WideUnary::kCeil : builtins::WideUnary::kFloor, a[0]);
  if (!truncated) return truncated.error();
  std::string text = builtins::IntegerText(*truncated, static_cast<int>(*base));
  if (text.empty()) return BuiltinError("format_int", "number too large");
  return Return(Value::String(text == "-0" ? "0" : text));
}

// Rune index of the first (or every) occurrence of `t` in `s`.
std::vector<std::int64_t> RuneIndexes(std::string_view s, std::string_view t, bool all) {
  std::vector<std::int64_t> out;
  std::int64_t rune = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.substr(i).starts_with(t)) {
      out.push_back(rune);
      if (!all) break;
    }
    codec::DecodeUtf8(s, i);
    ++rune;
  }
  return out;
}

BuiltinResult IndexOf(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("indexof", a, 0);
  if (!s) return s.error();
  auto t = Str("indexof", a, 1);
  if (!t) return t.error();
  if (t->empty()) return BuiltinError("indexof", "empty search character");
  auto found = RuneIndexes(*s, *t, false);
  return Return(Value::Int(found.empty() ? -1 : found[0]));
}

BuiltinResult IndexOfN(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("indexof_n", a, 0);
  if (!s) return s.error();
  auto t = Str("indexof_n", a, 1);
  if (!t) return t.error();
  if (t->empty()) return BuiltinError("indexof_n", "empty search character");
  std::vector<Value> out;
  for (auto i : RuneIndexes(*s, *t, true)) out.push_back(Value::Int(i));
  return Return(Value::Array(std::move(out)));
}

// Simple case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic.
char32_t ToLowerRune(char32_t r) {
  if (r >= 'A' && r <= 'Z') return r + 32;
  if (r < 0x80) return r;
  if ((r >= 0xC0 && r <= 0xDE && r != 0xD7)) return r + 32;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x138 && r != 0x149 && r != 0x17F) {
    bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper ? (r % 2 == 1) : (r % 2 == 0)) return r + 1;
    return r;
  }
  if (r == 0x178) return 0xFF;
  if ((r >= 0x391 && r <= 0x3A9 && r != 0x3A2)) return r + 32;
  if (r >= 0x410 && r <= 0x42F) return r + 32;
  if (r >= 0x400 && r <= 0x40F) return r + 80;
  return r;
}

char32_t ToUpperRune(char32_t r) {
  if (r >= 'a' && r <= 'z') return r - 32;
  if (r < 0x80) return r;
  if (r >= 0xE0 && r <= 0xFE && r != 0xF7) return r - 32;
  if (r == 0xFF) return 0x178;
  if (r == 0xB5) return 0x39C;
  if (r >= 0x100 && r <= 0x17F && r != 0x131 && r != 0x138 && r != 0x149) {
    if (r == 0x17F) return 'S';
    bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper ? (r % 2 == 0) : (r % 2 == 1)) return r - 1;
    return r;
  }
  if (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) return r - 32;
  if (r == 0x3C2) return 0x3A3;
  if (r >= 0x430 && r <= 0x44F) return r - 32;
  if (r >= 0x450 && r <= 0x45F) return r - 80;
  return r;
}

BuiltinResult MapRunes(std::string_view name, std::span<const Value> a, char32_t (*f)(char32_t)) {
  auto s = Str(name, a, 0);
  if (!s) return s.error();
  std::string out;
  out.reserve(s->size());
  std::size_t i = 0;
  while (i < s->size()) {
    std::size_t start = i;
    char32_t r = codec::DecodeUtf8(*s, i);
    if (r == 0xFFFD && i - start == 1) {
      out += (*s)[start];  // keep invalid bytes as they are
    } else {
      codec::AppendUtf8(out, f(r));
    }
  }
  return Return(Value::String(std::move(out)));
}

BuiltinResult Lower(BuiltinContext&, std::span<const Value> a) {
  return MapRunes("lower", a, ToLowerRune);
}
BuiltinResult Upper(BuiltinContext&, std::span<const Value> a) {
  return MapRunes("upper", a, ToUpperRune);
}

// Go's strings.NewReplacer(old1, new1, ...): leftmost match, earlier pairs win at a position.
// An empty `old` matches at every rune boundary; right after it matched, the other pairs get
// their chance at the same position (so {"": "X", "a": "Y"} makes "ab" into "XYXbX").
Result<std::string> ReplaceAll(
    std::string_view s, const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
    std::size_t limit, std::string_view name) {
  std::string out;
  std::size_t i = 0;
  bool previous_empty = false;
  while (i <= s.size()) {
    const std::pair<std::string_view, std::string_view>* match = nullptr;
    for (const auto& pair : pairs) {
      if (pair.first.empty() ? !previous_empty : s.substr(i).starts_with(pair.first)) {
        match = &pair;
        break;
      }
    }
    previous_empty = match != nullptr && match->first.empty();
    if (match != nullptr) {
      out += match->second;
      i += match->first.size();
    } else {
      if (i == s.size()) break;
      std::size_t start = i;
      codec::DecodeUtf8(s, i);
      out.append(s.substr(start, i - start));
    }
    if (out.size() > limit) return TooLarge(name);
  }
  return out;
}

BuiltinResult Replace(BuiltinContext& ctx, std::span<const Value> a) {
  auto s = Str("replace", a, 0);
  if (!s) return s.error();
  auto old_s = Str("replace", a, 1);
  if (!old_s) return old_s.error();
  auto new_s = Str("replace", a, 2);
  if (!new_s) return new_s.error();
  auto out = ReplaceAll(*s, {{*old_s, *new_s}}, ctx.limits.max_output_bytes, "replace");
  if (!out) return out.error();
  return Return(Value::String(std::move(*out)));
}

BuiltinResult ReplaceN(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "strings.replace_n";
  if (!a[0].is_object()) return OperandTypeError(kName, 1, "object", a[0]);
  auto s = Str(kName, a, 1);
  if (!s) return s.error();
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const auto& [k, v] : a[0].Members()) {
    if (!k.is_string())
      return builtins::TypeError(kName, "operand 1 non-string key found in pattern object");
    if (!v.is_string()) {
      return builtins::TypeError(kName, "operand 1 non-string value found in pattern object");
    }
    pairs.emplace_back(k.AsString(), v.AsString());
  }
  auto out = ReplaceAll(*s, pairs, ctx.limits.max_output_bytes, kName);
  if (!out) return out.error();
  return Return(Value::String(std::move(*out)));
}

// Go's strings.Split: an empty separator splits after each UTF-8 sequence.
std::vector<Value> SplitParts(std::string_view s, std::string_view d) {
  std::vector<Value> out;
  if (d.empty()) {
    std::size_t i = 0;
    while (i < s.size()) {
      std::size_t start = i;
      codec::DecodeUtf8(s, i);
      out.push_back(Value::String(s.substr(start, i - start)));
    }
    return out;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(d, start);
    if (pos == std::string_view::npos) {
      out.push_back(Value::String(s.substr(start)));
      return out;
    }
    out.push_back(Value::String(s.substr(start, pos - start)));
    start = pos + d.size();
  }
}

BuiltinResult Split(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("split", a, 0);
  if (!s) return s.error();
  auto d = Str("split", a, 1);
  if (!d) return d.error();
  return Return(Value::Array(SplitParts(*s, *d)));
}

// strings.split_n(s, sep, n): the first n parts of split(s, sep), or the last -n; none for 0.
BuiltinResult SplitN(BuiltinContext&, std::span<const Value> a) {
  constexpr std::string_view kName = "strings.split_n";
  auto s = Str(kName, a, 0);
  if (!s) return s.error();
  auto d = Str(kName, a, 1);
  if (!d) return d.error();
  if (auto ok = builtins::CheckIntegerArg(kName, a, 2); !ok) return ok.error();
  std::vector<Value> parts = SplitParts(*s, *d);
  const double n = *a[2].AsDouble();
  const double count = std::min(std::fabs(n), static_cast<double>(parts.size()));
  const auto keep = static_cast<std::size_t>(count);
  if (n >= 0) {
    parts.resize(keep);
  } else {
    parts.erase(parts.begin(), parts.end() - static_cast<std::ptrdiff_t>(keep));
  }
  return Return(Value::Array(std::move(parts)));
}

BuiltinResult Sprintf(BuiltinContext& ctx, std::span<const Value> a) {
  auto f = Str("sprintf", a, 0);
  if (!f) return f.error();
  if (!a[1].is_array()) return OperandTypeError("sprintf", 2, "array", a[1]);
  auto out = GoSprintf(*f, a[1].Items(), ctx.limits.max_output_bytes);
  if (!out) return out.error();
  return Return(Value::String(std::move(*out)));
}

BuiltinResult Substring(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("substring", a, 0);
  if (!s) return s.error();
  auto start = builtins::Int64Arg("substring", a, 1);
  if (!start) return start.error();
  auto length = builtins::Int64Arg("substring", a, 2);
  if (!length) return length.error();
  if (*start < 0) return BuiltinError("substring", "negative offset");
  auto offsets = builtins::RuneOffsets(*s);
  std::size_t runes = offsets.size() - 1;
  auto from = static_cast<std::size_t>(*start);
  if (from >= runes) return Return(Value::String(""));
  std::size_t to = runes;
  if (*length >= 0 && static_cast<std::size_t>(*length) < runes - from) {
    to = from + static_cast<std::size_t>(*length);
  }
  return Return(Value::String(s->substr(offsets[from], offsets[to] - offsets[from])));
}

bool InCutset(char32_t r, std::string_view cutset) {
  std::size_t i = 0;
  while (i < cutset.size()) {
    if (codec::DecodeUtf8(cutset, i) == r) return true;
  }
  return false;
}

bool IsGoSpace(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// Trims runes matching `pred` from the left and/or right.
template <typename Pred>
std::string_view TrimRunes(std::string_view s, bool left, bool right, Pred pred) {
  if (left) {
    std::size_t i = 0;
    while (i < s.size()) {
      std::size_t start = i;
      if (!pred(codec::DecodeUtf8(s, i))) {
        i = start;
        break;
      }
    }
    s = s.substr(i);
  }
  if (right) {
    auto offsets = builtins::RuneOffsets(s);
    std::size_t end = s.size();
    for (std::size_t k = offsets.size() - 1; k > 0; --k) {
      std::size_t i = offsets[k - 1];
      if (!pred(codec::DecodeUtf8(s, i))) break;
      end = offsets[k - 1];
    }
    s = s.substr(0, end);
  }
  return s;
}

BuiltinResult TrimWith(std::string_view name, std::span<const Value> a, bool left, bool right) {
  auto s = Str(name, a, 0);
  if (!s) return s.error();
  auto cut = Str(name, a, 1);
  if (!cut) return cut.error();
  std::string_view cutset = *cut;
  return Return(Value::String(
      TrimRunes(*s, left, right, [cutset](char32_t r) { return InCutset(r, cutset); })));
}

BuiltinResult Trim(BuiltinContext&, std::span<const Value> a) {
  return TrimWith("trim", a, true, true);
}
BuiltinResult TrimLeft(BuiltinContext&, std::span<const Value> a) {
  return TrimWith("trim_left", a, true, false);
}
BuiltinResult TrimRight(BuiltinContext&, std::span<const Value> a) {
  return TrimWith("trim_right", a, false, true);
}
BuiltinResult TrimSpace(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("trim_space", a, 0);
  if (!s) return s.error();
  return Return(Value::String(TrimRunes(*s, true, true, IsGoSpace)));
}
BuiltinResult TrimPrefix(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("trim_prefix", a, 0);
  if (!s) return s.error();
  auto p = Str("trim_prefix", a, 1);
  if (!p) return p.error();
  return Return(Value::String(s->starts_with(*p) ? s->substr(p->size()) : *s));
}
BuiltinResult TrimSuffix(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("trim_suffix", a, 0);
  if (!s) return s.error();
  auto p = Str("trim_suffix", a, 1);
  if (!p) return p.error();
  return Return(Value::String(s->ends_with(*p) ? s->substr(0, s->size() - p->size()) : *s));
}

std::string ReverseRunes(std::string_view s) {
  auto offsets = builtins::RuneOffsets(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t k = offsets.size() - 1; k > 0; --k) {
    std::size_t i = offsets[k - 1];
    std::size_t start = i;
    char32_t r = codec::DecodeUtf8(s, i);
    if (r == 0xFFFD && i - start == 1) {
      codec::AppendUtf8(out, 0xFFFD);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out;
}

BuiltinResult Reverse(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("strings.reverse", a, 0);
  if (!s) return s.error();
  return Return(Value::String(ReverseRunes(*s)));
}

Result<std::vector<std::string_view>> StringOrList(std::string_view name, const Value& v, int n) {
  std::vector<std::string_view> out;
  if (v.is_string()) {
    out.push_back(v.AsString());
    return out;
  }
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError(name, n, "one of {string, set, array}", v);
  }
  for (const auto& x : v.Items()) {
    if (!x.is_string()) return builtins::ElementTypeError(name, n, v, "string", x);
    out.push_back(x.AsString());
  }
  return out;
}

BuiltinResult AnyMatch(std::string_view name, std::span<const Value> a, bool prefix) {
  auto strs = StringOrList(name, a[0], 1);
  if (!strs) return strs.error();
  auto pats = StringOrList(name, a[1], 2);
  if (!pats) return pats.error();
  for (auto s : *strs) {
    for (auto p : *pats) {
      if (prefix ? s.starts_with(p) : s.ends_with(p)) return builtins::ReturnBool(true);
    }
  }
  return builtins::ReturnBool(false);
}

BuiltinResult AnyPrefixMatch(BuiltinContext&, std::span<const Value> a) {
  return AnyMatch("strings.any_prefix_match", a, true);
}
BuiltinResult AnySuffixMatch(BuiltinContext&, std::span<const Value> a) {
  return AnyMatch("strings.any_suffix_match", a, false);
}

// Go's text/template, as far as go_template.h goes.
BuiltinResult RenderTemplate(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "strings.render_template";
  auto tmpl = Str(kName, a, 0);
  if (!tmpl) return tmpl.error();
  if (!a[1].is_object()) return OperandTypeError(kName, 2, "object", a[1]);
  auto out = RenderGoTemplate(*tmpl, a[1], ctx.limits.max_output_bytes);
  if (!out) return BuiltinError(kName, out.error().message);
  return Return(Value::String(std::move(*out)));
}

}  // namespace

void RegisterStringBuiltins(BuiltinRegistry& r) {
  constexpr TypeMask kS = kTString;
  constexpr TypeMask kN = kTNumber;
  builtins::Add(r, "concat", {kS, kTArray | kTSet}, kS, Concat);
  builtins::Add(r, "contains", {kS, kS}, kTBool, Contains);
  builtins::Add(r, "startswith", {kS, kS}, kTBool, StartsWith);
  builtins::Add(r, "endswith", {kS, kS}, kTBool, EndsWith);
  builtins::Add(r, "strings.count", {kS, kS}, kN, StringsCount);
  builtins::Add(r, "format_int", {kN, kN}, kS, FormatInt);
  builtins::Add(r, "indexof", {kS, kS}, kN, IndexOf);
  builtins::Add(r, "indexof_n", {kS, kS}, kTArray, IndexOfN);
  builtins::Add(r, "lower", {kS}, kS, Lower);
  builtins::Add(r, "upper", {kS}, kS, Upper);
  builtins::Add(r, "replace", {kS, kS, kS}, kS, Replace);
  builtins::Add(r, "strings.replace_n", {kTObject, kS}, kS, ReplaceN);
  builtins::Add(r, "split", {kS, kS}, kTArray, Split);
  builtins::Add(r, "strings.split_n", {kS, kS, kN}, kTArray, SplitN);
  builtins::Add(r, "sprintf", {kS, kTArray}, kS, Sprintf);
  builtins::Add(r, "substring", {kS, kN, kN}, kS, Substring);
  builtins::Add(r, "trim", {kS, kS}, kS, Trim);
  builtins::Add(r, "trim_left", {kS, kS}, kS, TrimLeft);
  builtins::Add(r, "trim_right", {kS, kS}, kS, TrimRight);
  builtins::Add(r, "trim_prefix", {kS, kS}, kS, TrimPrefix);
  builtins::Add(r, "trim_suffix", {kS, kS}, kS, TrimSuffix);
  builtins::Add(r, "trim_space", {kS}, kS, TrimSpace);
  builtins::Add(r, "strings.reverse", {kS}, kS, Reverse);
  builtins::Add(r, "strings.any_prefix_match", {kS | kTArray | kTSet, kS | kTArray | kTSet}, kTBool,
                AnyPrefixMatch);
  builtins::Add(r, "strings.any_suffix_match", {kS | kTArray | kTSet, kS | kTArray | kTSet}, kTBool,
                AnySuffixMatch);
  builtins::Add(r, "strings.render_template", {kS, kTObject}, kS, RenderTemplate);
}

}  // namespace gatehouse::rego
