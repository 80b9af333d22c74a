// opa.runtime returns the configured runtime document.
#include <gtest/gtest.h>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::J;
using builtin_test::Text;

TEST(OpaBuiltins, RuntimeIsTheConfiguredDocument) {
  BuiltinContext ctx;
  ctx.runtime = J(R"({"env": {"A": "b"}})");
  EXPECT_EQ(Text(Call(ctx, "opa.runtime", {})), R"({"env":{"A":"b"}})");
}

}  // namespace
}  // namespace gatehouse::rego
