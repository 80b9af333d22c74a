// Rego compiler: parsed modules and base data to an immutable program (the evaluator's IR).
//
// The IR is a tree of small nodes that the evaluator walks without any name lookups:
//  - variables are slots of the rule's frame (comprehension and `every` bodies use slots of the
//    enclosing frame; scoping is resolved here);
//  - `data` references start at the rule-tree node their constant prefix reaches, imports and
//    package-local rule names are expanded to such references;
//  - calls point at the Builtin or at the function's rule-tree node;
//  - bodies are reordered so every variable is bound before it is read (safety analysis).
// Everything is owned by a Program (arenas of stable addresses) and is read-only after
// compilation, so one Program may be evaluated from many threads at once.
//
// Errors: rego_compile_error, rego_unsafe_var_error, rego_recursion_error, rego_type_error,
// message "file:row:col: what".
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "rego/ast.h"
#include "rego/builtins/builtin.h"
#include "rego/value.h"

namespace gatehouse::rego::ir {

struct Body;
struct Node;
struct Rule;

enum class TermKind : std::uint8_t {
  kConst,
  kVar,
  kRef,
  kArray,
  kObject,  // items: key, value, key, value, ...
  kSet,
  kArrayCompr,   // head, body
  kSetCompr,     // head, body
  kObjectCompr,  // head (key), value, body
  kCall,         // items: arguments
  kTemplate,     // items: parts (kConst strings or kTemplateExpr)
  kTemplateExpr  // head: value term, body: the one expression (with its `with`s)
};

enum class RefBase : std::uint8_t { kData, kInput, kTerm };

enum class CallKind : std::uint8_t {
  kBuiltin,
  kFunction,
  kEqual,
  kNeq,
  kLt,
  kLte,
  kGt,
  kGte,
  kMember2,
  kMember3,
  kPrint,
};

struct Term {
  TermKind kind = TermKind::kConst;
  bool ground = false;  // no variables anywhere: `constant` is its value
  std::uint16_t file = 0;
  Location loc;
  Value constant;
  std::int32_t slot = -1;  // kVar
  std::string name;        // kVar: source name; kCall: function name
  std::vector<Term*> items;
  Term* head = nullptr;
  Term* value = nullptr;
  Body* body = nullptr;
  // kRef
  RefBase base = RefBase::kTerm;
  const Node* node = nullptr;       // kData: the node the constant prefix reaches; kCall: function
  std::uint32_t first_dynamic = 0;  // kData: items[first_dynamic...] are walked at run time
  // kCall
  CallKind call = CallKind::kBuiltin;
  const Builtin* builtin = nullptr;
};

enum class ExprKind : std::uint8_t { kTerm, kUnify, kCallOut, kSome, kSomeIn, kEvery };

struct WithMod {
  enum class Target : std::uint8_t { kInput, kData, kFunction, kBuiltin };
  Target target = Target::kInput;
  std::vector<Value> path;           // kInput / kData: path below input / data
  const Node* node = nullptr;        // kFunction
  const Builtin* builtin = nullptr;  // kBuiltin
  Term* value = nullptr;
  // When the replacement is a function or builtin reference rather than a value.
  const Node* value_node = nullptr;
  const Builtin* value_builtin = nullptr;
  Location loc;
};

struct Expr {
  ExprKind kind = ExprKind::kTerm;
  bool negated = false;
  std::uint16_t file = 0;
  Location loc;
  // kTerm: a. kUnify: a = b. kCallOut: a is the call, b the output pattern.
  // kSomeIn / kEvery: a key pattern (nullable), b value pattern, c the domain.
  Term* a = nullptr;
  Term* b = nullptr;
  Term* c = nullptr;
  Body* body = nullptr;  // kEvery
  std::vector<WithMod> withs;
  int record = -1;  // query expressions: index into the result's expression values
};

struct Body {
  std::vector<Expr*> exprs;          // in evaluation order
  std::vector<std::int32_t> locals;  // slots declared in this scope
};

enum class RuleKind : std::uint8_t { kComplete, kSet, kObject, kFunction };

struct Rule {
  RuleKind kind = RuleKind::kComplete;
  bool is_default = false;
  std::uint16_t file = 0;
  Location loc;
  std::vector<Term*> suffix;  // kObject: the ref parts below the node
  Term* key = nullptr;        // kSet element
  Term* value = nullptr;      // kComplete / kObject / kFunction
  std::vector<Term*> args;    // kFunction
  Body* body = nullptr;
  Rule* else_rule = nullptr;
  std::int32_t frame_size = 0;
  const Node* node = nullptr;
};

struct Node {
  std::string path_text;                          // "data.a.b"
  std::vector<Value> path;                        // "a", "b"
  std::vector<std::pair<Value, Node*>> children;  // sorted by key
  std::vector<Rule*> rules;
  Rule* default_rule = nullptr;
  bool is_function = false;
  int arity = -1;
  std::optional<Value> base;  // base data at this path
  std::uint32_t index = 0;
  bool has_rules_below = false;
  bool leaf = false;  // rules are defined exactly here
  // Functions whose every definition has a constant first argument: definitions sorted by it,
  // so a call finds its candidates by binary search (OPA's rule indexing, simplified).
  bool first_arg_indexed = false;
  std::vector<std::pair<Value, const Rule*>> first_arg_index;
  bool is_package = false;

  const Node* Child(const Value& key) const;
  bool is_leaf() const { return leaf; }
};

struct Arena {
  std::deque<Term> terms;
  std::deque<Expr> exprs;
  std::deque<Body> bodies;
  std::deque<Rule> rules;
  std::deque<Node> nodes;
};

struct Program {
  Arena arena;
  Node* root = nullptr;
  std::vector<std::string> files;  // file index -> name
  std::vector<Module> modules;     // kept for package/rule names (queries resolve against them)
  std::uint32_t node_count = 0;
};

// A compiled query against a program.
struct CompiledQuery {
  Arena arena;
  Body* body = nullptr;
  std::int32_t frame_size = 0;
  std::vector<std::pair<std::string, std::int32_t>> vars;  // named query vars, source order
  std::size_t expr_count = 0;
  std::uint16_t file = 0;
  std::string filename;
};

struct CompileSettings {
  const BuiltinRegistry* builtins = nullptr;  // null: StandardBuiltins()
};

Result<std::shared_ptr<Program>> CompileModules(std::vector<Module> modules, const Value& data,
                                                const CompileSettings& settings = {});

Result<std::unique_ptr<CompiledQuery>> CompileQuery(const Program& program, const Query& query,
                                                    std::string_view filename,
                                                    const CompileSettings& settings = {});

// Safety: reorders `body` (and nested closure bodies) so variables are bound before use.
// `bound` is indexed by slot; it is updated with the slots the body binds.
Status ReorderBody(Body& body, std::vector<bool>& bound, const std::string& filename);

// Reorders the bodies of closures (comprehensions) inside a rule head term.
Status ReorderTermClosures(const Term* t, const std::vector<bool>& bound,
                           const std::string& filename);

// The slots a term reads or binds, including the free variables of nested closures.
void CollectVars(const Term* t, std::vector<std::int32_t>& out);
// The slots that must be bound before `t` can be evaluated (ref-part variables it binds itself
// are not included).
void CollectNeeds(const Term* t, std::vector<std::int32_t>& out);

}  // namespace gatehouse::rego::ir
