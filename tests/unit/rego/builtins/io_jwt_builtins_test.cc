// io.jwt.*: decoding, verification with every algorithm family, decode_verify constraints and
// signing, with expectations from OPA's conformance cases.
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

constexpr std::string_view kHsToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0."
    "XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY";

TEST(JwtBuiltins, Decode) {
  EXPECT_EQ(Text(Call("io.jwt.decode", {S(kHsToken)})),
            R"([{"alg":"HS256","typ":"JWT"},{"iss":"opa","sub":"0"},)"
            R"("5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576"])");
  EXPECT_EQ(ErrorOf(Call("io.jwt.decode", {S("abc")})),
            "eval_builtin_error: io.jwt.decode: encoded JWT had no period separators");
  EXPECT_EQ(ErrorOf(Call("io.jwt.decode", {S("a.b")})),
            "eval_builtin_error: io.jwt.decode: encoded JWT must have 3 sections, found 2");
  EXPECT_EQ(ErrorOf(Call("io.jwt.decode", {S("eyJhbGciOiJIU^%zI1NiI.e30.")})),
            "eval_builtin_error: io.jwt.decode: JWT header had invalid encoding: illegal base64 "
            "data at input byte 13");
  GATEHOUSE_REQUIRE_OPA_CASES();  // the rest reads OPA's cases
  for (const char* note : {"jwtbuiltins/nested", "jwtbuiltins/double-nested"}) {
    auto strings = CaseStrings("jwtbuiltins", note);
    ASSERT_FALSE(strings.empty()) << note;
    auto r = Call("io.jwt.decode", {S(strings[0])});
    ASSERT_TRUE(r && r->has_value()) << ErrorOf(r);
    EXPECT_EQ(ToJsonText((**r).Items()[1]), R"({"iss":"opa","sub":"0"})") << note;
  }
  auto jwe = CaseStrings("jwtbuiltins", "jwtbuiltins/no-support-jwe");
  ASSERT_FALSE(jwe.empty());
  EXPECT_NE(ErrorOf(Call("io.jwt.decode", {S(jwe[0])})).find("JWT is a JWE object"),
            std::string::npos);
}

TEST(JwtBuiltins, VerifyHmac) {
  const std::string good =
      "eyJhbGciOiJIUzUxMiJ9.eyJTY29wZXMiOlsiZm9vIiwiYmFyIl0sIm5iZiI6MTQ1MTYwNjQwMH0.F6-"
      "xviRhK2OLcJJHFivhQqMN_dgX5boDrwbVKkdo9flQQNk-AaKpH3uYycFvBEd_erVefcsri_PkL4fjLSZ7ZA";
  EXPECT_EQ(Text(Call("io.jwt.verify_hs512", {S(good), S("secret")})), "true");
  EXPECT_EQ(Text(Call("io.jwt.verify_hs512", {S(good), S("Secret")})), "false");
  EXPECT_EQ(Text(Call("io.jwt.verify_hs256", {S(good), S("secret")})), "false");
}

TEST(JwtBuiltins, VerifyAsymmetricFromCases) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  struct Want {
    const char* note;
    int nth;
    std::string expected;
  };
  for (const Want& w : std::vector<Want>{{"jwtverifyrsa/success-cert", 0, "true"},
                                         {"jwtverifyrsa/success-jwk", 0, "true"},
                                         {"jwtverifyrsa/success-ps256-cert", 0, "true"},
                                         {"jwtverifyrsa/success-ps256-jwk", 0, "true"},
                                         {"jwtverifyrsa/success-es256-cert", 0, "true"},
                                         {"jwtverifyrsa/success-es256-jwk", 0, "true"},
                                         {"jwtverifyrsa/success-key", 0, "true"},
                                         {"jwtverifyrsa/failure-wrong key", 0, "false"},
                                         {"jwtverifyrsa/failure-wrong alg", 0, "false"}}) {
    auto strings = CaseStrings("jwtverifyrsa", w.note, w.nth);
    ASSERT_GE(strings.size(), 2u) << w.note;
    // The builtin name is in the module; the cases use one verify call each.
    std::string alg;
    for (const char* name : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256"}) {
      auto header = Call("io.jwt.decode", {S(strings[0])});
      if (header && header->has_value() && (**header).Items()[0].Find("alg")->AsString() == name) {
        alg = name;
      }
    }
    ASSERT_FALSE(alg.empty()) << w.note;
    std::string fn = "io.jwt.verify_";
    for (char c : alg) fn += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::string_view(w.note) == "jwtverifyrsa/failure-wrong alg") fn = "io.jwt.verify_ps256";
    EXPECT_EQ(Text(Call(fn, {S(strings[0]), S(strings[1])})), w.expected) << w.note;
  }
}

TEST(JwtBuiltins, KeyErrorsFromCases) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  struct Want {
    const char* note;
    const char* error;
  };
  for (const Want& w : std::vector<Want>{
           {"jwtverifyrsa/failure-bad pem certificate block",
            "failed to extract a Key from the PEM certificate"},
           {"jwtverifyrsa/failure-extra data after pem certificate block",
            "extra data after a PEM certificate block"},
           {"jwtverifyrsa/failure-bad pem certificate", "failed to parse a PEM certificate"},
           {"jwtverifyrsa/failure-bad jwk key", "failed to parse a JWK key (set)"}}) {
    auto strings = CaseStrings("jwtverifyrsa", w.note);
    ASSERT_GE(strings.size(), 2u) << w.note;
    EXPECT_NE(ErrorOf(Call("io.jwt.verify_rs256", {S(strings[0]), S(strings[1])})).find(w.error),
              std::string::npos)
        << w.note;
  }
}

TEST(JwtBuiltins, DecodeVerify) {
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjEuNTg5Mzg1NzcxMTIzNGUrMDksImlzcyI6Inh4eCJ9."
      "PZ2z6VfHt9YdvHHUbilkTnw4R9TK3_V0LV1h-q0k9xg";
  auto at = [&](std::int64_t t, std::string_view extra = "") {
    return Text(
        Call("io.jwt.decode_verify", {S(token), J(R"({"secret": "secret", "time": )" +
                                                  std::to_string(t) + std::string(extra) + "}")}));
  };
  EXPECT_EQ(at(1589385771023400000),
            R"([true,{"alg":"HS256","typ":"JWT"},{"exp":1589385771.1234,"iss":"xxx"}])");
  EXPECT_EQ(at(1589385771123400000), "[false,{},{}]");  // exp is exclusive
  EXPECT_EQ(at(1589385770000000000, R"(, "iss": "xxx")"), at(1589385770000000000));
  EXPECT_EQ(at(1589385770000000000, R"(, "iss": "yyy")"), "[false,{},{}]");
  EXPECT_EQ(at(1589385770000000000, R"(, "aud": "fred")"), "[false,{},{}]");
  EXPECT_EQ(at(1589385770000000000, R"(, "alg": "HS512")"), "[false,{},{}]");
  EXPECT_NE(ErrorOf(Call("io.jwt.decode_verify", {S(token), J(R"({"secret": "s", "bogus": 1})")}))
                .find("unknown token validation constraint: bogus"),
            std::string::npos);
}

TEST(JwtBuiltins, EncodeSign) {
  const Value key = J(
      R"({"k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow", "kty": "oct"})");
  EXPECT_EQ(
      Text(Call("io.jwt.encode_sign", {J(R"({"alg": "HS256", "typ": "JWT"})"), J("{}"), key})),
      "\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.6cvao8lnOu6FAdK68jQFcDMXOmaWNwWiYhCgijd-AD8\"");
  const std::string key_text = ToJsonText(key);
  EXPECT_EQ(Text(Call("io.jwt.encode_sign_raw", {S("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"),
                                                 S("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n "
                                                   "\"http://example.com/is_root\":true}"),
                                                 S(key_text)})),
            "\"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
            "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ij"
            "p0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\"");
  auto err = [&](std::string_view header, std::string_view payload) {
    return ErrorOf(Call("io.jwt.encode_sign_raw", {S(header), S(payload), S(key_text)}));
  };
  EXPECT_NE(err("{\"alg\":\"dummy\"}", "{}").find("unknown JWS algorithm: dummy"),
            std::string::npos);
  EXPECT_NE(err("", "{}").find("cannot parse JSON: cannot parse empty string"), std::string::npos);
  EXPECT_NE(err("e", "{}").find("jwsbb: header \"alg\" not found"), std::string::npos);
  EXPECT_NE(
      err("{\"typ\":\"JWT\",\"alg\":\"HS256\"}", "e").find("type is JWT but payload is not JSON"),
      std::string::npos);
}

TEST(JwtBuiltins, EncodeSignAsymmetricRoundTrips) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  // EdDSA is deterministic: RFC 8037 A.4-style expected token from the conformance case.
  auto ed = CaseStrings("jwtencodesignraw", "jwtencodesignraw/EdDSA");
  ASSERT_GE(ed.size(), 3u);
  auto signed_ed = Call("io.jwt.encode_sign_raw", {S(ed[0]), S(ed[1]), S(ed[2])});
  EXPECT_EQ(
      Text(signed_ed),
      "\"eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9."
      "eyJpc3MiOiJqb2UiLCJleHAiOjEzMDA4MTkzODAsImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
      "jS1so-rsTaC8DdA8_ZnFXYbi9xOrMVXOviMFrahQ7ez0UKKzjU-2vxrM0ON-Vu3GXKhtBkkO3SUtNMoeYw3zDQ\"");
  // RS256 (deterministic) from RFC 7515 A.2.
  auto rs = CaseStrings("jwtencodesignraw",
                        "jwtencodesignraw/https://tools.ietf.org/html/rfc7515#appendix-A.2");
  ASSERT_GE(rs.size(), 3u);
  auto signed_rs = Call("io.jwt.encode_sign_raw", {S(rs[0]), S(rs[1]), S(rs[2])});
  ASSERT_TRUE(signed_rs && signed_rs->has_value()) << ErrorOf(signed_rs);
  EXPECT_NE(
      (**signed_rs).AsString().find(".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5"),
      std::string::npos);
  // The public half verifies it.
  auto jwk = J(rs[2]);
  std::vector<Member> pub;
  for (const auto& [k, v] : jwk.Members()) {
    if (k.AsString() == "kty" || k.AsString() == "n" || k.AsString() == "e") pub.emplace_back(k, v);
  }
  EXPECT_EQ(Text(Call("io.jwt.verify_rs256", {**signed_rs, S(ToJsonText(Value::Object(pub)))})),
            "true");
}

}  // namespace
}  // namespace gatehouse::rego
