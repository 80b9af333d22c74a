#include "authn/jwt/base64url.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::authn::jwt {
namespace {

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(EncodeBase64Url(""), "");
  EXPECT_EQ(EncodeBase64Url("f"), "Zg");
  EXPECT_EQ(EncodeBase64Url("fo"), "Zm8");
  EXPECT_EQ(EncodeBase64Url("foo"), "Zm9v");
  EXPECT_EQ(EncodeBase64Url("foob"), "Zm9vYg");
  EXPECT_EQ(EncodeBase64Url("fooba"), "Zm9vYmE");
  EXPECT_EQ(EncodeBase64Url("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff -> "-_8" (standard base64 would be "+/8=").
  EXPECT_EQ(EncodeBase64Url("\xfb\xff"), "-_8");
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    Result<std::string> decoded = DecodeBase64Url(EncodeBase64Url(bytes));
    ASSERT_TRUE(decoded.has_value()) << i;
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>((i * 37 + 11) & 0xff));
  }
}

TEST(Base64UrlTest, DecodesUrlSafeAlphabet) {
  Result<std::string> decoded = DecodeBase64Url("-_8");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, "\xfb\xff");
}

TEST(Base64UrlTest, RejectsNonCanonicalInput) {
  for (const char* bad : {
           "Zg==",      // padding
           "Zm9v=",     // padding
           "Zm 9v",     // whitespace
           "Zm9v\n",    // newline
           "+/8",       // standard alphabet
           "Z",         // length 1 mod 4
           "Zm9vY",     // length 1 mod 4
           "Zh",        // "f" with a non-zero trailing bit (canonical: "Zg")
           "Zm9",       // "fo" with non-zero trailing bits (canonical: "Zm8")
           "QR",        // 'A' spelled with trailing bits
           "Zm9v\x80",  // non-ASCII
       }) {
    EXPECT_FALSE(DecodeBase64Url(bad).has_value()) << bad;
  }
  Result<std::string> error = DecodeBase64Url("Zg==");
  ASSERT_FALSE(error.has_value());
  EXPECT_EQ(error.error().code, "base64url_invalid");
  EXPECT_EQ(error.error().message.find("Zg"), std::string::npos);
}

TEST(Base64UrlTest, AcceptsEmptyInput) {
  Result<std::string> decoded = DecodeBase64Url("");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->empty());
}

TEST(Base64UrlTest, AlphabetCheck) {
  EXPECT_TRUE(IsBase64UrlAlphabet("AZaz09-_"));
  EXPECT_FALSE(IsBase64UrlAlphabet("a.b"));
  EXPECT_FALSE(IsBase64UrlAlphabet("a="));
  EXPECT_FALSE(IsBase64UrlAlphabet("a+"));
}

}  // namespace
}  // namespace gatehouse::authn::jwt
