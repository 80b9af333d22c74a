#include "rego/builtins/b2_text.h"

#include <array>
#include <cstdint>
#include <cstdio>

namespace gatehouse::rego::b2 {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kHexDigits[] = "0123456789abcdef";

int Base64Index(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error IllegalAt(std::size_t i) {
  return MakeError("base64", "illegal base64 data at input byte " + std::to_string(i));
}

}  // namespace

std::string Base64Encode(std::string_view in, bool url, bool pad) {
  const char* alphabet = url ? kUrl : kStd;
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t n =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8) |
        static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) out += alphabet[(n >> 6) & 63];
    if (pad) out.append(rest == 1 ? 2 : 1, '=');
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view in, bool url, bool pad) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t quantum = 0;  // characters of the current 4-character group
  std::size_t i = 0;
  for (; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '\r' || c == '\n') continue;
    if (c == '=') break;
    const int v = Base64Index(c, url);
    if (v < 0) return IllegalAt(i);
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    quantum = (quantum + 1) % 4;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (i < in.size()) {  // at '='
    if (!pad || quantum < 2) return IllegalAt(i);
    // Exactly 4 - quantum '=' characters (CR/LF may sit between them), then the end.
    std::size_t need = 4 - quantum;
    std::size_t j = i;
    for (; j < in.size() && need > 0; ++j) {
      if (in[j] == '\r' || in[j] == '\n') continue;
      if (in[j] != '=') return IllegalAt(j);
      --need;
    }
    if (need > 0) return IllegalAt(in.size());
    for (; j < in.size(); ++j) {
      if (in[j] != '\r' && in[j] != '\n') return IllegalAt(j);
    }
    return out;
  }
  if (quantum == 1) return IllegalAt(in.size() - 1);
  if (pad && quantum != 0) return IllegalAt(in.size());
  return out;
}

std::string HexEncode(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 2);
  for (char c : in) {
    const auto u = static_cast<unsigned char>(c);
    out += kHexDigits[u >> 4];
    out += kHexDigits[u & 15];
  }
  return out;
}

Result<std::string> HexDecode(std::string_view in) {
  auto invalid = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    std::array<char, 8> code{};
    std::snprintf(code.data(), code.size(), "%04X", u);
    return MakeError("hex", std::string("encoding/hex: invalid byte: U+") + code.data() + " '" +
                                std::string(1, c) + "'");
  };
  std::string out;
  out.reserve(in.size() / 2);
  std::size_t i = 1;
  for (; i < in.size(); i += 2) {
    const int hi = HexValue(in[i - 1]);
    if (hi < 0) return invalid(in[i - 1]);
    const int lo = HexValue(in[i]);
    if (lo < 0) return invalid(in[i]);
    out += static_cast<char>((hi << 4) | lo);
  }
  if (in.size() % 2 == 1) {
    if (HexValue(in[in.size() - 1]) < 0) return invalid(in[in.size() - 1]);
    return MakeError("hex", "encoding/hex: odd length hex string");
  }
  return out;
}

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

std::string QueryEscape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += "0123456789ABCDEF"[u >> 4];
      out += "0123456789ABCDEF"[u & 15];
    }
  }
  return out;
}

Result<std::string> QueryUnescape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size() || HexValue(in[i + 1]) < 0 || HexValue(in[i + 2]) < 0) {
        std::string_view bad = in.substr(i, 3);
        return MakeError("url", "invalid URL escape \"" + std::string(bad) + "\"");
      }
      out += static_cast<char>((HexValue(in[i + 1]) << 4) | HexValue(in[i + 2]));
      i += 2;
    } else if (c == '+') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace gatehouse::rego::b2
