#include <gtest/gtest.h>

#include "rego/builtins/builtin.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

Value Str(const char* s) { return Value::String(s); }

Value Config(bool with_token) {
  std::vector<Member> m{
      {Str("aws_access_key"), Str("AKIDEXAMPLE")},
      {Str("aws_secret_access_key"), Str("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")},
      {Str("aws_service"), Str("s3")},
      {Str("aws_region"), Str("us-east-1")}};
  if (with_token) m.emplace_back(Str("aws_session_token"), Str("session"));
  return Value::Object(std::move(m));
}

BuiltinResult Sign(const Value& request, const Value& config, const Value& time_ns) {
  const Builtin* b = StandardBuiltins().Find("providers.aws.sign_req");
  EXPECT_NE(b, nullptr);
  BuiltinContext ctx;
  const Value args[] = {request, config, time_ns};
  return b->fn(ctx, std::span<const Value>(args, 3));
}

std::string Authorization(const BuiltinResult& r) {
  return std::string((*r)->Find("headers")->Find("Authorization")->AsString());
}

TEST(AwsSignRequestTest, SignsPathQueryHeadersAndPayload) {
  const Value request =
      Value::Object({{Str("method"), Str("GET")},
                     {Str("url"), Str("https://bucket.s3.amazonaws.com/a%20b/c?x=1&y=2")},
                     {Str("headers"), Value::Object({{Str("Range"), Str("bytes=0-9")}})}});
  const auto signed_request = Sign(request, Config(false), Value::Int(1369353600000000000));
  ASSERT_TRUE(signed_request.has_value()) << signed_request.error().ToString();
  const Value& headers = *(*signed_request)->Find("headers");
  EXPECT_EQ(headers.Find("x-amz-date")->AsString(), "20130524T000000Z");
  EXPECT_EQ(headers.Find("host")->AsString(), "bucket.s3.amazonaws.com");
  EXPECT_EQ(headers.Find("Range")->AsString(), "bytes=0-9");
  const std::string auth = Authorization(signed_request);
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20130524/us-east-1/s3/aws4_request,"
                       "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=",
                       0),
            0u)
      << auth;
  EXPECT_EQ(auth.size() - auth.find("Signature=") - 10, 64u);

  // Every signed part changes the signature.
  const Value other_query =
      Value::Object({{Str("method"), Str("GET")},
                     {Str("url"), Str("https://bucket.s3.amazonaws.com/a%20b/c?x=1&y=3")},
                     {Str("headers"), Value::Object({{Str("Range"), Str("bytes=0-9")}})}});
  EXPECT_NE(Authorization(Sign(other_query, Config(false), Value::Int(1369353600000000000))), auth);
  EXPECT_NE(Authorization(Sign(request, Config(true), Value::Int(1369353600000000000))), auth);
  EXPECT_NE(Authorization(Sign(request, Config(false), Value::Int(1369353601000000000))), auth);
}

TEST(AwsSignRequestTest, RefusesMissingOrMistypedParametersWithOpasWording) {
  auto missing = Sign(Value::EmptyObject(), Config(false), Value::Int(0));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, RegoError::kEvalType);
  EXPECT_EQ(missing.error().message,
            "providers.aws.sign_req: operand 1 missing required request parameters(s): "
            "{\"method\", \"url\"}");
  const Value request = Value::Object({{Str("method"), Str("GET")}, {Str("url"), Str("http://h")}});
  auto bad_flag = Sign(request,
                       Value::Object({{Str("aws_access_key"), Str("a")},
                                      {Str("aws_secret_access_key"), Str("b")},
                                      {Str("aws_service"), Str("s3")},
                                      {Str("aws_region"), Str("r")},
                                      {Str("disable_payload_signing"), Str("false")}}),
                       Value::Int(0));
  ASSERT_FALSE(bad_flag.has_value());
  EXPECT_NE(bad_flag.error().message.find("disable_payload_signing"), std::string::npos);
  auto bad_time = Sign(request, Config(false), Value::Number(-1e9));
  ASSERT_FALSE(bad_time.has_value());
  EXPECT_NE(bad_time.error().message.find("unix timestamp"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::rego
