#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterMiscBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
