#include "authn/jwt/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <array>
#include <utility>

#include "authn/jwt/jwt_errors.h"
#include "common/codec/base64.h"
#include "value/json.h"
#include "value/value_errors.h"

namespace gatehouse::authn::jwt {
namespace {

using value::Value;

// A JWK member of a key type we accept that holds private material; a JWKS endpoint that
// publishes it has leaked its signing key, so the key is not trusted.
constexpr std::array<std::string_view, 8> kPrivateMembers = {"d",  "p",  "q",   "dp",
                                                             "dq", "qi", "oth", "k"};

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

// Skip reasons are returned as Errors whose message becomes a warning.
Error Skip(std::string reason) { return MakeError(JwtError::kJwkSkipped, std::move(reason)); }

Result<std::string> DecodeMember(const Value& jwk, std::string_view name) {
  const Value* member = jwk.Find(name);
  if (member == nullptr) return Skip("missing \"" + std::string(name) + "\"");
  const std::string* text = member->AsString();
  if (text == nullptr) return Skip("\"" + std::string(name) + "\" is not a string");
  std::string bytes;
  if (!codec::DecodeBase64UrlTo(*text, bytes) || bytes.empty()) {
    return Skip("\"" + std::string(name) + "\" is not non-empty base64url");
  }
  return bytes;
}

// Builds a public key from OSSL_PARAMs and runs OpenSSL's public-key checks (RSA: odd modulus,
// sane exponent; EC: point on the curve and not at infinity).
Result<std::shared_ptr<EVP_PKEY>> FromData(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return Skip("out of memory");
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return Skip("invalid key parameters");
  }
  std::shared_ptr<EVP_PKEY> pkey = Share(raw);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return Skip("public key check failed");
  return pkey;
}

Status ParseRsa(const Value& jwk, const JwksLimits& limits, JsonWebKey& key) {
  Result<std::string> n = DecodeMember(jwk, "n");
  if (!n) return n.error();
  Result<std::string> e = DecodeMember(jwk, "e");
  if (!e) return e.error();
  if (e->size() > 8) return Skip("RSA exponent too large");
  std::unique_ptr<BIGNUM, BnDeleter> bn_n(BN_bin2bn(
      reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
  std::unique_ptr<BIGNUM, BnDeleter> bn_e(BN_bin2bn(
      reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
  if (!bn_n || !bn_e) return Skip("out of memory");
  const int bits = BN_num_bits(bn_n.get());
  if (bits < static_cast<int>(limits.min_rsa_bits)) {
    return Skip("RSA modulus of " + std::to_string(bits) + " bits is below the minimum of " +
                std::to_string(limits.min_rsa_bits));
  }
  if (bits > static_cast<int>(limits.max_rsa_bits)) {
    return Skip("RSA modulus of " + std::to_string(bits) + " bits is above the maximum of " +
                std::to_string(limits.max_rsa_bits));
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return Skip("out of memory");
  }
  Result<std::shared_ptr<EVP_PKEY>> pkey = FromData("RSA", bld.get());
  if (!pkey) return pkey.error();
  key.kty = KeyType::kRsa;
  key.crv = Curve::kNone;
  key.pkey = std::move(*pkey);
  key.bits = bits;
  return Ok();
}

struct EcCurveInfo {
  std::string_view jwk_name;
  const char* group_name;
  Curve curve;
  std::size_t coordinate_bytes;
  int bits;
};

constexpr std::array<EcCurveInfo, 3> kEcCurves = {{
    {"P-256", "prime256v1", Curve::kP256, 32, 256},
    {"P-384", "secp384r1", Curve::kP384, 48, 384},
    {"P-521", "secp521r1", Curve::kP521, 66, 521},
}};

Status ParseEc(const Value& jwk, JsonWebKey& key) {
  const Value* crv = jwk.Find("crv");
  if (crv == nullptr || crv->AsString() == nullptr) return Skip("EC key without \"crv\"");
  const EcCurveInfo* info = nullptr;
  for (const EcCurveInfo& candidate : kEcCurves) {
    if (candidate.jwk_name == *crv->AsString()) info = &candidate;
  }
  if (info == nullptr) return Skip("unsupported EC curve");
  Result<std::string> x = DecodeMember(jwk, "x");
  if (!x) return x.error();
  Result<std::string> y = DecodeMember(jwk, "y");
  if (!y) return y.error();
  // RFC 7518 §6.2.1.2: coordinates are the full field length, never shortened.
  if (x->size() != info->coordinate_bytes || y->size() != info->coordinate_bytes) {
    return Skip("EC coordinates do not have the curve's length");
  }
  std::string point;
  point.reserve(1 + 2 * info->coordinate_bytes);
  point.push_back('\x04');
  point += *x;
  point += *y;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, info->group_name, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return Skip("out of memory");
  }
  Result<std::shared_ptr<EVP_PKEY>> pkey = FromData("EC", bld.get());
  if (!pkey) return pkey.error();
  key.kty = KeyType::kEc;
  key.crv = info->curve;
  key.pkey = std::move(*pkey);
  key.bits = info->bits;
  return Ok();
}

Status ParseOkp(const Value& jwk, JsonWebKey& key) {
  const Value* crv = jwk.Find("crv");
  if (crv == nullptr || crv->AsString() == nullptr) return Skip("OKP key without \"crv\"");
  if (*crv->AsString() != "Ed25519") return Skip("unsupported OKP curve");
  Result<std::string> x = DecodeMember(jwk, "x");
  if (!x) return x.error();
  if (x->size() != 32) return Skip("Ed25519 public key is not 32 bytes");
  EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
  if (raw == nullptr) return Skip("invalid Ed25519 key");
  key.kty = KeyType::kOkp;
  key.crv = Curve::kEd25519;
  key.pkey = Share(raw);
  key.bits = 256;
  return Ok();
}

Result<std::optional<std::string>> OptionalString(const Value& jwk, std::string_view name) {
  const Value* member = jwk.Find(name);
  if (member == nullptr) return std::optional<std::string>();
  if (member->AsString() == nullptr) return Skip("\"" + std::string(name) + "\" is not a string");
  return std::optional<std::string>(*member->AsString());
}

// Fills everything but the key material, then dispatches on kty.
Status ParseKey(const Value& jwk, const JwksLimits& limits, JsonWebKey& key) {
  Result<std::optional<std::string>> kid = OptionalString(jwk, "kid");
  if (!kid) return kid.error();
  key.kid = std::move(*kid);
  const Value* kty = jwk.Find("kty");
  if (kty == nullptr || kty->AsString() == nullptr) return Skip("missing \"kty\"");
  const std::string& kty_name = *kty->AsString();
  if (kty_name == "oct") return Skip("symmetric (oct) keys are refused");
  if (kty_name != "RSA" && kty_name != "EC" && kty_name != "OKP") {
    return Skip("unsupported kty");
  }
  Result<std::optional<std::string>> use = OptionalString(jwk, "use");
  if (!use) return use.error();
  if (*use && **use != "sig") return Skip("\"use\" is not \"sig\"");
  key.use = std::move(*use);
  Result<std::optional<std::string>> alg = OptionalString(jwk, "alg");
  if (!alg) return alg.error();
  if (*alg) {
    key.alg = FindJwsAlg(**alg);
    if (!key.alg) return Skip("\"alg\" is not a supported JWS signature algorithm");
  }
  if (const Value* ops = jwk.Find("key_ops")) {
    key.key_ops = value::AsStringList(*ops);
    if (!key.key_ops) return Skip("\"key_ops\" is not an array of strings");
  }
  for (std::string_view member : kPrivateMembers) {
    if (jwk.Find(member) != nullptr) return Skip("private key members are present");
  }
  Status material = kty_name == "RSA"  ? ParseRsa(jwk, limits, key)
                    : kty_name == "EC" ? ParseEc(jwk, key)
                                       : ParseOkp(jwk, key);
  if (!material) return material;
  if (key.alg && (KeyTypeFor(*key.alg) != key.kty || CurveFor(*key.alg) != key.crv)) {
    return Skip("\"alg\" does not match the key type or curve");
  }
  return Ok();
}

}  // namespace

std::vector<const JsonWebKey*> JsonWebKeySet::FindByKid(std::string_view kid) const {
  std::vector<const JsonWebKey*> found;
  for (const JsonWebKey& key : keys) {
    if (key.kid && *key.kid == kid) found.push_back(&key);
  }
  return found;
}

Result<JsonWebKeySet> ParseJwks(std::string_view json, const JwksLimits& limits) {
  if (json.size() > limits.max_bytes) {
    return MakeError(JwtError::kJwksTooLarge,
                     "JWKS exceeds " + std::to_string(limits.max_bytes) + " bytes");
  }
  value::JsonLimits json_limits;
  json_limits.max_bytes = limits.max_bytes;
  json_limits.max_depth = 16;
  json_limits.reject_duplicate_keys = true;
  Result<Value> document = value::ParseJson(json, json_limits);
  if (!document) {
    if (document.error().code == value::ValueError::kDuplicateKey) {
      return MakeError(JwtError::kJwksDuplicateKey, "JWKS repeats a member name");
    }
    return MakeError(JwtError::kJwksMalformed,
                     "JWKS is not valid JSON (" + std::string(document.error().code.wire()) + ")");
  }
  const Value* keys = document->Find("keys");
  if (keys == nullptr || !keys->is_array()) {
    return MakeError(JwtError::kJwksMalformed, "JWKS has no \"keys\" array");
  }
  if (keys->AsArray()->size() > limits.max_keys) {
    return MakeError(JwtError::kJwksTooManyKeys,
                     "JWKS has more than " + std::to_string(limits.max_keys) + " keys");
  }
  JsonWebKeySet set;
  std::size_t index = 0;
  for (const Value& jwk : *keys->AsArray()) {
    if (!jwk.is_object()) {
      return MakeError(JwtError::kJwksMalformed,
                       "key " + std::to_string(index) + " is not an object");
    }
    JsonWebKey key;
    Status parsed = ParseKey(jwk, limits, key);
    ERR_clear_error();  // a refused key leaves OpenSSL errors behind; they are reported here
    if (parsed) {
      set.keys.push_back(std::move(key));
    } else {
      std::string warning = "key " + std::to_string(index);
      if (key.kid) {
        warning += " (kid ";
        value::AppendJsonString(warning, *key.kid);
        warning += ")";
      }
      set.warnings.push_back(warning + ": " + parsed.error().message);
    }
    ++index;
  }
  if (set.keys.empty()) {
    std::string message = "JWKS has no usable signature key";
    for (const std::string& warning : set.warnings) message += "; " + warning;
    return MakeError(JwtError::kJwksNoUsableKeys, message);
  }
  return set;
}

bool KeyFitsAlg(const JsonWebKey& key, JwsAlg alg) {
  if (key.kty != KeyTypeFor(alg) || key.crv != CurveFor(alg)) return false;
  if (key.alg && *key.alg != alg) return false;
  if (key.use && *key.use != "sig") return false;
  if (key.key_ops) {
    bool verify = false;
    for (const std::string& op : *key.key_ops) verify = verify || op == "verify";
    if (!verify) return false;
  }
  return key.pkey != nullptr;
}

}  // namespace gatehouse::authn::jwt
