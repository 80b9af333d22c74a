// Hexadecimal text of bytes (RFC 4648 §8 "base16", lower case). The one implementation in the
// project; look here first.
//
// Contract:
// - EncodeHex writes two lower-case digits per byte ("0123456789abcdef"), never fails.
// - DecodeHex is Go's encoding/hex DecodeString: upper- and lower-case digits, an even length,
//   nothing else. Errors (code "hex") copy Go's wording, as OPA's builtins surface them:
//   "encoding/hex: invalid byte: U+0067 'g'" for the first bad character (checked pairwise,
//   before the length), "encoding/hex: odd length hex string".
// - HexDigitValue is 0-15 for [0-9a-fA-F], else -1.
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::codec {

std::string EncodeHex(std::string_view bytes);
inline std::string EncodeHex(const unsigned char* data, std::size_t size) {
  return EncodeHex(std::string_view(reinterpret_cast<const char*>(data), size));
}

Result<std::string> DecodeHex(std::string_view text);

constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace gatehouse::codec
