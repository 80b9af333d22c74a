#include "rego/builtins/url_query.h"

#include "common/codec/hex.h"
#include "rego/builtins/builtin_failure.h"

namespace gatehouse::rego::builtins {

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
      if (i + 2 >= in.size() || codec::HexDigitValue(in[i + 1]) < 0 ||
          codec::HexDigitValue(in[i + 2]) < 0) {
        std::string_view bad = in.substr(i, 3);
        return MakeError(BuiltinFailure::kUrl, "invalid URL escape \"" + std::string(bad) + "\"");
      }
      out += static_cast<char>((codec::HexDigitValue(in[i + 1]) << 4) |
                               codec::HexDigitValue(in[i + 2]));
      i += 2;
    } else if (c == '+') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace gatehouse::rego::builtins
