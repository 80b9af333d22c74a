// YAML reader into value::Value (YAML 1.2 core schema for plain scalars), on libyaml's events.
//
// Used for configuration files, sync configs, policy inputs and manifest streams. Plain scalars
// resolve to null, bool, int, float or string as the YAML 1.2 core schema says (decimal, 0o
// octal and 0x hex integers; numbers int64 and double cannot hold stay exact as BigNumber);
// quoted and block scalars, and scalars tagged !!str or "!", are strings; other tags (!!int,
// !!float, ...) resolve like plain scalars. Mapping keys are the key scalar's text; a key that is
// a collection or null is refused. Aliases are expanded; merge keys ("<<") are ordinary keys.
// Limits on size, depth and alias expansion give errors, not crashes. Pure and thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::value {

using YamlLimits = JsonLimits;

// Parses the first document of a YAML text (an empty text is null); later documents are not
// read, beyond the start of the second. Errors: "yaml_too_large" (text beyond max_bytes, or
// aliases expanding to more values than 16 per byte of text, plus 1024); "yaml_too_deep"
// (nesting beyond max_depth); "invalid_yaml" (a syntax error, as "invalid YAML at line L,
// column C: <problem>" counted from 1, or a mapping key that is not a scalar).
// reject_duplicate_keys is ignored: a repeated key's last value wins.
Result<Value> ParseYaml(std::string_view text, const YamlLimits& limits = {});
// Parses every document of a multi-document stream ("---" separated); the limits and errors are
// ParseYaml's, the alias budget shared by the whole stream, and one bad document fails the
// stream.
Result<std::vector<Value>> ParseYamlStream(std::string_view text, const YamlLimits& limits = {});

}  // namespace gatehouse::value
