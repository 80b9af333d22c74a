// rand.intn: within [0, |n|), memoised per evaluation.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::S;
using builtin_test::Text;

TEST(RandBuiltins, IntnIsBelowTheBoundAndMemoisedPerEvaluation) {
  BuiltinContext ctx;
  std::uint64_t counter = 0x0123456789abcdefULL;
  ctx.random = [&] { return counter += 0x9E3779B97F4A7C15ULL; };
  const std::string r = Text(Call(ctx, "rand.intn", {S("k"), Value::Int(10)}));
  EXPECT_EQ(Text(Call(ctx, "rand.intn", {S("k"), Value::Int(10)})), r);
  const int n = std::stoi(r);
  EXPECT_GE(n, 0);
  EXPECT_LT(n, 10);
  EXPECT_EQ(Text(Call(ctx, "rand.intn", {S("k"), Value::Int(0)})), "0");
  BuiltinContext fresh;
  fresh.random = [] { return std::uint64_t{7}; };
  EXPECT_EQ(Text(Call(fresh, "rand.intn", {S("k"), Value::Int(-5)})), "2");
}

}  // namespace
}  // namespace gatehouse::rego
