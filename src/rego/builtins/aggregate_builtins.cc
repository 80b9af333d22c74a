#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterAggregateBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
