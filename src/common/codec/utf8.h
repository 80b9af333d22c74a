// UTF-8 with Go's rules (unicode/utf8). The one implementation in the project; look here first.
//
// Contract:
// - DecodeUtf8(s, i) decodes the code point at byte `i` (< s.size()) and advances `i` past
//   it. A malformed sequence (bad lead or continuation byte, truncated, overlong, a surrogate
//   U+D800-U+DFFF, above U+10FFFF) decodes as U+FFFD and consumes exactly one byte, as Go's
//   utf8.DecodeRuneInString and `range` over a string do.
// - Utf8SequenceLength(s, i) is the length (1-4) of the well-formed sequence at `i`, or 0 when
//   it is malformed (so a literal U+FFFD, EF BF BD, is 3, not 0).
// - IsValidUtf8 is Go's utf8.ValidString.
// - AppendUtf8 is Go's utf8.AppendRune: surrogates and values above U+10FFFF are written as
//   U+FFFD.
//
// Pure functions, thread-safe; the hot ones are inline.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::codec {

inline constexpr char32_t kReplacementChar = 0xFFFD;

inline char32_t DecodeUtf8(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    ++i;
    return kReplacementChar;
  }
  if (i + len > s.size()) {
    ++i;
    return kReplacementChar;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return kReplacementChar;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacementChar;
  }
  i += len;
  return cp;
}

inline std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  std::size_t next = i;
  const char32_t cp = DecodeUtf8(s, next);
  if (cp == kReplacementChar && next == i + 1) return 0;
  return next - i;
}

inline bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

inline void AppendUtf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacementChar;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace gatehouse::codec
