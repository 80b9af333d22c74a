#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterTypeBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
