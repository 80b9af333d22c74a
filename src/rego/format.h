// Rego AST printer: a canonical, one-line text for terms, expressions, bodies and rules.
//
// Meant for tests, error messages and debugging, not for `opa fmt` compatibility: operators
// print as OPA's builtin calls (`plus(x, 1)`, `assign(x, 1)`, `internal.member_2(x, xs)`), so
// the structure the parser chose is visible; wildcards print as `_`.
// The output of FormatModule() is valid Rego v0 (with `import future.keywords`) and parses
// back to the same text, which the tests use as a structural check.
// Bodies print as `{ a; b }`, else chains follow the rule. Pure functions of const data.
#pragma once

#include <string>

#include "rego/ast.h"

namespace gatehouse::rego {

std::string FormatTerm(const Ast& ast, TermId id);
std::string FormatExpr(const Ast& ast, ExprId id);
std::string FormatBody(const Ast& ast, BodyId id);
// One rule and its else chain: `p[x] = true { ... } else = 1 { ... }`.
std::string FormatRule(const Module& module, const Rule& rule);
// `package a.b`, imports and rules, one per line.
std::string FormatModule(const Module& module);

}  // namespace gatehouse::rego
