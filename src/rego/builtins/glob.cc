#include "rego/builtins/glob.h"

#include <cstdio>

#include "rego/builtins/builtin_helpers.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

void AppendLiteral(std::string& re, char32_t r) {
  bool alnum = (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (alnum) {
    re += static_cast<char>(r);
    return;
  }
  char buf[16];
  std::snprintf(buf, sizeof(buf), "\\x{%x}", static_cast<unsigned>(r));
  re += buf;
}

std::string AnyButDelimiters(const std::vector<char32_t>& delimiters) {
  if (delimiters.empty()) return ".";
  std::string re = "[^";
  for (char32_t d : delimiters) AppendLiteral(re, d);
  re += ']';
  return re;
}

}  // namespace

Result<std::string> GlobToRegex(std::string_view p, const std::vector<char32_t>& delimiters) {
  std::string re = "(?s)\\A(?:";
  const std::string single = AnyButDelimiters(delimiters);
  int depth = 0;
  std::size_t i = 0;
  while (i < p.size()) {
    char32_t r = codec::DecodeUtf8(p, i);
    switch (r) {
      case '\\': {
        if (i >= p.size())
          return MakeError(RegoError::kEvalBuiltin, "unexpected end of input after escape");
        AppendLiteral(re, codec::DecodeUtf8(p, i));
        break;
      }
      case '*':
        if (i < p.size() && p[i] == '*') {
          while (i < p.size() && p[i] == '*') ++i;
          re += ".*";
        } else {
          re += single + "*";
        }
        break;
      case '?':
        re += single;
        break;
      case '[': {
        std::string cls = "[";
        if (i < p.size() && p[i] == '!') {
          cls += '^';
          ++i;
        }
        bool closed = false;
        bool any = false;
        while (i < p.size()) {
          char32_t c = codec::DecodeUtf8(p, i);
          if (c == ']') {
            closed = true;
            break;
          }
          if (c == '\\' && i < p.size()) c = codec::DecodeUtf8(p, i);
          AppendLiteral(cls, c);
          any = true;
          if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
            ++i;
            char32_t hi = codec::DecodeUtf8(p, i);
            if (hi < c)
              return MakeError(RegoError::kEvalBuiltin, "invalid character range in glob");
            cls += '-';
            AppendLiteral(cls, hi);
          }
        }
        if (!closed || !any)
          return MakeError(RegoError::kEvalBuiltin, "unclosed or empty character class in glob");
        re += cls + "]";
        break;
      }
      case ']':
        return MakeError(RegoError::kEvalBuiltin, "unexpected ']' in glob");
      case '{':
        ++depth;
        re += "(?:";
        break;
      case '}':
        if (depth == 0) return MakeError(RegoError::kEvalBuiltin, "unexpected '}' in glob");
        --depth;
        re += ")";
        break;
      case ',':
        if (depth > 0) {
          re += '|';
        } else {
          AppendLiteral(re, r);
        }
        break;
      default:
        AppendLiteral(re, r);
    }
  }
  if (depth != 0) return MakeError(RegoError::kEvalBuiltin, "unclosed '{' in glob");
  re += ")\\z";
  return re;
}

std::string GlobQuoteMeta(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '*':
      case '?':
      case '[':
      case ']':
      case '{':
      case '}':
      case '\\':
        out += '\\';
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

}  // namespace gatehouse::rego
