// Literals and bodies: OPA's parseLiteral, parseSome, parseEvery, parseWith and parseQuery.
#include <string>
#include <vector>

#include "rego/parser_internal.h"

namespace gatehouse::rego::internal {

BodyId Parser::ParseBody(TokenKind end) {
  if (failed()) return kNone;
  DepthGuard guard(*this);
  if (!guard.ok()) return kNone;
  Location loc = Loc();
  if (Cur() == end) {
    ErrorAt(loc, "found empty body");
    return kNone;
  }
  std::vector<ExprId> exprs;
  while (true) {
    ExprId e = ParseLiteral();
    if (e == kNone) return kNone;
    exprs.push_back(e);
    if (Cur() == TokenKind::kSemicolon) {
      Next();
      continue;
    }
    if (Cur() == end) break;
    if (!Tok().newline_before) {
      std::string expected = "expected \\n or ; or ";
      expected.append(TokenKindName(end));
      Illegal(expected);
      return kNone;
    }
  }
  return AddBody(loc, exprs);
}

ExprId Parser::ParseLiteral() {
  Location loc = Loc();
  bool negated = false;
  if (Cur() == TokenKind::kNot) {
    Next();
    negated = true;
  }
  if (Cur() == TokenKind::kSome) {
    if (negated) {
      ErrorAt(Loc(), "illegal negation of 'some'");
      return kNone;
    }
    return ParseSome(loc);
  }
  if (Cur() == TokenKind::kEvery) {
    if (negated) {
      ErrorAt(Loc(), "illegal negation of 'every'");
      return kNone;
    }
    return ParseEvery(loc);
  }
  TermId term = ParseExprTerm();
  if (term == kNone) return kNone;
  std::vector<With> withs;
  if (Cur() == TokenKind::kWith && !ParseWiths(withs)) return kNone;
  Expr e;
  e.kind = ExprKind::kTerm;
  e.negated = negated;
  e.loc = loc;
  e.term = term;
  return AddExpr(e, withs);
}

TermId Parser::ParseExprTerm() {
  TermId lhs = ParseTermIn(true);
  if (lhs == kNone) return kNone;
  if (Cur() == TokenKind::kAssign || Cur() == TokenKind::kUnify) {
    Op op = Cur() == TokenKind::kAssign ? Op::kAssign : Op::kUnify;
    Next();
    TermId rhs = ParseTermIn(true);
    if (rhs == kNone) return kNone;
    TermId args[] = {lhs, rhs};
    return AddOpCall(op, ast_.terms[lhs].loc, args);
  }
  return lhs;
}

ExprId Parser::ParseSome(Location loc) {
  State start = Save();
  Next();  // some
  TermId term = ParseTermIn(true);
  if (term != kNone && ast_.terms[term].kind == TermKind::kCall) {
    Op op = ast_.terms[term].op;
    if (op != Op::kMember && op != Op::kMemberWithKey) {
      ErrorAt(ast_.terms[term].loc, "expected `x in xs` or `x, y in xs` expression");
      return kNone;
    }
    std::vector<With> withs;
    if (Cur() == TokenKind::kWith && !ParseWiths(withs)) return kNone;
    Expr e;
    e.kind = ExprKind::kSomeIn;
    e.loc = loc;
    e.term = term;
    return AddExpr(e, withs);
  }
  Restore(start);
  Next();  // some
  std::vector<TermId> vars;
  while (true) {
    if (Cur() != TokenKind::kIdent) {
      Illegal("expected var");
      return kNone;
    }
    vars.push_back(ParseVar());
    if (Cur() != TokenKind::kComma) break;
    Next();
  }
  Expr e;
  e.kind = ExprKind::kSome;
  e.loc = loc;
  e.first = static_cast<std::uint32_t>(ast_.term_lists.size());
  e.count = static_cast<std::uint32_t>(vars.size());
  ast_.term_lists.insert(ast_.term_lists.end(), vars.begin(), vars.end());
  return AddExpr(e, {});
}

ExprId Parser::ParseEvery(Location loc) {
  Next();  // every
  TermId term = ParseTermIn(true);
  if (term == kNone) return kNone;
  const Term& call = ast_.terms[term];
  if (call.kind != TermKind::kCall || (call.op != Op::kMember && call.op != Op::kMemberWithKey)) {
    ErrorAt(call.loc, "expected `x[, y] in xs { ... }` expression");
    return kNone;
  }
  std::span<const TermId> args = ast_.Children(call).subspan(1);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (ast_.terms[args[i]].kind != TermKind::kVar) {
      ErrorAt(ast_.terms[args[i]].loc, i + 2 == args.size() ? "expected value to be a variable"
                                                            : "expected key to be a variable");
      return kNone;
    }
  }
  if (Cur() != TokenKind::kLBrace) {
    Illegal("missing body");
    return kNone;
  }
  Next();
  BodyId body = ParseBody(TokenKind::kRBrace);
  if (body == kNone) return kNone;
  Next();
  std::vector<With> withs;
  if (Cur() == TokenKind::kWith && !ParseWiths(withs)) return kNone;
  Expr e;
  e.kind = ExprKind::kEvery;
  e.loc = loc;
  e.term = term;
  e.body = body;
  return AddExpr(e, withs);
}

bool Parser::ParseWiths(std::vector<With>& out) {
  while (Cur() == TokenKind::kWith) {
    With w;
    w.loc = Loc();
    Next();
    if (Cur() != TokenKind::kIdent) {
      Illegal("expected ident");
      return false;
    }
    w.target = ParseTerm();
    if (w.target == kNone) return false;
    TermKind kind = ast_.terms[w.target].kind;
    if (kind != TermKind::kVar && kind != TermKind::kRef) {
      ErrorAt(ast_.terms[w.target].loc, "expected with target path");
      return false;
    }
    if (Cur() != TokenKind::kAs) {
      Illegal("expected as keyword");
      return false;
    }
    Next();
    w.value = ParseTermIn(true);
    if (w.value == kNone) return false;
    out.push_back(w);
  }
  return true;
}

}  // namespace gatehouse::rego::internal
