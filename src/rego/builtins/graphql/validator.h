// Validation of a GraphQL query document against a loaded Schema, with vektah/gqlparser v2's
// rules and messages: fields on correct type, fragments on composite types, known argument
// names, known directives, known fragment names, known root type, known type names, lone
// anonymous operation, no fragment cycles, no undefined/unused variables, no unused fragments,
// possible fragment spreads, provided required arguments, scalar leafs, unique argument /
// directive / fragment / input field / operation / variable names, values of correct type,
// variables are input types, variables in allowed position. Not implemented: "overlapping
// fields can be merged", single-field subscriptions and "Did you mean" suggestions.
// Work is bounded (walk depth and visited-node budget); exceeding a bound is reported as an
// error. Stateless and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "rego/builtins/graphql/ast.h"
#include "rego/builtins/graphql/schema.h"

namespace gatehouse::rego::graphql {

struct ValidationError {
  std::string message;
  Pos pos;  // line 0: none
};

std::vector<ValidationError> ValidateQuery(const Schema& schema, const QueryDocument& doc);

// gqlparser's gqlerror.List.Error(): "input:<line>:<col>: <message>\n" per error.
std::string FormatErrorList(const std::vector<ValidationError>& errors);

}  // namespace gatehouse::rego::graphql
