// GraphQL lexer (October 2021 spec, as vektah/gqlparser v2 tokenises), used by the graphql.*
// builtins. Positions are 1-based lines and columns counted in code points, as gqlparser reports
// them. The lexer never throws; an invalid character yields a kInvalid token carrying the error
// message. Comments are skipped iteratively (no recursion). Not thread-safe per instance; the
// input must outlive the lexer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::rego::graphql {

enum class TokenKind {
  kInvalid,
  kEof,
  kBang,
  kDollar,
  kAmp,
  kParenL,
  kParenR,
  kSpread,
  kColon,
  kEquals,
  kAt,
  kBracketL,
  kBracketR,
  kBraceL,
  kBraceR,
  kPipe,
  kName,
  kInt,
  kFloat,
  kString,
  kBlockString,
};

// gqlparser's spelling: "<EOF>", "}", "Name", "String", ...
std::string_view TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kInvalid;
  std::string value;  // names, numbers, decoded strings; empty for punctuators
  int line = 0;
  int column = 0;
  std::string error;  // kInvalid only: the lexer's message

  // gqlparser's Token.String(): `Name "foo"` when there is a value, else the kind name.
  std::string Describe() const;
};

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}
  Token Next();

 private:
  void SkipIgnored();
  Token Make(TokenKind kind, std::string value) const;
  Token MakeError(std::string message) const;
  Token ReadName();
  Token ReadNumber();
  Token ReadString();
  Token ReadBlockString();
  void Advance(std::size_t bytes) {
    end_ += bytes;
    ++end_runes_;
  }

  std::string_view input_;
  std::size_t start_ = 0;
  std::size_t end_ = 0;
  int start_runes_ = 0;
  int end_runes_ = 0;
  int line_ = 1;
  int line_start_runes_ = 0;
};

// The spec's BlockStringValue(): common indentation removed, blank first/last lines dropped.
std::string BlockStringValue(std::string_view raw);

}  // namespace gatehouse::rego::graphql
