#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterCryptoBuiltins(BuiltinRegistry& r) { (void)r; }

}  // namespace gatehouse::rego
