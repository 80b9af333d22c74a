#include "authn/jwt/signature.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

#include "authn/jwt/jwt_errors.h"

namespace gatehouse::authn::jwt {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

// Digests fetched once per process: in OpenSSL 3 the legacy EVP_sha256() makes every
// EVP_DigestVerifyInit() fetch again (a global lookup under a lock), which costs more than the
// digest itself for a JWT. The fetched objects are never freed; they live as long as the process.
struct Digests {
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
};

const EVP_MD* DigestFor(JwsAlg alg) {
  static const Digests digests;
  switch (alg) {
    case JwsAlg::kRS256:
    case JwsAlg::kPS256:
    case JwsAlg::kES256:
      return digests.sha256;
    case JwsAlg::kRS384:
    case JwsAlg::kPS384:
    case JwsAlg::kES384:
      return digests.sha384;
    case JwsAlg::kRS512:
    case JwsAlg::kPS512:
    case JwsAlg::kES512:
      return digests.sha512;
    case JwsAlg::kEdDSA:
      return nullptr;  // Ed25519 hashes internally (PureEdDSA)
  }
  return nullptr;
}

Error BadSignature(const char* why) { return MakeError(JwtError::kBadSignature, why); }

// JWS carries ECDSA signatures as r||s, each left-padded to the curve size (RFC 7518 §3.4);
// OpenSSL wants DER. Appends the DER encoding to `der`; false if the input is not r||s.
bool RawEcdsaToDer(std::string_view raw, std::size_t coordinate_bytes, std::string& der) {
  if (raw.size() != 2 * coordinate_bytes) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(coordinate_bytes), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + coordinate_bytes, static_cast<int>(coordinate_bytes), nullptr);
  std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return false;
  der.resize(static_cast<std::size_t>(size));
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  return i2d_ECDSA_SIG(sig.get(), &out) == size;
}

}  // namespace

Status VerifyJwsSignature(JwsAlg alg, const JsonWebKey& key, std::string_view signing_input,
                          std::string_view signature) {
  if (!KeyFitsAlg(key, alg)) {
    return MakeError(JwtError::kKeyMismatch, "the key cannot verify this algorithm");
  }
  std::string der;
  std::string_view to_verify = signature;
  if (KeyTypeFor(alg) == KeyType::kEc) {
    if (!RawEcdsaToDer(signature, EcCoordinateBytes(alg), der)) {
      ERR_clear_error();
      return BadSignature("ECDSA signature is not raw r||s of the curve's length");
    }
    to_verify = der;
  } else if (KeyTypeFor(alg) == KeyType::kRsa) {
    // An RSA signature is exactly as long as the modulus (RFC 8017 §8.2.2 step 1).
    if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get()))) {
      return BadSignature("RSA signature length differs from the modulus length");
    }
  } else if (signature.size() != 64) {
    return BadSignature("Ed25519 signature is not 64 bytes");
  }

  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx) return BadSignature("out of memory");
  const EVP_MD* digest = DigestFor(alg);
  // A missing digest must not fall back to OpenSSL's default one.
  if (digest == nullptr && alg != JwsAlg::kEdDSA) return BadSignature("digest unavailable");
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, digest, nullptr, key.pkey.get()) != 1) {
    ERR_clear_error();
    return MakeError(JwtError::kKeyMismatch, "the key cannot verify this algorithm");
  }
  if (alg == JwsAlg::kPS256 || alg == JwsAlg::kPS384 || alg == JwsAlg::kPS512) {
    // RFC 7518 §3.5: MGF1 with the same hash (OpenSSL's default) and a salt as long as the hash.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
      ERR_clear_error();
      return BadSignature("cannot set up RSA-PSS");
    }
  }
  const int verified = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(to_verify.data()), to_verify.size(),
      reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  if (verified != 1) {
    // Leave no failure behind in this thread's OpenSSL error queue for unrelated code (TLS) to
    // misread later.
    ERR_clear_error();
    return BadSignature("signature does not verify");
  }
  return Ok();
}

}  // namespace gatehouse::authn::jwt
