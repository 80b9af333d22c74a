#include "rego/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

std::vector<TokenKind> Kinds(std::string_view text) {
  Result<LexOutput> out = Lex("t.rego", text);
  EXPECT_TRUE(out) << out.error().message;
  std::vector<TokenKind> kinds;
  if (!out) return kinds;
  for (const Token& t : out->tokens) kinds.push_back(t.kind);
  return kinds;
}

std::string LexError(std::string_view text) {
  Result<LexOutput> out = Lex("t.rego", text);
  if (out) return "no error";
  EXPECT_EQ(out.error().code, RegoError::kParse);
  return out.error().message;
}

std::string StringValue(std::string_view text) {
  Result<LexOutput> out = Lex("t.rego", text);
  EXPECT_TRUE(out) << out.error().message;
  if (!out) return "";
  const Token& t = out->tokens.at(0);
  EXPECT_TRUE(t.kind == TokenKind::kString || t.kind == TokenKind::kRawString);
  return DecodeStringLiteral(text.substr(t.offset, t.length));
}

using K = TokenKind;

TEST(LexerTest, ScansEveryOperator) {
  EXPECT_EQ(
      Kinds(":= = == != < <= > >= + - * / % & | [ ] { } ( ) . , ; :"),
      (std::vector<K>{K::kAssign, K::kUnify,  K::kEqual,  K::kNeq,    K::kLt,     K::kLte,
                      K::kGt,     K::kGte,    K::kAdd,    K::kSub,    K::kMul,    K::kQuo,
                      K::kRem,    K::kAnd,    K::kOr,     K::kLBrack, K::kRBrack, K::kLBrace,
                      K::kRBrace, K::kLParen, K::kRParen, K::kDot,    K::kComma,  K::kSemicolon,
                      K::kColon,  K::kEof}));
  // Longest match without spaces.
  EXPECT_EQ(Kinds("a:=b==c!=d<=e>=f"),
            (std::vector<K>{K::kIdent, K::kAssign, K::kIdent, K::kEqual, K::kIdent, K::kNeq,
                            K::kIdent, K::kLte, K::kIdent, K::kGte, K::kIdent, K::kEof}));
}

TEST(LexerTest, RecognisesKeywordsAndIdentifiers) {
  EXPECT_EQ(Kinds("package import as default else not some with every in if contains true "
                  "false null"),
            (std::vector<K>{K::kPackage, K::kImport, K::kAs, K::kDefault, K::kElse, K::kNot,
                            K::kSome, K::kWith, K::kEvery, K::kIn, K::kIf, K::kContains, K::kTrue,
                            K::kFalse, K::kNull, K::kEof}));
  EXPECT_EQ(
      Kinds("_ x1 _foo packages Import iff"),
      (std::vector<K>{K::kIdent, K::kIdent, K::kIdent, K::kIdent, K::kIdent, K::kIdent, K::kEof}));
}

TEST(LexerTest, KeywordDirectlyBeforeDotNameIsAnIdentifier) {
  // OPA v1 accepts `not.foo := 1` and `default.foo` as refs.
  EXPECT_EQ(Kinds("not.foo"), (std::vector<K>{K::kIdent, K::kDot, K::kIdent, K::kEof}));
  EXPECT_EQ(Kinds("foo.not"), (std::vector<K>{K::kIdent, K::kDot, K::kNot, K::kEof}));
  EXPECT_EQ(Kinds("not .foo"), (std::vector<K>{K::kNot, K::kDot, K::kIdent, K::kEof}));
}

TEST(LexerTest, TracksRowsColumnsAndSeparators) {
  Result<LexOutput> out = Lex("t.rego", "a  b\n  c # note\n\td");
  ASSERT_TRUE(out);
  const std::vector<Token>& t = out->tokens;
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].row, 1u);
  EXPECT_EQ(t[0].col, 1u);
  EXPECT_FALSE(t[0].space_before);
  EXPECT_EQ(t[1].col, 4u);
  EXPECT_TRUE(t[1].space_before);
  EXPECT_FALSE(t[1].newline_before);
  EXPECT_EQ(t[2].row, 2u);
  EXPECT_EQ(t[2].col, 3u);
  EXPECT_TRUE(t[2].newline_before);
  EXPECT_EQ(t[3].row, 3u);
  EXPECT_EQ(t[3].col, 2u);
  EXPECT_TRUE(t[3].newline_before);  // the comment's line break counts
  EXPECT_EQ(t[4].kind, K::kEof);
  ASSERT_EQ(out->comments.size(), 1u);
  EXPECT_EQ(out->comments[0].row, 2u);
  EXPECT_EQ(out->comments[0].col, 5u);
  EXPECT_EQ(std::string_view("a  b\n  c # note\n\td")
                .substr(out->comments[0].offset, out->comments[0].length),
            " note");
}

TEST(LexerTest, DecodesStringEscapes) {
  EXPECT_EQ(StringValue(R"("a\"b\\c\/d\b\f\n\r\t")"), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(StringValue(R"("\u00e9\u20AC")"), "\xC3\xA9\xE2\x82\xAC");
  // A surrogate pair is one code point (U+1F600).
  EXPECT_EQ(StringValue(R"("\ud83d\ude00")"), "\xF0\x9F\x98\x80");
  // Unpaired surrogates become U+FFFD, as Go's encoding/json does.
  EXPECT_EQ(StringValue(R"("\ud83dx")"), "\xEF\xBF\xBDx");
  EXPECT_EQ(StringValue(R"("\ude00")"), "\xEF\xBF\xBD");
  EXPECT_EQ(StringValue("\"h\xC3\xA9llo\""), "h\xC3\xA9llo");
  EXPECT_EQ(StringValue(R"("")"), "");
}

TEST(LexerTest, RawStringsSpanLinesWithoutEscapes) {
  Result<LexOutput> out = Lex("t.rego", "`a\\n\nb` x");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->tokens[0].kind, K::kRawString);
  EXPECT_EQ(DecodeStringLiteral("`a\\n\nb`"), "a\\n\nb");
  EXPECT_EQ(out->tokens[1].row, 2u);
  EXPECT_EQ(out->tokens[1].col, 4u);
}

TEST(LexerTest, ScansJsonNumbers) {
  EXPECT_EQ(Kinds("0 12 1.5 1e10 2E-3 4.5e+6"),
            (std::vector<K>{K::kNumber, K::kNumber, K::kNumber, K::kNumber, K::kNumber, K::kNumber,
                            K::kEof}));
  // The sign is an operator; the parser folds it into a number.
  EXPECT_EQ(Kinds("-1"), (std::vector<K>{K::kSub, K::kNumber, K::kEof}));
  EXPECT_EQ(LexError("1."), "t.rego:1:3: expected fraction");
  EXPECT_EQ(LexError("1e+"), "t.rego:1:4: expected exponent");
  EXPECT_EQ(LexError("0a2b"), "t.rego:1:2: illegal number format");
}

TEST(LexerTest, ReportsErrorsWithPositions) {
  EXPECT_EQ(LexError("x := \"abc"), "t.rego:1:10: non-terminated string");
  EXPECT_EQ(LexError("x := \"ab\nc\""), "t.rego:1:9: non-terminated string");
  EXPECT_EQ(LexError("\n  \"a\\x\""), "t.rego:2:5: illegal escape sequence");
  EXPECT_EQ(LexError("\"\\u12g4\""), "t.rego:1:2: illegal escape sequence");
  EXPECT_EQ(LexError("\"a\tb\""), "t.rego:1:3: illegal control character in string");
  EXPECT_EQ(LexError("\"\xFF\""), "t.rego:1:2: illegal utf-8 character");
  EXPECT_EQ(LexError("\"\xED\xA0\x80\""), "t.rego:1:2: illegal utf-8 character");  // surrogate
  EXPECT_EQ(LexError("# \xC0\x80"), "t.rego:1:3: illegal utf-8 character");        // overlong
  EXPECT_EQ(LexError("a ~ b"), "t.rego:1:3: illegal token");
  EXPECT_EQ(LexError("a ! b"), "t.rego:1:3: illegal ! character");
  EXPECT_EQ(LexError("x \xC3\xA9"), "t.rego:1:3: illegal token");
  EXPECT_EQ(LexError("`abc"), "t.rego:1:1: non-terminated raw string");
}

TEST(LexerTest, SkipsByteOrderMark) {
  Result<LexOutput> out = Lex("t.rego", "\xEF\xBB\xBFpackage x");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->tokens[0].kind, K::kPackage);
  EXPECT_EQ(out->tokens[0].col, 1u);
}

TEST(LexerTest, SplitsTemplateStringsIntoTextAndExpressions) {
  EXPECT_EQ(Kinds(R"($"a {x} b")"),
            (std::vector<K>{K::kTemplateStart, K::kTemplateText, K::kLBrace, K::kIdent, K::kRBrace,
                            K::kTemplateText, K::kTemplateEnd, K::kEof}));
  // Braces inside the expression nest; `\{` is text; templates nest in expressions.
  EXPECT_EQ(Kinds(R"($"\{{ {1} }")"),
            (std::vector<K>{K::kTemplateStart, K::kTemplateText, K::kLBrace, K::kLBrace, K::kNumber,
                            K::kRBrace, K::kRBrace, K::kTemplateEnd, K::kEof}));
  EXPECT_EQ(Kinds(R"($"{$"{a}"}")"),
            (std::vector<K>{K::kTemplateStart, K::kLBrace, K::kTemplateStart, K::kLBrace, K::kIdent,
                            K::kRBrace, K::kTemplateEnd, K::kRBrace, K::kTemplateEnd, K::kEof}));
  EXPECT_EQ(Kinds("$`a\n{x}`"), (std::vector<K>{K::kTemplateStart, K::kTemplateText, K::kLBrace,
                                                K::kIdent, K::kRBrace, K::kTemplateEnd, K::kEof}));
  EXPECT_EQ(DecodeTemplateText(R"(a\{b\n)", false), "a{b\n");
  EXPECT_EQ(DecodeTemplateText(R"(a\{b\n)", true), "a{b\\n");
  EXPECT_EQ(LexError(R"($"a {x)"), "t.rego:1:7: non-terminated template string");
  EXPECT_EQ(LexError("$\"a\n\""), "t.rego:1:4: non-terminated template string");
  EXPECT_EQ(LexError("$x"), "t.rego:1:1: illegal token");
}

TEST(LexerTest, EmptyInputIsJustEof) {
  EXPECT_EQ(Kinds(""), (std::vector<K>{K::kEof}));
  EXPECT_EQ(Kinds("  \n# only a comment\n"), (std::vector<K>{K::kEof}));
}

}  // namespace
}  // namespace gatehouse::rego
