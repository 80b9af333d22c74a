// GraphQL parser for executable documents (queries) and SDL (schemas), following vektah/gqlparser
// v2's grammar and error texts. Errors come back as code "graphql_parse" with OPA's message
// shape: "<message> in GraphQL string at location <line>:<column>". Bounded: inputs over
// kMaxGraphqlInputBytes, more than kMaxGraphqlTokens tokens or nesting deeper than
// kMaxGraphqlDepth are rejected with an error (recursion depth is bounded by the latter).
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.h"
#include "rego/builtins/graphql/ast.h"

namespace gatehouse::rego::graphql {

inline constexpr std::size_t kMaxGraphqlInputBytes = 1 << 20;
inline constexpr std::size_t kMaxGraphqlTokens = 1 << 20;
inline constexpr int kMaxGraphqlDepth = 128;

Result<QueryDocument> ParseQuery(std::string_view input);
Result<SchemaDocument> ParseSchema(std::string_view input);
// As ParseSchema, marking every definition and extension BuiltIn (for the prelude).
Result<SchemaDocument> ParseBuiltinSchema(std::string_view input);

}  // namespace gatehouse::rego::graphql
