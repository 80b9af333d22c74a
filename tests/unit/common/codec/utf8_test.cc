#include "common/codec/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace gatehouse::codec {
namespace {

// Every code point with its width, as Go's `for i, r := range s` yields them.
std::vector<std::pair<char32_t, std::size_t>> Runes(std::string_view s) {
  std::vector<std::pair<char32_t, std::size_t>> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const char32_t cp = DecodeUtf8(s, i);
    out.emplace_back(cp, i - start);
  }
  return out;
}

TEST(Utf8Test, DecodesWellFormedSequences) {
  using R = std::vector<std::pair<char32_t, std::size_t>>;
  EXPECT_EQ(Runes("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
            (R{{U'a', 1}, {0xE9, 2}, {0x20AC, 3}, {0x1F600, 4}}));
  EXPECT_EQ(Runes("\xef\xbf\xbd"), (R{{0xFFFD, 3}}));  // a real U+FFFD
  EXPECT_EQ(Runes("\xf4\x8f\xbf\xbf"), (R{{0x10FFFF, 4}}));
}

TEST(Utf8Test, MalformedBytesDecodeAsReplacementOneByteEach) {
  using R = std::vector<std::pair<char32_t, std::size_t>>;
  for (std::string_view bad : {
           "\x80",              // lone continuation byte
           "\xc0\x80",          // overlong NUL
           "\xe0\x80\x80",      // overlong
           "\xed\xa0\x80",      // surrogate U+D800
           "\xf4\x90\x80\x80",  // above U+10FFFF
           "\xf8\x88\x80\x80",  // no such lead byte
           "\xe2\x82",          // truncated
           "\xc3\x41",          // bad continuation
       }) {
    const R runes = Runes(bad);
    ASSERT_FALSE(runes.empty());
    EXPECT_EQ(runes.front(), (std::pair<char32_t, std::size_t>{kReplacementChar, 1})) << bad;
    EXPECT_FALSE(IsValidUtf8(bad));
    EXPECT_EQ(Utf8SequenceLength(bad, 0), 0U);
  }
  EXPECT_EQ(Runes("\xc3\x41"), (R{{kReplacementChar, 1}, {U'A', 1}}));
}

TEST(Utf8Test, SequenceLengthAndValidity) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1U);
  EXPECT_EQ(Utf8SequenceLength("x\xe2\x82\xac", 1), 3U);
  EXPECT_EQ(Utf8SequenceLength("\xef\xbf\xbd", 0), 3U);
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("ok\xff"));
}

TEST(Utf8Test, AppendsLikeGoAppendRune) {
  std::string out;
  for (char32_t cp : {char32_t{'a'}, char32_t{0xE9}, char32_t{0x20AC}, char32_t{0x1F600}}) {
    AppendUtf8(out, cp);
  }
  EXPECT_EQ(out, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  out.clear();
  AppendUtf8(out, 0xD800);    // surrogate
  AppendUtf8(out, 0x110000);  // out of range
  EXPECT_EQ(out, "\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace gatehouse::codec
