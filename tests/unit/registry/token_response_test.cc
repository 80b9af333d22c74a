#include "registry/token_response.h"

#include <gtest/gtest.h>

#include "value/json.h"

namespace gatehouse::registry {
namespace {

TEST(TokenResponseTest, SuccessBody) {
  const std::string body = TokenResponseJson("a.b.c", std::chrono::seconds(300), 1795518509);
  Result<value::Value> parsed = value::ParseJson(body);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed->Find("token")->AsString(), "a.b.c");
  EXPECT_EQ(*parsed->Find("access_token")->AsString(), "a.b.c");
  EXPECT_EQ(parsed->Find("expires_in")->AsInt(), 300);
  EXPECT_EQ(*parsed->Find("issued_at")->AsString(), "2026-11-24T11:08:29Z");
}

TEST(TokenResponseTest, ExpiresInIsAtLeastSixty) {
  Result<value::Value> parsed =
      value::ParseJson(TokenResponseJson("t", std::chrono::seconds(10), 0));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->Find("expires_in")->AsInt(), 60);
}

TEST(TokenResponseTest, ErrorBodyIsEscapedJson) {
  const std::string body = ErrorBodyJson(kErrorUnauthorized, "bad \"credentials\"\n");
  Result<value::Value> parsed = value::ParseJson(body);
  ASSERT_TRUE(parsed.has_value()) << body;
  const value::Array* errors = parsed->Find("errors")->AsArray();
  ASSERT_TRUE(errors != nullptr);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ(*(*errors)[0].Find("code")->AsString(), "UNAUTHORIZED");
  EXPECT_EQ(*(*errors)[0].Find("message")->AsString(), "bad \"credentials\"\n");
}

TEST(TokenResponseTest, Challenge) {
  EXPECT_EQ(TokenEndpointChallenge("gatehouse"), R"(Basic realm="gatehouse", charset="UTF-8")");
  EXPECT_EQ(TokenEndpointChallenge("a\"b\\c\r\nd"), R"(Basic realm="a\"b\\cd", charset="UTF-8")");
}

}  // namespace
}  // namespace gatehouse::registry
