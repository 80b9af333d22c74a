// Test helpers shared by the builtin tests: call a registered builtin by name and check its
// outcome, short value makers, and the string literals of an OPA conformance case. Header-only
// (the unit-test glob compiles *_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/common_errors.h"
#include "conformance/conformance_dir.h"
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
  if (b == nullptr) return MakeError(CommonError::kInternal, std::string(name));
  EXPECT_EQ(b->params.size(), args.size()) << name;
  return b->fn(ctx, args);
}

// The same with the caller's context (memoisation, now_ns, runtime, ... across calls).
inline BuiltinResult Call(BuiltinContext& ctx, std::string_view name, std::vector<Value> args) {
  const Builtin* b = StandardBuiltins().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return MakeError(CommonError::kInternal, std::string(name));
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
// A number from its JSON text, in whichever form holds it (int, double or big).
inline Value N(std::string_view text) { return *Value::NumberFromText(text); }
inline Value S(std::string_view s) { return Value::String(s); }
inline Value B(bool b) { return Value::Bool(b); }

inline std::string Text(const BuiltinResult& r) {
  if (!r) return "ERROR " + r.error().ToString();
  if (!r->has_value()) return "UNDEFINED";
  return ToJsonText(**r);
}

inline std::string ErrorOf(const BuiltinResult& r) {
  if (r) return "NO ERROR: " + Text(r);
  return r.error().ToString();
}

// The string literals ("..." with JSON escapes, or `raw`) of the first module of the OPA
// conformance case `note` in folder `folder`, in source order; empty when not found. A test
// that calls it starts with GATEHOUSE_REQUIRE_OPA_CASES() so that it is skipped, not failed,
// when $GATEHOUSE_CONFORMANCE_DIR has no OPA cases.
inline std::vector<std::string> CaseStrings(std::string_view folder, std::string_view note,
                                            int nth = 0) {
  std::vector<std::string> out;
  const std::filesystem::path dir = gatehouse::conformance::OpaCasesDir() / folder;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream in(entry.path());
    std::stringstream buf;
    buf << in.rdbuf();
    auto doc = ParseJsonText(buf.str());
    if (!doc) continue;
    const Value* cases = doc->Find("cases");
    if (cases == nullptr) continue;
    for (const auto& c : cases->Items()) {
      const Value* n = c.Find("note");
      if (n == nullptr || n->AsString() != note) continue;
      if (nth-- > 0) continue;
      const std::string_view module = c.Find("modules")->Items()[0].AsString();
      for (std::size_t i = 0; i < module.size(); ++i) {
        if (module[i] == '`') {
          const auto end = module.find('`', i + 1);
          out.emplace_back(module.substr(i + 1, end - i - 1));
          i = end;
        } else if (module[i] == '"') {
          std::size_t j = i + 1;
          while (module[j] != '"') j += module[j] == '\\' ? 2 : 1;
          auto s = ParseJsonText(module.substr(i, j - i + 1));
          out.emplace_back(s ? std::string(s->AsString()) : std::string());
          i = j;
        } else if (module[i] == '#') {
          i = module.find('\n', i);
        }
      }
      return out;
    }
  }
  return out;
}

}  // namespace gatehouse::rego::builtin_test
