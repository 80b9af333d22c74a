#include "authn/jwt/jws.h"

#include <gtest/gtest.h>

#include <string>

#include "common/codec/base64.h"
#include "test_signer.h"

namespace gatehouse::authn::jwt {
namespace {

using value::Value;

std::string Part(std::string_view json) { return codec::EncodeBase64Url(json); }

std::string Token(std::string_view header, std::string_view claims,
                  std::string_view signature = "sig") {
  return Part(header) + "." + Part(claims) + "." + codec::EncodeBase64Url(signature);
}

constexpr char kHeader[] = R"({"alg":"RS256","typ":"JWT","kid":"k1"})";
constexpr char kClaims[] = R"({"iss":"https://idp.example","sub":"alice","exp":2000000000})";

std::string ErrorCode(std::string_view token, const JwsLimits& limits = {}) {
  Result<ParsedJws> parsed = ParseJwsCompact(token, limits);
  if (parsed) return "ok";
  // No error message may repeat the token or any part of it.
  const std::size_t dot = token.find('.');
  if (dot != std::string_view::npos && dot > 8) {
    EXPECT_EQ(parsed.error().message.find(token.substr(0, dot)), std::string::npos);
  }
  return std::string(parsed.error().code.wire());
}

TEST(JwsTest, ParsesCompactSerialization) {
  const std::string token = Token(kHeader, kClaims, "\x01\x02\x03");
  Result<ParsedJws> parsed = ParseJwsCompact(token);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->alg, JwsAlg::kRS256);
  EXPECT_EQ(parsed->kid, "k1");
  EXPECT_EQ(parsed->typ, "JWT");
  EXPECT_EQ(parsed->signature, "\x01\x02\x03");
  EXPECT_EQ(parsed->signing_input, token.substr(0, token.rfind('.')));
  EXPECT_EQ(parsed->token_bytes, token.size());
  ASSERT_NE(parsed->claims.Find("sub"), nullptr);
  EXPECT_EQ(*parsed->claims.Find("sub")->AsString(), "alice");
  EXPECT_EQ(*parsed->header.Find("alg")->AsString(), "RS256");
  EXPECT_EQ(PeekIssuer(*parsed), "https://idp.example");
}

TEST(JwsTest, KidAndTypAreOptional) {
  Result<ParsedJws> parsed = ParseJwsCompact(Token(R"({"alg":"ES256"})", "{}"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->alg, JwsAlg::kES256);
  EXPECT_FALSE(parsed->kid.has_value());
  EXPECT_FALSE(parsed->typ.has_value());
  EXPECT_FALSE(PeekIssuer(*parsed).has_value());
}

TEST(JwsTest, RejectsWrongNumberOfParts) {
  EXPECT_EQ(ErrorCode(""), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Part(kHeader)), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Part(kHeader) + "." + Part(kClaims)), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Token(kHeader, kClaims) + ".x"), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Token(kHeader, kClaims) + ".x.y"), "jwt_malformed");  // JWE shape
}

TEST(JwsTest, RejectsMalformedBase64Url) {
  const std::string good = Token(kHeader, kClaims);
  EXPECT_EQ(ErrorCode(Part(kHeader) + "=." + Part(kClaims) + ".c2ln"), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Part(kHeader) + ".!!." + "c2ln"), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Part(kHeader) + "." + Part(kClaims) + ".c2ln="), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Part(kHeader) + "." + Part(kClaims) + ".c2l+"), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Part(kHeader) + "." + Part(kClaims) + "."), "jwt_malformed");
  EXPECT_EQ(ErrorCode(good), "ok");
}

TEST(JwsTest, RejectsNonObjects) {
  EXPECT_EQ(ErrorCode(Token(R"(["alg","RS256"])", kClaims)), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Token(kHeader, R"(["a"])")), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Token(kHeader, R"("text")")), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Token(kHeader, "not json")), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Token("{", kClaims)), "jwt_malformed");
}

TEST(JwsTest, RejectsDuplicateKeys) {
  EXPECT_EQ(ErrorCode(Token(R"({"alg":"RS256","alg":"none"})", kClaims)), "jwt_duplicate_key");
  EXPECT_EQ(ErrorCode(Token(R"({"alg":"RS256","kid":"a","kid":"b"})", kClaims)),
            "jwt_duplicate_key");
  EXPECT_EQ(ErrorCode(Token(kHeader, R"({"sub":"alice","sub":"admin"})")), "jwt_duplicate_key");
  EXPECT_EQ(ErrorCode(Token(kHeader, R"({"x":{"g":1,"g":2}})")), "jwt_duplicate_key");
}

TEST(JwsTest, RejectsCrit) {
  EXPECT_EQ(ErrorCode(Token(R"({"alg":"RS256","crit":["exp"],"exp":1})", kClaims)),
            "jwt_crit_unsupported");
  EXPECT_EQ(ErrorCode(Token(R"({"alg":"RS256","crit":[]})", kClaims)), "jwt_crit_unsupported");
}

TEST(JwsTest, RejectsAlgNoneInAnyCase) {
  for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
    EXPECT_EQ(ErrorCode(Token(std::string(R"({"alg":")") + alg + "\"}", kClaims, "")),
              "jwt_alg_none")
        << alg;
    EXPECT_EQ(ErrorCode(Token(std::string(R"({"alg":")") + alg + "\"}", kClaims)), "jwt_alg_none")
        << alg;
  }
}

TEST(JwsTest, RejectsMissingOrUnsupportedAlg) {
  EXPECT_EQ(ErrorCode(Token(R"({"typ":"JWT"})", kClaims)), "jwt_alg_not_allowed");
  EXPECT_EQ(ErrorCode(Token(R"({"alg":256})", kClaims)), "jwt_alg_not_allowed");
  EXPECT_EQ(ErrorCode(Token(R"({"alg":null})", kClaims)), "jwt_alg_not_allowed");
  for (const char* alg : {"HS256", "HS384", "HS512", "hs256", "rs256", "RS1", "ES256K", "Ed25519",
                          "RSA-OAEP", "", "RS256 "}) {
    EXPECT_EQ(ErrorCode(Token(std::string(R"({"alg":")") + alg + "\"}", kClaims)),
              "jwt_alg_not_allowed")
        << alg;
  }
}

TEST(JwsTest, AcceptsEverySupportedAlg) {
  for (const char* alg :
       {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}) {
    Result<ParsedJws> parsed =
        ParseJwsCompact(Token(std::string(R"({"alg":")") + alg + "\"}", kClaims));
    ASSERT_TRUE(parsed.has_value()) << alg;
    EXPECT_EQ(JwsAlgName(parsed->alg), alg);
  }
}

TEST(JwsTest, RejectsNonStringKidOrTyp) {
  EXPECT_EQ(ErrorCode(Token(R"({"alg":"RS256","kid":7})", kClaims)), "jwt_malformed");
  EXPECT_EQ(ErrorCode(Token(R"({"alg":"RS256","typ":["JWT"]})", kClaims)), "jwt_malformed");
}

TEST(JwsTest, EnforcesSizeLimit) {
  JwsLimits limits;
  limits.max_token_bytes = 200;
  const std::string small = Token(kHeader, kClaims);
  ASSERT_LE(small.size(), 200u);
  EXPECT_EQ(ErrorCode(small, limits), "ok");
  const std::string big =
      Token(kHeader, std::string(R"({"pad":")") + std::string(200, 'x') + "\"}");
  EXPECT_EQ(ErrorCode(big, limits), "jwt_too_large");
  // The default limit is 16 KiB.
  const std::string huge =
      Token(kHeader, std::string(R"({"pad":")") + std::string(17000, 'x') + "\"}");
  EXPECT_EQ(ErrorCode(huge), "jwt_too_large");
}

TEST(JwsTest, EnforcesDepthLimit) {
  JwsLimits limits;
  limits.max_json_depth = 5;
  const std::string shallow = Token(kHeader, R"({"a":{"b":{"c":1}}})");
  EXPECT_EQ(ErrorCode(shallow, limits), "ok");
  const std::string deep = Token(kHeader, R"({"a":{"b":{"c":{"d":{"e":{"f":[[1]]}}}}}})");
  EXPECT_EQ(ErrorCode(deep, limits), "jwt_malformed");
}

TEST(JwsTest, LooksLikeJwsRoutesTokens) {
  EXPECT_TRUE(LooksLikeJws(Token(kHeader, kClaims)));
  EXPECT_TRUE(LooksLikeJws(Token(R"({"alg":"none"})", "{}", "")));  // routed, then refused
  // Keystone tokens: Fernet (urlsafe base64 with padding, no dots) and UUID tokens.
  EXPECT_FALSE(LooksLikeJws("gAAAAABjZk9rRmZpcnN0LXRva2VuLWJvZHk-_abc=="));
  EXPECT_FALSE(LooksLikeJws("3f2b8e4a9c1d4e5f8a7b6c5d4e3f2a1b"));
  EXPECT_FALSE(LooksLikeJws(""));
  EXPECT_FALSE(LooksLikeJws(".."));
  EXPECT_FALSE(LooksLikeJws("a.b"));
  EXPECT_FALSE(LooksLikeJws(Token(kHeader, kClaims) + ".x"));
  EXPECT_FALSE(LooksLikeJws(Part("not json") + ".e30.c2ln"));
  EXPECT_FALSE(LooksLikeJws(Part(R"({"typ":"JWT"})") + ".e30.c2ln"));
  EXPECT_FALSE(LooksLikeJws(Part(R"(["alg"])") + ".e30.c2ln"));
  EXPECT_FALSE(LooksLikeJws(Part(kHeader) + ".e3 0.c2ln"));
}

TEST(JwsTest, ParsesTokensFromTheTestSigner) {
  const value::Value claims = Value(value::Object{{"iss", "i"}, {"n", 1}});
  const std::string token =
      testing::SignToken(JwsAlg::kES256, testing::Key("ec", "P-256"), "kid-1", claims);
  Result<ParsedJws> parsed = ParseJwsCompact(token);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->claims, claims);
  EXPECT_EQ(parsed->signature.size(), 64u);
}

}  // namespace
}  // namespace gatehouse::authn::jwt
