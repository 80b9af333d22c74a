// Regex and glob builtins: regex.match (and the deprecated re_match), regex.is_valid,
// regex.split, regex.find_n, regex.find_all_string_submatch_n, regex.replace,
// regex.template_match, regex.globs_match, glob.match, glob.quote_meta.
//
// Patterns are RE2 (≈ Go regexp), compiled through the bounded cache in regex_cache.h. Match
// iteration follows Go's regexp: an empty match right after a previous match is skipped.
#include <string>
#include <vector>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/glob.h"
#include "rego/builtins/glob_intersection.h"
#include "rego/builtins/regex_cache.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;
using Regex = std::shared_ptr<const re2::RE2>;

Result<std::string_view> Str(std::string_view name, std::span<const Value> a, std::size_t i) {
  if (!a[i].is_string()) return OperandTypeError(name, static_cast<int>(i + 1), "string", a[i]);
  return a[i].AsString();
}

Result<Regex> Compile(std::string_view name, BuiltinContext& ctx, std::string_view pattern) {
  auto re = CompileRegexCached(pattern, ctx.limits.max_pattern_bytes);
  if (!re) return BuiltinError(name, re.error().message);
  return *re;
}

// A match as byte offsets: groups[2k], groups[2k+1] (-1 when group k did not take part).
using Spans = std::vector<std::ptrdiff_t>;

// Go's allMatches: up to n matches (n < 0: all), calling `deliver` for each accepted one.
template <typename F>
void ForEachMatch(const re2::RE2& re, std::string_view text, std::int64_t n, F deliver) {
  int groups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(static_cast<std::size_t>(groups));
  re2::StringPiece input(text.data(), text.size());
  std::size_t pos = 0;
  std::ptrdiff_t prev_end = -1;
  std::int64_t found = 0;
  while ((n < 0 || found < n) && pos <= text.size()) {
    if (!re.Match(input, pos, text.size(), re2::RE2::UNANCHORED, sub.data(), groups)) break;
    Spans spans(static_cast<std::size_t>(groups) * 2, -1);
    for (int g = 0; g < groups; ++g) {
      const auto& s = sub[static_cast<std::size_t>(g)];
      if (s.data() == nullptr) continue;
      spans[static_cast<std::size_t>(g) * 2] = s.data() - text.data();
      spans[static_cast<std::size_t>(g) * 2 + 1] =
          s.data() - text.data() + static_cast<std::ptrdiff_t>(s.size());
    }
    bool accept = true;
    auto end = static_cast<std::size_t>(spans[1]);
    if (end == pos) {
      if (spans[0] == prev_end) accept = false;
      if (pos < text.size()) {
        codec::DecodeUtf8(text, pos);
      } else {
        pos = text.size() + 1;
      }
    } else {
      pos = end;
    }
    prev_end = spans[1];
    if (accept) {
      deliver(spans);
      ++found;
    }
  }
}

std::string_view SpanText(std::string_view text, const Spans& s, std::size_t g) {
  if (s[g * 2] < 0) return {};
  return text.substr(static_cast<std::size_t>(s[g * 2]),
                     static_cast<std::size_t>(s[g * 2 + 1] - s[g * 2]));
}

BuiltinResult RegexMatchNamed(std::string_view name, BuiltinContext& ctx,
                              std::span<const Value> a) {
  auto pattern = Str(name, a, 0);
  if (!pattern) return pattern.error();
  auto text = Str(name, a, 1);
  if (!text) return text.error();
  auto re = Compile(name, ctx, *pattern);
  if (!re) return re.error();
  return builtins::ReturnBool(
      re2::RE2::PartialMatch(re2::StringPiece(text->data(), text->size()), **re));
}

BuiltinResult RegexMatch(BuiltinContext& ctx, std::span<const Value> a) {
  return RegexMatchNamed("regex.match", ctx, a);
}
BuiltinResult ReMatch(BuiltinContext& ctx, std::span<const Value> a) {
  return RegexMatchNamed("re_match", ctx, a);
}

BuiltinResult RegexIsValid(BuiltinContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return builtins::ReturnBool(false);
  return builtins::ReturnBool(
      CompileRegexCached(a[0].AsString(), ctx.limits.max_pattern_bytes).has_value());
}

BuiltinResult RegexSplit(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "regex.split";
  auto pattern = Str(kName, a, 0);
  if (!pattern) return pattern.error();
  auto text = Str(kName, a, 1);
  if (!text) return text.error();
  auto re = Compile(kName, ctx, *pattern);
  if (!re) return re.error();
  std::vector<Value> out;
  if (!pattern->empty() && text->empty()) {
    out.push_back(Value::String(""));
    return Return(Value::Array(std::move(out)));
  }
  std::size_t beg = 0, end = 0;
  ForEachMatch(**re, *text, -1, [&](const Spans& s) {
    end = static_cast<std::size_t>(s[0]);
    if (s[1] != 0) out.push_back(Value::String(text->substr(beg, end - beg)));
    beg = static_cast<std::size_t>(s[1]);
  });
  if (end != text->size()) out.push_back(Value::String(text->substr(beg)));
  return Return(Value::Array(std::move(out)));
}

BuiltinResult RegexFindN(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "regex.find_n";
  auto pattern = Str(kName, a, 0);
  if (!pattern) return pattern.error();
  auto text = Str(kName, a, 1);
  if (!text) return text.error();
  auto n = builtins::Int64Arg(kName, a, 2);
  if (!n) return n.error();
  auto re = Compile(kName, ctx, *pattern);
  if (!re) return re.error();
  std::vector<Value> out;
  ForEachMatch(**re, *text, *n,
               [&](const Spans& s) { out.push_back(Value::String(SpanText(*text, s, 0))); });
  return Return(Value::Array(std::move(out)));
}

BuiltinResult RegexFindAllSubmatch(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "regex.find_all_string_submatch_n";
  auto pattern = Str(kName, a, 0);
  if (!pattern) return pattern.error();
  auto text = Str(kName, a, 1);
  if (!text) return text.error();
  auto n = builtins::Int64Arg(kName, a, 2);
  if (!n) return n.error();
  auto re = Compile(kName, ctx, *pattern);
  if (!re) return re.error();
  std::vector<Value> out;
  ForEachMatch(**re, *text, *n, [&](const Spans& s) {
    std::vector<Value> groups;
    for (std::size_t g = 0; g < s.size() / 2; ++g) {
      groups.push_back(Value::String(SpanText(*text, s, g)));
    }
    out.push_back(Value::Array(std::move(groups)));
  });
  return Return(Value::Array(std::move(out)));
}

// Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$.
void Expand(std::string& out, std::string_view tmpl, const re2::RE2& re, std::string_view text,
            const Spans& s) {
  auto is_name = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::size_t i = 0;
  while (i < tmpl.size()) {
    std::size_t dollar = tmpl.find('$', i);
    if (dollar == std::string_view::npos) {
      out.append(tmpl.substr(i));
      return;
    }
    out.append(tmpl.substr(i, dollar - i));
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string_view name;
    if (i < tmpl.size() && tmpl[i] == '{') {
      std::size_t close = tmpl.find('}', i + 1);
      bool ok = close != std::string_view::npos && close > i + 1;
      if (ok) {
        for (std::size_t k = i + 1; k < close; ++k) ok = ok && is_name(tmpl[k]);
      }
      if (!ok) {
        out += '$';
        continue;
      }
      name = tmpl.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      std::size_t k = i;
      while (k < tmpl.size() && is_name(tmpl[k])) ++k;
      if (k == i) {
        out += '$';
        continue;
      }
      name = tmpl.substr(i, k - i);
      i = k;
    }
    bool numeric = !name.empty() && name.size() < 9 &&
                   name.find_first_not_of("0123456789") == std::string_view::npos;
    std::size_t group = 0;
    bool found = false;
    if (numeric) {
      group = std::stoul(std::string(name));
      found = group < s.size() / 2;
    } else {
      auto it = re.NamedCapturingGroups().find(std::string(name));
      if (it != re.NamedCapturingGroups().end()) {
        group = static_cast<std::size_t>(it->second);
        found = true;
      }
    }
    if (found) out.append(SpanText(text, s, group));
  }
}

BuiltinResult RegexReplace(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "regex.replace";
  auto text = Str(kName, a, 0);
  if (!text) return text.error();
  auto pattern = Str(kName, a, 1);
  if (!pattern) return pattern.error();
  auto repl = Str(kName, a, 2);
  if (!repl) return repl.error();
  auto re = Compile(kName, ctx, *pattern);
  if (!re) return re.error();
  // Go's ReplaceAllString.
  std::string out;
  std::size_t last_end = 0, pos = 0;
  int groups = (*re)->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(static_cast<std::size_t>(groups));
  re2::StringPiece input(text->data(), text->size());
  while (pos <= text->size()) {
    if (!(*re)->Match(input, pos, text->size(), re2::RE2::UNANCHORED, sub.data(), groups)) break;
    Spans s(static_cast<std::size_t>(groups) * 2, -1);
    for (int g = 0; g < groups; ++g) {
      const auto& m = sub[static_cast<std::size_t>(g)];
      if (m.data() == nullptr) continue;
      s[static_cast<std::size_t>(g) * 2] = m.data() - text->data();
      s[static_cast<std::size_t>(g) * 2 + 1] =
          m.data() - text->data() + static_cast<std::ptrdiff_t>(m.size());
    }
    auto m0 = static_cast<std::size_t>(s[0]), m1 = static_cast<std::size_t>(s[1]);
    out.append(text->substr(last_end, m0 - last_end));
    if (m1 > last_end || m0 == 0) Expand(out, *repl, **re, *text, s);
    if (out.size() > ctx.limits.max_output_bytes) return BuiltinError(kName, "output too large");
    last_end = m1;
    std::size_t next = pos;
    if (next < text->size()) {
      codec::DecodeUtf8(*text, next);
    } else {
      next = pos + 1;
    }
    pos = next > m1 ? next : m1;
  }
  if (last_end < text->size()) out.append(text->substr(last_end));
  return Return(Value::String(std::move(out)));
}

std::string QuoteRegex(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

BuiltinResult RegexTemplateMatch(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "regex.template_match";
  std::string_view args[4];
  for (std::size_t i = 0; i < 4; ++i) {
    auto s = Str(kName, a, i);
    if (!s) return s.error();
    args[i] = *s;
  }
  if (args[2].size() != 1) {
    return BuiltinError(kName, "start delimiter has to be exactly one character long but is " +
                                   std::to_string(args[2].size()) + " long");
  }
  if (args[3].size() != 1) {
    return BuiltinError(kName, "end delimiter has to be exactly one character long but is " +
                                   std::to_string(args[3].size()) + " long");
  }
  char open = args[2][0], close = args[3][0];
  std::string_view tpl = args[0];
  // Delimited parts are regexes; the rest is literal.
  std::string pattern = "^";
  std::size_t level = 0, idx = 0, literal_start = 0;
  for (std::size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == open) {
      if (level++ == 0) idx = i;
    } else if (tpl[i] == close) {
      if (level == 0) return BuiltinError(kName, "unbalanced braces in template");
      if (--level == 0) {
        pattern += QuoteRegex(tpl.substr(literal_start, idx - literal_start));
        pattern += "(" + std::string(tpl.substr(idx + 1, i - idx - 1)) + ")";
        literal_start = i + 1;
      }
    }
  }
  if (level != 0) return BuiltinError(kName, "unbalanced braces in template");
  pattern += QuoteRegex(tpl.substr(literal_start)) + "$";
  auto re = Compile(kName, ctx, pattern);
  if (!re) return re.error();
  return builtins::ReturnBool(
      re2::RE2::PartialMatch(re2::StringPiece(args[1].data(), args[1].size()), **re));
}

BuiltinResult GlobMatch(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "glob.match";
  auto pattern = Str(kName, a, 0);
  if (!pattern) return pattern.error();
  std::vector<char32_t> delimiters;
  if (a[1].is_array()) {
    for (const auto& d : a[1].Items()) {
      if (!d.is_string()) return builtins::ElementTypeError(kName, 2, a[1], "string", d);
      std::string_view s = d.AsString();
      std::size_t i = 0;
      char32_t r = s.empty() ? 0 : codec::DecodeUtf8(s, i);
      if (s.empty() || i != s.size()) return builtins::ElementTypeError(kName, 2, a[1], "rune", d);
      delimiters.push_back(r);
    }
    if (delimiters.empty()) delimiters.push_back('.');
  } else if (!a[1].is_null()) {
    return OperandTypeError(kName, 2, "one of {array, null}", a[1]);
  }
  auto text = Str(kName, a, 2);
  if (!text) return text.error();
  if (pattern->size() > ctx.limits.max_pattern_bytes) {
    return BuiltinError(kName, "pattern too long");
  }
  auto regex = GlobToRegex(*pattern, delimiters);
  if (!regex) return BuiltinError(kName, regex.error().message);
  auto re = CompileRegexCached(*regex, ctx.limits.max_pattern_bytes * 16 + 64);
  if (!re) return BuiltinError(kName, re.error().message);
  return builtins::ReturnBool(
      re2::RE2::PartialMatch(re2::StringPiece(text->data(), text->size()), **re));
}

BuiltinResult RegexGlobsMatch(BuiltinContext& ctx, std::span<const Value> a) {
  constexpr std::string_view kName = "regex.globs_match";
  auto x = Str(kName, a, 0);
  if (!x) return x.error();
  auto y = Str(kName, a, 1);
  if (!y) return y.error();
  if (x->size() > ctx.limits.max_pattern_bytes || y->size() > ctx.limits.max_pattern_bytes) {
    return BuiltinError(kName, "pattern too long");
  }
  auto r = GlobsIntersect(*x, *y);
  if (!r) return BuiltinError(kName, r.error().message);
  return builtins::ReturnBool(*r);
}

BuiltinResult GlobQuoteMetaFn(BuiltinContext&, std::span<const Value> a) {
  auto s = Str("glob.quote_meta", a, 0);
  if (!s) return s.error();
  return Return(Value::String(GlobQuoteMeta(*s)));
}

}  // namespace

void RegisterRegexBuiltins(BuiltinRegistry& r) {
  constexpr TypeMask kS = kTString;
  constexpr TypeMask kN = kTNumber;
  builtins::Add(r, "regex.match", {kS, kS}, kTBool, RegexMatch);
  builtins::Add(r, "re_match", {kS, kS}, kTBool, ReMatch);
  builtins::Add(r, "regex.is_valid", {kTAny}, kTBool, RegexIsValid);
  builtins::Add(r, "regex.split", {kS, kS}, kTArray, RegexSplit);
  builtins::Add(r, "regex.find_n", {kS, kS, kN}, kTArray, RegexFindN);
  builtins::Add(r, "regex.find_all_string_submatch_n", {kS, kS, kN}, kTArray, RegexFindAllSubmatch);
  builtins::Add(r, "regex.replace", {kS, kS, kS}, kS, RegexReplace);
  builtins::Add(r, "regex.template_match", {kS, kS, kS, kS}, kTBool, RegexTemplateMatch);
  builtins::Add(r, "regex.globs_match", {kS, kS}, kTBool, RegexGlobsMatch);
  builtins::Add(r, "glob.match", {kS, kTArray | kTNull, kS}, kTBool, GlobMatch);
  builtins::Add(r, "glob.quote_meta", {kS}, kS, GlobQuoteMetaFn);
}

}  // namespace gatehouse::rego
