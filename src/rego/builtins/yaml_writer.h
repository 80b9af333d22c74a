// YAML text of a Rego document, in the block style Go's sigs.k8s.io/yaml (yaml.v2) writes for
// yaml.marshal: mapping keys sorted, sequences inside mappings not indented, strings quoted
// when they would read back as another type. Sets are written as sequences. Pure, thread-safe.
#pragma once

#include <string>

#include "rego/value.h"

namespace gatehouse::rego::builtins {

std::string ToYamlText(const Value& v);

}  // namespace gatehouse::rego::builtins
