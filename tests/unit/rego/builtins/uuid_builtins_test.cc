// uuid.parse (google/uuid's forms and fields) and uuid.rfc4122 (random, memoised).
#include <gtest/gtest.h>

#include <string>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::S;
using builtin_test::Text;

TEST(UuidBuiltins, Parse) {
  EXPECT_EQ(Text(Call("uuid.parse", {S("{00000000-0000-4000-8000-000000000000}")})),
            R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(Text(Call("uuid.parse", {S("6bea8ef2d3d33cd184e09bab06a52ece")})),
            R"({"variant":"RFC4122","version":3})");
  const std::string v2 =
      R"({"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast",)"
      R"("nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2})";
  EXPECT_EQ(Text(Call("uuid.parse", {S("000003e8-48b9-21ee-b200-325096b39f47")})), v2);
  EXPECT_EQ(Text(Call("uuid.parse", {S("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47")})), v2);
  EXPECT_EQ(Text(Call("uuid.parse", {S("not-a-uuid")})), "UNDEFINED");
  EXPECT_EQ(Text(Call("uuid.parse", {Value::Int(123)})), "UNDEFINED");
}

TEST(UuidBuiltins, Rfc4122IsRandomVersion4MemoisedPerEvaluation) {
  BuiltinContext ctx;
  std::uint64_t counter = 0x0123456789abcdefULL;
  ctx.random = [&] { return counter += 0x9E3779B97F4A7C15ULL; };
  const std::string a = Text(Call(ctx, "uuid.rfc4122", {S("key")}));
  EXPECT_EQ(Text(Call(ctx, "uuid.rfc4122", {S("key")})), a);
  EXPECT_NE(Text(Call(ctx, "uuid.rfc4122", {S("other")})), a);
  ASSERT_EQ(a.size(), 38u);
  EXPECT_EQ(a[15], '4');                                          // version nibble
  EXPECT_NE(std::string("89ab").find(a[20]), std::string::npos);  // variant
}

}  // namespace
}  // namespace gatehouse::rego
