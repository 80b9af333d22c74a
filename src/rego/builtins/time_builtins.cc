#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterTimeBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
