#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterNetBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
