// JSON reader and writer for value::Value.
//
// ParseJson() enforces a size and a nesting limit before any allocation grows with the input,
// so a hostile body is refused with an error naming the limit. Writers produce RFC 8259 JSON.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::value {

struct JsonLimits {
  std::size_t max_bytes = 1 << 20;
  std::size_t max_depth = 64;
  // RFC 8259 leaves duplicate names undefined; JOSE (RFC 7515 §4) requires refusing them.
  // When false, the last duplicate wins, as in Go's encoding/json.
  bool reject_duplicate_keys = false;
};

// Parses one JSON text. Errors: "json_too_large", "json_too_deep", "invalid_json",
// "duplicate_key".
Result<Value> ParseJson(std::string_view text, const JsonLimits& limits = {});

enum class JsonStyle { kCompact, kPretty };

std::string ToJson(const Value& v, JsonStyle style = JsonStyle::kCompact);
// Appends the JSON string literal for `s` (quotes included) to `out`.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace gatehouse::value
