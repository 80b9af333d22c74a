// opa.runtime returns the configured runtime document; rego.parse_module a module's AST.
#include <gtest/gtest.h>

#include "builtin_test_util.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::Err;
using builtin_test::J;
using builtin_test::Ok;
using builtin_test::S;
using builtin_test::Text;

TEST(OpaBuiltins, RuntimeIsTheConfiguredDocument) {
  BuiltinContext ctx;
  ctx.runtime = J(R"({"env": {"A": "b"}})");
  EXPECT_EQ(Text(Call(ctx, "opa.runtime", {})), R"({"env":{"A":"b"}})");
}

TEST(OpaBuiltins, ParseModuleGivesOpasJsonAst) {
  Value module = Ok("rego.parse_module", {S("x.rego"), S("package foo.bar\n\np if { true }")});
  const Value* path = module.Find("package")->Find("path");
  ASSERT_NE(path, nullptr);
  EXPECT_EQ(ToJsonText(*path->Find(Value::Int(1))), R"({"type":"string","value":"foo"})");
  EXPECT_EQ(module.Find("rules")->size(), 1u);
}

TEST(OpaBuiltins, ParseModuleErrorsReadAsOpas) {
  Error e = Err("rego.parse_module", {S("x.rego"), S("package foo.")});
  EXPECT_EQ(e.code, RegoError::kEvalBuiltin);
  EXPECT_EQ(e.message,
            "rego.parse_module: 1 error occurred: x.rego:1:13: rego_parse_error: unexpected eof "
            "token: expected ident");
}

}  // namespace
}  // namespace gatehouse::rego
