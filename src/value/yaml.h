// YAML reader into value::Value (YAML 1.2 core schema for plain scalars).
//
// Used for configuration files, sync configs and (later) policy inputs. Quoted scalars are
// strings; plain scalars resolve to null, bool, int, float or string as YAML 1.2 says. Limits on
// size and depth give errors, not crashes. Pure and thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::value {

using YamlLimits = JsonLimits;

// Parses a single-document YAML text (an empty text is null). Errors: "yaml_too_large",
// "yaml_too_deep", "invalid_yaml" (with line:column).
Result<Value> ParseYaml(std::string_view text, const YamlLimits& limits = {});
// Parses every document of a multi-document stream ("---" separated).
Result<std::vector<Value>> ParseYamlStream(std::string_view text, const YamlLimits& limits = {});

}  // namespace gatehouse::value
