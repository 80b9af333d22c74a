#include "rego/builtins/go_json.h"

#include <array>
#include <cstdint>
#include <cstdio>

namespace gatehouse::rego::builtins {
std::string GoJson(const Value& v) {
  const std::string raw = ToJsonText(v);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' &&
               (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
      out += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string IndentJson(std::string_view compact, std::string_view prefix, std::string_view indent) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&](int level) {
    out += '\n';
    out += prefix;
    for (int k = 0; k < level; ++k) out += indent;
  };
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < compact.size()) {
        out += compact[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '[':
      case '{':
        out += c;
        if (i + 1 < compact.size() && (compact[i + 1] == ']' || compact[i + 1] == '}')) {
          out += compact[++i];  // empty collections stay on one line
        } else {
          newline(++depth);
        }
        break;
      case ']':
      case '}':
        newline(--depth);
        out += c;
        break;
      case ',':
        out += c;
        newline(depth);
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace gatehouse::rego::builtins
