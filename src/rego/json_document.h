// ParseJsonDocument: JSON text read straight into the engine's values, for hot paths that would
// otherwise build a value::Value tree only to convert it (the admission webhook's request).
//
// Same limits, same errors and same numbers as value::ParseJson followed by FromJson: the
// common document is read by simdjson's DOM parser and converted directly; anything else (a
// document too large, invalid, too deep, with numbers beyond int64 or double, or checked for
// duplicate keys) takes value::ParseJson's path, so its answer is that reader's. Duplicate keys
// otherwise keep the last value, as value::ParseJson does. Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"
#include "rego/value.h"
#include "value/json.h"

namespace gatehouse::rego {

Result<Value> ParseJsonDocument(std::string_view text, const value::JsonLimits& limits);

}  // namespace gatehouse::rego
