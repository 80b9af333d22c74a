#include "authn/jwt/jwk.h"

#include <gtest/gtest.h>

#include <string>

#include "authn/jwt/jwt_errors.h"
#include "common/codec/base64.h"
#include "test_signer.h"

namespace gatehouse::authn::jwt {
namespace {

using testing::JwksJson;
using testing::Key;
using testing::PublicJwk;
using value::Value;

Value Jwk(std::string_view json) { return *value::ParseJson(json); }

bool HasWarningContaining(const JsonWebKeySet& set, std::string_view text) {
  for (const std::string& warning : set.warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(JwkTest, ParsesMixedSetAndSkipsWhatItCannotUse) {
  Value rsa = PublicJwk(Key("rsa-a", "RSA-2048"), "rsa-1", "RS256");
  rsa.Set("use", "sig");
  rsa.Set("x5c", value::Value(value::Array{"MIIB..."}));  // ignored
  Value enc = PublicJwk(Key("rsa-b", "RSA-2048"), "rsa-enc", "RSA-OAEP");
  enc.Set("use", "enc");
  const std::string json = JwksJson({
      rsa,
      PublicJwk(Key("p256", "P-256"), "ec-256"),
      PublicJwk(Key("p384", "P-384"), "ec-384", "ES384"),
      PublicJwk(Key("p521", "P-521"), "ec-521"),
      PublicJwk(Key("ed", "Ed25519"), "ed-1", "EdDSA"),
      Jwk(R"({"kty":"oct","kid":"hmac","k":"c2VjcmV0"})"),
      Jwk(R"({"kty":"XYZ","kid":"future"})"),
      Jwk(R"({"kty":"OKP","crv":"X25519","kid":"ecdh","x":"AAAA"})"),
      Jwk(R"({"kty":"EC","crv":"secp256k1","kid":"k1","x":"AAAA","y":"AAAA"})"),
      enc,
  });
  Result<JsonWebKeySet> set = ParseJwks(json);
  ASSERT_TRUE(set.has_value()) << set.error().ToString();
  ASSERT_EQ(set->keys.size(), 5u);
  EXPECT_EQ(set->keys[0].kty, KeyType::kRsa);
  EXPECT_EQ(set->keys[0].bits, 2048);
  EXPECT_EQ(set->keys[0].alg, JwsAlg::kRS256);
  EXPECT_EQ(set->keys[0].use, "sig");
  EXPECT_EQ(set->keys[1].crv, Curve::kP256);
  EXPECT_FALSE(set->keys[1].alg.has_value());
  EXPECT_EQ(set->keys[2].crv, Curve::kP384);
  EXPECT_EQ(set->keys[3].crv, Curve::kP521);
  EXPECT_EQ(set->keys[3].bits, 521);
  EXPECT_EQ(set->keys[4].kty, KeyType::kOkp);
  EXPECT_EQ(set->keys[4].crv, Curve::kEd25519);
  for (const JsonWebKey& key : set->keys) EXPECT_NE(key.pkey, nullptr);
  ASSERT_EQ(set->warnings.size(), 5u);
  EXPECT_TRUE(HasWarningContaining(*set, "\"hmac\"): symmetric (oct) keys are refused"));
  EXPECT_TRUE(HasWarningContaining(*set, "\"future\"): unsupported kty"));
  EXPECT_TRUE(HasWarningContaining(*set, "\"ecdh\"): unsupported OKP curve"));
  EXPECT_TRUE(HasWarningContaining(*set, "\"k1\"): unsupported EC curve"));
  EXPECT_TRUE(HasWarningContaining(*set, "\"rsa-enc\"): \"use\" is not \"sig\""));
  // The HMAC secret never reaches a warning.
  EXPECT_FALSE(HasWarningContaining(*set, "c2VjcmV0"));
}

TEST(JwkTest, FindByKid) {
  const std::string json =
      JwksJson({PublicJwk(Key("p256", "P-256"), "a"), PublicJwk(Key("ed", "Ed25519"), "b"),
                PublicJwk(Key("p384", "P-384"), "a")});
  Result<JsonWebKeySet> set = ParseJwks(json);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->FindByKid("a").size(), 2u);
  ASSERT_EQ(set->FindByKid("b").size(), 1u);
  EXPECT_EQ(set->FindByKid("b")[0]->kty, KeyType::kOkp);
  EXPECT_TRUE(set->FindByKid("c").empty());
}

TEST(JwkTest, RefusesWeakRsaKeys) {
  const std::string json = JwksJson(
      {PublicJwk(Key("rsa-weak", "RSA-1024"), "weak"), PublicJwk(Key("ed", "Ed25519"), "")});
  Result<JsonWebKeySet> set = ParseJwks(json);
  ASSERT_TRUE(set.has_value());
  ASSERT_EQ(set->keys.size(), 1u);
  EXPECT_TRUE(HasWarningContaining(*set, "1024 bits is below the minimum of 2048"));
  // Only the weak key: no usable key at all.
  Result<JsonWebKeySet> none = ParseJwks(JwksJson({PublicJwk(Key("rsa-weak", "RSA-1024"), "w")}));
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, JwtError::kJwksNoUsableKeys);
  EXPECT_NE(none.error().message.find("below the minimum"), std::string::npos);
  // A lower configured minimum admits it.
  JwksLimits limits;
  limits.min_rsa_bits = 1024;
  EXPECT_TRUE(ParseJwks(JwksJson({PublicJwk(Key("rsa-weak", "RSA-1024"), "w")}), limits));
}

TEST(JwkTest, RefusesEcPointNotOnCurve) {
  Value jwk = PublicJwk(Key("p256", "P-256"), "bad");
  std::string y = *codec::DecodeBase64Url(*jwk.Find("y")->AsString());
  y.back() = static_cast<char>(y.back() ^ 1);
  jwk.Set("y", codec::EncodeBase64Url(y));
  Result<JsonWebKeySet> set = ParseJwks(JwksJson({jwk, PublicJwk(Key("ed", "Ed25519"), "ok")}));
  ASSERT_TRUE(set.has_value());
  ASSERT_EQ(set->keys.size(), 1u);
  EXPECT_EQ(set->keys[0].kid, "ok");
  EXPECT_TRUE(HasWarningContaining(*set, "\"bad\")"));
}

TEST(JwkTest, RefusesShortenedCoordinatesAndBadLengths) {
  Value ec = PublicJwk(Key("p256", "P-256"), "short");
  ec.Set("x", codec::EncodeBase64Url(codec::DecodeBase64Url(*ec.Find("x")->AsString())->substr(1)));
  Value ed = PublicJwk(Key("ed", "Ed25519"), "ed-short");
  ed.Set("x", codec::EncodeBase64Url(std::string(31, 'a')));
  Result<JsonWebKeySet> set =
      ParseJwks(JwksJson({ec, ed, PublicJwk(Key("p384", "P-384"), "good")}));
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->keys.size(), 1u);
  EXPECT_TRUE(HasWarningContaining(*set, "do not have the curve's length"));
  EXPECT_TRUE(HasWarningContaining(*set, "not 32 bytes"));
}

TEST(JwkTest, RefusesPrivateKeysAndMismatchedAlg) {
  Value leaked = PublicJwk(Key("p256", "P-256"), "leaked");
  leaked.Set("d", "AAAA");
  Value mismatched = PublicJwk(Key("p256", "P-256"), "mismatch", "RS256");
  Value unknown_alg = PublicJwk(Key("p256", "P-256"), "hs", "HS256");
  Value bad_ops = PublicJwk(Key("p256", "P-256"), "ops");
  bad_ops.Set("key_ops", "verify");
  Result<JsonWebKeySet> set = ParseJwks(JwksJson(
      {leaked, mismatched, unknown_alg, bad_ops, PublicJwk(Key("ed", "Ed25519"), "good")}));
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->keys.size(), 1u);
  EXPECT_TRUE(HasWarningContaining(*set, "\"leaked\"): private key members are present"));
  EXPECT_TRUE(HasWarningContaining(*set, "\"mismatch\"): \"alg\" does not match"));
  EXPECT_TRUE(HasWarningContaining(*set, "\"hs\"): \"alg\" is not a supported"));
  EXPECT_TRUE(HasWarningContaining(*set, "\"ops\"): \"key_ops\" is not an array"));
}

TEST(JwkTest, DocumentLevelErrors) {
  EXPECT_EQ(ParseJwks("not json").error().code, JwtError::kJwksMalformed);
  EXPECT_EQ(ParseJwks("[]").error().code, JwtError::kJwksMalformed);
  EXPECT_EQ(ParseJwks(R"({"keys":{}})").error().code, JwtError::kJwksMalformed);
  EXPECT_EQ(ParseJwks(R"({"keys":[1]})").error().code, JwtError::kJwksMalformed);
  EXPECT_EQ(ParseJwks(R"({"keys":[]})").error().code, JwtError::kJwksNoUsableKeys);
  EXPECT_EQ(ParseJwks(R"({"keys":[],"keys":[]})").error().code, JwtError::kJwksDuplicateKey);
  const std::string dup_member = R"({"keys":[{"kty":"OKP","kty":"RSA"}]})";
  EXPECT_EQ(ParseJwks(dup_member).error().code, JwtError::kJwksDuplicateKey);
}

TEST(JwkTest, EnforcesSizeAndKeyCountLimits) {
  const Value ed = PublicJwk(Key("ed", "Ed25519"), "e");
  JwksLimits limits;
  limits.max_keys = 3;
  EXPECT_TRUE(ParseJwks(JwksJson({ed, ed, ed}), limits).has_value());
  Result<JsonWebKeySet> too_many = ParseJwks(JwksJson({ed, ed, ed, ed}), limits);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().code, JwtError::kJwksTooManyKeys);

  limits = JwksLimits{};
  limits.max_bytes = 100;
  Result<JsonWebKeySet> too_large = ParseJwks(JwksJson({ed, ed}), limits);
  ASSERT_FALSE(too_large.has_value());
  EXPECT_EQ(too_large.error().code, JwtError::kJwksTooLarge);
  // Default: 256 KiB.
  const std::string huge = R"({"keys":[],"pad":")" + std::string(300 * 1024, 'x') + "\"}";
  EXPECT_EQ(ParseJwks(huge).error().code, JwtError::kJwksTooLarge);
}

TEST(JwkTest, KeyFitsAlg) {
  Value rsa = PublicJwk(Key("rsa-a", "RSA-2048"), "r");
  Value rsa_ps = PublicJwk(Key("rsa-a", "RSA-2048"), "r", "PS256");
  Value ops = PublicJwk(Key("p256", "P-256"), "o");
  ops.Set("key_ops", value::Value(value::Array{"encrypt"}));
  Value ops_ok = PublicJwk(Key("p256", "P-256"), "o");
  ops_ok.Set("key_ops", value::Value(value::Array{"verify"}));
  Result<JsonWebKeySet> set =
      ParseJwks(JwksJson({rsa, rsa_ps, PublicJwk(Key("p384", "P-384"), "e"),
                          PublicJwk(Key("ed", "Ed25519"), "d"), ops, ops_ok}));
  ASSERT_TRUE(set.has_value());
  ASSERT_EQ(set->keys.size(), 6u);
  const JsonWebKey& plain_rsa = set->keys[0];
  EXPECT_TRUE(KeyFitsAlg(plain_rsa, JwsAlg::kRS256));
  EXPECT_TRUE(KeyFitsAlg(plain_rsa, JwsAlg::kPS512));
  EXPECT_FALSE(KeyFitsAlg(plain_rsa, JwsAlg::kES256));
  EXPECT_FALSE(KeyFitsAlg(plain_rsa, JwsAlg::kEdDSA));
  EXPECT_TRUE(KeyFitsAlg(set->keys[1], JwsAlg::kPS256));
  EXPECT_FALSE(KeyFitsAlg(set->keys[1], JwsAlg::kRS256));
  EXPECT_TRUE(KeyFitsAlg(set->keys[2], JwsAlg::kES384));
  EXPECT_FALSE(KeyFitsAlg(set->keys[2], JwsAlg::kES256));  // wrong curve
  EXPECT_TRUE(KeyFitsAlg(set->keys[3], JwsAlg::kEdDSA));
  EXPECT_FALSE(KeyFitsAlg(set->keys[4], JwsAlg::kES256));  // key_ops without verify
  EXPECT_TRUE(KeyFitsAlg(set->keys[5], JwsAlg::kES256));
}

}  // namespace
}  // namespace gatehouse::authn::jwt
