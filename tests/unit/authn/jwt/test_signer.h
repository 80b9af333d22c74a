// Test-only JOSE signer: generates keys with OpenSSL, publishes them as JWKs and signs compact
// JWS tokens for every algorithm, so tests never rely on canned tokens. Header-only because the
// unit-test glob only compiles *_test.cc files. Not thread-safe (the key cache is a plain map);
// tests are single-threaded.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "authn/jwt/alg.h"
#include "common/codec/base64.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::authn::jwt::testing {

using PkeyPtr = std::shared_ptr<EVP_PKEY>;

inline void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL test helper failed: ") + what);
}

// "RSA-2048", "RSA-1024", "P-256", "P-384", "P-521", "Ed25519". Fresh key each call.
inline PkeyPtr GenerateKey(std::string_view spec) {
  EVP_PKEY* key = nullptr;
  if (spec.substr(0, 4) == "RSA-") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                            static_cast<std::size_t>(std::stoul(std::string(spec.substr(4)))));
  } else if (spec == "Ed25519") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(spec).c_str());
  }
  Check(key != nullptr, "keygen");
  return PkeyPtr(key, EVP_PKEY_free);
}

// Key generation (RSA above all) is slow; tests that do not care about freshness share keys by
// name, e.g. Key("rsa-a", "RSA-2048").
inline PkeyPtr Key(const std::string& name, std::string_view spec) {
  static std::map<std::string, PkeyPtr> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, GenerateKey(spec)).first;
  return it->second;
}

inline std::string BnBytes(const EVP_PKEY* key, const char* param, std::size_t pad = 0) {
  BIGNUM* bn = nullptr;
  Check(EVP_PKEY_get_bn_param(key, param, &bn) == 1, param);
  std::string out(pad != 0 ? pad : static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  Check(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()),
                     static_cast<int>(out.size())) >= 0,
        "bn2binpad");
  BN_free(bn);
  return out;
}

inline std::size_t EcFieldBytes(const EVP_PKEY* key) {
  return (static_cast<std::size_t>(EVP_PKEY_get_bits(key)) + 7) / 8;
}

// The public JWK of `key` (kty and key members only); callers add kid/alg/use.
inline value::Value PublicJwk(const EVP_PKEY* key) {
  value::Value jwk = value::Value::MakeObject();
  if (EVP_PKEY_is_a(key, "RSA")) {
    jwk.Set("kty", "RSA");
    jwk.Set("n", codec::EncodeBase64Url(BnBytes(key, OSSL_PKEY_PARAM_RSA_N)));
    jwk.Set("e", codec::EncodeBase64Url(BnBytes(key, OSSL_PKEY_PARAM_RSA_E)));
  } else if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t group_length = 0;
    Check(EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &group_length) == 1,
          "group");
    const std::string name(group, group_length);
    jwk.Set("kty", "EC");
    jwk.Set("crv", name == "prime256v1" ? "P-256" : name == "secp384r1" ? "P-384" : "P-521");
    const std::size_t size = EcFieldBytes(key);
    jwk.Set("x", codec::EncodeBase64Url(BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_X, size)));
    jwk.Set("y", codec::EncodeBase64Url(BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, size)));
  } else {
    unsigned char raw[32];
    std::size_t length = sizeof(raw);
    Check(EVP_PKEY_get_raw_public_key(key, raw, &length) == 1, "raw public key");
    jwk.Set("kty", "OKP");
    jwk.Set("crv", "Ed25519");
    jwk.Set("x", codec::EncodeBase64Url(std::string_view(reinterpret_cast<char*>(raw), length)));
  }
  return jwk;
}

inline value::Value PublicJwk(const PkeyPtr& key, std::string_view kid, std::string_view alg = "") {
  value::Value jwk = PublicJwk(key.get());
  if (!kid.empty()) jwk.Set("kid", kid);
  if (!alg.empty()) jwk.Set("alg", alg);
  return jwk;
}

inline std::string JwksJson(std::initializer_list<value::Value> keys) {
  value::Value set = value::Value::MakeObject();
  value::Value& list = set.Set("keys", value::Value::MakeArray());
  for (const value::Value& key : keys) list.Append(key);
  return value::ToJson(set);
}

inline std::string PublicKeyPem(const PkeyPtr& key) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr && PEM_write_bio_PUBKEY(bio, key.get()) == 1, "pem");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

inline const EVP_MD* DigestOf(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kRS384:
    case JwsAlg::kPS384:
    case JwsAlg::kES384:
      return EVP_sha384();
    case JwsAlg::kRS512:
    case JwsAlg::kPS512:
    case JwsAlg::kES512:
      return EVP_sha512();
    case JwsAlg::kEdDSA:
      return nullptr;
    default:
      return EVP_sha256();
  }
}

// The signature OpenSSL produces: DER for ECDSA.
inline std::string SignNative(JwsAlg alg, const PkeyPtr& key, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  Check(EVP_DigestSignInit(ctx, &pctx, DigestOf(alg), nullptr, key.get()) == 1, "sign init");
  if (alg == JwsAlg::kPS256 || alg == JwsAlg::kPS384 || alg == JwsAlg::kPS512) {
    Check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1,
          "pss");
  }
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  Check(EVP_DigestSign(ctx, nullptr, &length, data, input.size()) == 1, "sign size");
  std::string signature(length, '\0');
  Check(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                       input.size()) == 1,
        "sign");
  signature.resize(length);
  EVP_MD_CTX_free(ctx);
  return signature;
}

inline std::string DerToRaw(std::string_view der, std::size_t coordinate_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  Check(sig != nullptr, "d2i_ECDSA_SIG");
  std::string raw(2 * coordinate_bytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, static_cast<int>(coordinate_bytes));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + coordinate_bytes, static_cast<int>(coordinate_bytes));
  ECDSA_SIG_free(sig);
  return raw;
}

// The JWS signature (raw r||s for ECDSA).
inline std::string SignJws(JwsAlg alg, const PkeyPtr& key, std::string_view input) {
  std::string signature = SignNative(alg, key, input);
  if (EcCoordinateBytes(alg) != 0) signature = DerToRaw(signature, EcCoordinateBytes(alg));
  return signature;
}

inline std::string SigningInput(const value::Value& header, const value::Value& claims) {
  return codec::EncodeBase64Url(value::ToJson(header)) + "." +
         codec::EncodeBase64Url(value::ToJson(claims));
}

inline std::string Assemble(std::string_view signing_input, std::string_view signature) {
  return std::string(signing_input) + "." + codec::EncodeBase64Url(signature);
}

inline value::Value Header(std::string_view alg, std::string_view kid = "") {
  value::Value header = value::Value::MakeObject();
  header.Set("alg", alg);
  header.Set("typ", "JWT");
  if (!kid.empty()) header.Set("kid", kid);
  return header;
}

// A compact JWS of `claims` signed by `key` with `alg`.
inline std::string SignToken(JwsAlg alg, const PkeyPtr& key, std::string_view kid,
                             const value::Value& claims) {
  const std::string input = SigningInput(Header(JwsAlgName(alg), kid), claims);
  return Assemble(input, SignJws(alg, key, input));
}

// HMAC-SHA256 over the signing input with `secret` as the key.
inline std::string HmacSha256(std::string_view secret, std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  Check(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                  reinterpret_cast<const unsigned char*>(input.data()), input.size(), out,
                  sizeof(out), &length) != nullptr,
        "hmac");
  return std::string(reinterpret_cast<char*>(out), length);
}

}  // namespace gatehouse::authn::jwt::testing
