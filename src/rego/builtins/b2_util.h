// Small helpers shared by the encoding, time, net, crypto and misc builtin groups: result
// wrappers, operand checks and registration. Header-only, pure, thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rego/builtins/builtin.h"

namespace gatehouse::rego::b2 {

inline BuiltinResult Done(Value v) { return std::optional<Value>(std::move(v)); }
inline BuiltinResult Undefined() { return std::optional<Value>(); }

// Registers a plain builtin.
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

// The string operand `n` (1-based) or the OPA type error for it.
inline Result<std::string_view> StringArg(std::string_view name, std::span<const Value> args,
                                          int n) {
  const Value& v = args[static_cast<std::size_t>(n - 1)];
  if (!v.is_string()) return OperandTypeError(name, n, "string", v);
  return v.AsString();
}

inline Error TypeError(std::string_view message) {
  return MakeError("eval_type_error", std::string(message));
}

}  // namespace gatehouse::rego::b2
