#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterNumberBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
