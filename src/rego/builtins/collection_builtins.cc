#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterCollectionBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
