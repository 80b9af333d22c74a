#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterEncodingBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
