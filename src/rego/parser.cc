// Entry points, node helpers and the module level: package, imports, rules.
#include "rego/parser.h"

#include <string>
#include <utility>

#include "rego/annotations.h"
#include "rego/parser_internal.h"

namespace gatehouse::rego {
namespace internal {

Parser::DepthGuard::DepthGuard(Parser& p) : parser_(p), ok_(++p.depth_ <= p.limits_.max_depth) {
  if (!ok_) {
    p.Fatal(p.Loc(), "nesting too deep (limit " + std::to_string(p.limits_.max_depth) + ")");
  }
}

Parser::Parser(std::string_view filename, std::string_view text, RegoVersion version,
               const ParseLimits& limits, std::vector<Token> tokens, Ast& ast)
    : filename_(filename), text_(text), limits_(limits), tokens_(std::move(tokens)), ast_(ast) {
  memo_.resize(tokens_.size());
  // Memoisation bounds re-parsing; this is a backstop against any path it misses.
  max_steps_ = 16 * tokens_.size() + 1024;
  ast_.terms.reserve(tokens_.size());
  ast_.term_lists.reserve(tokens_.size());
  if (version == RegoVersion::kV1) {
    kw_in_ = kw_every_ = kw_if_ = kw_contains_ = true;
    v1_rules_ = true;
  }
}

TokenKind Parser::Effective(TokenKind kind) const {
  switch (kind) {
    case TokenKind::kIn:
      return kw_in_ ? kind : TokenKind::kIdent;
    case TokenKind::kEvery:
      return kw_every_ ? kind : TokenKind::kIdent;
    case TokenKind::kIf:
      return kw_if_ ? kind : TokenKind::kIdent;
    case TokenKind::kContains:
      return kw_contains_ ? kind : TokenKind::kIdent;
    default:
      return kind;
  }
}

bool Parser::IsWord(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIdent:
    case TokenKind::kPackage:
    case TokenKind::kImport:
    case TokenKind::kAs:
    case TokenKind::kDefault:
    case TokenKind::kElse:
    case TokenKind::kNot:
    case TokenKind::kSome:
    case TokenKind::kWith:
    case TokenKind::kTrue:
    case TokenKind::kFalse:
    case TokenKind::kNull:
    case TokenKind::kEvery:
    case TokenKind::kIn:
    case TokenKind::kIf:
    case TokenKind::kContains:
      return true;
    default:
      return false;
  }
}

void Parser::Restore(State s) {
  pos_ = s.pos;
  if (!s.had_error && !fatal_) error_.reset();
}

void Parser::ErrorAt(Location loc, std::string_view message) {
  if (!error_) error_ = MakeParseError(filename_, loc.row, loc.col, message);
}

void Parser::Fatal(Location loc, std::string_view message) {
  // A fatal error replaces a speculative one: it must survive every Restore().
  if (!fatal_) error_ = MakeParseError(filename_, loc.row, loc.col, message);
  fatal_ = true;
}

void Parser::Illegal(std::string_view expected) {
  std::string message = "unexpected ";
  const Token& t = Tok();
  if (t.kind == TokenKind::kEof) {
    message += "eof";
  } else {
    message.append(TokenKindName(Cur()));
  }
  message += " token";
  if (!expected.empty()) {
    message += ": ";
    message.append(expected);
  }
  ErrorAt(Loc(), message);
}

NameId Parser::Intern(std::string_view name) {
  auto [it, inserted] =
      name_ids_.emplace(std::string(name), static_cast<NameId>(ast_.names.size()));
  if (inserted) ast_.names.emplace_back(name);
  return it->second;
}

TermId Parser::AddTerm(const Term& t) {
  ast_.terms.push_back(t);
  return static_cast<TermId>(ast_.terms.size() - 1);
}

TermId Parser::AddScalar(TermKind kind, value::Value v, Location loc, NameId text) {
  Term t;
  t.kind = kind;
  t.loc = loc;
  t.first = static_cast<std::uint32_t>(ast_.constants.size());
  t.count = text;
  ast_.constants.push_back(std::move(v));
  return AddTerm(t);
}

TermId Parser::AddVar(NameId name, Location loc) {
  Term t;
  t.kind = TermKind::kVar;
  t.loc = loc;
  t.first = name;
  return AddTerm(t);
}

TermId Parser::AddString(std::string s, Location loc) {
  return AddScalar(TermKind::kString, value::Value(std::move(s)), loc);
}

TermId Parser::AddNode(TermKind kind, Location loc, std::span<const TermId> children, Op op,
                       BodyId body) {
  Term t;
  t.kind = kind;
  t.op = op;
  t.loc = loc;
  t.first = static_cast<std::uint32_t>(ast_.term_lists.size());
  t.count = static_cast<std::uint32_t>(children.size());
  t.body = body;
  ast_.term_lists.insert(ast_.term_lists.end(), children.begin(), children.end());
  return AddTerm(t);
}

TermId Parser::AddOpCall(Op op, Location loc, std::span<const TermId> args) {
  std::string_view name = OpName(op);
  std::vector<TermId> parts;
  std::size_t dot = name.find('.');
  if (dot == std::string_view::npos) {
    parts.push_back(AddVar(Intern(name), loc));
  } else {
    parts.push_back(AddVar(Intern(name.substr(0, dot)), loc));
    parts.push_back(AddString(std::string(name.substr(dot + 1)), loc));
  }
  std::vector<TermId> children{AddNode(TermKind::kRef, loc, parts)};
  children.insert(children.end(), args.begin(), args.end());
  return AddNode(TermKind::kCall, loc, children, op);
}

ExprId Parser::AddExpr(Expr e, std::span<const With> withs) {
  e.with_first = static_cast<std::uint32_t>(ast_.withs.size());
  e.with_count = static_cast<std::uint32_t>(withs.size());
  ast_.withs.insert(ast_.withs.end(), withs.begin(), withs.end());
  ast_.exprs.push_back(e);
  return static_cast<ExprId>(ast_.exprs.size() - 1);
}

BodyId Parser::AddBody(Location loc, std::span<const ExprId> exprs) {
  Body b;
  b.loc = loc;
  b.first = static_cast<std::uint32_t>(ast_.expr_lists.size());
  b.count = static_cast<std::uint32_t>(exprs.size());
  ast_.expr_lists.insert(ast_.expr_lists.end(), exprs.begin(), exprs.end());
  ast_.bodies.push_back(b);
  return static_cast<BodyId>(ast_.bodies.size() - 1);
}

BodyId Parser::AddTrueBody(Location loc) {
  Expr e;
  e.loc = loc;
  e.term = AddScalar(TermKind::kBool, value::Value(true), loc);
  ExprId id = AddExpr(e, {});
  return AddBody(loc, std::span<const ExprId>(&id, 1));
}

bool Parser::IsVarNamed(TermId id, std::string_view name) const {
  const Term& t = ast_.terms[id];
  return t.kind == TermKind::kVar && ast_.names[t.first] == name;
}

bool Parser::IsGround(TermId id) const {
  const Term& t = ast_.terms[id];
  switch (t.kind) {
    case TermKind::kNull:
    case TermKind::kBool:
    case TermKind::kNumber:
    case TermKind::kString:
      return true;
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      for (TermId child : ast_.Children(t)) {
        if (!IsGround(child)) return false;
      }
      return true;
    default:
      return false;
  }
}

// ---- module level ----

Status Parser::ParseModuleInto(Module& module) {
  if (Cur() != TokenKind::kPackage) {
    Illegal("expected package");
    return *error_;
  }
  if (!ParsePackage(module)) return *error_;
  while (Cur() != TokenKind::kEof) {
    bool ok = Cur() == TokenKind::kImport ? ParseImport(module) : ParseRules(module);
    if (!ok || failed()) {
      if (!error_) Illegal();
      return *error_;
    }
  }
  if (v1_rules_) module.version = RegoVersion::kV1;
  return Ok();
}

Result<BodyId> Parser::ParseQueryBody() {
  if (Cur() == TokenKind::kEof) {
    ErrorAt(Loc(), "empty query");
    return *error_;
  }
  BodyId body = ParseBody(TokenKind::kEof);
  if (body == kNone || failed()) {
    if (!error_) Illegal();
    return *error_;
  }
  return body;
}

bool Parser::ParsePackage(Module& module) {
  module.package.loc = Loc();
  Next();
  if (Cur() != TokenKind::kIdent) {
    Illegal("expected ident");
    return false;
  }
  TermId path = ParseTerm();
  if (path == kNone) return false;
  const Term t = ast_.terms[path];
  if (t.kind == TermKind::kVar) {
    TermId parts[] = {path};
    path = AddNode(TermKind::kRef, t.loc, parts);
  } else if (t.kind != TermKind::kRef) {
    ErrorAt(t.loc, "package path must be a ref");
    return false;
  }
  std::span<const TermId> parts = ast_.Children(ast_.terms[path]);
  if (ast_.terms[parts[0]].kind != TermKind::kVar) {
    ErrorAt(ast_.terms[parts[0]].loc, "unexpected term: expecting var");
    return false;
  }
  module.package.segments.emplace_back(ast_.VarName(ast_.terms[parts[0]]));
  for (TermId part : parts.subspan(1)) {
    const Term& p = ast_.terms[part];
    if (p.kind != TermKind::kString) {
      ErrorAt(p.loc, "unexpected non-string term: expecting string");
      return false;
    }
    module.package.segments.push_back(*ast_.Constant(p).AsString());
  }
  module.package.path = path;
  return true;
}

void Parser::EnableKeyword(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIn:
      kw_in_ = true;
      break;
    case TokenKind::kEvery:
      // `every x in xs` needs `in` as well.
      kw_every_ = kw_in_ = true;
      break;
    case TokenKind::kIf:
      kw_if_ = true;
      break;
    case TokenKind::kContains:
      kw_contains_ = true;
      break;
    default:
      break;
  }
}

bool Parser::ParseImport(Module& module) {
  Import imp;
  imp.loc = Loc();
  Next();
  if (Cur() != TokenKind::kIdent) {
    Illegal("expected ident");
    return false;
  }
  TermId path = ParseTerm();
  if (path == kNone) return false;
  if (ast_.terms[path].kind == TermKind::kVar) {
    TermId parts[] = {path};
    path = AddNode(TermKind::kRef, ast_.terms[path].loc, parts);
  }
  const Term& ref = ast_.terms[path];
  if (ref.kind != TermKind::kRef || ast_.terms[ast_.Children(ref)[0]].kind != TermKind::kVar) {
    ErrorAt(ref.loc, "unexpected import path, must begin with one of: {data, future, input, rego}");
    return false;
  }
  std::span<const TermId> parts = ast_.Children(ref);
  std::vector<std::string> segments;
  for (TermId part : parts.subspan(1)) {
    const Term& p = ast_.terms[part];
    if (p.kind != TermKind::kString) {
      ErrorAt(p.loc, "unexpected non-string term: expecting string");
      return false;
    }
    segments.push_back(*ast_.Constant(p).AsString());
  }
  const std::string root(ast_.VarName(ast_.terms[parts[0]]));  // names may grow below
  if (Cur() == TokenKind::kAs) {
    Next();
    if (Cur() != TokenKind::kIdent) {
      Illegal("expected var");
      return false;
    }
    imp.alias = Intern(TextOf(Tok()));
    Next();
  }
  if (root == "future") {
    if (segments.empty() || segments[0] != "keywords" || segments.size() > 2) {
      ErrorAt(imp.loc, "invalid import, must be `future.keywords` or `future.keywords.<keyword>`");
      return false;
    }
    if (imp.alias != kNone) {
      ErrorAt(imp.loc, "`future` imports cannot be aliased");
      return false;
    }
    static constexpr std::pair<std::string_view, TokenKind> kFuture[] = {
        {"contains", TokenKind::kContains},
        {"every", TokenKind::kEvery},
        {"if", TokenKind::kIf},
        {"in", TokenKind::kIn}};
    bool known = false;
    for (const auto& [name, kind] : kFuture) {
      if (segments.size() == 1 || segments[1] == name) {
        EnableKeyword(kind);
        known = true;
      }
    }
    if (!known) {
      ErrorAt(imp.loc, "invalid import `future.keywords." + segments[1] +
                           "`, must be one of [contains every if in]");
      return false;
    }
  } else if (root == "rego") {
    if (segments.size() != 1 || segments[0] != "v1") {
      ErrorAt(imp.loc, "invalid import, must be `rego.v1`");
      return false;
    }
    if (imp.alias != kNone) {
      ErrorAt(imp.loc, "`rego` imports cannot be aliased");
      return false;
    }
    kw_in_ = kw_every_ = kw_if_ = kw_contains_ = true;
    v1_rules_ = true;
  } else if (root != "data" && root != "input") {
    ErrorAt(imp.loc,
            "unexpected import path, must begin with one of: {data, future, input, rego}, "
            "got: " +
                std::string(root));
    return false;
  }
  imp.path = path;
  module.imports.push_back(imp);
  return true;
}

bool Parser::CheckDefaultValue(TermId id) {
  const Term& t = ast_.terms[id];
  switch (t.kind) {
    case TermKind::kVar:
    case TermKind::kRef:
    case TermKind::kCall:
      ErrorAt(t.loc, t.kind == TermKind::kVar ? "illegal default rule (value cannot contain var)"
                     : t.kind == TermKind::kRef
                         ? "illegal default rule (value cannot contain ref)"
                         : "illegal default rule (value cannot contain call)");
      return false;
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      for (TermId child : ast_.Children(t)) {
        if (!CheckDefaultValue(child)) return false;
      }
      return true;
    default:  // scalars; comprehensions are closures and may use vars
      return true;
  }
}

bool Parser::ParseRules(Module& module) {
  Rule rule;
  rule.loc = Loc();
  if (Cur() == TokenKind::kDefault) {
    rule.is_default = true;
    Next();
  }
  if (Cur() != TokenKind::kIdent) {
    Illegal("expected ident");
    return false;
  }
  // The head: a var, a ref (`a.b[c]`) or a call (`f(x)`, `a.b.f(x)`).
  TermId head = ParseTermFinish(ParseVar(), true);
  if (head == kNone) return false;
  const Term h = ast_.terms[head];
  if (h.kind == TermKind::kVar) {
    TermId parts[] = {head};
    rule.ref = AddNode(TermKind::kRef, h.loc, parts);
  } else if (h.kind == TermKind::kRef) {
    rule.ref = head;
  } else if (h.kind == TermKind::kCall) {
    std::span<const TermId> children = ast_.Children(h);
    rule.kind = RuleKind::kFunction;
    rule.ref = children[0];
    rule.args_first = h.first + 1;
    rule.args_count = h.count - 1;
  } else {
    ErrorAt(h.loc, "expected rule head name");
    return false;
  }
  // A copy: the arena grows while the rule is parsed.
  std::span<const TermId> head_parts = ast_.Children(ast_.terms[rule.ref]);
  const std::vector<TermId> ref_parts(head_parts.begin(), head_parts.end());
  if (ast_.terms[ref_parts[0]].kind != TermKind::kVar) {
    ErrorAt(ast_.terms[rule.ref].loc, "rule head ref must start with a var");
    return false;
  }
  bool is_function = rule.kind == RuleKind::kFunction;

  if (Cur() == TokenKind::kContains) {
    if (is_function) {
      Illegal("the contains keyword can only be used with multi-value rule definitions");
      return false;
    }
    Next();
    rule.key = ParseTermIn(true);
    if (rule.key == kNone) return false;
    rule.kind = RuleKind::kMultiValue;
    rule.uses_contains = true;
  } else if (Cur() == TokenKind::kUnify || Cur() == TokenKind::kAssign) {
    rule.assign = Cur() == TokenKind::kAssign;
    Next();
    rule.value = ParseTermIn(true);
    if (rule.value == kNone) return false;
  }
  bool has_if = Cur() == TokenKind::kIf;

  if (rule.value == kNone && !rule.uses_contains) {
    bool generated_true =
        is_function || ref_parts.size() != 2 || has_if || (v1_rules_ && IsGround(ref_parts[1]));
    if (rule.is_default && !generated_true) {
      ErrorAt(rule.loc, "illegal default rule (must have a value)");
      return false;
    }
    if (generated_true) {
      rule.value = AddScalar(TermKind::kBool, value::Value(true), ast_.terms[rule.ref].loc);
      rule.value_generated = true;
    } else if (v1_rules_) {
      ErrorAt(rule.loc, "`contains` keyword is required for partial set rules");
      return false;
    } else {
      // v0 `p[x] { ... }`: a partial set whose element is x.
      rule.kind = RuleKind::kMultiValue;
      rule.key = ref_parts[1];
      TermId name_part[] = {ref_parts[0]};
      rule.ref = AddNode(TermKind::kRef, ast_.terms[rule.ref].loc, name_part);
    }
  }

  if (rule.is_default) {
    if (rule.kind == RuleKind::kMultiValue) {
      ErrorAt(rule.loc, "illegal default rule (must have a value)");
      return false;
    }
    if (!CheckDefaultValue(rule.value)) return false;
    for (TermId arg : module.Args(rule)) {
      if (ast_.terms[arg].kind != TermKind::kVar) {
        ErrorAt(ast_.terms[arg].loc, "illegal default function (arguments must be vars)");
        return false;
      }
    }
    rule.body = AddTrueBody(rule.loc);
    rule.body_generated = true;
    module.rules.push_back(rule);
    return true;
  }

  if (has_if) {
    rule.uses_if = true;
    Next();
    bool parsed = false;
    if (Cur() == TokenKind::kLBrace) {
      // `p if { x }` is a body, not a literal set; `p if {"a": 1}[x]` is a literal.
      State s = Save();
      ExprId e = ParseLiteral();
      if (e != kNone) {
        const Expr& expr = ast_.exprs[e];
        bool is_set = expr.kind == ExprKind::kTerm && ast_.terms[expr.term].kind == TermKind::kSet;
        if (!is_set) {
          rule.body = AddBody(expr.loc, std::span<const ExprId>(&e, 1));
          parsed = true;
        }
      }
      if (!parsed) {
        Restore(s);
        Next();
        rule.body = ParseBody(TokenKind::kRBrace);
        if (rule.body == kNone) return false;
        Next();
      }
    } else {
      ExprId e = ParseLiteral();
      if (e == kNone) return false;
      rule.body = AddBody(ast_.exprs[e].loc, std::span<const ExprId>(&e, 1));
    }
  } else if (Cur() == TokenKind::kLBrace) {
    if (v1_rules_) {
      ErrorAt(Loc(), "`if` keyword is required before rule body");
      return false;
    }
    Next();
    rule.body = ParseBody(TokenKind::kRBrace);
    if (rule.body == kNone) return false;
    Next();
  } else {
    // As in OPA, a rule without a body is a statement of its own: it ends the line.
    if (Cur() != TokenKind::kEof && !Tok().newline_before) {
      Illegal("expected \\n or ; or EOF");
      return false;
    }
    rule.body = AddTrueBody(rule.loc);
    rule.body_generated = true;
    module.rules.push_back(rule);
    return true;
  }

  if (Cur() == TokenKind::kElse) {
    if (rule.kind == RuleKind::kMultiValue) {
      ErrorAt(Loc(), "else keyword cannot be used on multi-value rules");
      return false;
    }
    for (std::size_t i = 1; i < ref_parts.size(); ++i) {
      if (!IsGround(ref_parts[i])) {
        ErrorAt(Loc(), "else keyword cannot be used on rules with variables in head");
        return false;
      }
    }
    rule.else_rule = ParseElse(module, rule);
    if (rule.else_rule == kNone) return false;
  }
  module.rules.push_back(rule);

  // v0 `p { a } { b }`: more bodies for the same head, each its own rule.
  while (Cur() == TokenKind::kLBrace) {
    if (rule.else_rule != kNone) {
      Illegal("expected else keyword");
      return false;
    }
    if (v1_rules_) {
      ErrorAt(Loc(), "`if` keyword is required before rule body");
      return false;
    }
    Rule next = rule;
    next.loc = Loc();
    next.uses_if = false;
    Next();
    next.body = ParseBody(TokenKind::kRBrace);
    if (next.body == kNone) return false;
    Next();
    module.rules.push_back(next);
  }
  return true;
}

std::uint32_t Parser::ParseElse(Module& module, const Rule& head) {
  Rule rule;
  rule.kind = head.kind;
  rule.ref = head.ref;
  rule.args_first = head.args_first;
  rule.args_count = head.args_count;
  rule.loc = Loc();
  Next();  // else
  switch (Cur()) {
    case TokenKind::kLBrace:
    case TokenKind::kIf:
      rule.value = AddScalar(TermKind::kBool, value::Value(true), rule.loc);
      rule.value_generated = true;
      break;
    case TokenKind::kAssign:
    case TokenKind::kUnify:
      rule.assign = Cur() == TokenKind::kAssign;
      Next();
      rule.value = ParseTermIn(true);
      if (rule.value == kNone) return kNone;
      break;
    default:
      Illegal("expected else value term or rule body");
      return kNone;
  }
  bool has_if = Cur() == TokenKind::kIf;
  bool has_brace = Cur() == TokenKind::kLBrace;
  if (!has_if && !has_brace) {
    rule.body = AddTrueBody(rule.loc);
    rule.body_generated = true;
  } else {
    if (has_if) {
      rule.uses_if = true;
      Next();
    } else if (v1_rules_) {
      ErrorAt(Loc(), "`if` keyword is required before rule body");
      return kNone;
    }
    if (Cur() == TokenKind::kLBrace) {
      Next();
      rule.body = ParseBody(TokenKind::kRBrace);
      if (rule.body == kNone) return kNone;
      Next();
    } else if (Cur() != TokenKind::kEof) {
      ExprId e = ParseLiteral();
      if (e == kNone) return kNone;
      rule.body = AddBody(ast_.exprs[e].loc, std::span<const ExprId>(&e, 1));
    } else {
      Illegal("rule body expected");
      return kNone;
    }
  }
  if (Cur() == TokenKind::kElse) {
    rule.else_rule = ParseElse(module, head);
    if (rule.else_rule == kNone) return kNone;
  }
  module.else_rules.push_back(rule);
  return static_cast<std::uint32_t>(module.else_rules.size() - 1);
}

}  // namespace internal

namespace {

template <typename Fn>
auto WithParser(std::string_view filename, std::string_view text, RegoVersion version,
                const ParseLimits& limits, Ast& ast, std::vector<Comment>* comments, Fn&& fn)
    -> decltype(fn(std::declval<internal::Parser&>())) {
  if (text.size() > limits.max_bytes) {
    return MakeParseError(filename, 1, 1,
                          "policy text of " + std::to_string(text.size()) +
                              " bytes exceeds the limit of " + std::to_string(limits.max_bytes));
  }
  Result<LexOutput> lexed = Lex(filename, text);
  if (!lexed) return lexed.error();
  if (comments != nullptr) *comments = std::move(lexed->comments);
  internal::Parser parser(filename, text, version, limits, std::move(lexed->tokens), ast);
  return fn(parser);
}

}  // namespace

Result<Module> ParseModule(std::string_view filename, std::string_view text, RegoVersion version,
                           const ParseLimits& limits) {
  Module module;
  module.filename = std::string(filename);
  module.version = version;
  std::vector<Comment> comments;
  Status status = WithParser(filename, text, version, limits, module.ast, &comments,
                             [&](internal::Parser& p) { return p.ParseModuleInto(module); });
  if (!status) return status.error();
  module.comments.reserve(comments.size());
  for (const Comment& c : comments) {
    module.comments.push_back(
        SourceComment{Location{c.row, c.col}, std::string(text.substr(c.offset, c.length))});
  }
  if (Status annotated = AttachAnnotations(module); !annotated) return annotated.error();
  return module;
}

Result<Query> ParseQuery(std::string_view filename, std::string_view text, RegoVersion version,
                         const ParseLimits& limits) {
  Query query;
  Result<BodyId> body = WithParser(filename, text, version, limits, query.ast, nullptr,
                                   [&](internal::Parser& p) { return p.ParseQueryBody(); });
  if (!body) return body.error();
  query.body = *body;
  return query;
}

}  // namespace gatehouse::rego
