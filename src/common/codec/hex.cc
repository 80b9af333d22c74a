#include "common/codec/hex.h"

#include <array>
#include <cstdio>

#include "common/codec/codec_errors.h"

namespace gatehouse::codec {

std::string EncodeHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out += kDigits[u >> 4];
    out += kDigits[u & 15];
  }
  return out;
}

Result<std::string> DecodeHex(std::string_view text) {
  auto invalid = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    std::array<char, 8> code{};
    std::snprintf(code.data(), code.size(), "%04X", u);
    return MakeError(CodecError::kHex, std::string("encoding/hex: invalid byte: U+") + code.data() +
                                           " '" + std::string(1, c) + "'");
  };
  std::string out;
  out.reserve(text.size() / 2);
  std::size_t i = 1;
  for (; i < text.size(); i += 2) {
    const int hi = HexDigitValue(text[i - 1]);
    if (hi < 0) return invalid(text[i - 1]);
    const int lo = HexDigitValue(text[i]);
    if (lo < 0) return invalid(text[i]);
    out += static_cast<char>((hi << 4) | lo);
  }
  if (text.size() % 2 == 1) {
    if (HexDigitValue(text[text.size() - 1]) < 0) return invalid(text[text.size() - 1]);
    return MakeError(CodecError::kHex, "encoding/hex: odd length hex string");
  }
  return out;
}

}  // namespace gatehouse::codec
