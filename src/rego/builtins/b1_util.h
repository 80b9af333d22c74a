// Small helpers shared by the core builtin groups (aggregates, numbers, strings, regex,
// collections, types): result constructors, registration, UTF-8 walking and number checks.
//
// Header-only, stateless, thread-safe. Nothing here fails except the Result-returning helpers,
// which report OPA-worded type errors (code eval_type_error).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rego/builtins/builtin.h"

namespace gatehouse::rego::b1 {

inline BuiltinResult Return(Value v) { return std::optional<Value>(std::move(v)); }
inline BuiltinResult Undefined() { return std::optional<Value>(); }
inline BuiltinResult ReturnBool(bool b) { return Return(Value::Bool(b)); }

// An eval_type_error with OPA's "<name>: <message>" wording, for checks that OperandTypeError
// cannot express ("operand 1 must be integer number but got floating-point number").
inline Error TypeError(std::string_view name, std::string_view message) {
  return MakeError("eval_type_error", std::string(name) + ": " + std::string(message));
}

// "operand N must be <array> of <expected>s but got <array> containing <type>".
inline Error ElementTypeError(std::string_view name, int n, const Value& composite,
                              std::string_view expected, const Value& element) {
  std::string tpe(TypeName(composite.kind()));
  return TypeError(name, "operand " + std::to_string(n) + " must be " + tpe + " of " +
                             std::string(expected) + "s but got " + tpe + " containing " +
                             std::string(TypeName(element.kind())));
}

inline void Add(BuiltinRegistry& r, std::string name, std::vector<TypeMask> params, TypeMask result,
                BuiltinFunction fn) {
  Builtin b;
  b.name = std::move(name);
  b.params = std::move(params);
  b.result = result;
  b.fn = fn;
  r.Add(std::move(b));
}

// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes decode as U+FFFD and
// consume one byte, as Go's range over a string does.
inline char32_t DecodeRune(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

inline void AppendRune(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Byte offsets of each code point start, plus the end offset.
inline std::vector<std::size_t> RuneOffsets(std::string_view s) {
  std::vector<std::size_t> offsets;
  std::size_t i = 0;
  while (i < s.size()) {
    offsets.push_back(i);
    DecodeRune(s, i);
  }
  offsets.push_back(s.size());
  return offsets;
}

inline std::size_t RuneCount(std::string_view s) {
  std::size_t n = 0, i = 0;
  while (i < s.size()) {
    DecodeRune(s, i);
    ++n;
  }
  return n;
}

// An integral number as int64 (doubles that are integral but out of int64 range: nullopt).
inline std::optional<std::int64_t> IntegralOf(const Value& v) {
  if (v.is_int()) return v.AsInt();
  return std::nullopt;
}

inline bool IsIntegral(const Value& v) {
  if (v.is_int()) return true;
  auto d = v.AsDouble();
  return d && std::isfinite(*d) && *d == std::trunc(*d);
}

}  // namespace gatehouse::rego::b1
