#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterComparisonBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
