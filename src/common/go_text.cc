#include "common/go_text.h"

namespace gatehouse {
namespace {

// Length of the Unicode white-space rune (Go's unicode.IsSpace) starting at s[i], or 0.
std::size_t SpaceRuneAt(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  std::string_view rest = s.substr(i);
  if (rest.starts_with("\xC2\x85") || rest.starts_with("\xC2\xA0")) return 2;
  if (rest.size() >= 3) {
    const auto b0 = static_cast<unsigned char>(rest[0]);
    const auto b1 = static_cast<unsigned char>(rest[1]);
    const auto b2 = static_cast<unsigned char>(rest[2]);
    if (b0 == 0xE1 && b1 == 0x9A && b2 == 0x80) return 3;  // U+1680
    if (b0 == 0xE2 && b1 == 0x80 &&
        ((b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF)) {
      return 3;  // U+2000..U+200A, U+2028, U+2029, U+202F
    }
    if (b0 == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;  // U+205F
    if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;  // U+3000
  }
  return 0;
}

}  // namespace

bool GoFieldNameIs(std::string_view key, std::string_view name) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < key.size() && j < name.size()) {
    const auto c = static_cast<unsigned char>(key[i]);
    char folded;
    if (c < 0x80) {
      folded = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      i += 1;
    } else if (key.substr(i, 2) == "\xC5\xBF") {
      folded = 's';
      i += 2;
    } else if (key.substr(i, 3) == "\xE2\x84\xAA") {
      folded = 'k';
      i += 3;
    } else {
      return false;
    }
    if (folded != name[j]) return false;
    ++j;
  }
  return i == key.size() && j == name.size();
}

std::string_view GoTrimSpace(std::string_view s) {
  while (!s.empty()) {
    const std::size_t n = SpaceRuneAt(s, 0);
    if (n == 0) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    // Every space rune ends in a byte that starts no other space rune of the same length;
    // try the three possible lengths from the end.
    std::size_t n = 0;
    for (std::size_t len = 1; len <= 3 && len <= s.size(); ++len) {
      if (SpaceRuneAt(s, s.size() - len) == len) {
        n = len;
        break;
      }
    }
    if (n == 0) break;
    s.remove_suffix(n);
  }
  return s;
}

std::string GoToLower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a')
                                           : static_cast<char>(c));
      ++i;
    } else if (s.substr(i, 2) == "\xC4\xB0") {  // U+0130 -> 'i'
      out.push_back('i');
      i += 2;
    } else if (s.substr(i, 3) == "\xE2\x84\xAA") {  // U+212A -> 'k'
      out.push_back('k');
      i += 3;
    } else {
      out.push_back(static_cast<char>(c));
      ++i;
    }
  }
  return out;
}

}  // namespace gatehouse
