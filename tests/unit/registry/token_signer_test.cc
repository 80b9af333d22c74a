#include "registry/token_signer.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "authn/jwt/jws.h"
#include "authn/jwt/jwt_errors.h"
#include "authn/jwt/signature.h"
#include "authn/jwt/verifier.h"
#include "common/codec/base64.h"
#include "registry/registry_errors.h"
#include "value/json.h"

namespace gatehouse::registry {
namespace {

using std::chrono::system_clock;
namespace jwt = authn::jwt;

// Made with `openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8 -nocrypt` and
// `openssl req -new -x509 -days 36500 -subj /CN=gatehouse-test`. The kids below were computed
// independently: `openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER`, then Python
// hashlib.sha256(...).digest()[:30] → base64.b32encode → groups of 4.
constexpr std::string_view kEcKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgzpICSaMW/H72r9aV
HBY8Prd7p+h6CJ/BNHDlSnhngdOhRANCAAR8gjZOKQLWYmt18VdZEn12pOd2k+Hb
Q/NkgbUx9IwtB9swCwmP1YFi/u719cTUpOiIPFyCymav/n22t8TMeBcT
-----END PRIVATE KEY-----
)";
constexpr std::string_view kEcCertPem = R"(-----BEGIN CERTIFICATE-----
MIIBijCCAS+gAwIBAgIUfQP3Qmars4yzsb3fLt37V7SLuoswCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZ2F0ZWhvdXNlLXRlc3QwIBcNMjYxMTI1MTQ1NDQ0WhgPMjEy
NjExMDExNDU0NDRaMBkxFzAVBgNVBAMMDmdhdGVob3VzZS10ZXN0MFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEfII2TikC1mJrdfFXWRJ9dqTndpPh20PzZIG1MfSM
LQfbMAsJj9WBYv7u9fXE1KToiDxcgspmr/59trfEzHgXE6NTMFEwHQYDVR0OBBYE
FFIntDEAn22JPVod//D3viirW+YFMB8GA1UdIwQYMBaAFFIntDEAn22JPVod//D3
viirW+YFMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAIvzWI9g
+hPPTFwjN2DHcWKQxhaOZZRBnox/LCiHp3TKAiEAl7uoPVU6m8SSggDi814iZ/rU
bOmSqlHVZ5SbyAnxWmY=
-----END CERTIFICATE-----
)";
constexpr std::string_view kEcKid = "LA3R:FACD:UIBG:22EW:KYAS:VIEP:FDR7:DNRM:7E3F:5A45:D76C:XL64";

constexpr std::string_view kRsaCertPem = R"(-----BEGIN CERTIFICATE-----
MIIDFTCCAf2gAwIBAgIUCLbDf/7JGebEgwCGzZyQNZtJR6YwDQYJKoZIhvcNAQEL
BQAwGTEXMBUGA1UEAwwOZ2F0ZWhvdXNlLXRlc3QwIBcNMjYxMTI1MTQ1NDQ1WhgP
MjEyNjExMDExNDU0NDVaMBkxFzAVBgNVBAMMDmdhdGVob3VzZS10ZXN0MIIBIjAN
BgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArPHTScrneBx4LEfH+DRLKqHJqtac
8HzogfTj5vcOZiB3gQwt7zZS6zicMRl8aaM85N3BQYP1LCU8SKWvDEYH/OxFmuxO
FzGRciV4m9WZSGYaHo9+aUiTH5zw1f9Gyp8ipOoUO5vin+rtob0OWd1ndQDfaqMm
y5eeUT7c2R6RJLD2pl2jZUdLu1DTtmpb3IRwo4o1dmwvX4f+4FyEbSZWpn0yiGCi
VuFISHqhZhVVaqQnATLMg3ax82L3cZ+iZTdw9LZ4GUhKjBMhsOjDzfVUaILX55uv
Nh+TEFW7tmck+JITJLWN7iS3PswBHCWLamdcjh0m44/sDBeRxFqIJS4N+wIDAQAB
o1MwUTAdBgNVHQ4EFgQUN4DzXlDObf03hgt/PBqSx8DRNWkwHwYDVR0jBBgwFoAU
N4DzXlDObf03hgt/PBqSx8DRNWkwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0B
AQsFAAOCAQEAVzk+zM6oHdyM2fjqma3d9nBhoT52JBALVeziCGoYWkN8ke7a0R59
JZZcGtJjyfx8JtStOE12Zo+u/6ppEq1avafWqSdI8keNqJNneEKCi30evX3VMxZN
kEmk6HhjWQdxBiewFJvv7NUIbNVTnwPITBxSEcmndA9WRTQfdvCdHRAphLdC/szR
LnjaPptIqa0m+WawhnOtJgDzAws2BE3+dfRzRy2YR0Qo/8qHhmEvFhSNl2ol+dlB
0apVZ0Kvsy2y6FpuRu+Ri2+SGiFJ8WbufX+qbKGP34OB4xNOmewcDNM+IseONsWP
5fUZKk7/F3i/WW4kX9tNysIf44mpcay++w==
-----END CERTIFICATE-----
)";
constexpr std::string_view kRsaKid = "NHZT:SAWX:Z4GZ:ZIWD:5YQN:UBZH:JLTY:DTCA:EYHZ:XXW6:SYUC:77DY";

const system_clock::time_point kNow = system_clock::time_point(std::chrono::seconds(1800000000));

SigningKey Generate(SigningAlg alg, system_clock::time_point now = kNow, int days = 365,
                    std::optional<system_clock::time_point> not_before = std::nullopt) {
  SigningKeyOptions options;
  options.alg = alg;
  options.common_name = "gatehouse-test";
  options.validity_days = days;
  options.rsa_bits = 2048;
  options.not_before = not_before;
  Result<SigningKey> key = SigningKey::Generate(options, now);
  EXPECT_TRUE(key.has_value()) << key.error().ToString();
  return std::move(key).value();
}

TokenClaims Claims() {
  TokenClaims claims;
  claims.issuer = "gatehouse";
  claims.subject = "robot+team-demo+ci";
  claims.audience = "registry";
  claims.issued_at = kNow + std::chrono::milliseconds(700);
  claims.lifetime = std::chrono::seconds(300);
  claims.access = {{"repository", "", "team-demo/app", {"pull", "push"}},
                   {"repository", "", "team-other/x", {}}};
  return claims;
}

// The DER of the first certificate in `pem`, through OpenSSL (independent of our encoder).
std::string CertificateDer(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return "";
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert.get(), &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

// Verifies a token with the project's own JOSE code, as an OIDC token would be.
Result<jwt::VerifiedToken> VerifyWithProjectVerifier(const std::string& token,
                                                     const SigningKey& key,
                                                     system_clock::time_point now) {
  Result<jwt::ParsedJws> parsed = jwt::ParseJwsCompact(token);
  if (!parsed) return parsed.error();
  jwt::JsonWebKeySet set;
  jwt::JsonWebKey jwk;
  jwk.kty = key.alg() == SigningAlg::kES256 ? jwt::KeyType::kEc : jwt::KeyType::kRsa;
  jwk.crv = key.alg() == SigningAlg::kES256 ? jwt::Curve::kP256 : jwt::Curve::kNone;
  jwk.kid = key.kid();
  jwk.pkey = key.pkey();
  jwk.bits = key.alg() == SigningAlg::kES256 ? 256 : 2048;
  set.keys.push_back(jwk);
  jwt::VerifyOptions options;
  options.issuer = "gatehouse";
  options.audiences = {"registry"};
  options.allowed_algs = {"ES256", "RS256"};
  return jwt::VerifyJwt(*parsed, set, options, now);
}

TEST(TokenSignerTest, LibtrustKidMatchesIndependentVectors) {
  Result<SigningKey> ec = SigningKey::LoadPem(kEcKeyPem, kEcCertPem);
  ASSERT_TRUE(ec.has_value()) << ec.error().ToString();
  EXPECT_EQ(ec->kid(), kEcKid);
  EXPECT_EQ(ec->alg(), SigningAlg::kES256);

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(kRsaCertPem.data(), static_cast<int>(kRsaCertPem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  ASSERT_TRUE(cert);
  Result<std::string> rsa_kid = LibtrustKeyId(X509_get0_pubkey(cert.get()));
  ASSERT_TRUE(rsa_kid.has_value());
  EXPECT_EQ(*rsa_kid, kRsaKid);
}

TEST(TokenSignerTest, KidShape) {
  const std::string kid = LibtrustKeyIdFromSpki("anything");
  ASSERT_EQ(kid.size(), 12u * 4 + 11);
  for (std::size_t i = 0; i < kid.size(); ++i) {
    if (i % 5 == 4) {
      EXPECT_EQ(kid[i], ':');
    } else {
      EXPECT_TRUE((kid[i] >= 'A' && kid[i] <= 'Z') || (kid[i] >= '2' && kid[i] <= '7'));
    }
  }
  EXPECT_NE(kid, LibtrustKeyIdFromSpki("anything else"));
}

TEST(TokenSignerTest, Es256TokenHasRegistryShapeAndVerifies) {
  SigningKey key = Generate(SigningAlg::kES256);
  SigningKeyRing ring({key});
  Result<SignedToken> signed_token = SignToken(ring, Claims());
  ASSERT_TRUE(signed_token.has_value()) << signed_token.error().ToString();
  EXPECT_EQ(signed_token->issued_at, 1800000000);
  EXPECT_EQ(signed_token->expires_at, 1800000300);
  EXPECT_EQ(signed_token->kid, key.kid());

  Result<jwt::ParsedJws> parsed = jwt::ParseJwsCompact(signed_token->token);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->signature.size(), 64u) << "ES256 must be raw r||s";
  const value::Value& header = parsed->header;
  EXPECT_EQ(*header.Find("typ")->AsString(), "JWT");
  EXPECT_EQ(*header.Find("alg")->AsString(), "ES256");
  EXPECT_EQ(*header.Find("kid")->AsString(), key.kid());
  const value::Array* x5c = header.Find("x5c")->AsArray();
  ASSERT_TRUE(x5c != nullptr);
  ASSERT_EQ(x5c->size(), 1u);
  EXPECT_EQ(codec::DecodeBase64Strict(*(*x5c)[0].AsString()),
            CertificateDer(key.certificate_pem()));

  const value::Value& claims = parsed->claims;
  EXPECT_EQ(*claims.Find("iss")->AsString(), "gatehouse");
  EXPECT_EQ(*claims.Find("sub")->AsString(), "robot+team-demo+ci");
  ASSERT_TRUE(claims.Find("aud")->is_string()) << "registry 2.8 refuses an array";
  EXPECT_EQ(*claims.Find("aud")->AsString(), "registry");
  EXPECT_EQ(claims.Find("iat")->AsInt(), 1800000000);
  EXPECT_EQ(claims.Find("nbf")->AsInt(), 1800000000);
  EXPECT_EQ(claims.Find("exp")->AsInt(), 1800000300);
  EXPECT_EQ(*claims.Find("jti")->AsString(), signed_token->jti);
  EXPECT_GE(signed_token->jti.size(), 20u);
  EXPECT_EQ(value::ToJson(*claims.Find("access")),
            R"([{"type":"repository","name":"team-demo/app","actions":["pull","push"]},)"
            R"({"type":"repository","name":"team-other/x","actions":[]}])");

  Result<jwt::VerifiedToken> verified =
      VerifyWithProjectVerifier(signed_token->token, key, kNow + std::chrono::seconds(10));
  EXPECT_TRUE(verified.has_value()) << verified.error().ToString();
}

TEST(TokenSignerTest, TamperedTokenFailsVerification) {
  SigningKey key = Generate(SigningAlg::kES256);
  Result<SignedToken> signed_token = SignToken(SigningKeyRing({key}), Claims());
  ASSERT_TRUE(signed_token.has_value());
  std::string token = signed_token->token;
  const std::size_t dot = token.find('.');
  TokenClaims other = Claims();
  other.access[0].actions.push_back("delete");
  std::string forged = token.substr(0, dot + 1) +
                       codec::EncodeBase64Url(TokenClaimsJson(other, signed_token->jti)) +
                       token.substr(token.rfind('.'));
  Result<jwt::VerifiedToken> verified = VerifyWithProjectVerifier(forged, key, kNow);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code, authn::jwt::JwtError::kBadSignature);
  // Another key does not verify it either.
  SigningKey stranger = Generate(SigningAlg::kES256);
  EXPECT_FALSE(VerifyWithProjectVerifier(token, stranger, kNow).has_value());
  // Nor after it expired (beyond the 60 s leeway).
  EXPECT_FALSE(VerifyWithProjectVerifier(token, key, kNow + std::chrono::seconds(400)));
}

TEST(TokenSignerTest, Rs256TokenVerifies) {
  SigningKey key = Generate(SigningAlg::kRS256);
  EXPECT_EQ(key.alg(), SigningAlg::kRS256);
  Result<SignedToken> signed_token = SignToken(SigningKeyRing({key}), Claims());
  ASSERT_TRUE(signed_token.has_value());
  Result<jwt::ParsedJws> parsed = jwt::ParseJwsCompact(signed_token->token);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed->header.Find("alg")->AsString(), "RS256");
  EXPECT_EQ(parsed->signature.size(), 256u);
  EXPECT_TRUE(VerifyWithProjectVerifier(signed_token->token, key, kNow).has_value());
}

TEST(TokenSignerTest, ShortLifetimeIsRaisedToSixtySeconds) {
  TokenClaims claims = Claims();
  claims.lifetime = std::chrono::seconds(5);
  Result<SignedToken> signed_token =
      SignToken(SigningKeyRing({Generate(SigningAlg::kES256)}), claims);
  ASSERT_TRUE(signed_token.has_value());
  EXPECT_EQ(signed_token->expires_at - signed_token->issued_at, 60);
}

TEST(TokenSignerTest, ClaimsAreJsonEscaped) {
  TokenClaims claims = Claims();
  claims.subject = "we\"ird\\name\n";
  Result<value::Value> parsed = value::ParseJson(TokenClaimsJson(claims, "j"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed->Find("sub")->AsString(), "we\"ird\\name\n");
}

// The registry trusts a token's x5c leaf when it chains to a certificate of rootcertbundle; our
// leaf is self-signed, so the bundle holding it must verify it (as Go's x509 would).
TEST(TokenSignerTest, BundleVerifiesTheX5cLeaf) {
  SigningKey key = Generate(SigningAlg::kES256, system_clock::now());
  SigningKey other = Generate(SigningAlg::kES256, system_clock::now());
  auto verifies = [](const SigningKey& leaf, const SigningKey& trusted) {
    std::string der = CertificateDer(leaf.certificate_pem());
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
    std::string root_der = CertificateDer(trusted.certificate_pem());
    p = reinterpret_cast<const unsigned char*>(root_der.data());
    std::unique_ptr<X509, decltype(&X509_free)> root(
        d2i_X509(nullptr, &p, static_cast<long>(root_der.size())), X509_free);
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                  X509_STORE_free);
    X509_STORE_add_cert(store.get(), root.get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                        X509_STORE_CTX_free);
    X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr);
    return X509_verify_cert(ctx.get()) == 1;
  };
  EXPECT_TRUE(verifies(key, key));
  EXPECT_FALSE(verifies(key, other));
}

TEST(TokenSignerTest, PemRoundTrip) {
  SigningKey key = Generate(SigningAlg::kES256);
  Result<std::string> key_pem = key.PrivateKeyPem();
  ASSERT_TRUE(key_pem.has_value());
  EXPECT_EQ(key_pem->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  Result<SigningKey> loaded = SigningKey::LoadPem(*key_pem, key.certificate_pem());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->kid(), key.kid());
  EXPECT_EQ(loaded->x5c(), key.x5c());
  EXPECT_EQ(loaded->not_before(), key.not_before());
  EXPECT_EQ(loaded->not_after(), key.not_after());
  // A token signed by the loaded key verifies with the original's public key.
  Result<SignedToken> signed_token = SignToken(SigningKeyRing({*loaded}), Claims());
  ASSERT_TRUE(signed_token.has_value());
  EXPECT_TRUE(VerifyWithProjectVerifier(signed_token->token, key, kNow).has_value());
}

TEST(TokenSignerTest, GeneratedCertificateValidity) {
  SigningKey key = Generate(SigningAlg::kES256, kNow, 30);
  EXPECT_EQ(key.not_before(), kNow - std::chrono::minutes(5));
  EXPECT_EQ(key.not_after(), kNow - std::chrono::minutes(5) + std::chrono::days(30));
  EXPECT_NE(key.certificate_pem().find("-----BEGIN CERTIFICATE-----"), std::string::npos);
}

TEST(TokenSignerTest, LoadPemRefusesBadInput) {
  Result<SigningKey> garbage = SigningKey::LoadPem("not a pem", kEcCertPem);
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, RegistryError::kInvalidSigningKey);
  EXPECT_FALSE(SigningKey::LoadPem(kEcKeyPem, "nope").has_value());
  // A certificate of another key.
  Result<SigningKey> mismatch = SigningKey::LoadPem(kEcKeyPem, kRsaCertPem);
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_EQ(mismatch.error().code, RegistryError::kInvalidSigningKey);
  EXPECT_EQ(mismatch.error().message.find("PRIVATE"), std::string::npos);
}

TEST(TokenSignerTest, LoadPemRefusesOtherCurvesAndWeakRsa) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> p384(EVP_EC_gen("P-384"), EVP_PKEY_free);
  ASSERT_TRUE(p384);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio.get(), p384.get(), nullptr, nullptr, 0, nullptr, nullptr),
            1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  Result<SigningKey> key =
      SigningKey::LoadPem(std::string_view(data, static_cast<std::size_t>(size)), kEcCertPem);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, RegistryError::kInvalidSigningKey);

  SigningKeyOptions weak;
  weak.alg = SigningAlg::kRS256;
  weak.rsa_bits = 1024;
  EXPECT_FALSE(SigningKey::Generate(weak, kNow).has_value());
  SigningKeyOptions bad_days;
  bad_days.validity_days = 0;
  EXPECT_FALSE(SigningKey::Generate(bad_days, kNow).has_value());
}

TEST(TokenSignerTest, RingSignsWithNewestValidKey) {
  SigningKey old_key = Generate(SigningAlg::kES256, kNow - std::chrono::days(100), 365);
  SigningKey new_key = Generate(SigningAlg::kES256, kNow - std::chrono::days(1), 365);
  SigningKey future_key = Generate(SigningAlg::kES256, kNow, 365, kNow + std::chrono::days(7));
  SigningKeyRing ring({old_key, new_key, future_key});
  const SigningKey* signer = ring.FindSigner(kNow, std::chrono::seconds(300));
  ASSERT_NE(signer, nullptr);
  EXPECT_EQ(signer->kid(), new_key.kid());
  EXPECT_EQ(ring.Newest()->kid(), future_key.kid());
  // Once its notBefore has passed, the scheduled key takes over.
  EXPECT_EQ(ring.FindSigner(kNow + std::chrono::days(8), std::chrono::seconds(300))->kid(),
            future_key.kid());
  // Tokens of the previous key still verify (the registry trusts every certificate in the
  // bundle until it is removed).
  Result<SignedToken> old_token = SignToken(SigningKeyRing({old_key}), Claims());
  ASSERT_TRUE(old_token.has_value());
  EXPECT_TRUE(VerifyWithProjectVerifier(old_token->token, old_key, kNow).has_value());
}

TEST(TokenSignerTest, ExpiredKeysDoNotSign) {
  SigningKey expired = Generate(SigningAlg::kES256, kNow - std::chrono::days(40), 30);
  Result<SignedToken> none = SignToken(SigningKeyRing({expired}), Claims());
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, RegistryError::kNoSigningKey);
  // A key that would expire before the token does is not used either.
  SigningKey ending = Generate(
      SigningAlg::kES256,
      kNow - std::chrono::days(30) + std::chrono::minutes(5) + std::chrono::seconds(100), 30);
  EXPECT_EQ(SigningKeyRing({ending}).FindSigner(kNow, std::chrono::seconds(300)), nullptr);
  EXPECT_NE(SigningKeyRing({ending}).FindSigner(kNow, std::chrono::seconds(60)), nullptr);
  EXPECT_FALSE(SignToken(SigningKeyRing(), Claims()).has_value());
}

TEST(TokenSignerTest, CertificateBundleHoldsEveryKeyNewestFirst) {
  SigningKey old_key = Generate(SigningAlg::kES256, kNow - std::chrono::days(100));
  SigningKey new_key = Generate(SigningAlg::kRS256, kNow);
  SigningKeyRing ring({old_key, new_key});
  const std::string bundle = ring.CertificatesPem();
  EXPECT_EQ(bundle, new_key.certificate_pem() + old_key.certificate_pem());
  std::size_t count = 0;
  for (std::size_t at = 0; (at = bundle.find("BEGIN CERTIFICATE", at)) != std::string::npos; ++at) {
    ++count;
  }
  EXPECT_EQ(count, 2u);
}

TEST(TokenSignerTest, ConcurrentSigningWithOneKey) {
  for (SigningAlg alg : {SigningAlg::kES256, SigningAlg::kRS256}) {
    const SigningKeyRing ring({Generate(alg)});
    std::vector<std::string> tokens[4];
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&ring, &tokens, t] {
        for (int i = 0; i < 25; ++i) {
          TokenClaims claims = Claims();
          claims.subject = "user" + std::to_string(t * 100 + i);
          Result<SignedToken> token = SignToken(ring, claims);
          tokens[t].push_back(token ? token->token : "");
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (const auto& list : tokens) {
      ASSERT_EQ(list.size(), 25u);
      for (const std::string& token : list) {
        EXPECT_TRUE(VerifyWithProjectVerifier(token, ring.keys()[0], kNow).has_value());
      }
    }
  }
}

TEST(TokenSignerTest, AlgNames) {
  EXPECT_EQ(SigningAlgName(SigningAlg::kES256), "ES256");
  EXPECT_EQ(FindSigningAlg("RS256"), SigningAlg::kRS256);
  EXPECT_FALSE(FindSigningAlg("HS256").has_value());
  EXPECT_FALSE(FindSigningAlg("es256").has_value());
}

}  // namespace
}  // namespace gatehouse::registry
