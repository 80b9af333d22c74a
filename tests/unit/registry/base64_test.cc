#include "registry/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::registry {
namespace {

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
    EXPECT_EQ(DecodeBase64(encoded), std::string(plain));
  }
  EXPECT_EQ(EncodeBase64(std::string("\xfb\xff", 2)), "+/8=");
}

TEST(Base64Test, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t n = 0; n < bytes.size(); n += 37) {
    EXPECT_EQ(DecodeBase64(EncodeBase64(bytes.substr(0, n))), bytes.substr(0, n));
  }
}

TEST(Base64Test, DecodingIsStrict) {
  for (std::string_view bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n",
                               "Z===", "====", "Zm-v", "Zm_v", "Zg==Zg==", "=Zg="}) {
    EXPECT_FALSE(DecodeBase64(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::registry
