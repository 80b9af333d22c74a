#include <gtest/gtest.h>

#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

BuiltinResult Send(const Value& request) {
  const Builtin* b = StandardBuiltins().Find("http.send");
  EXPECT_NE(b, nullptr);
  BuiltinContext ctx;
  return b->fn(ctx, std::span<const Value>(&request, 1));
}

TEST(HttpSendTest, KeysAreCheckedLikeOpa) {
  auto bad = Send(Value::Object({{Value::String("bad_key"), Value::String("x")},
                                 {Value::String("method"), Value::String("get")},
                                 {Value::String("url"), Value::String("http://127.0.0.1")}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, RegoError::kEvalType);
  EXPECT_EQ(bad.error().message, "http.send: invalid request parameters(s): {\"bad_key\"}");
  auto missing = Send(Value::Object({{Value::String("method"), Value::String("get")}}));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message,
            "http.send: missing required request parameters(s): {\"url\"}");
}

TEST(HttpSendTest, AValidRequestIsNeverSent) {
  auto sent = Send(Value::Object({{Value::String("method"), Value::String("get")},
                                  {Value::String("url"), Value::String("http://127.0.0.1:1")}}));
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, RegoError::kEvalBuiltin);
  EXPECT_NE(sent.error().message.find("disabled"), std::string::npos);
}

TEST(TraceTest, IsTrueForAStringAndATypeErrorOtherwise) {
  const Builtin* trace = StandardBuiltins().Find("trace");
  ASSERT_NE(trace, nullptr);
  BuiltinContext ctx;
  const Value note = Value::String("checking x");
  auto ok = trace->fn(ctx, std::span<const Value>(&note, 1));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(**ok, Value::Bool(true));
  const Value number = Value::Int(1);
  auto bad = trace->fn(ctx, std::span<const Value>(&number, 1));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, RegoError::kEvalType);
}

}  // namespace
}  // namespace gatehouse::rego
