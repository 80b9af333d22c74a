#include "authn/jwt/verifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "authn/jwt/jwt_errors.h"
#include "common/codec/base64.h"
#include "test_signer.h"

namespace gatehouse::authn::jwt {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;
using testing::Key;
using testing::PublicJwk;
using testing::SignToken;
using value::Value;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr char kIssuer[] = "https://keycloak.example/realms/tenants";

system_clock::time_point At(std::int64_t unix_seconds) {
  return system_clock::time_point(seconds(unix_seconds));
}

Value Claims() {
  Value claims = Value::MakeObject();
  claims.Set("iss", kIssuer);
  claims.Set("sub", "alice");
  claims.Set("aud", "kubernetes");
  claims.Set("exp", kNow + 300);
  claims.Set("iat", kNow - 10);
  claims.Set("nbf", kNow - 10);
  claims.Set("groups", Value(value::Array{"dev", "ops"}));
  return claims;
}

VerifyOptions Options(std::vector<std::string> algs = {"RS256"}) {
  VerifyOptions options;
  options.issuer = kIssuer;
  options.audiences = {"kubernetes"};
  options.allowed_algs = std::move(algs);
  return options;
}

struct AlgCase {
  JwsAlg alg;
  const char* key_spec;
};

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<JsonWebKeySet> set = ParseJwks(testing::JwksJson({
        PublicJwk(Key("rsa-a", "RSA-2048"), "rsa-a"),
        PublicJwk(Key("rsa-b", "RSA-2048"), "rsa-b", "RS256"),
        PublicJwk(Key("p256", "P-256"), "ec-256", "ES256"),
        PublicJwk(Key("p384", "P-384"), "ec-384"),
        PublicJwk(Key("p521", "P-521"), "ec-521"),
        PublicJwk(Key("ed", "Ed25519"), "ed"),
    }));
    ASSERT_TRUE(set.has_value()) << set.error().ToString();
    keys_ = std::move(*set);
  }

  // Parses and verifies; returns "ok" or the error code. Checks that no message repeats the
  // token's signature or payload.
  std::string Verify(const std::string& token, const VerifyOptions& options,
                     std::int64_t now = kNow) {
    Result<ParsedJws> parsed = ParseJwsCompact(token);
    if (!parsed) return "parse:" + std::string(parsed.error().code.wire());
    Result<VerifiedToken> verified = VerifyJwt(*parsed, keys_, options, At(now));
    if (verified) {
      last_ = std::move(*verified);
      return "ok";
    }
    const std::string& message = verified.error().message;
    EXPECT_EQ(message.find(token.substr(token.rfind('.') + 1, 16)), std::string::npos);
    EXPECT_EQ(message.find(token.substr(token.find('.') + 1, 16)), std::string::npos);
    EXPECT_EQ(message.find("alice"), std::string::npos);
    return std::string(verified.error().code.wire());
  }

  JsonWebKeySet keys_;
  VerifiedToken last_;
};

TEST_F(VerifierTest, VerifiesEveryAlgorithm) {
  const AlgCase cases[] = {
      {JwsAlg::kRS256, "rsa-a"}, {JwsAlg::kRS384, "rsa-a"}, {JwsAlg::kRS512, "rsa-a"},
      {JwsAlg::kPS256, "rsa-a"}, {JwsAlg::kPS384, "rsa-a"}, {JwsAlg::kPS512, "rsa-a"},
      {JwsAlg::kES256, "p256"},  {JwsAlg::kES384, "p384"},  {JwsAlg::kES512, "p521"},
      {JwsAlg::kEdDSA, "ed"},
  };
  const char* kids[] = {"rsa-a", "rsa-a",  "rsa-a",  "rsa-a",  "rsa-a",
                        "rsa-a", "ec-256", "ec-384", "ec-521", "ed"};
  int i = 0;
  for (const AlgCase& c : cases) {
    const std::string alg(JwsAlgName(c.alg));
    SCOPED_TRACE(alg);
    const std::string token = SignToken(c.alg, Key(c.key_spec, ""), kids[i], Claims());
    EXPECT_EQ(Verify(token, Options({alg})), "ok");
    EXPECT_EQ(last_.alg, alg);
    EXPECT_EQ(last_.kid, kids[i]);
    EXPECT_EQ(*last_.claims.Find("sub")->AsString(), "alice");
    EXPECT_EQ(last_.expires_at, At(kNow + 300));
    // Without a kid, the fitting keys are tried.
    EXPECT_EQ(Verify(SignToken(c.alg, Key(c.key_spec, ""), "", Claims()), Options({alg})), "ok");
    // A flipped signature bit fails.
    std::string tampered = token;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_EQ(Verify(tampered, Options({alg})), "jwt_bad_signature");
    // A changed payload fails.
    Value other = Claims();
    other.Set("sub", "mallory");
    const std::string forged_payload = token.substr(0, token.find('.') + 1) +
                                       codec::EncodeBase64Url(value::ToJson(other)) +
                                       token.substr(token.rfind('.'));
    EXPECT_EQ(Verify(forged_payload, Options({alg})), "jwt_bad_signature");
    ++i;
  }
}

TEST_F(VerifierTest, AlgMustBeAllowed) {
  const std::string token = SignToken(JwsAlg::kRS384, Key("rsa-a", ""), "rsa-a", Claims());
  EXPECT_EQ(Verify(token, Options()), "jwt_alg_not_allowed");  // default: RS256 only
  EXPECT_EQ(Verify(token, Options({"RS256", "RS384"})), "ok");
  EXPECT_EQ(Verify(token, Options({})), "jwt_alg_not_allowed");
}

TEST_F(VerifierTest, AlgNoneIsRefused) {
  const std::string token = testing::SigningInput(testing::Header("none"), Claims()) + ".";
  EXPECT_EQ(Verify(token, Options({"none", "RS256"})), "parse:jwt_alg_none");
}

TEST_F(VerifierTest, KeyConfusionHs256WithRsaPublicKeyIsRefused) {
  // The classic attack: sign with HMAC using the issuer's public key (PEM, or the JWK's n) as
  // the secret, hoping the verifier feeds the public key to HMAC.
  for (const std::string& secret :
       {testing::PublicKeyPem(Key("rsa-a", "")),
        *codec::DecodeBase64Url(*PublicJwk(Key("rsa-a", ""), "").Find("n")->AsString())}) {
    const std::string input = testing::SigningInput(testing::Header("HS256", "rsa-a"), Claims());
    const std::string token = testing::Assemble(input, testing::HmacSha256(secret, input));
    EXPECT_EQ(Verify(token, Options({"HS256", "RS256"})), "parse:jwt_alg_not_allowed");
  }
  // Even if a parsed JWS were relabelled, an RSA key never verifies an HMAC tag.
  const std::string input = testing::SigningInput(testing::Header("RS256", "rsa-a"), Claims());
  const std::string token =
      testing::Assemble(input, testing::HmacSha256(testing::PublicKeyPem(Key("rsa-a", "")), input));
  EXPECT_EQ(Verify(token, Options()), "jwt_bad_signature");
}

TEST_F(VerifierTest, EcdsaSignatureInDerIsRefused) {
  const std::string input = testing::SigningInput(testing::Header("ES256", "ec-256"), Claims());
  const std::string der = testing::SignNative(JwsAlg::kES256, Key("p256", ""), input);
  EXPECT_EQ(Verify(testing::Assemble(input, der), Options({"ES256"})), "jwt_bad_signature");
  EXPECT_EQ(Verify(testing::Assemble(input, testing::DerToRaw(der, 32)), Options({"ES256"})), "ok");
  // r||s of the wrong length.
  EXPECT_EQ(Verify(testing::Assemble(input, testing::DerToRaw(der, 32) + "x"), Options({"ES256"})),
            "jwt_bad_signature");
  // r = s = 0.
  EXPECT_EQ(Verify(testing::Assemble(input, std::string(64, '\0')), Options({"ES256"})),
            "jwt_bad_signature");
}

TEST_F(VerifierTest, RsaSignatureOfWrongLengthIsRefused) {
  const std::string input = testing::SigningInput(testing::Header("RS256", "rsa-a"), Claims());
  const std::string signature = testing::SignJws(JwsAlg::kRS256, Key("rsa-a", ""), input);
  EXPECT_EQ(Verify(testing::Assemble(input, signature), Options()), "ok");
  EXPECT_EQ(Verify(testing::Assemble(input, '\0' + signature), Options()), "jwt_bad_signature");
  EXPECT_EQ(Verify(testing::Assemble(input, signature.substr(1)), Options()), "jwt_bad_signature");
}

TEST_F(VerifierTest, KeySelection) {
  // Unknown kid.
  EXPECT_EQ(Verify(SignToken(JwsAlg::kRS256, Key("rsa-a", ""), "gone", Claims()), Options()),
            "jwt_unknown_kid");
  // The kid names an EC key but the token says RS256.
  EXPECT_EQ(Verify(SignToken(JwsAlg::kRS256, Key("rsa-a", ""), "ec-256", Claims()), Options()),
            "jwt_key_mismatch");
  // The key's own alg (RS256) forbids PS256.
  EXPECT_EQ(
      Verify(SignToken(JwsAlg::kPS256, Key("rsa-b", ""), "rsa-b", Claims()), Options({"PS256"})),
      "jwt_key_mismatch");
  // Curve mismatch: a P-384 key for ES256.
  EXPECT_EQ(
      Verify(SignToken(JwsAlg::kES256, Key("p256", ""), "ec-384", Claims()), Options({"ES256"})),
      "jwt_key_mismatch");
  // Signed by key b but naming key a.
  EXPECT_EQ(Verify(SignToken(JwsAlg::kRS256, Key("rsa-b", ""), "rsa-a", Claims()), Options()),
            "jwt_bad_signature");
  // Signed by a key the issuer does not publish, without kid.
  EXPECT_EQ(
      Verify(SignToken(JwsAlg::kRS256, Key("rsa-other", "RSA-2048"), "", Claims()), Options()),
      "jwt_bad_signature");
  // No kid and no key fits the algorithm (no P-256 key without alg... is fine; use an empty
  // set of EC P-521 keys by asking for ES512 against a set without one).
  Result<JsonWebKeySet> only_ed = ParseJwks(testing::JwksJson({PublicJwk(Key("ed", ""), "ed")}));
  ASSERT_TRUE(only_ed.has_value());
  Result<ParsedJws> parsed =
      ParseJwsCompact(SignToken(JwsAlg::kES512, Key("p521", ""), "", Claims()));
  ASSERT_TRUE(parsed.has_value());
  Result<VerifiedToken> verified = VerifyJwt(*parsed, *only_ed, Options({"ES512"}), At(kNow));
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code, JwtError::kKeyMismatch);
}

TEST_F(VerifierTest, KidRotation) {
  // Old key a and new key b are both published during rotation; then a is withdrawn.
  const std::string old_token = SignToken(JwsAlg::kRS256, Key("rsa-a", ""), "rsa-a", Claims());
  const std::string new_token = SignToken(JwsAlg::kRS256, Key("rsa-b", ""), "rsa-b", Claims());
  EXPECT_EQ(Verify(old_token, Options()), "ok");
  EXPECT_EQ(last_.kid, "rsa-a");
  EXPECT_EQ(Verify(new_token, Options()), "ok");
  EXPECT_EQ(last_.kid, "rsa-b");
  Result<JsonWebKeySet> rotated =
      ParseJwks(testing::JwksJson({PublicJwk(Key("rsa-b", ""), "rsa-b", "RS256")}));
  ASSERT_TRUE(rotated.has_value());
  keys_ = std::move(*rotated);
  EXPECT_EQ(Verify(old_token, Options()), "jwt_unknown_kid");
  EXPECT_EQ(Verify(new_token, Options()), "ok");
}

TEST_F(VerifierTest, WithoutKidAtMostAFewKeysAreTried) {
  std::string json = R"({"keys":[)";
  for (std::size_t i = 0; i <= kMaxKeysTriedWithoutKid; ++i) {
    const std::string name = "rsa-many-" + std::to_string(i);
    json += (i == 0 ? "" : ",") + value::ToJson(PublicJwk(Key(name, "RSA-2048"), name));
  }
  json += "]}";
  Result<JsonWebKeySet> many = ParseJwks(json);
  ASSERT_TRUE(many.has_value());
  keys_ = std::move(*many);
  const std::string first = SignToken(JwsAlg::kRS256, Key("rsa-many-0", ""), "", Claims());
  EXPECT_EQ(Verify(first, Options()), "ok");
  EXPECT_EQ(last_.kid, "rsa-many-0");
  const std::string last_name = "rsa-many-" + std::to_string(kMaxKeysTriedWithoutKid);
  EXPECT_EQ(Verify(SignToken(JwsAlg::kRS256, Key(last_name, ""), "", Claims()), Options()),
            "jwt_bad_signature");
  EXPECT_EQ(Verify(SignToken(JwsAlg::kRS256, Key(last_name, ""), last_name, Claims()), Options()),
            "ok");
}

class ClaimsTest : public VerifierTest {
 protected:
  std::string VerifyClaims(const Value& claims, const VerifyOptions& options = Options(),
                           std::int64_t now = kNow) {
    return Verify(SignToken(JwsAlg::kRS256, Key("rsa-a", ""), "rsa-a", claims), options, now);
  }
  static Value With(std::string key, Value v) {
    Value claims = Claims();
    claims.Set(std::move(key), std::move(v));
    return claims;
  }
  static Value Without(std::string_view key) {
    Value claims = Claims();
    claims.Erase(key);
    return claims;
  }
};

TEST_F(ClaimsTest, Issuer) {
  EXPECT_EQ(VerifyClaims(Claims()), "ok");
  EXPECT_EQ(VerifyClaims(With("iss", "https://keycloak.example/realms/other")),
            "jwt_issuer_mismatch");
  EXPECT_EQ(VerifyClaims(With("iss", std::string(kIssuer) + "/")), "jwt_issuer_mismatch");
  EXPECT_EQ(VerifyClaims(With("iss", "HTTPS://KEYCLOAK.EXAMPLE/realms/tenants")),
            "jwt_issuer_mismatch");
  EXPECT_EQ(VerifyClaims(Without("iss")), "jwt_missing_claim");
  EXPECT_EQ(VerifyClaims(With("iss", 5)), "jwt_malformed");
  VerifyOptions no_issuer = Options();
  no_issuer.issuer.clear();
  EXPECT_EQ(VerifyClaims(With("iss", ""), no_issuer), "jwt_issuer_mismatch");
}

TEST_F(ClaimsTest, Audience) {
  EXPECT_EQ(VerifyClaims(With("aud", "other")), "jwt_audience_not_allowed");
  EXPECT_EQ(VerifyClaims(With("aud", Value(value::Array{"a", "kubernetes"}))), "ok");
  EXPECT_EQ(VerifyClaims(With("aud", Value(value::Array{"a", "b"}))), "jwt_audience_not_allowed");
  EXPECT_EQ(VerifyClaims(With("aud", Value::MakeArray())), "jwt_audience_not_allowed");
  EXPECT_EQ(VerifyClaims(Without("aud")), "jwt_missing_claim");
  EXPECT_EQ(VerifyClaims(With("aud", 1)), "jwt_malformed");
  EXPECT_EQ(VerifyClaims(With("aud", Value(value::Array{"kubernetes", 1}))), "jwt_malformed");
  VerifyOptions several = Options();
  several.audiences = {"x", "kubernetes"};
  EXPECT_EQ(VerifyClaims(Claims(), several), "ok");
  VerifyOptions none = Options();
  none.audiences.clear();
  EXPECT_EQ(VerifyClaims(Claims(), none), "jwt_audience_not_allowed");
}

TEST_F(ClaimsTest, AuthorizedParty) {
  Value claims = With("aud", Value(value::Array{"kubernetes", "account"}));
  claims.Set("azp", "kubernetes");
  EXPECT_EQ(VerifyClaims(claims), "ok");
  claims.Set("azp", "account");
  EXPECT_EQ(VerifyClaims(claims), "jwt_azp_mismatch");
  claims.Set("azp", 3);
  EXPECT_EQ(VerifyClaims(claims), "jwt_malformed");
  claims.Erase("azp");
  EXPECT_EQ(VerifyClaims(claims), "ok");
  // One audience: azp is not consulted.
  Value single = With("azp", "someone-else");
  EXPECT_EQ(VerifyClaims(single), "ok");
}

TEST_F(ClaimsTest, ExpiryWithSkew) {
  const Value claims = With("exp", kNow);
  EXPECT_EQ(VerifyClaims(claims, Options(), kNow + 59), "ok");
  EXPECT_EQ(VerifyClaims(claims, Options(), kNow + 60), "jwt_expired");
  VerifyOptions strict = Options();
  strict.clock_skew = seconds(0);
  EXPECT_EQ(VerifyClaims(claims, strict, kNow - 1), "ok");
  EXPECT_EQ(VerifyClaims(claims, strict, kNow), "jwt_expired");
  Value early = With("exp", 1000.5);
  early.Erase("nbf");
  early.Erase("iat");
  EXPECT_EQ(VerifyClaims(early, strict, 1000), "ok");
  EXPECT_EQ(last_.expires_at, system_clock::time_point(std::chrono::milliseconds(1000500)));
  EXPECT_EQ(VerifyClaims(Without("exp")), "jwt_missing_claim");
  EXPECT_EQ(VerifyClaims(With("exp", "1900000000")), "jwt_malformed");
  EXPECT_EQ(VerifyClaims(With("exp", true)), "jwt_malformed");
  EXPECT_EQ(VerifyClaims(With("exp", -5)), "jwt_malformed");
  // A far-future expiry is clamped, not overflowed.
  EXPECT_EQ(VerifyClaims(With("exp", 1e300)), "ok");
  EXPECT_GT(*last_.expires_at, At(kNow));
}

TEST_F(ClaimsTest, NotBeforeAndIssuedAt) {
  EXPECT_EQ(VerifyClaims(With("nbf", kNow + 60)), "ok");
  EXPECT_EQ(VerifyClaims(With("nbf", kNow + 61)), "jwt_not_yet_valid");
  EXPECT_EQ(VerifyClaims(With("nbf", "soon")), "jwt_malformed");
  EXPECT_EQ(VerifyClaims(Without("nbf")), "ok");
  EXPECT_EQ(VerifyClaims(With("iat", kNow + 60)), "ok");
  EXPECT_EQ(VerifyClaims(With("iat", kNow + 61)), "jwt_issued_in_future");
  EXPECT_EQ(VerifyClaims(With("iat", Value())), "jwt_malformed");
  EXPECT_EQ(VerifyClaims(Without("iat")), "ok");
}

TEST_F(ClaimsTest, RequiredClaims) {
  VerifyOptions options = Options();
  options.required_claims = {{"sub", "alice"}, {"groups", "ops"}};
  EXPECT_EQ(VerifyClaims(Claims(), options), "ok");
  options.required_claims = {{"groups", "admins"}};
  EXPECT_EQ(VerifyClaims(Claims(), options), "jwt_required_claim_mismatch");
  options.required_claims = {{"sub", "bob"}};
  EXPECT_EQ(VerifyClaims(Claims(), options), "jwt_required_claim_mismatch");
  options.required_claims = {{"tenant", "a"}};
  EXPECT_EQ(VerifyClaims(Claims(), options), "jwt_missing_claim");
  options.required_claims = {{"email_verified", "true"}};
  EXPECT_EQ(VerifyClaims(With("email_verified", true), options), "jwt_required_claim_mismatch");
  EXPECT_EQ(VerifyClaims(With("email_verified", "true"), options), "ok");
}

TEST_F(ClaimsTest, ChecksSignatureBeforeClaims) {
  // An expired token from a stranger reports the signature, not the claims.
  const std::string token =
      SignToken(JwsAlg::kRS256, Key("rsa-other", "RSA-2048"), "rsa-a", With("exp", 1));
  EXPECT_EQ(Verify(token, Options()), "jwt_bad_signature");
}

TEST_F(VerifierTest, TokenSizeLimit) {
  const std::string token = SignToken(JwsAlg::kRS256, Key("rsa-a", ""), "rsa-a", Claims());
  VerifyOptions options = Options();
  options.max_token_bytes = token.size();
  EXPECT_EQ(Verify(token, options), "ok");
  options.max_token_bytes = token.size() - 1;
  EXPECT_EQ(Verify(token, options), "jwt_too_large");
}

TEST_F(VerifierTest, CheckJwtClaimsAlone) {
  Result<system_clock::time_point> expiry = CheckJwtClaims(Claims(), Options(), At(kNow));
  ASSERT_TRUE(expiry.has_value());
  EXPECT_EQ(*expiry, At(kNow + 300));
  EXPECT_EQ(CheckJwtClaims(Claims(), Options(), At(kNow + 400)).error().code, JwtError::kExpired);
}

}  // namespace
}  // namespace gatehouse::authn::jwt
