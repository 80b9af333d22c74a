// Types: is_number, is_string, is_boolean, is_array, is_set, is_object, is_null, type_name,
// to_number, and the deprecated cast_array, cast_set, cast_string, cast_boolean, cast_null,
// cast_object.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

template <ValueKind K>
BuiltinResult IsKind(BuiltinContext&, std::span<const Value> a) {
  return builtins::ReturnBool(a[0].kind() == K);
}

BuiltinResult TypeNameFn(BuiltinContext&, std::span<const Value> a) {
  return Return(Value::String(TypeName(a[0].kind())));
}

// Go's strconv.ParseFloat syntax for decimal numbers (no hex, no underscores):
// [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits].
bool IsGoDecimal(std::string_view s) {
  std::size_t i = 0;
  auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool mantissa = false;
  while (digit(i)) {
    ++i;
    mantissa = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (digit(i)) {
      ++i;
      mantissa = true;
    }
  }
  if (!mantissa) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == s.size();
}

BuiltinResult ToNumber(BuiltinContext&, std::span<const Value> a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::kNull:
      return Return(Value::Int(0));
    case ValueKind::kBool:
      return Return(Value::Int(*v.AsBool() ? 1 : 0));
    case ValueKind::kNumber:
      return Return(v);
    case ValueKind::kString: {
      std::string s(v.AsString());
      std::string lower;
      for (char c :
           s.substr(s.find_first_not_of("+-") == std::string::npos ? s.size()
                                                                   : s.find_first_not_of("+-"))) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (lower == "inf" || lower == "infinity" || lower == "nan") {
        return OperandTypeError("to_number", 1, "valid number string", v);
      }
      if (!IsGoDecimal(s)) {
        return BuiltinError("to_number",
                            "strconv.ParseFloat: parsing " + ToRegoText(v) + ": invalid syntax");
      }
      // OPA keeps the string as the number's text: exact at any size and precision.
      if (auto exact = Value::NumberFromText(s); exact && std::isfinite(*exact->AsDouble())) {
        return Return(*exact);
      }
      bool integral = s.find_first_of(".eE") == std::string::npos;
      if (integral) {
        errno = 0;
        char* end = nullptr;
        long long i = std::strtoll(s.c_str(), &end, 10);
        if (errno == 0 && end != nullptr && *end == '\0') return Return(Value::Int(i));
      }
      double d = std::strtod(s.c_str(), nullptr);
      if (!std::isfinite(d)) {
        return BuiltinError(
            "to_number", "strconv.ParseFloat: parsing " + ToRegoText(v) + ": value out of range");
      }
      return Return(Value::Number(d));
    }
    default:
      return OperandTypeError("to_number", 1, "one of {null, boolean, number, string}", v);
  }
}

BuiltinResult CastArray(BuiltinContext&, std::span<const Value> a) {
  if (a[0].is_array()) return Return(a[0]);
  if (a[0].is_set()) {
    return Return(Value::Array(std::vector<Value>(a[0].Items().begin(), a[0].Items().end())));
  }
  return OperandTypeError("cast_array", 1, "one of {array, set}", a[0]);
}

BuiltinResult CastSet(BuiltinContext&, std::span<const Value> a) {
  if (a[0].is_set()) return Return(a[0]);
  if (a[0].is_array()) {
    return Return(Value::Set(std::vector<Value>(a[0].Items().begin(), a[0].Items().end())));
  }
  return OperandTypeError("cast_set", 1, "one of {array, set}", a[0]);
}

template <ValueKind K>
BuiltinResult CastSame(BuiltinContext&, std::span<const Value> a) {
  if (a[0].kind() == K) return Return(a[0]);
  std::string name = "cast_" + std::string(TypeName(K));
  return OperandTypeError(name, 1, TypeName(K), a[0]);
}

}  // namespace

void RegisterTypeBuiltins(BuiltinRegistry& r) {
  builtins::Add(r, "is_number", {kTAny}, kTBool, IsKind<ValueKind::kNumber>);
  builtins::Add(r, "is_string", {kTAny}, kTBool, IsKind<ValueKind::kString>);
  builtins::Add(r, "is_boolean", {kTAny}, kTBool, IsKind<ValueKind::kBool>);
  builtins::Add(r, "is_array", {kTAny}, kTBool, IsKind<ValueKind::kArray>);
  builtins::Add(r, "is_set", {kTAny}, kTBool, IsKind<ValueKind::kSet>);
  builtins::Add(r, "is_object", {kTAny}, kTBool, IsKind<ValueKind::kObject>);
  builtins::Add(r, "is_null", {kTAny}, kTBool, IsKind<ValueKind::kNull>);
  builtins::Add(r, "type_name", {kTAny}, kTString, TypeNameFn);
  builtins::Add(r, "to_number", {kTNull | kTBool | kTNumber | kTString}, kTNumber, ToNumber);
  builtins::Add(r, "cast_array", {kTAny}, kTArray, CastArray);
  builtins::Add(r, "cast_set", {kTAny}, kTSet, CastSet);
  builtins::Add(r, "cast_string", {kTAny}, kTString, CastSame<ValueKind::kString>);
  builtins::Add(r, "cast_boolean", {kTAny}, kTBool, CastSame<ValueKind::kBool>);
  builtins::Add(r, "cast_null", {kTAny}, kTNull, CastSame<ValueKind::kNull>);
  builtins::Add(r, "cast_object", {kTAny}, kTObject, CastSame<ValueKind::kObject>);
}

}  // namespace gatehouse::rego
