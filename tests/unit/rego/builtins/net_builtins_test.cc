#include <gtest/gtest.h>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::ErrorOf;
using builtin_test::J;
using builtin_test::S;
using builtin_test::Text;

TEST(NetBuiltins, Contains) {
  EXPECT_EQ(Text(Call("net.cidr_contains", {S("10.0.0.0/8"), S("10.1.0.0/24")})), "true");
  EXPECT_EQ(Text(Call("net.cidr_contains", {S("10.0.0.0/8"), S("192.168.1.0/24")})), "false");
  EXPECT_EQ(Text(Call("net.cidr_contains", {S("10.0.0.0/8"), S("10.1.2.3")})), "true");
  EXPECT_EQ(Text(Call("net.cidr_contains",
                      {S("2001:4860:4860::8888/32"), S("2001:4860:4860:1234::8888/40")})),
            "true");
  EXPECT_EQ(Text(Call("net.cidr_contains", {S("2001:4860::/96"), S("2001:4860::/32")})), "false");
  EXPECT_EQ(Text(Call("net.cidr_contains", {S("10.0.0.0/8"), S("::1")})), "false");
  EXPECT_EQ(ErrorOf(Call("net.cidr_contains", {S("not-a-cidr"), S("192.168.1.67")})),
            "eval_builtin_error: net.cidr_contains: invalid CIDR address: not-a-cidr");
  EXPECT_EQ(ErrorOf(Call("net.cidr_contains", {S("192.168.1.0/28"), S("not-a-cidr")})),
            "eval_builtin_error: net.cidr_contains: invalid CIDR address: not-a-cidr");
  // The deprecated net.cidr_overlap is net.cidr_contains under its old name.
  EXPECT_EQ(Text(Call("net.cidr_overlap", {S("10.0.0.0/8"), S("10.1.2.3")})), "true");
  EXPECT_EQ(Text(Call("net.cidr_overlap", {S("10.0.0.0/8"), S("192.168.1.0/24")})), "false");
  EXPECT_EQ(ErrorOf(Call("net.cidr_overlap", {S("not-a-cidr"), S("10.1.2.3")})),
            "eval_builtin_error: net.cidr_overlap: invalid CIDR address: not-a-cidr");
}

TEST(NetBuiltins, IntersectsAndValid) {
  EXPECT_EQ(Text(Call("net.cidr_intersects", {S("192.168.1.0/25"), S("192.168.1.64/25")})), "true");
  EXPECT_EQ(Text(Call("net.cidr_intersects", {S("192.168.1.0/24"), S("192.168.2.0/24")})), "false");
  EXPECT_EQ(Text(Call("net.cidr_intersects",
                      {S("fd1e:5bfe:8af3:9ddc::/64"), S("fd1e:5bfe:8af3:9ddc:1111::/72")})),
            "true");
  EXPECT_EQ(Text(Call("net.cidr_is_valid", {S("192.168.1.0/24")})), "true");
  EXPECT_EQ(Text(Call("net.cidr_is_valid", {S("2002::1234:abcd:ffff:c0a8:101/64")})), "true");
  EXPECT_EQ(Text(Call("net.cidr_is_valid", {S("192.168.1.2")})), "false");
  EXPECT_EQ(Text(Call("net.cidr_is_valid", {S("")})), "false");
  EXPECT_EQ(Text(Call("net.cidr_is_valid", {S("192.168.01.0/24")})), "false");
}

TEST(NetBuiltins, Expand) {
  EXPECT_EQ(Text(Call("net.cidr_expand", {S("192.168.1.1/30")})),
            R"(["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"])");
  EXPECT_EQ(Text(Call("net.cidr_expand", {S("192.168.1.1/32")})), R"(["192.168.1.1"])");
  EXPECT_EQ(ErrorOf(Call("net.cidr_expand", {S("192.168.1.1/33")})),
            "eval_builtin_error: net.cidr_expand: invalid CIDR address: 192.168.1.1/33");
  EXPECT_EQ(Text(Call("net.cidr_expand", {S("fe80::/127")})), R"(["fe80::","fe80::1"])");
  // Bounded by the context's range limit.
  BuiltinContext ctx;
  ctx.limits.max_range_items = 100;
  EXPECT_FALSE(builtin_test::Call(ctx, "net.cidr_expand", {S("10.0.0.0/24")}));
  EXPECT_FALSE(Call("net.cidr_expand", {S("::/0")}));
}

TEST(NetBuiltins, Merge) {
  auto merge = [](std::string_view json) { return Text(Call("net.cidr_merge", {J(json)})); };
  EXPECT_EQ(merge(R"(["192.0.128.0/24", "192.0.129.0/24"])"), R"(["192.0.128.0/23"])");
  EXPECT_EQ(merge(R"(["192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31"])"),
            R"(["192.0.2.112/29"])");
  EXPECT_EQ(merge(R"(["192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31"])"),
            R"(["192.0.2.112/30","192.0.2.116/32","192.0.2.118/31"])");
  EXPECT_EQ(merge(R"(["192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31"])"),
            R"(["192.0.2.112/31","192.0.2.116/30"])");
  EXPECT_EQ(merge(R"(["192.0.128.0/24", "0.0.0.0/0"])"), R"(["0.0.0.0/0"])");
  EXPECT_EQ(merge(R"(["::/0", "::192.0.2.0/124", "ff00::101/128"])"), R"(["::/0"])");
  EXPECT_EQ(
      merge(R"(["fe80::/120", "192.0.2.0/24", "192.0.3.0/24", "192.0.4.0/25", "192.0.4.128/25"])"),
      R"(["192.0.2.0/23","192.0.4.0/24","fe80::/120"])");
  EXPECT_EQ(
      merge(
          R"(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"])"),
      R"(["2601:600:8a80:207e::/64"])");
  EXPECT_EQ(merge(R"(["192.0.128.0", "192.0.129.0"])"), R"(["192.0.128.0/23"])");
  EXPECT_EQ(merge(R"(["192.0.2.112", "192.0.2.116/31"])"), R"(["192.0.2.0/24"])");
  EXPECT_EQ(merge("[]"), "[]");
  EXPECT_EQ(ErrorOf(Call("net.cidr_merge", {J(R"(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3"])")})),
            "eval_builtin_error: net.cidr_merge: IPv6 invalid: needs prefix length");
  EXPECT_EQ(ErrorOf(Call("net.cidr_merge", {J(R"(["foo"])")})).substr(0, 18), "eval_builtin_error");
}

TEST(NetBuiltins, ContainsMatches) {
  EXPECT_EQ(Text(Call("net.cidr_contains_matches",
                      {J(R"(["1.1.2.0/24", "1.1.1.0/24"])"), J(R"(["1.1.1.1", "1.1.2.1"])")})),
            "[[0,1],[1,0]]");
  EXPECT_EQ(Text(Call("net.cidr_contains_matches",
                      {J(R"({"k1": "1.1.1.1/24", "k2": ["1.1.1.2/24", 1]})"), S("1.1.1.128")})),
            R"([["k1","1.1.1.128"],["k2","1.1.1.128"]])");
  EXPECT_EQ(
      ErrorOf(Call("net.cidr_contains_matches", {J(R"(["1.1.2.0/24"])"), J(R"(["1.1.1.1", 1])")})),
      "eval_builtin_error: net.cidr_contains_matches: operand 2: element must be string or "
      "non-empty array");
  EXPECT_NE(ErrorOf(Call("net.cidr_contains_matches", {J(R"(["1.1.2.0/24"])"), J("[[]]")})), "");
}

}  // namespace
}  // namespace gatehouse::rego
