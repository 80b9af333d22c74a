#include "common/go_text.h"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(GoTextTest, FieldNamesFoldLikeEncodingJson) {
  EXPECT_TRUE(GoFieldNameIs("resource", "resource"));
  EXPECT_TRUE(GoFieldNameIs("ReSoUrCe", "resource"));
  EXPECT_TRUE(GoFieldNameIs("re\xC5\xBFource", "resource"));  // U+017F long s
  EXPECT_TRUE(GoFieldNameIs("\xE2\x84\xAA", "k"));            // U+212A Kelvin sign
  EXPECT_FALSE(GoFieldNameIs("resources", "resource"));
  EXPECT_FALSE(GoFieldNameIs("resourc", "resource"));
  EXPECT_FALSE(GoFieldNameIs("r\xC3\xA9source", "resource"));
  EXPECT_FALSE(GoFieldNameIs("resource_permissions", "resource-permissions"));
}

TEST(GoTextTest, TrimSpaceTrimsUnicodeWhiteSpace) {
  EXPECT_EQ(GoTrimSpace(" \t\n\v\f\r x y \r\n"), "x y");
  EXPECT_EQ(GoTrimSpace("\xC2\xA0x\xE3\x80\x80"), "x");              // NBSP, ideographic space
  EXPECT_EQ(GoTrimSpace("\xE2\x80\x8Ax\xE2\x80\xA8\xC2\x85"), "x");  // U+200A, U+2028, U+0085
  EXPECT_EQ(GoTrimSpace("\xE2\x80\x8Bx"), "\xE2\x80\x8Bx");          // U+200B is not a space
  EXPECT_EQ(GoTrimSpace("   "), "");
  EXPECT_EQ(GoTrimSpace(""), "");
  EXPECT_EQ(GoTrimSpace("\xA0x"), "\xA0x");  // a stray byte is not a space
}

TEST(GoTextTest, ToLowerMapsRunesWhoseLowerCaseIsAscii) {
  EXPECT_EQ(GoToLower("Kube-System/PODS"), "kube-system/pods");
  EXPECT_EQ(GoToLower("\xC4\xB0"
                      "D"),
            "id");  // U+0130
  EXPECT_EQ(GoToLower("\xE2\x84\xAA"
                      "ey"),
            "key");                                                // U+212A
  EXPECT_EQ(GoToLower("\xC3\x89t\xC3\xA9"), "\xC3\x89t\xC3\xA9");  // kept as written
}

}  // namespace
}  // namespace gatehouse
