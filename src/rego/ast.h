// Rego abstract syntax tree, stored flat for a fast evaluator.
//
// All nodes of one module (or query) live in an Ast arena: terms, expressions, bodies and
// `with` modifiers are vectors of small structs that refer to each other by 32-bit index, and
// variable-length children are spans of a shared index list. Nothing points into another
// object, so a Module is a plain movable value; after parsing it is immutable and may be read
// from many threads at once. Every node carries the row/column where it starts.
//
// Shapes follow OPA's AST:
//  - scalars are value::Value constants; numbers keep their literal text too (for big numbers);
//  - `_` becomes a fresh wildcard variable named "$0", "$1", ... per module;
//  - a ref's first child is its head (var, array, object, set, comprehension or call) and the
//    rest are its parts; `.name` parts are strings; a bare `input` or `data` is a ref;
//  - a call's first child is its operator, always a ref (`count`, `strings.any_prefix_match`);
//    infix operators are calls too, to OPA's builtin names (`x + 1` is `plus(x, 1)`,
//    `x := 1` is `assign(x, 1)`, `x in xs` is `internal.member_2(x, xs)`), and Term::op says
//    which one without a string compare;
//  - `$"..."` template strings are kTemplateString terms of text and expression parts;
//  - an expression is one term (a call for `x = y`, `f(x)`, `a < b`), a `some` declaration,
//    or an `every`, plus `not` and `with` modifiers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rego/token.h"
#include "value/value.h"

namespace gatehouse::rego {

enum class RegoVersion : std::uint8_t { kV0, kV1 };

using TermId = std::uint32_t;
using ExprId = std::uint32_t;
using BodyId = std::uint32_t;
using NameId = std::uint32_t;
inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

struct Location {
  std::uint32_t row = 0;
  std::uint32_t col = 0;
};

enum class TermKind : std::uint8_t {
  kNull,
  kBool,
  kNumber,
  kString,
  kVar,
  kRef,
  kArray,
  kObject,  // children are key, value, key, value, ...
  kSet,
  kArrayCompr,   // children [head], body
  kSetCompr,     // children [head], body
  kObjectCompr,  // children [key, value], body
  kCall,         // children [operator ref, args...]
  // `$"a {x} b"`: children are the parts, kString terms for text and kTemplateExpr for `{...}`.
  kTemplateString,
  // One `{expr [with ...]}` of a template string: children [value term]; `body` holds the one
  // expression (so its `with` modifiers are kept). Undefined values print as "<undefined>".
  kTemplateExpr,
};

// Operators the parser produces as calls; kNamed for an ordinary named call.
enum class Op : std::uint8_t {
  kNamed,
  kAssign,         // :=          assign
  kUnify,          // =           eq
  kEqual,          // ==          equal
  kNeq,            // !=          neq
  kLt,             // <           lt
  kLte,            // <=          lte
  kGt,             // >           gt
  kGte,            // >=          gte
  kPlus,           // +           plus
  kMinus,          // -           minus
  kMul,            // *           mul
  kDiv,            // /           div
  kRem,            // %           rem
  kAnd,            // &           and
  kOr,             // |           or
  kMember,         // x in xs     internal.member_2
  kMemberWithKey,  // k, v in xs  internal.member_3
};

// OPA's builtin name for an operator ("plus", "internal.member_2", ...); "" for kNamed.
std::string_view OpName(Op op);

struct Term {
  TermKind kind = TermKind::kNull;
  Op op = Op::kNamed;  // calls only
  Location loc;
  // Scalars: `first` indexes Ast::constants; numbers: `count` is the NameId of the literal text.
  // Var: `first` is the NameId. Composites and calls: children are
  // Ast::term_lists[first, first + count). Comprehensions: `body` is a BodyId.
  std::uint32_t first = 0;
  std::uint32_t count = 0;
  std::uint32_t body = kNone;
};

struct With {
  TermId target = kNone;  // a var or ref
  TermId value = kNone;
  Location loc;
};

enum class ExprKind : std::uint8_t {
  kTerm,    // `term`: Expr::term
  kSome,    // `some x, y`: vars in Ast::term_lists[first, first + count)
  kSomeIn,  // `some x in xs` / `some k, v in xs`: Expr::term is the member call
  kEvery,   // `every [k,] v in xs { body }`: Expr::term is the member call, Expr::body
};

struct Expr {
  ExprKind kind = ExprKind::kTerm;
  bool negated = false;
  Location loc;
  TermId term = kNone;
  std::uint32_t first = 0;  // kSome vars
  std::uint32_t count = 0;
  BodyId body = kNone;           // kEvery
  std::uint32_t with_first = 0;  // Ast::withs[with_first, with_first + with_count)
  std::uint32_t with_count = 0;
};

struct Body {
  Location loc;
  std::uint32_t first = 0;  // Ast::expr_lists[first, first + count)
  std::uint32_t count = 0;
};

// The node arena. Indices are only meaningful within the Ast that made them.
struct Ast {
  std::vector<Term> terms;
  std::vector<TermId> term_lists;
  std::vector<Expr> exprs;
  std::vector<ExprId> expr_lists;
  std::vector<Body> bodies;
  std::vector<With> withs;
  std::vector<value::Value> constants;
  std::vector<std::string> names;  // interned: var names and number literal texts

  const Term& term(TermId id) const { return terms[id]; }
  const Expr& expr(ExprId id) const { return exprs[id]; }
  const Body& body(BodyId id) const { return bodies[id]; }
  std::span<const TermId> Children(const Term& t) const {
    return {term_lists.data() + t.first, t.count};
  }
  std::span<const TermId> SomeVars(const Expr& e) const {
    return {term_lists.data() + e.first, e.count};
  }
  std::span<const ExprId> Exprs(const Body& b) const {
    return {expr_lists.data() + b.first, b.count};
  }
  std::span<const With> Withs(const Expr& e) const {
    return {withs.data() + e.with_first, e.with_count};
  }
  // The constant of a scalar term (null, bool, number, string).
  const value::Value& Constant(const Term& t) const { return constants[t.first]; }
  std::string_view VarName(const Term& t) const { return names[t.first]; }
  std::string_view NumberText(const Term& t) const { return names[t.count]; }
};

struct Package {
  TermId path = kNone;  // as written: `a.b["c"]` is a ref of var a and strings "b", "c"
  std::vector<std::string> segments;  // "a", "b", "c" (the document is data.a.b.c)
  Location loc;
};

struct Import {
  TermId path = kNone;   // a ref whose head is data, input, future or rego
  NameId alias = kNone;  // `as x`
  Location loc;
};

enum class RuleKind : std::uint8_t {
  kSingleValue,  // `p = v`, `p[k] = v`, `a.b[c] := d`, `p[x] if ...` (value true)
  kMultiValue,   // `p contains x`, v0 `p[x] { ... }`: `key` is the element
  kFunction,     // `f(x) = y`
};

struct Rule {
  RuleKind kind = RuleKind::kSingleValue;
  bool is_default = false;
  bool assign = false;           // `:=` rather than `=`
  bool value_generated = false;  // no value written: the value is `true`
  bool body_generated = false;   // no body written: the body is `true`
  bool uses_if = false;
  bool uses_contains = false;
  TermId ref = kNone;            // head reference, always a kRef term (`p` is a ref of one var)
  TermId key = kNone;            // kMultiValue only
  TermId value = kNone;          // kSingleValue and kFunction (the `true` constant if generated)
  std::uint32_t args_first = 0;  // kFunction: Ast::term_lists[args_first, +args_count)
  std::uint32_t args_count = 0;
  BodyId body = kNone;
  std::uint32_t else_rule = kNone;  // index into Module::else_rules
  Location loc;
};

// A `# text` comment (text without the '#'), kept for METADATA annotations and formatting.
struct SourceComment {
  Location loc;
  std::string text;
};

// A `# METADATA` comment block (OPA's annotations), attached to the package or rule that
// follows it.
struct Annotation {
  enum class Scope : std::uint8_t { kRule, kDocument, kPackage, kSubpackages };
  Scope scope = Scope::kRule;
  std::uint32_t rule = kNone;  // kRule / kDocument: index into Module::rules
  Location loc;                // of the `# METADATA` line
  value::Value document;       // as rego.metadata.* return it: {"scope": ..., "title": ..., ...}
};

struct Module {
  std::string filename;
  RegoVersion version = RegoVersion::kV1;  // as parsed: kV1 also for v0 text with rego.v1
  Package package;
  std::vector<Import> imports;
  std::vector<Rule> rules;       // in source order
  std::vector<Rule> else_rules;  // targets of Rule::else_rule
  std::vector<SourceComment> comments;
  std::vector<Annotation> annotations;  // in source order
  Ast ast;

  std::span<const TermId> Args(const Rule& r) const {
    return {ast.term_lists.data() + r.args_first, r.args_count};
  }
};

// A parsed query: one body.
struct Query {
  Ast ast;
  BodyId body = kNone;
};

}  // namespace gatehouse::rego
