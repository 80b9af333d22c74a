#include "rego/builtins/jose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "authn/jwt/alg.h"
#include "authn/jwt/jwk.h"
#include "authn/jwt/signature.h"
#include "common/codec/base64.h"
#include "rego/builtins/builtin_failure.h"
#include "rego/builtins/pem.h"
#include "value/json.h"

namespace gatehouse::rego::builtins {
namespace {

namespace jwt = authn::jwt;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* p) {
  if (p == nullptr) return nullptr;
  return std::shared_ptr<EVP_PKEY>(p, EVP_PKEY_free);
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Error KeyError(std::string message) {
  return MakeError(BuiltinFailure::kJoseKey, std::move(message));
}

// A base64url JWK member (padding tolerated); nullopt when absent.
Result<std::optional<std::string>> Member(const value::Value& jwk, std::string_view name) {
  const value::Value* v = jwk.Find(name);
  if (v == nullptr) return std::optional<std::string>();
  if (v->AsString() == nullptr)
    return KeyError("JWK member " + std::string(name) + " is not a string");
  std::string_view text = *v->AsString();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  auto decoded =
      codec::DecodeBase64Go(text, codec::Base64Alphabet::kUrl, codec::Base64Padding::kRaw);
  if (!decoded) return KeyError("JWK member " + std::string(name) + " is not base64url");
  return std::optional<std::string>(std::move(*decoded));
}

Result<std::shared_ptr<EVP_PKEY>> FromData(const char* type, OSSL_PARAM_BLD* bld, bool priv) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    ERR_clear_error();
    return KeyError("invalid key parameters");
  }
  return Share(raw);
}

Bn ToBn(const std::string& bytes) {
  return Bn(BN_bin2bn(Bytes(bytes), static_cast<int>(bytes.size()), nullptr));
}

Result<std::shared_ptr<EVP_PKEY>> RsaFromJwk(const value::Value& jwk) {
  static constexpr const char* kNames[][2] = {
      {"n", OSSL_PKEY_PARAM_RSA_N},          {"e", OSSL_PKEY_PARAM_RSA_E},
      {"d", OSSL_PKEY_PARAM_RSA_D},          {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},    {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
      {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<Bn> keep;
  bool priv = false;
  for (const auto& [member, param] : kNames) {
    auto v = Member(jwk, member);
    if (!v) return v.error();
    if (!v->has_value()) {
      if (std::string_view(member) == "n" || std::string_view(member) == "e") {
        return KeyError("RSA JWK without n or e");
      }
      continue;
    }
    if (std::string_view(member) == "d") priv = true;
    keep.push_back(ToBn(**v));
    if (!keep.back() || OSSL_PARAM_BLD_push_BN(bld.get(), param, keep.back().get()) != 1) {
      return KeyError("out of memory");
    }
  }
  return FromData("RSA", bld.get(), priv);
}

Result<std::shared_ptr<EVP_PKEY>> EcFromJwk(const value::Value& jwk) {
  const value::Value* crv = jwk.Find("crv");
  if (crv == nullptr || crv->AsString() == nullptr) return KeyError("EC JWK without crv");
  const std::string& name = *crv->AsString();
  const char* group = name == "P-256"   ? "prime256v1"
                      : name == "P-384" ? "secp384r1"
                      : name == "P-521" ? "secp521r1"
                                        : nullptr;
  if (group == nullptr) return KeyError("unsupported EC curve");
  const std::size_t size = name == "P-256" ? 32 : name == "P-384" ? 48 : 66;
  auto x = Member(jwk, "x");
  if (!x) return x.error();
  auto y = Member(jwk, "y");
  if (!y) return y.error();
  auto d = Member(jwk, "d");
  if (!d) return d.error();
  if (!x->has_value() || !y->has_value()) return KeyError("EC JWK without x or y");
  auto pad = [size](std::string s) {
    if (s.size() < size) s.insert(0, size - s.size(), '\0');
    return s;
  };
  std::string point = "\x04" + pad(**x) + pad(**y);
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  Bn priv;
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return KeyError("out of memory");
  }
  if (d->has_value()) {
    priv = ToBn(**d);
    if (!priv || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1) {
      return KeyError("out of memory");
    }
  }
  return FromData("EC", bld.get(), d->has_value());
}

Result<std::shared_ptr<EVP_PKEY>> OkpFromJwk(const value::Value& jwk) {
  const value::Value* crv = jwk.Find("crv");
  if (crv == nullptr || crv->AsString() == nullptr || *crv->AsString() != "Ed25519") {
    return KeyError("unsupported OKP curve");
  }
  auto x = Member(jwk, "x");
  if (!x) return x.error();
  auto d = Member(jwk, "d");
  if (!d) return d.error();
  EVP_PKEY* raw = nullptr;
  if (d->has_value()) {
    raw = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(**d), (*d)->size());
  } else if (x->has_value()) {
    raw = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(**x), (*x)->size());
  }
  if (raw == nullptr) {
    ERR_clear_error();
    return KeyError("invalid Ed25519 key");
  }
  return Share(raw);
}

std::string OptionalString(const value::Value& jwk, std::string_view name) {
  const value::Value* v = jwk.Find(name);
  return v != nullptr && v->AsString() != nullptr ? *v->AsString() : std::string();
}

std::optional<jwt::JsonWebKey> AsJsonWebKey(const JoseKey& key) {
  if (!key.pkey) return std::nullopt;
  jwt::JsonWebKey out;
  out.pkey = key.pkey;
  switch (EVP_PKEY_get_base_id(key.pkey.get())) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      out.kty = jwt::KeyType::kRsa;
      return out;
    case EVP_PKEY_ED25519:
      out.kty = jwt::KeyType::kOkp;
      out.crv = jwt::Curve::kEd25519;
      return out;
    case EVP_PKEY_EC: {
      char group[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key.pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group,
                                         sizeof(group), &len) != 1) {
        ERR_clear_error();
        return std::nullopt;
      }
      const std::string_view g(group, len);
      out.kty = jwt::KeyType::kEc;
      out.crv = g == "prime256v1"  ? jwt::Curve::kP256
                : g == "secp384r1" ? jwt::Curve::kP384
                : g == "secp521r1" ? jwt::Curve::kP521
                                   : jwt::Curve::kNone;
      if (out.crv == jwt::Curve::kNone) return std::nullopt;
      return out;
    }
    default:
      return std::nullopt;
  }
}

const EVP_MD* DigestByName(std::string_view name) {
  if (name == "md5") return EVP_md5();
  if (name == "sha1") return EVP_sha1();
  if (name == "sha256") return EVP_sha256();
  if (name == "sha384") return EVP_sha384();
  if (name == "sha512") return EVP_sha512();
  return nullptr;
}

std::string_view HmacHashOf(std::string_view alg) {
  if (alg == "HS256") return "sha256";
  if (alg == "HS384") return "sha384";
  if (alg == "HS512") return "sha512";
  return {};
}

const EVP_MD* JwsDigest(jwt::JwsAlg alg) {
  switch (alg) {
    case jwt::JwsAlg::kRS256:
    case jwt::JwsAlg::kPS256:
    case jwt::JwsAlg::kES256:
      return EVP_sha256();
    case jwt::JwsAlg::kRS384:
    case jwt::JwsAlg::kPS384:
    case jwt::JwsAlg::kES384:
      return EVP_sha384();
    case jwt::JwsAlg::kRS512:
    case jwt::JwsAlg::kPS512:
    case jwt::JwsAlg::kES512:
      return EVP_sha512();
    case jwt::JwsAlg::kEdDSA:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

Result<JoseKey> ParseJwk(const value::Value& jwk) {
  if (!jwk.is_object()) return KeyError("a JWK is not an object");
  const std::string kty = OptionalString(jwk, "kty");
  JoseKey key;
  key.alg = OptionalString(jwk, "alg");
  key.kid = OptionalString(jwk, "kid");
  if (kty == "oct") {
    auto k = Member(jwk, "k");
    if (!k) return k.error();
    if (!k->has_value()) return KeyError("oct JWK without k");
    key.secret = std::move(**k);
    return key;
  }
  Result<std::shared_ptr<EVP_PKEY>> pkey = KeyError("unsupported key type");
  if (kty == "RSA") {
    pkey = RsaFromJwk(jwk);
  } else if (kty == "EC") {
    pkey = EcFromJwk(jwk);
  } else if (kty == "OKP") {
    pkey = OkpFromJwk(jwk);
  }
  if (!pkey) return pkey.error();
  key.pkey = std::move(*pkey);
  return key;
}

Result<std::vector<JoseKey>> ParseJwkText(std::string_view text) {
  auto doc = value::ParseJson(text);
  if (!doc || !doc->is_object()) return KeyError("not a JSON object");
  std::vector<JoseKey> out;
  if (const value::Value* keys = doc->Find("keys"); keys != nullptr && keys->is_array()) {
    for (const auto& k : *keys->AsArray()) {
      auto key = ParseJwk(k);
      if (!key) return key.error();
      out.push_back(std::move(*key));
    }
    return out;
  }
  auto key = ParseJwk(*doc);
  if (!key) return key.error();
  out.push_back(std::move(*key));
  return out;
}

Result<std::vector<JoseKey>> ParseVerificationKeys(std::string_view text) {
  std::string_view rest;
  if (auto block = DecodePem(text, &rest)) {
    if (!rest.empty()) return KeyError("extra data after a PEM certificate block");
    const unsigned char* p = Bytes(block->bytes);
    if (block->type == "CERTIFICATE") {
      std::unique_ptr<X509, X509Free> cert(
          d2i_X509(nullptr, &p, static_cast<long>(block->bytes.size())));
      EVP_PKEY* pub = cert ? X509_get_pubkey(cert.get()) : nullptr;
      if (pub == nullptr) {
        ERR_clear_error();
        return KeyError("failed to parse a PEM certificate");
      }
      return std::vector<JoseKey>{JoseKey{Share(pub), "", "", ""}};
    }
    if (block->type == "PUBLIC KEY") {
      EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, static_cast<long>(block->bytes.size()));
      if (pub == nullptr) {
        ERR_clear_error();
        return KeyError("failed to parse a PEM public key");
      }
      return std::vector<JoseKey>{JoseKey{Share(pub), "", "", ""}};
    }
    return KeyError("failed to extract a Key from the PEM certificate");
  }
  auto keys = ParseJwkText(text);
  if (!keys) return KeyError("failed to parse a JWK key (set): " + keys.error().message);
  return keys;
}

bool IsKnownJwsAlg(std::string_view alg) {
  return !HmacHashOf(alg).empty() || jwt::FindJwsAlg(alg).has_value();
}

bool VerifyJose(std::string_view alg, const JoseKey& key, std::string_view signing_input,
                std::string_view signature) {
  if (std::string_view hash = HmacHashOf(alg); !hash.empty()) {
    if (key.pkey) return false;
    auto mac = Hmac(hash, key.secret, signing_input);
    return mac && mac->size() == signature.size() &&
           CRYPTO_memcmp(mac->data(), signature.data(), mac->size()) == 0;
  }
  auto jws_alg = jwt::FindJwsAlg(alg);
  auto jwk = AsJsonWebKey(key);
  if (!jws_alg || !jwk) return false;
  return jwt::VerifyJwsSignature(*jws_alg, *jwk, signing_input, signature).has_value();
}

Result<std::string> SignJose(std::string_view alg, const JoseKey& key,
                             std::string_view signing_input) {
  if (std::string_view hash = HmacHashOf(alg); !hash.empty()) {
    if (key.pkey) return KeyError("an HMAC algorithm needs an oct key");
    return *Hmac(hash, key.secret, signing_input);
  }
  auto jws_alg = jwt::FindJwsAlg(alg);
  if (!jws_alg) return KeyError("unknown JWS algorithm: " + std::string(alg));
  auto jwk = AsJsonWebKey(key);
  if (!jwk || jwk->kty != jwt::KeyTypeFor(*jws_alg) ||
      (jwt::CurveFor(*jws_alg) != jwt::Curve::kNone && jwk->crv != jwt::CurveFor(*jws_alg))) {
    return KeyError("the key cannot sign with " + std::string(alg));
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), &pctx, JwsDigest(*jws_alg), nullptr, key.pkey.get()) != 1) {
    ERR_clear_error();
    return KeyError("the key cannot sign with " + std::string(alg));
  }
  if (alg.starts_with("PS") &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    ERR_clear_error();
    return KeyError("cannot set up RSA-PSS");
  }
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, Bytes(signing_input), signing_input.size()) != 1) {
    ERR_clear_error();
    return KeyError("signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     Bytes(signing_input), signing_input.size()) != 1) {
    ERR_clear_error();
    return KeyError("signing failed (is the key private?)");
  }
  sig.resize(len);
  if (jwk->kty != jwt::KeyType::kEc) return sig;
  // DER ECDSA-Sig-Value to JWS r||s.
  const unsigned char* p = Bytes(sig);
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> ec(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
  if (!ec) return KeyError("signing failed");
  const std::size_t n = jwt::EcCoordinateBytes(*jws_alg);
  std::string raw(2 * n, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(ec.get()), out, static_cast<int>(n)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(ec.get()), out + n, static_cast<int>(n)) < 0) {
    return KeyError("signing failed");
  }
  return raw;
}

std::optional<std::string> Hmac(std::string_view hash, std::string_view key,
                                std::string_view data) {
  const EVP_MD* md = DigestByName(hash);
  if (md == nullptr) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  if (HMAC(md,
           key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data()),
           static_cast<int>(key.size()), Bytes(data), data.size(), out, &len) == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

std::optional<std::string> Digest(std::string_view hash, std::string_view data) {
  const EVP_MD* md = DigestByName(hash);
  if (md == nullptr) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace gatehouse::rego::builtins
