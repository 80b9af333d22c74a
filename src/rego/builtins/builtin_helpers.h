// Small helpers every builtin group shares: result constructors, registration, operand checks
// with OPA's type-error wording, UTF-8 rune walking and integral-number checks.
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

#include "common/codec/utf8.h"
#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego::builtins {

// A defined result, an undefined one (the expression is false), a boolean result.
inline BuiltinResult Return(Value v) { return std::optional<Value>(std::move(v)); }
inline BuiltinResult Undefined() { return std::optional<Value>(); }
inline BuiltinResult ReturnBool(bool b) { return Return(Value::Bool(b)); }

// Registers a plain builtin (`nondeterministic`: memoised per evaluation, see Builtin).
inline void Add(BuiltinRegistry& r, std::string name, std::vector<TypeMask> params, TypeMask result,
                BuiltinFunction fn, bool nondeterministic = false) {
  Builtin b;
  b.name = std::move(name);
  b.params = std::move(params);
  b.result = result;
  b.fn = fn;
  b.nondeterministic = nondeterministic;
  r.Add(std::move(b));
}

// The string operand `n` (1-based) or OPA's type error for it ("<name>: operand <n> must be
// string but got <type>").
inline Result<std::string_view> StringArg(std::string_view name, std::span<const Value> args,
                                          int n) {
  const Value& v = args[static_cast<std::size_t>(n - 1)];
  if (!v.is_string()) return OperandTypeError(name, n, "string", v);
  return v.AsString();
}

// An eval_type_error with OPA's "<name>: <message>" wording, for checks that OperandTypeError
// cannot express ("operand 1 must be integer number but got floating-point number").
inline Error TypeError(std::string_view name, std::string_view message) {
  return MakeError(RegoError::kEvalType, std::string(name) + ": " + std::string(message));
}
// An eval_type_error whose message the caller has already worded in full.
inline Error TypeError(std::string_view message) {
  return MakeError(RegoError::kEvalType, std::string(message));
}

// "operand N must be <array> of <expected>s but got <array> containing <type>".
inline Error ElementTypeError(std::string_view name, int n, const Value& composite,
                              std::string_view expected, const Value& element) {
  std::string tpe(TypeName(composite.kind()));
  return TypeError(name, "operand " + std::to_string(n) + " must be " + tpe + " of " +
                             std::string(expected) + "s but got " + tpe + " containing " +
                             std::string(TypeName(element.kind())));
}

// Byte offsets of each code point start, plus the end offset.
inline std::vector<std::size_t> RuneOffsets(std::string_view s) {
  std::vector<std::size_t> offsets;
  std::size_t i = 0;
  while (i < s.size()) {
    offsets.push_back(i);
    codec::DecodeUtf8(s, i);
  }
  offsets.push_back(s.size());
  return offsets;
}

inline std::size_t RuneCount(std::string_view s) {
  std::size_t n = 0, i = 0;
  while (i < s.size()) {
    codec::DecodeUtf8(s, i);
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
  if (v.is_big_number()) return v.BigNumberValue()->is_integer();
  auto d = v.AsDouble();
  return d && std::isfinite(*d) && *d == std::trunc(*d);
}

// Integer operand i: a number with no fraction, of any size; else OPA's "operand N must be
// integer number but got floating-point number".
inline Result<bool> CheckIntegerArg(std::string_view name, std::span<const Value> a,
                                    std::size_t i) {
  const int n = static_cast<int>(i + 1);
  if (!a[i].is_number()) return OperandTypeError(name, n, "number", a[i]);
  if (!IsIntegral(a[i])) {
    return TypeError(name, "operand " + std::to_string(n) +
                               " must be integer number but got floating-point number");
  }
  return true;
}

// Integer operand i as an int64, for builtins that index or count (the same error for any other
// number).
inline Result<std::int64_t> Int64Arg(std::string_view name, std::span<const Value> a,
                                     std::size_t i) {
  const int n = static_cast<int>(i + 1);
  if (!a[i].is_number()) return OperandTypeError(name, n, "number", a[i]);
  if (!a[i].is_int()) {
    return TypeError(name, "operand " + std::to_string(n) +
                               " must be integer number but got floating-point number");
  }
  return *a[i].AsInt();
}

}  // namespace gatehouse::rego::builtins
