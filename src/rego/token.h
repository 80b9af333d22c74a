// Rego tokens: what the lexer produces and the parser consumes.
//
// A Token is a small value (kind, byte range into the source text, 1-based row/column, and
// whether whitespace or a newline came before it). Its text is source.substr(offset, length);
// the lexer does not copy the source, so tokens are only meaningful with the text they came
// from. Keywords are lexed as their own kinds; the parser decides whether a "future" keyword
// (in, every, if, contains) is active for a module and otherwise treats it as an identifier.
// Plain data, no thread-safety concerns.
#pragma once

#include <cstdint>
#include <string_view>

namespace gatehouse::rego {

enum class TokenKind : std::uint8_t {
  kEof,
  kIdent,
  kString,     // "double quoted", Go/JSON escapes
  kRawString,  // `back quoted`, no escapes, may span lines
  kNumber,     // JSON number syntax without sign (the parser handles unary minus)
  // Template strings: `$"a {x} b"` lexes as TemplateStart, TemplateText "a ", LBrace, x,
  // RBrace, TemplateText " b", TemplateEnd; `$\`...\`` likewise, and may span lines.
  kTemplateStart,
  kTemplateText,  // raw text of a literal segment (escapes undecoded)
  kTemplateEnd,
  // Keywords that are always reserved.
  kPackage,
  kImport,
  kAs,
  kDefault,
  kElse,
  kNot,
  kSome,
  kWith,
  kTrue,
  kFalse,
  kNull,
  // Future keywords: reserved in Rego v1, or in v0 after `import future.keywords[.x]` or
  // `import rego.v1`; identifiers otherwise.
  kEvery,
  kIn,
  kIf,
  kContains,
  // Operators and punctuation.
  kAssign,  // :=
  kUnify,   // =
  kEqual,   // ==
  kNeq,     // !=
  kLt,
  kLte,
  kGt,
  kGte,
  kAdd,
  kSub,
  kMul,
  kQuo,
  kRem,
  kAnd,  // &
  kOr,   // |
  kLBrack,
  kRBrack,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kDot,
  kComma,
  kSemicolon,
  kColon,
};

// A short human name used in error messages: "ident", "string", "number", "if", ":=", ...
std::string_view TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEof;
  bool space_before = false;    // any whitespace or comment between the previous token and this
  bool newline_before = false;  // a line break between the previous token and this
  std::uint32_t offset = 0;     // byte offset into the source
  std::uint32_t length = 0;     // bytes
  std::uint32_t row = 1;        // 1-based line
  std::uint32_t col = 1;        // 1-based byte column
};

// A `# ...` comment; text excludes the leading '#'. Kept for annotations and formatting.
struct Comment {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  std::uint32_t row = 1;
  std::uint32_t col = 1;
};

}  // namespace gatehouse::rego
