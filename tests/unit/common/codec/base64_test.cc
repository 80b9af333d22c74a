#include "common/codec/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "common/codec/codec_errors.h"

namespace gatehouse::codec {
namespace {

constexpr auto kStd = Base64Alphabet::kStandard;
constexpr auto kUrl = Base64Alphabet::kUrl;
constexpr auto kPadded = Base64Padding::kPadded;
constexpr auto kRaw = Base64Padding::kRaw;

// --- JOSE base64url: raw, strict (was authn/jwt/base64url) ---

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
    std::string out;
    EXPECT_FALSE(DecodeBase64UrlTo(bad, out)) << bad;
  }
  Result<std::string> error = DecodeBase64Url("Zg==");
  ASSERT_FALSE(error.has_value());
  EXPECT_EQ(error.error().code, CodecError::kBase64UrlInvalid);
  EXPECT_EQ(error.error().message.find("Zg"), std::string::npos);
}

TEST(Base64UrlTest, AcceptsEmptyInput) {
  Result<std::string> decoded = DecodeBase64Url("");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->empty());
}

TEST(Base64UrlTest, DecodeToAppends) {
  std::string out = "x";
  ASSERT_TRUE(DecodeBase64UrlTo("Zm9v", out));
  EXPECT_EQ(out, "xfoo");
}

TEST(Base64UrlTest, AlphabetCheck) {
  EXPECT_TRUE(IsBase64Alphabet("AZaz09-_", kUrl));
  EXPECT_FALSE(IsBase64Alphabet("a.b", kUrl));
  EXPECT_FALSE(IsBase64Alphabet("a=", kUrl));
  EXPECT_FALSE(IsBase64Alphabet("a+", kUrl));
  EXPECT_TRUE(IsBase64Alphabet("AZaz09+/", kStd));
  EXPECT_FALSE(IsBase64Alphabet("a-", kStd));
}

// --- standard, padded, strict (was registry/base64) ---

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(EncodeBase64(plain), encoded);
    EXPECT_EQ(DecodeBase64Strict(encoded), std::string(plain));
  }
  EXPECT_EQ(EncodeBase64(std::string("\xfb\xff", 2)), "+/8=");
}

TEST(Base64Test, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t n = 0; n < bytes.size(); n += 37) {
    EXPECT_EQ(DecodeBase64Strict(EncodeBase64(bytes.substr(0, n))), bytes.substr(0, n));
  }
}

TEST(Base64Test, DecodingIsStrict) {
  for (std::string_view bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n",
                               "Z===", "====", "Zm-v", "Zm_v", "Zg==Zg==", "=Zg=", "Zm9v===="}) {
    EXPECT_FALSE(DecodeBase64Strict(bad).has_value()) << bad;
  }
}

TEST(Base64Test, EveryAlphabetAndPaddingRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 64; ++i) {
    for (auto alphabet : {kStd, kUrl}) {
      for (auto padding : {kPadded, kRaw}) {
        const std::string encoded = EncodeBase64(bytes, alphabet, padding);
        EXPECT_EQ(DecodeBase64Strict(encoded, alphabet, padding), bytes) << encoded;
        Result<std::string> go = DecodeBase64Go(encoded, alphabet, padding);
        ASSERT_TRUE(go.has_value()) << encoded;
        EXPECT_EQ(*go, bytes);
      }
    }
    bytes.push_back(static_cast<char>(0xff - i * 5));
  }
  EXPECT_EQ(EncodeBase64("\xfb\xff", kUrl, kPadded), "-_8=");
  EXPECT_EQ(EncodeBase64("\xfb\xff", kStd, kRaw), "+/8");
}

// --- Go's encoding/base64 (Rego's base64.decode, base64url.decode, JWT segments) ---

TEST(Base64GoTest, SkipsLineBreaksAndAcceptsTrailingBits) {
  EXPECT_EQ(*DecodeBase64Go("Zm9v\r\nYmFy\n", kStd, kPadded), "foobar");
  EXPECT_EQ(*DecodeBase64Go("Zg=\n=", kStd, kPadded), "f");
  EXPECT_EQ(*DecodeBase64Go("Zh==", kStd, kPadded), "f");  // Go is not Strict()
  EXPECT_EQ(*DecodeBase64Go("Zh", kUrl, kRaw), "f");
}

TEST(Base64GoTest, ErrorsNameTheByteAsGoDoes) {
  const auto message = [](std::string_view in, Base64Alphabet a, Base64Padding p) {
    Result<std::string> r = DecodeBase64Go(in, a, p);
    EXPECT_FALSE(r.has_value()) << in;
    if (r.has_value()) return std::string();
    EXPECT_EQ(r.error().code, CodecError::kBase64);
    return r.error().message;
  };
  EXPECT_EQ(message("Zm9v!", kStd, kPadded), "illegal base64 data at input byte 4");
  EXPECT_EQ(message("Zg", kStd, kPadded), "illegal base64 data at input byte 2");
  EXPECT_EQ(message("Z", kStd, kRaw), "illegal base64 data at input byte 0");
  EXPECT_EQ(message("Zg==", kStd, kRaw), "illegal base64 data at input byte 2");
  EXPECT_EQ(message("Zg=", kStd, kPadded), "illegal base64 data at input byte 3");
  EXPECT_EQ(message("Zg==x", kStd, kPadded), "illegal base64 data at input byte 4");
  EXPECT_EQ(message("-_8=", kStd, kPadded), "illegal base64 data at input byte 0");
}

}  // namespace
}  // namespace gatehouse::codec
