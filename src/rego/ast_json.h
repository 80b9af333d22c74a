// OPA's JSON form of a parsed module, as `rego.parse_module` returns it (and `opa parse
// --format json` prints it, without locations): {"package": {"path": [...]}, "imports": [...],
// "rules": [{"head": {...}, "body": [...]}]}, every term as {"type": ..., "value": ...}.
// Pure: it reads the Module and allocates the document.
#pragma once

#include "rego/ast.h"
#include "value/value.h"

namespace gatehouse::rego {

value::Value ModuleToJson(const Module& module);

}  // namespace gatehouse::rego
