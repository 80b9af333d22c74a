// semver.is_valid, semver.compare: Semantic Versioning 2.0.0 (https://semver.org), as OPA
// reads it.
#include <string>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/semver.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

BuiltinResult SemverIsValid(BuiltinContext&, std::span<const Value> args) {
  return Return(
      Value::Bool(args[0].is_string() && builtins::ParseSemVer(args[0].AsString()).has_value()));
}

BuiltinResult SemverCompare(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "semver.compare";
  builtins::SemVer v[2];
  for (int i = 0; i < 2; ++i) {
    auto s = builtins::StringArg(kName, args, i + 1);
    if (!s) return s.error();
    auto parsed = builtins::ParseSemVer(*s);
    if (!parsed) {
      return BuiltinError(kName, "operand " + std::to_string(i + 1) + ": string \"" +
                                     std::string(*s) + "\" is not a valid SemVer");
    }
    v[i] = std::move(*parsed);
  }
  return Return(Value::Int(builtins::CompareSemVer(v[0], v[1])));
}

}  // namespace

void RegisterSemverBuiltins(BuiltinRegistry& r) {
  using builtins::Add;
  Add(r, "semver.is_valid", {kTAny}, kTBool, SemverIsValid);
  Add(r, "semver.compare", {kTString, kTString}, kTNumber, SemverCompare);
}

}  // namespace gatehouse::rego
