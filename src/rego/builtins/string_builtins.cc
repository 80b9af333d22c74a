#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterStringBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
