#include "registry/model.h"

#include <gtest/gtest.h>

namespace gatehouse::registry {
namespace {

TEST(RoleTest, NamesAndIdsAreHarbors) {
  EXPECT_EQ(RoleName(Role::kProjectAdmin), "projectAdmin");
  EXPECT_EQ(RoleName(Role::kLimitedGuest), "limitedGuest");
  EXPECT_EQ(ParseRole("maintainer"), Role::kMaintainer);
  EXPECT_EQ(ParseRole("2"), Role::kDeveloper);
  EXPECT_EQ(ParseRole("5"), Role::kLimitedGuest);
  EXPECT_FALSE(ParseRole("0").has_value());
  EXPECT_FALSE(ParseRole("6").has_value());
  EXPECT_FALSE(ParseRole("Developer").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
}

}  // namespace
}  // namespace gatehouse::registry
