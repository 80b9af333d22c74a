// crypto.md5/sha1/sha256 digests and crypto.hmac.*.
#include <gtest/gtest.h>

#include "builtin_test_util.h"

namespace gatehouse::rego {
namespace {

using builtin_test::Call;
using builtin_test::CaseStrings;
using builtin_test::ErrorOf;
using builtin_test::J;
using builtin_test::S;
using builtin_test::Text;

TEST(CryptoBuiltins, Digests) {
  EXPECT_EQ(Text(Call("crypto.md5", {S("")})), "\"d41d8cd98f00b204e9800998ecf8427e\"");
  EXPECT_EQ(Text(Call("crypto.sha1", {S("abc")})), "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
  EXPECT_EQ(Text(Call("crypto.sha256", {S("abc")})),
            "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
  // RFC 4231 test case 2.
  EXPECT_EQ(Text(Call("crypto.hmac.sha256", {S("what do ya want for nothing?"), S("Jefe")})),
            "\"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843\"");
  EXPECT_EQ(Text(Call("crypto.hmac.equal", {S("abc"), S("abc")})), "true");
  EXPECT_EQ(Text(Call("crypto.hmac.equal", {S("abc"), S("abd")})), "false");
  EXPECT_EQ(Text(Call("crypto.hmac.equal", {S("abc"), S("ab")})), "false");
}

}  // namespace
}  // namespace gatehouse::rego
