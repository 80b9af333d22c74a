// Typed field readers shared by the review codecs of this module (not a public API).
//
// They follow Go encoding/json as the API server's peers do: an absent member and a JSON null
// both read as the zero value (""/empty list/no object). A member of the wrong type is an
// "invalid_field" Error whose message names the JSON path (`spec.groups[1] must be a string`)
// and never the member's value, so a misplaced secret cannot leak through it. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::k8s {

// `s` as a JSON string literal for an error message: escaped, and cut to at most `max_bytes`
// bytes on a UTF-8 boundary (then suffixed with "..."), so hostile input cannot bloat a reply.
std::string QuoteForMessage(std::string_view s, std::size_t max_bytes = 64);

// An "invalid_field" Error: "<path> <what>".
Error InvalidField(std::string_view path, std::string_view what);

// object[key] as a string; "" when absent or null.
Result<std::string> ParseStringField(const value::Value& object, std::string_view key,
                                     std::string_view path);

// `v` as a list of strings; empty when `v` is nullptr or null.
Result<std::vector<std::string>> ParseStringList(const value::Value* v, std::string_view path);

// object[key] when it is an object; nullptr when absent or null.
Result<const value::Value*> ParseOptionalObject(const value::Value& object, std::string_view key,
                                                std::string_view path);

// body.spec, which must be an object: "missing_spec" when absent or null.
Result<const value::Value*> ParseSpec(const value::Value& body);

// body.metadata, copied for echoing; a null Value when absent or null.
Result<value::Value> ParseMetadata(const value::Value& body);

}  // namespace gatehouse::k8s
