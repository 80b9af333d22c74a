// Structural edits of Rego documents for json.filter, json.remove and json.patch (RFC 6902 with
// OPA's extensions: paths may be "/a/b" strings or arrays of segments, and sets are addressed by
// their elements). Pure functions on immutable values; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::builtins {

using JsonPath = std::vector<Value>;

// A path operand element: a JSON pointer string ("" is the root; a leading '/' is optional;
// ~1 and ~0 unescaped) or an array of segments. nullopt for other kinds.
std::optional<JsonPath> ParseJsonPath(const Value& path);

// json.filter: keeps only the given paths of `doc` (a path that is a prefix of another wins).
Value FilterPaths(const Value& doc, std::span<const JsonPath> paths);
// json.remove: drops the given paths of `doc`; removed array elements close up.
Value RemovePaths(const Value& doc, std::span<const JsonPath> paths);

// Applies RFC 6902 operations (objects with op, path, from, value) in order; nullopt when an
// operation fails (missing target, failed test, malformed operation, an operation that is not
// an object): OPA's json.patch is then undefined.
std::optional<Value> ApplyJsonPatch(const Value& doc, std::span<const Value> operations);

}  // namespace gatehouse::rego::builtins
