// semver.compare and semver.is_valid (Semantic Versioning 2.0.0 precedence, https://semver.org).
#include <gtest/gtest.h>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::ErrorOf;
using builtin_test::S;
using builtin_test::Text;

TEST(SemverBuiltins, CompareAndIsValid) {
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0"), S("2.0.0")})), "-1");
  EXPECT_EQ(Text(Call("semver.compare", {S("2.0.0"), S("1.0.0")})), "1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0"), S("1.0.0+build")})), "0");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-alpha"), S("1.0.0")})), "-1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-alpha.1"), S("1.0.0-alpha.beta")})), "-1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-beta.11"), S("1.0.0-beta.2")})), "1");
  EXPECT_EQ(Text(Call("semver.compare", {S("1.0.0-rc.1"), S("1.0.0-rc.1.1")})), "-1");
  EXPECT_EQ(ErrorOf(Call("semver.compare", {S("1.0.0"), S("1")})),
            "eval_builtin_error: semver.compare: operand 2: string \"1\" is not a valid SemVer");
  EXPECT_EQ(Text(Call("semver.is_valid", {S("1.0.0")})), "true");
  EXPECT_EQ(Text(Call("semver.is_valid", {S("1")})), "false");
  EXPECT_EQ(Text(Call("semver.is_valid", {S("01.0.0")})), "false");
  EXPECT_EQ(Text(Call("semver.is_valid", {Value::Int(1)})), "false");
}

}  // namespace
}  // namespace gatehouse::rego
