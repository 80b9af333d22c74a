#include "rego/lexer.h"

#include <cstdint>
#include <string>

#include "common/codec/hex.h"
#include "common/codec/utf8.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Keyword {
  std::string_view text;
  TokenKind kind;
};
constexpr Keyword kKeywords[] = {
    {"package", TokenKind::kPackage},
    {"import", TokenKind::kImport},
    {"as", TokenKind::kAs},
    {"default", TokenKind::kDefault},
    {"else", TokenKind::kElse},
    {"not", TokenKind::kNot},
    {"some", TokenKind::kSome},
    {"with", TokenKind::kWith},
    {"true", TokenKind::kTrue},
    {"false", TokenKind::kFalse},
    {"null", TokenKind::kNull},
    {"every", TokenKind::kEvery},
    {"in", TokenKind::kIn},
    {"if", TokenKind::kIf},
    {"contains", TokenKind::kContains},
};

TokenKind IdentKind(std::string_view word) {
  for (const Keyword& k : kKeywords) {
    if (k.text == word) return k.kind;
  }
  return TokenKind::kIdent;
}

class Lexer {
 public:
  Lexer(std::string_view filename, std::string_view text) : filename_(filename), text_(text) {}

  Result<LexOutput> Run() {
    LexOutput out;
    out.tokens.reserve(text_.size() / 3 + 1);
    // A UTF-8 byte order mark is not part of the program.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = col_base_ = 3;
    bool space = false;
    bool newline = false;
    while (true) {
      // Whitespace and comments.
      while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (c == ' ' || c == '\t' || c == '\r') {
          ++pos_;
          space = true;
        } else if (c == '\n') {
          ++pos_;
          ++row_;
          col_base_ = pos_;
          space = newline = true;
        } else if (c == '#') {
          Comment comment{static_cast<std::uint32_t>(pos_ + 1), 0, row_, Col()};
          ++pos_;
          while (pos_ < text_.size() && text_[pos_] != '\n') {
            std::size_t n = codec::Utf8SequenceLength(text_, pos_);
            if (n == 0) return Fail("illegal utf-8 character");
            pos_ += n;
          }
          comment.length = static_cast<std::uint32_t>(pos_ - comment.offset);
          out.comments.push_back(comment);
          space = true;
        } else {
          break;
        }
      }
      Token tok;
      tok.space_before = space;
      tok.newline_before = newline;
      tok.offset = static_cast<std::uint32_t>(pos_);
      tok.row = row_;
      tok.col = Col();
      space = newline = false;
      if (pos_ >= text_.size()) {
        if (!templates_.empty()) return Fail("non-terminated template string");
        tok.kind = TokenKind::kEof;
        out.tokens.push_back(tok);
        return out;
      }
      Status scanned = ScanOne(tok, out.tokens);
      if (!scanned) return scanned.error();
    }
  }

 private:
  std::uint32_t Col() const { return static_cast<std::uint32_t>(pos_ - col_base_ + 1); }
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  Error Fail(std::string_view message) const {
    return MakeParseError(filename_, row_, Col(), message);
  }

  // Scans the token at pos_ into `tok` and appends it (template strings append several).
  Status ScanOne(Token& tok, std::vector<Token>& out) {
    char c = text_[pos_];
    if (c == '$' && (Peek(1) == '"' || Peek(1) == '`')) {
      bool raw = Peek(1) == '`';
      pos_ += 2;
      tok.kind = TokenKind::kTemplateStart;
      Push(tok, out);
      return ScanTemplateText(raw, out);
    }
    if (!templates_.empty() && (c == '{' || c == '}')) {
      TemplateFrame& frame = templates_.back();
      if (c == '{') {
        ++frame.depth;
      } else if (frame.depth > 0) {
        --frame.depth;
      } else {
        // This brace closes a template expression: back to the string's text.
        bool raw = frame.raw;
        templates_.pop_back();
        ++pos_;
        tok.kind = TokenKind::kRBrace;
        Push(tok, out);
        return ScanTemplateText(raw, out);
      }
    }
    Status scanned = ScanSimple(tok);
    if (!scanned) return scanned;
    Push(tok, out);
    return Ok();
  }

  void Push(Token& tok, std::vector<Token>& out) {
    tok.length = static_cast<std::uint32_t>(pos_ - tok.offset);
    out.push_back(tok);
  }

  // Template text up to the closing quote (TemplateEnd) or an unescaped `{` (LBrace, and a
  // frame so the matching `}` comes back here).
  Status ScanTemplateText(bool raw, std::vector<Token>& out) {
    char quote = raw ? '`' : '"';
    Token text{
        TokenKind::kTemplateText, false, false, static_cast<std::uint32_t>(pos_), 0, row_, Col()};
    while (true) {
      if (pos_ >= text_.size() || (!raw && text_[pos_] == '\n')) {
        return Fail("non-terminated template string");
      }
      char c = text_[pos_];
      if (c == quote || c == '{') break;
      if (c == '\n') {
        ++pos_;
        ++row_;
        col_base_ = pos_;
        continue;
      }
      if (c == '\\' && (Peek(1) == '{' || Peek(1) == '}')) {  // escaped braces are text
        pos_ += 2;
        continue;
      }
      if (!raw) {
        if (static_cast<unsigned char>(c) < 0x20) {
          return Fail("illegal control character in string");
        }
        if (c == '\\') {
          Status escape = ScanEscape();
          if (!escape) return escape;
          continue;
        }
      }
      std::size_t n = codec::Utf8SequenceLength(text_, pos_);
      if (n == 0) return Fail("illegal utf-8 character");
      pos_ += n;
    }
    if (pos_ > text.offset) Push(text, out);
    Token tok{
        TokenKind::kTemplateEnd, false, false, static_cast<std::uint32_t>(pos_), 0, row_, Col()};
    if (text_[pos_] == '{') {
      tok.kind = TokenKind::kLBrace;
      templates_.push_back(TemplateFrame{raw, 0});
    }
    ++pos_;
    Push(tok, out);
    return Ok();
  }

  // A backslash escape inside a double-quoted string, pos_ at the backslash.
  Status ScanEscape() {
    switch (Peek(1)) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        pos_ += 2;
        return Ok();
      case 'u':
        for (std::size_t k = 2; k < 6; ++k) {
          if (codec::HexDigitValue(Peek(k)) < 0) return Fail("illegal escape sequence");
        }
        pos_ += 6;
        return Ok();
      default:
        return Fail("illegal escape sequence");
    }
  }

  Status ScanSimple(Token& tok) {
    char c = text_[pos_];
    if (IsLetter(c)) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && (IsLetter(text_[pos_]) || IsDigit(text_[pos_]))) ++pos_;
      tok.kind = IdentKind(text_.substr(start, pos_ - start));
      // OPA reads a keyword directly followed by `.name` as a ref head: `not.foo`, `in.x`.
      if (tok.kind != TokenKind::kIdent && Peek() == '.' && IsLetter(Peek(1))) {
        tok.kind = TokenKind::kIdent;
      }
      return Ok();
    }
    if (IsDigit(c)) return ScanNumber(tok);
    if (c == '"') return ScanString(tok);
    if (c == '`') return ScanRawString(tok);
    auto one = [&](TokenKind kind) {
      ++pos_;
      tok.kind = kind;
      return Ok();
    };
    auto two = [&](TokenKind kind) {
      pos_ += 2;
      tok.kind = kind;
      return Ok();
    };
    switch (c) {
      case ':':
        return Peek(1) == '=' ? two(TokenKind::kAssign) : one(TokenKind::kColon);
      case '=':
        return Peek(1) == '=' ? two(TokenKind::kEqual) : one(TokenKind::kUnify);
      case '!':
        if (Peek(1) == '=') return two(TokenKind::kNeq);
        return Fail("illegal ! character");
      case '<':
        return Peek(1) == '=' ? two(TokenKind::kLte) : one(TokenKind::kLt);
      case '>':
        return Peek(1) == '=' ? two(TokenKind::kGte) : one(TokenKind::kGt);
      case '+':
        return one(TokenKind::kAdd);
      case '-':
        return one(TokenKind::kSub);
      case '*':
        return one(TokenKind::kMul);
      case '/':
        return one(TokenKind::kQuo);
      case '%':
        return one(TokenKind::kRem);
      case '&':
        return one(TokenKind::kAnd);
      case '|':
        return one(TokenKind::kOr);
      case '[':
        return one(TokenKind::kLBrack);
      case ']':
        return one(TokenKind::kRBrack);
      case '{':
        return one(TokenKind::kLBrace);
      case '}':
        return one(TokenKind::kRBrace);
      case '(':
        return one(TokenKind::kLParen);
      case ')':
        return one(TokenKind::kRParen);
      case '.':
        return one(TokenKind::kDot);
      case ',':
        return one(TokenKind::kComma);
      case ';':
        return one(TokenKind::kSemicolon);
      default:
        break;
    }
    if (static_cast<unsigned char>(c) >= 0x80 && codec::Utf8SequenceLength(text_, pos_) == 0) {
      return Fail("illegal utf-8 character");
    }
    return Fail("illegal token");
  }

  // JSON number without the sign: int [frac] [exp]. Like OPA, digits or letters glued to the
  // end make the whole word an error rather than two tokens ("0a2b").
  Status ScanNumber(Token& tok) {
    while (IsDigit(Peek())) ++pos_;
    if (Peek() == '.') {
      ++pos_;
      if (!IsDigit(Peek())) return Fail("expected fraction");
      while (IsDigit(Peek())) ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!IsDigit(Peek())) return Fail("expected exponent");
      while (IsDigit(Peek())) ++pos_;
    }
    if (IsLetter(Peek())) return Fail("illegal number format");
    tok.kind = TokenKind::kNumber;
    return Ok();
  }

  Status ScanString(Token& tok) {
    ++pos_;
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') return Fail("non-terminated string");
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) return Fail("illegal control character in string");
      if (c == '\\') {
        Status escape = ScanEscape();
        if (!escape) return escape;
        continue;
      }
      std::size_t n = codec::Utf8SequenceLength(text_, pos_);
      if (n == 0) return Fail("illegal utf-8 character");
      pos_ += n;
    }
    tok.kind = TokenKind::kString;
    return Ok();
  }

  Status ScanRawString(Token& tok) {
    std::uint32_t start_row = row_;
    std::uint32_t start_col = Col();
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        return MakeParseError(filename_, start_row, start_col, "non-terminated raw string");
      }
      char c = text_[pos_];
      if (c == '`') {
        ++pos_;
        break;
      }
      if (c == '\n') {
        ++pos_;
        ++row_;
        col_base_ = pos_;
        continue;
      }
      std::size_t n = codec::Utf8SequenceLength(text_, pos_);
      if (n == 0) return Fail("illegal utf-8 character");
      pos_ += n;
    }
    tok.kind = TokenKind::kRawString;
    return Ok();
  }

  struct TemplateFrame {
    bool raw;
    int depth;  // braces opened inside the current template expression
  };

  std::string_view filename_;
  std::string_view text_;
  std::vector<TemplateFrame> templates_;
  std::size_t pos_ = 0;
  std::size_t col_base_ = 0;  // offset of the current line's first byte
  std::uint32_t row_ = 1;
};

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof:
      return "EOF";
    case TokenKind::kIdent:
      return "ident";
    case TokenKind::kString:
    case TokenKind::kRawString:
      return "string";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kTemplateStart:
    case TokenKind::kTemplateText:
    case TokenKind::kTemplateEnd:
      return "template string";
    case TokenKind::kAssign:
      return ":=";
    case TokenKind::kUnify:
      return "=";
    case TokenKind::kEqual:
      return "==";
    case TokenKind::kNeq:
      return "!=";
    case TokenKind::kLt:
      return "<";
    case TokenKind::kLte:
      return "<=";
    case TokenKind::kGt:
      return ">";
    case TokenKind::kGte:
      return ">=";
    case TokenKind::kAdd:
      return "+";
    case TokenKind::kSub:
      return "-";
    case TokenKind::kMul:
      return "*";
    case TokenKind::kQuo:
      return "/";
    case TokenKind::kRem:
      return "%";
    case TokenKind::kAnd:
      return "&";
    case TokenKind::kOr:
      return "|";
    case TokenKind::kLBrack:
      return "[";
    case TokenKind::kRBrack:
      return "]";
    case TokenKind::kLBrace:
      return "{";
    case TokenKind::kRBrace:
      return "}";
    case TokenKind::kLParen:
      return "(";
    case TokenKind::kRParen:
      return ")";
    case TokenKind::kDot:
      return ".";
    case TokenKind::kComma:
      return ",";
    case TokenKind::kSemicolon:
      return ";";
    case TokenKind::kColon:
      return ":";
    default:
      break;
  }
  for (const Keyword& k : kKeywords) {
    if (k.kind == kind) return k.text;
  }
  return "?";
}

Result<LexOutput> Lex(std::string_view filename, std::string_view text) {
  return Lexer(filename, text).Run();
}

namespace {

// Decodes the escapes of a validated double-quoted string body; `\{` (template strings only)
// is a literal brace.
std::string DecodeEscapes(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  auto hex4 = [&](std::size_t at) -> std::uint32_t {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      v = v * 16 + static_cast<std::uint32_t>(codec::HexDigitValue(body[at + k]));
    }
    return v;
  };
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char e = body[++i];
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        // Lex() guarantees four hex digits after every \u.
        std::uint32_t cp = hex4(i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate pairs only with an immediately following \uDC00-\uDFFF.
          if (body.substr(i + 1, 2) == "\\u") {
            std::uint32_t lo = hex4(i + 3);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              codec::AppendUtf8(out, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
              i += 6;
              break;
            }
          }
          cp = 0xFFFD;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        codec::AppendUtf8(out, cp);
        break;
      }
      default:  // " \ /
        out += e;
        break;
    }
  }
  return out;
}

}  // namespace

std::string DecodeStringLiteral(std::string_view token_text) {
  if (token_text.size() < 2) return std::string();
  std::string_view body = token_text.substr(1, token_text.size() - 2);
  if (token_text.front() == '`') return std::string(body);
  return DecodeEscapes(body);
}

std::string DecodeTemplateText(std::string_view token_text, bool raw) {
  if (!raw) return DecodeEscapes(token_text);
  std::string out;
  out.reserve(token_text.size());
  for (std::size_t i = 0; i < token_text.size(); ++i) {
    if (token_text[i] == '\\' && i + 1 < token_text.size() &&
        (token_text[i + 1] == '{' || token_text[i + 1] == '}')) {
      continue;
    }
    out += token_text[i];
  }
  return out;
}

Error MakeParseError(std::string_view filename, std::uint32_t row, std::uint32_t col,
                     std::string_view message) {
  std::string text;
  text.reserve(filename.size() + message.size() + 24);
  text.append(filename);
  text += ':';
  text += std::to_string(row);
  text += ':';
  text += std::to_string(col);
  text += ": ";
  text.append(message);
  return MakeError(RegoError::kParse, std::move(text));
}

}  // namespace gatehouse::rego
