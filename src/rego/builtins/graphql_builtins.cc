#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterGraphqlBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
