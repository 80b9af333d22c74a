#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterRegexBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
