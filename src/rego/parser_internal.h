// Internal to the Rego parser (parser.cc: entry points, node helpers, modules and rules;
// parser_terms.cc: terms and operators; parser_literals.cc: literals and bodies). Not part of
// the public API.
//
// The parser is a recursive-descent port of OPA's, over the token array from Lex(). Each
// parse function returns the new node's index, or kNone after recording an error. Speculative
// parses (comprehension or set/object, `k, v in xs`) Save() and Restore() the position and
// the error; nodes built on an abandoned path stay in the arena unused. ParseTerm() results
// (success or failure) are memoised by token position, so backtracking never re-parses a term
// and the total work stays linear. Errors from the nesting limit are fatal: Restore() does not
// clear them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rego/ast.h"
#include "rego/lexer.h"
#include "rego/parser.h"

namespace gatehouse::rego::internal {

class Parser {
 public:
  Parser(std::string_view filename, std::string_view text, RegoVersion version,
         const ParseLimits& limits, std::vector<Token> tokens, Ast& ast);

  Status ParseModuleInto(Module& module);
  Result<BodyId> ParseQueryBody();

 private:
  struct State {
    std::uint32_t pos;
    bool had_error;
  };
  struct MemoEntry {
    std::uint8_t state = 0;  // 0 unknown, 1 parsed, 2 failed
    TermId term = kNone;
    std::uint32_t end = 0;
  };
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p);
    ~DepthGuard() { --parser_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    bool ok() const { return ok_; }

   private:
    Parser& parser_;
    bool ok_;
  };

  // Tokens.
  TokenKind Cur() const { return Effective(tokens_[pos_].kind); }
  TokenKind Effective(TokenKind kind) const;
  const Token& Tok() const { return tokens_[pos_]; }
  void Next() {
    if (tokens_[pos_].kind != TokenKind::kEof) ++pos_;
  }
  std::string_view TextOf(const Token& t) const { return text_.substr(t.offset, t.length); }
  Location Loc() const { return Location{Tok().row, Tok().col}; }
  static bool IsWord(TokenKind kind);

  // Errors.
  State Save() const { return State{pos_, error_.has_value()}; }
  void Restore(State s);
  bool failed() const { return error_.has_value(); }
  void ErrorAt(Location loc, std::string_view message);
  void Fatal(Location loc, std::string_view message);
  // "unexpected <token> token[: expected <what>]" at the current token.
  void Illegal(std::string_view expected = {});

  // Nodes.
  NameId Intern(std::string_view name);
  TermId AddTerm(const Term& t);
  TermId AddScalar(TermKind kind, value::Value v, Location loc, NameId text = 0);
  TermId AddVar(NameId name, Location loc);
  TermId AddString(std::string s, Location loc);
  TermId AddNode(TermKind kind, Location loc, std::span<const TermId> children, Op op = Op::kNamed,
                 BodyId body = kNone);
  TermId AddOpCall(Op op, Location loc, std::span<const TermId> args);
  ExprId AddExpr(Expr e, std::span<const With> withs);
  BodyId AddBody(Location loc, std::span<const ExprId> exprs);
  BodyId AddTrueBody(Location loc);
  bool IsVarNamed(TermId id, std::string_view name) const;
  bool IsGround(TermId id) const;

  // Terms (parser_terms.cc).
  TermId ParseTerm();
  TermId ParseTermUncached();
  TermId ParseVar();  // an identifier (or `_`) at the current token, no ref suffix
  TermId ParseTermFinish(TermId head, bool allow_space);
  TermId ParseRef(TermId head);
  TermId ParseCall(TermId op, Location loc);
  TermId ParseNumber();
  TermId ParseTemplate();
  TermId ParseArray();
  TermId ParseSetOrObject();
  TermId ParseSetRest(State start, TermId head, bool maybe_compr, Location loc);
  TermId ParseObjectRest(TermId key, bool maybe_compr, Location loc);
  TermId ParseObjectFinish(TermId key, TermId val, bool maybe_compr, Location loc);
  bool ParseTermList(TokenKind end, std::vector<TermId>& out);
  bool ParseTermPairList(TokenKind end, std::vector<TermId>& out);
  TermId ParseTermIn(bool key_val);
  TermId ParseBinary(int min_precedence);

  // Literals and bodies (parser_literals.cc).
  BodyId ParseBody(TokenKind end);
  ExprId ParseLiteral();
  ExprId ParseSome(Location loc);
  ExprId ParseEvery(Location loc);
  TermId ParseExprTerm();
  bool ParseWiths(std::vector<With>& out);

  // Module level (parser.cc).
  bool ParsePackage(Module& module);
  bool ParseImport(Module& module);
  bool ParseRules(Module& module);
  std::uint32_t ParseElse(Module& module, const Rule& head);
  bool CheckDefaultValue(TermId id);
  void EnableKeyword(TokenKind kind);

  std::string_view filename_;
  std::string_view text_;
  const ParseLimits& limits_;
  std::vector<Token> tokens_;
  Ast& ast_;
  std::uint32_t pos_ = 0;
  std::optional<Error> error_;
  bool fatal_ = false;
  std::size_t depth_ = 0;
  std::size_t steps_ = 0;
  std::size_t max_steps_ = 0;
  std::uint32_t wildcards_ = 0;
  bool kw_in_ = false;
  bool kw_every_ = false;
  bool kw_if_ = false;
  bool kw_contains_ = false;
  bool v1_rules_ = false;  // `if` and `contains` required
  std::vector<MemoEntry> memo_;
  std::unordered_map<std::uint32_t, Error> memo_errors_;
  std::unordered_map<std::string, NameId> name_ids_;
};

}  // namespace gatehouse::rego::internal
