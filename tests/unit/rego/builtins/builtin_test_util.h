// Test helpers shared by the builtin group tests: call a registered builtin by name and check
// its outcome, plus short value makers. Header-only (the unit-test glob compiles *_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rego/builtins/builtin.h"

namespace gatehouse::rego::builtin_test {

inline Value J(std::string_view json) {
  auto v = ParseJsonText(json);
  EXPECT_TRUE(v.has_value()) << json;
  return v.has_value() ? *v : Value();
}

inline BuiltinResult Call(std::string_view name, std::vector<Value> args, BuiltinContext ctx = {}) {
  const Builtin* b = StandardBuiltins().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return MakeError("missing", std::string(name));
  EXPECT_EQ(b->params.size(), args.size()) << name;
  return b->fn(ctx, args);
}

inline Value Ok(std::string_view name, std::vector<Value> args) {
  auto r = Call(name, std::move(args));
  EXPECT_TRUE(r.has_value()) << name << ": " << (r ? "" : r.error().ToString());
  if (!r.has_value()) return Value();
  EXPECT_TRUE(r->has_value()) << name << " undefined";
  return r->value_or(Value());
}

inline Error Err(std::string_view name, std::vector<Value> args) {
  auto r = Call(name, std::move(args));
  EXPECT_FALSE(r.has_value()) << name;
  return r.has_value() ? Error{} : r.error();
}

inline Value I(std::int64_t i) { return Value::Int(i); }
inline Value D(double d) { return Value::Number(d); }
inline Value S(std::string_view s) { return Value::String(s); }
inline Value B(bool b) { return Value::Bool(b); }

}  // namespace gatehouse::rego::builtin_test
