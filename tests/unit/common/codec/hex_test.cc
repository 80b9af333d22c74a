#include "common/codec/hex.h"

#include <gtest/gtest.h>

#include <string>

#include "common/codec/codec_errors.h"

namespace gatehouse::codec {
namespace {

TEST(HexTest, EncodesLowerCase) {
  EXPECT_EQ(EncodeHex(""), "");
  EXPECT_EQ(EncodeHex(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  const unsigned char digest[] = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(EncodeHex(digest, sizeof digest), "deadbeef");
}

TEST(HexTest, RoundTripsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  Result<std::string> decoded = DecodeHex(EncodeHex(bytes));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, bytes);
}

TEST(HexTest, DecodesEitherCase) {
  EXPECT_EQ(*DecodeHex("DEADbeef"), "\xde\xad\xbe\xef");
  EXPECT_EQ(*DecodeHex(""), "");
}

TEST(HexTest, ErrorsAreGoEncodingHexMessages) {
  const auto message = [](std::string_view in) {
    Result<std::string> r = DecodeHex(in);
    EXPECT_FALSE(r.has_value()) << in;
    if (r.has_value()) return std::string();
    EXPECT_EQ(r.error().code, CodecError::kHex);
    return r.error().message;
  };
  EXPECT_EQ(message("0g"), "encoding/hex: invalid byte: U+0067 'g'");
  EXPECT_EQ(message("abc"), "encoding/hex: odd length hex string");
  // An invalid byte is reported before an odd length, as Go does.
  EXPECT_EQ(message("abz"), "encoding/hex: invalid byte: U+007A 'z'");
  EXPECT_EQ(message("zz"), "encoding/hex: invalid byte: U+007A 'z'");
}

TEST(HexTest, DigitValue) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('9'), 9);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
  EXPECT_EQ(HexDigitValue(' '), -1);
}

}  // namespace
}  // namespace gatehouse::codec
