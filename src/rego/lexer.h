// Rego lexer: turns module or query text into tokens with positions.
//
// Lex() scans the whole text at once (the parser backtracks over the token array). It checks
// everything that is lexical: UTF-8 validity, string escapes (\" \\ \/ \b \f \n \r \t \uXXXX),
// control characters in strings, number syntax (JSON numbers, no sign), and refuses characters
// that cannot start a token. Template strings (`$"a {x}"`) are split into text and the tokens
// of their expressions. A keyword directly followed by `.name` lexes as an identifier, as in
// OPA (`not.foo := 1` is a ref head). Errors have code "rego_parse_error" and a message
// "file:row:col: what", the position being the offending character. Pure functions; the
// returned tokens refer to `text` by offset, nothing is copied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rego/token.h"

namespace gatehouse::rego {

struct LexOutput {
  std::vector<Token> tokens;  // always ends with one kEof token
  std::vector<Comment> comments;
};

Result<LexOutput> Lex(std::string_view filename, std::string_view text);

// The value of a kString or kRawString token's text (quotes included). The text must come
// from Lex(), which has validated it. Unpaired surrogate escapes become U+FFFD, as in Go's
// encoding/json, which OPA uses to decode string literals.
std::string DecodeStringLiteral(std::string_view token_text);

// The value of a kTemplateText token's text; `raw` for `$\`...\`` templates (where only
// `\{` is an escape).
std::string DecodeTemplateText(std::string_view token_text, bool raw);

// The "file:row:col: message" error that every Rego front-end failure uses.
Error MakeParseError(std::string_view filename, std::uint32_t row, std::uint32_t col,
                     std::string_view message);

}  // namespace gatehouse::rego
