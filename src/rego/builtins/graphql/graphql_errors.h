// GraphqlError: Failures of the GraphQL parser, schema builder and AST decoder behind graphql.*.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::rego::graphql {

enum class GraphqlError {
  // graphql_parse: a query or schema does not parse (gqlparser's message).
  kParse,
  // graphql_schema: a schema is invalid.
  kSchema,
  // graphql_decode: a JSON AST cannot be decoded.
  kDecode,
};

constexpr std::string_view WireName(GraphqlError e) {
  switch (e) {
    case GraphqlError::kParse:
      return "graphql_parse";
    case GraphqlError::kSchema:
      return "graphql_schema";
    case GraphqlError::kDecode:
      return "graphql_decode";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr GraphqlError kAllGraphqlErrors[] = {GraphqlError::kParse, GraphqlError::kSchema,
                                                     GraphqlError::kDecode};
static_assert(ValidErrorEnum(kAllGraphqlErrors));

}  // namespace gatehouse::rego::graphql
