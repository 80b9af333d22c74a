#include <algorithm>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {

void BuiltinRegistry::Add(Builtin builtin) {
  std::string name = builtin.name;
  by_name_.insert_or_assign(std::move(name), std::move(builtin));
}

const Builtin* BuiltinRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &it->second;
}

std::vector<const Builtin*> BuiltinRegistry::All() const {
  std::vector<const Builtin*> all;
  all.reserve(by_name_.size());
  for (const auto& [name, builtin] : by_name_) all.push_back(&builtin);
  std::sort(all.begin(), all.end(),
            [](const Builtin* a, const Builtin* b) { return a->name < b->name; });
  return all;
}

const BuiltinRegistry& StandardBuiltins() {
  static const BuiltinRegistry registry = [] {
    BuiltinRegistry r;
    RegisterAggregateBuiltins(r);
    RegisterNumberBuiltins(r);
    RegisterUnitsBuiltins(r);
    RegisterComparisonBuiltins(r);
    RegisterStringBuiltins(r);
    RegisterRegexBuiltins(r);
    RegisterCollectionBuiltins(r);
    RegisterTypeBuiltins(r);
    RegisterEncodingBuiltins(r);
    RegisterTimeBuiltins(r);
    RegisterNetBuiltins(r);
    RegisterCryptoBuiltins(r);
    RegisterIoJwtBuiltins(r);
    RegisterCryptoX509Builtins(r);
    RegisterSemverBuiltins(r);
    RegisterUuidBuiltins(r);
    RegisterRandBuiltins(r);
    RegisterOpaBuiltins(r);
    RegisterJsonSchemaBuiltins(r);
    RegisterGraphqlBuiltins(r);
    RegisterProviderBuiltins(r);
    RegisterHttpBuiltins(r);
    RegisterDebugBuiltins(r);
    return r;
  }();
  return registry;
}

Error OperandTypeError(std::string_view name, int n, std::string_view expected,
                       const Value& actual) {
  return MakeError(RegoError::kEvalType, std::string(name) + ": operand " + std::to_string(n) +
                                             " must be " + std::string(expected) + " but got " +
                                             std::string(TypeName(actual.kind())));
}

Error BuiltinError(std::string_view name, std::string_view message) {
  return MakeError(RegoError::kEvalBuiltin, std::string(name) + ": " + std::string(message));
}

}  // namespace gatehouse::rego
