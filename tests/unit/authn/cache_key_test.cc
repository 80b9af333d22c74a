#include "authn/cache_key.h"

#include <gtest/gtest.h>

namespace gatehouse::authn {
namespace {

TEST(CacheKeyTest, IsTheSha256OfLengthPrefixedFields) {
  // Pinned: cached credentials on users' disks are found by this name.
  EXPECT_EQ(CacheKeyBuilder("purpose").Add("ab").Add("c").Hex(),
            "8dd0ddda3125f1984e17ca61b67e656af704c0c098fa2d9c3c477ee050cbbf57");
}

TEST(CacheKeyTest, FieldBoundariesAndPurposeMatter) {
  EXPECT_NE(CacheKeyBuilder("p").Add("ab").Add("c").Hex(),
            CacheKeyBuilder("p").Add("a").Add("bc").Hex());
  EXPECT_NE(CacheKeyBuilder("p").Add("x").Hex(), CacheKeyBuilder("q").Add("x").Hex());
}

}  // namespace
}  // namespace gatehouse::authn
