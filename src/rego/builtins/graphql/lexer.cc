#include "rego/builtins/graphql/lexer.h"

#include <cstdio>
#include <vector>

#include "common/codec/utf8.h"

namespace gatehouse::rego::graphql {
namespace {

// Width of the UTF-8 sequence at `s` (1 for invalid bytes, as Go's decoder steps).
std::size_t RuneWidth(std::string_view s) {
  const auto c = static_cast<unsigned char>(s[0]);
  std::size_t n = 1;
  if (c >= 0xF0 && c < 0xF8) {
    n = 4;
  } else if (c >= 0xE0) {
    n = c < 0xF0 ? 3 : 1;
  } else if (c >= 0xC2) {
    n = 2;
  }
  if (n > s.size()) return 1;
  for (std::size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

bool IsNameStart(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

std::string ControlCharMessage(const char* prefix, unsigned char c) {
  // gqlparser formats the code with %04d (decimal); keep its exact text.
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s\"\\u%04d\"", prefix, static_cast<int>(c));
  return buf;
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kInvalid:
      return "<Invalid>";
    case TokenKind::kEof:
      return "<EOF>";
    case TokenKind::kBang:
      return "!";
    case TokenKind::kDollar:
      return "$";
    case TokenKind::kAmp:
      return "&";
    case TokenKind::kParenL:
      return "(";
    case TokenKind::kParenR:
      return ")";
    case TokenKind::kSpread:
      return "...";
    case TokenKind::kColon:
      return ":";
    case TokenKind::kEquals:
      return "=";
    case TokenKind::kAt:
      return "@";
    case TokenKind::kBracketL:
      return "[";
    case TokenKind::kBracketR:
      return "]";
    case TokenKind::kBraceL:
      return "{";
    case TokenKind::kBraceR:
      return "}";
    case TokenKind::kPipe:
      return "|";
    case TokenKind::kName:
      return "Name";
    case TokenKind::kInt:
      return "Int";
    case TokenKind::kFloat:
      return "Float";
    case TokenKind::kString:
      return "String";
    case TokenKind::kBlockString:
      return "BlockString";
  }
  return "<Invalid>";
}

std::string Token::Describe() const {
  std::string out(TokenKindName(kind));
  if (value.empty()) return out;
  // strconv.Quote of the value (printable ASCII kept; others escaped simply).
  out += " \"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

Token Lexer::Make(TokenKind kind, std::string value) const {
  Token t;
  t.kind = kind;
  t.value = std::move(value);
  t.line = line_;
  t.column = start_runes_ - line_start_runes_ + 1;
  return t;
}

Token Lexer::MakeError(std::string message) const {
  Token t;
  t.kind = TokenKind::kInvalid;
  t.line = line_;
  t.column = end_runes_ - line_start_runes_ + 1;
  t.error = std::move(message);
  return t;
}

void Lexer::SkipIgnored() {
  while (end_ < input_.size()) {
    const char c = input_[end_];
    if (c == '\t' || c == ' ' || c == ',') {
      Advance(1);
    } else if (c == '\n' || c == '\r') {
      Advance(1);
      ++line_;
      line_start_runes_ = end_runes_;
      if (c == '\r' && end_ < input_.size() && input_[end_] == '\n') Advance(1);
    } else if (static_cast<unsigned char>(c) == 0xEF && end_ + 2 < input_.size() &&
               static_cast<unsigned char>(input_[end_ + 1]) == 0xBB &&
               static_cast<unsigned char>(input_[end_ + 2]) == 0xBF) {
      Advance(3);
    } else if (c == '#') {
      while (end_ < input_.size()) {
        const auto r = static_cast<unsigned char>(input_[end_]);
        if (r > 0x1F || r == '\t') {
          Advance(RuneWidth(input_.substr(end_)));
        } else {
          break;
        }
      }
    } else {
      return;
    }
  }
}

Token Lexer::Next() {
  SkipIgnored();
  start_ = end_;
  start_runes_ = end_runes_;
  if (end_ >= input_.size()) return Make(TokenKind::kEof, "");
  const char c = input_[start_];
  Advance(1);
  switch (c) {
    case '!':
      return Make(TokenKind::kBang, "");
    case '$':
      return Make(TokenKind::kDollar, "");
    case '&':
      return Make(TokenKind::kAmp, "");
    case '(':
      return Make(TokenKind::kParenL, "");
    case ')':
      return Make(TokenKind::kParenR, "");
    case ':':
      return Make(TokenKind::kColon, "");
    case '=':
      return Make(TokenKind::kEquals, "");
    case '@':
      return Make(TokenKind::kAt, "");
    case '[':
      return Make(TokenKind::kBracketL, "");
    case ']':
      return Make(TokenKind::kBracketR, "");
    case '{':
      return Make(TokenKind::kBraceL, "");
    case '}':
      return Make(TokenKind::kBraceR, "");
    case '|':
      return Make(TokenKind::kPipe, "");
    case '.':
      if (input_.substr(start_, 3) == "...") {
        end_ += 2;
        end_runes_ += 2;
        return Make(TokenKind::kSpread, "");
      }
      break;
    case '"':
      if (input_.substr(start_, 3) == "\"\"\"") return ReadBlockString();
      return ReadString();
    default:
      if (IsNameStart(c)) return ReadName();
      if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
      break;
  }
  --end_;
  --end_runes_;
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
    return MakeError(ControlCharMessage("Cannot contain the invalid character ", u));
  }
  if (c == '\'') {
    return MakeError(
        "Unexpected single quote character ('), did you mean to use a double quote (\")?");
  }
  const std::size_t w = RuneWidth(input_.substr(start_));
  return MakeError("Cannot parse the unexpected character \"" +
                   std::string(input_.substr(start_, w)) + "\".");
}

Token Lexer::ReadName() {
  while (end_ < input_.size() && IsNameChar(input_[end_])) Advance(1);
  return Make(TokenKind::kName, std::string(input_.substr(start_, end_ - start_)));
}

Token Lexer::ReadNumber() {
  --end_;
  --end_runes_;
  auto accept = [&](char a, char b) {
    if (end_ < input_.size() && (input_[end_] == a || input_[end_] == b)) {
      Advance(1);
      return true;
    }
    return false;
  };
  auto digits = [&]() {
    int n = 0;
    while (end_ < input_.size() && input_[end_] >= '0' && input_[end_] <= '9') {
      Advance(1);
      ++n;
    }
    return n;
  };
  auto describe_next = [&]() -> std::string {
    if (end_ < input_.size()) return "\"" + std::string(1, input_[end_]) + "\"";
    return "<EOF>";
  };
  bool is_float = false;
  accept('-', '-');
  if (accept('0', '0')) {
    const int n = digits();
    if (n != 0) {
      end_ -= static_cast<std::size_t>(n);
      end_runes_ -= n;
      return MakeError("Invalid number, unexpected digit after 0: " + describe_next() + ".");
    }
  } else if (digits() == 0) {
    return MakeError("Invalid number, expected digit but got: " + describe_next() + ".");
  }
  if (accept('.', '.')) {
    is_float = true;
    if (digits() == 0) {
      return MakeError("Invalid number, expected digit but got: " + describe_next() + ".");
    }
  }
  if (accept('e', 'E')) {
    is_float = true;
    accept('-', '+');
    if (digits() == 0) {
      return MakeError("Invalid number, expected digit but got: " + describe_next() + ".");
    }
  }
  return Make(is_float ? TokenKind::kFloat : TokenKind::kInt,
              std::string(input_.substr(start_, end_ - start_)));
}

Token Lexer::ReadString() {
  ++start_;
  ++start_runes_;
  std::string buf;
  while (end_ < input_.size()) {
    const char c = input_[end_];
    if (c == '\n' || c == '\r') break;
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t') {
      return MakeError(ControlCharMessage("Invalid character within String: ", u) + ".");
    }
    if (c == '"') {
      Token t = Make(TokenKind::kString, std::move(buf));
      Advance(1);
      return t;
    }
    if (c != '\\') {
      const std::size_t w = RuneWidth(input_.substr(end_));
      buf.append(input_.substr(end_, w));
      Advance(w);
      continue;
    }
    if (end_ + 1 >= input_.size()) {
      Advance(1);
      return MakeError("Invalid character escape sequence.");
    }
    const char esc = input_[end_ + 1];
    if (esc == 'u') {
      if (end_ + 6 >= input_.size()) {
        Advance(1);
        return MakeError("Invalid character escape sequence: \\" +
                         std::string(input_.substr(end_)) + ".");
      }
      unsigned cp = 0;
      for (std::size_t i = 2; i < 6; ++i) {
        const char h = input_[end_ + i];
        cp <<= 4;
        if (h >= '0' && h <= '9') {
          cp |= static_cast<unsigned>(h - '0');
        } else if (h >= 'a' && h <= 'f') {
          cp |= static_cast<unsigned>(h - 'a' + 10);
        } else if (h >= 'A' && h <= 'F') {
          cp |= static_cast<unsigned>(h - 'A' + 10);
        } else {
          Advance(1);
          return MakeError("Invalid character escape sequence: \\" +
                           std::string(input_.substr(end_, 5)) + ".");
        }
      }
      codec::AppendUtf8(buf, cp);
      end_ += 6;
      end_runes_ += 6;
      continue;
    }
    switch (esc) {
      case '"':
      case '/':
      case '\\':
        buf.push_back(esc);
        break;
      case 'b':
        buf.push_back('\b');
        break;
      case 'f':
        buf.push_back('\f');
        break;
      case 'n':
        buf.push_back('\n');
        break;
      case 'r':
        buf.push_back('\r');
        break;
      case 't':
        buf.push_back('\t');
        break;
      default:
        Advance(1);
        return MakeError("Invalid character escape sequence: \\" + std::string(1, esc) + ".");
    }
    end_ += 2;
    end_runes_ += 2;
  }
  return MakeError("Unterminated string.");
}

Token Lexer::ReadBlockString() {
  start_ += 3;
  start_runes_ += 3;
  end_ += 2;
  end_runes_ += 2;
  std::string buf;
  while (end_ < input_.size()) {
    const char c = input_[end_];
    if (c == '"' && input_.substr(end_, 3) == "\"\"\"") {
      Token t = Make(TokenKind::kBlockString, BlockStringValue(buf));
      end_ += 3;
      end_runes_ += 3;
      return t;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return MakeError(ControlCharMessage("Invalid character within String: ", u) + ".");
    }
    if (c == '\\' && input_.substr(end_, 4) == "\\\"\"\"") {
      buf += "\"\"\"";
      end_ += 4;
      end_runes_ += 4;
    } else if (c == '\r') {
      if (end_ + 1 < input_.size() && input_[end_ + 1] == '\n') Advance(1);
      buf.push_back('\n');
      Advance(1);
      ++line_;
      line_start_runes_ = end_runes_;
    } else {
      const std::size_t w = RuneWidth(input_.substr(end_));
      buf.append(input_.substr(end_, w));
      Advance(w);
      if (c == '\n') {
        ++line_;
        line_start_runes_ = end_runes_;
      }
    }
  }
  return MakeError("Unterminated string.");
}

std::string BlockStringValue(std::string_view raw) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (true) {
    const std::size_t nl = raw.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(raw.substr(pos));
      break;
    }
    lines.push_back(raw.substr(pos, nl - pos));
    pos = nl + 1;
  }
  auto indent_of = [](std::string_view l) {
    std::size_t i = 0;
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
    return i;
  };
  std::size_t common = std::string_view::npos;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t ind = indent_of(lines[i]);
    if (ind < lines[i].size() && (common == std::string_view::npos || ind < common)) {
      common = ind;
    }
  }
  if (common != std::string_view::npos && common != 0) {
    for (std::size_t i = 1; i < lines.size(); ++i) {
      lines[i] = lines[i].size() < common ? std::string_view() : lines[i].substr(common);
    }
  }
  auto blank = [&](std::string_view l) { return indent_of(l) == l.size(); };
  std::size_t first = 0;
  std::size_t last = lines.size();
  while (first < last && blank(lines[first])) ++first;
  while (last > first && blank(lines[last - 1])) --last;
  std::string out;
  for (std::size_t i = first; i < last; ++i) {
    if (i != first) out.push_back('\n');
    out.append(lines[i]);
  }
  return out;
}

}  // namespace gatehouse::rego::graphql
