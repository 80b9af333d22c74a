#include "authn/token_digest.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::authn {
namespace {

TEST(KeyOfJwsTest, DigestsTheSignatureAndKeepsTheClaimsVisible) {
  const TokenKey key = KeyOfJws("aGVhZA.Y2xhaW1z.c2ln");
  EXPECT_EQ(key.visible_part, "aGVhZA.Y2xhaW1z");
  EXPECT_EQ(key.digest, DigestToken("c2ln"));
}

TEST(KeyOfJwsTest, AnyChangeChangesTheKey) {
  const TokenKey key = KeyOfJws("aGVhZA.Y2xhaW1z.c2ln");
  const TokenKey other_signature = KeyOfJws("aGVhZA.Y2xhaW1z.c2lo");
  const TokenKey other_claims = KeyOfJws("aGVhZA.Y2xhaW1y.c2ln");
  EXPECT_NE(other_signature.digest, key.digest);
  EXPECT_EQ(other_claims.digest, key.digest);
  EXPECT_NE(other_claims.visible_part, key.visible_part);
}

TEST(KeyOfJwsTest, TokensThatAreNotThreeSegmentsAreOpaque) {
  for (const std::string token : {"opaque", "a.b", "a.b.c.d", "a.b.c.d.e", ""}) {
    const TokenKey key = KeyOfJws(token);
    EXPECT_TRUE(key.visible_part.empty()) << token;
    EXPECT_EQ(key.digest, DigestToken(token)) << token;
  }
}

TEST(KeyOfJwsTest, LongClaimsFallBackToTheWholeDigestSoEntriesStayBounded) {
  const std::string at_limit = "h." + std::string(kMaxVisibleTokenBytes - 2, 'p') + ".s";
  EXPECT_EQ(KeyOfJws(at_limit).visible_part.size(), kMaxVisibleTokenBytes);
  const std::string beyond = "h." + std::string(kMaxVisibleTokenBytes - 1, 'p') + ".s";
  const TokenKey key = KeyOfJws(beyond);
  EXPECT_TRUE(key.visible_part.empty());
  EXPECT_EQ(key.digest, DigestToken(beyond));
}

TEST(KeyOfOpaqueTokenTest, DigestsEverything) {
  const TokenKey key = KeyOfOpaqueToken("a.b.c");
  EXPECT_TRUE(key.visible_part.empty());
  EXPECT_EQ(key.digest, DigestToken("a.b.c"));
}

}  // namespace
}  // namespace gatehouse::authn
