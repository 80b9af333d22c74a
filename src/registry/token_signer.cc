#include "registry/token_signer.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>

#include "common/codec/base64.h"
#include "registry/registry_errors.h"
#include "value/json.h"

namespace gatehouse::registry {
namespace {

using std::chrono::system_clock;

constexpr std::size_t kEs256CoordinateBytes = 32;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;

Error InvalidKey(std::string message) {
  return MakeError(RegistryError::kInvalidSigningKey, std::move(message));
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::shared_ptr<EVP_PKEY> WrapKey(EVP_PKEY* key) {
  return key ? std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free) : nullptr;
}
std::shared_ptr<X509> WrapCert(X509* cert) {
  return cert ? std::shared_ptr<X509>(cert, X509_free) : nullptr;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::optional<system_clock::time_point> ToTimePoint(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  return system_clock::from_time_t(timegm(&tm));
}

// The algorithm a key can sign with, or an error for keys we refuse.
Result<SigningAlg> AlgForKey(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &length) != 1 ||
        (std::string_view(group, length) != "prime256v1" &&
         std::string_view(group, length) != "P-256")) {
      return InvalidKey("only P-256 EC keys are supported (ES256)");
    }
    return SigningAlg::kES256;
  }
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    const int bits = EVP_PKEY_get_bits(pkey);
    if (bits < kMinRsaBits || bits > kMaxRsaBits) {
      return InvalidKey("RSA signing keys must have 2048..8192 bits");
    }
    return SigningAlg::kRS256;
  }
  return InvalidKey("signing keys must be EC P-256 or RSA");
}

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool SetTime(X509* cert, bool before, system_clock::time_point when) {
  ASN1_TIME* time = ASN1_TIME_set(nullptr, system_clock::to_time_t(when));
  if (time == nullptr) return false;
  const bool ok =
      before ? X509_set1_notBefore(cert, time) == 1 : X509_set1_notAfter(cert, time) == 1;
  ASN1_TIME_free(time);
  return ok;
}

bool SetRandomSerial(X509* cert) {
  BIGNUM* serial = BN_new();
  bool ok = serial != nullptr && BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1;
  ok = ok && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert)) != nullptr;
  BN_free(serial);
  return ok;
}

std::string Base32NoPadding(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

// DER ECDSA-Sig-Value → raw r||s, each left-padded to the coordinate size (RFC 7518 §3.4).
bool DerToRawEcdsa(const unsigned char* der, std::size_t der_size, std::string& raw) {
  const unsigned char* p = der;
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_size));
  if (sig == nullptr) return false;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  raw.assign(2 * kEs256CoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const bool ok =
      BN_bn2binpad(r, out, kEs256CoordinateBytes) == kEs256CoordinateBytes &&
      BN_bn2binpad(s, out + kEs256CoordinateBytes, kEs256CoordinateBytes) == kEs256CoordinateBytes;
  ECDSA_SIG_free(sig);
  return ok;
}

void AppendQuoted(std::string& out, std::string_view text) { value::AppendJsonString(out, text); }

}  // namespace

std::string_view SigningAlgName(SigningAlg alg) {
  return alg == SigningAlg::kES256 ? "ES256" : "RS256";
}

std::optional<SigningAlg> FindSigningAlg(std::string_view name) {
  if (name == "ES256") return SigningAlg::kES256;
  if (name == "RS256") return SigningAlg::kRS256;
  return std::nullopt;
}

std::string LibtrustKeyIdFromSpki(std::string_view spki_der) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EVP_Digest(spki_der.data(), spki_der.size(), digest, &digest_size, EVP_sha256(), nullptr);
  const std::string encoded = Base32NoPadding(digest, 30);  // 240 bits: exactly 48 characters
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 4) {
    if (i > 0) out += ':';
    out.append(encoded, i, 4);
  }
  return out;
}

Result<std::string> LibtrustKeyId(const EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(pkey, &der);
  if (size <= 0 || der == nullptr) return InvalidKey("cannot encode the public key");
  std::string kid = LibtrustKeyIdFromSpki(
      std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  return kid;
}

Result<SigningKey> SigningKey::FromParts(std::shared_ptr<EVP_PKEY> pkey,
                                         std::shared_ptr<X509> cert) {
  Result<SigningAlg> alg = AlgForKey(pkey.get());
  if (!alg) return alg.error();
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), pkey.get()) != 1) {
    return InvalidKey("the certificate does not belong to the private key");
  }
  SigningKey key;
  key.alg_ = *alg;
  auto not_before = ToTimePoint(X509_get0_notBefore(cert.get()));
  auto not_after = ToTimePoint(X509_get0_notAfter(cert.get()));
  if (!not_before || !not_after) return InvalidKey("unreadable certificate validity");
  key.not_before_ = *not_before;
  key.not_after_ = *not_after;

  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
    return InvalidKey("cannot encode the certificate");
  }
  key.certificate_pem_ = BioText(bio.get());
  unsigned char* der = nullptr;
  const int der_size = i2d_X509(cert.get(), &der);
  if (der_size <= 0 || der == nullptr) return InvalidKey("cannot encode the certificate");
  key.x5c_ = codec::EncodeBase64(
      std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(der_size)));
  OPENSSL_free(der);
  Result<std::string> kid = LibtrustKeyId(pkey.get());
  if (!kid) return kid.error();
  key.kid_ = std::move(*kid);

  std::string header = "{\"typ\":\"JWT\",\"alg\":\"";
  header += SigningAlgName(key.alg_);
  header += "\",\"kid\":";
  AppendQuoted(header, key.kid_);
  header += ",\"x5c\":[";
  AppendQuoted(header, key.x5c_);
  header += "]}";
  key.header_b64_ = codec::EncodeBase64Url(header);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey.get()) != 1) {
    EVP_MD_CTX_free(ctx);
    return InvalidKey("the key cannot sign with SHA-256");
  }
  key.sign_template_ = std::shared_ptr<EVP_MD_CTX>(ctx, EVP_MD_CTX_free);
  key.pkey_ = std::move(pkey);
  key.cert_ = std::move(cert);
  return key;
}

Result<SigningKey> SigningKey::Generate(const SigningKeyOptions& options,
                                        system_clock::time_point now) {
  if (options.validity_days < 1 || options.validity_days > 36500) {
    return InvalidKey("certificate validity must be 1..36500 days");
  }
  if (options.common_name.empty() || options.common_name.size() > 64) {
    return InvalidKey("certificate common name must be 1..64 bytes");
  }
  std::shared_ptr<EVP_PKEY> pkey;
  if (options.alg == SigningAlg::kES256) {
    pkey = WrapKey(EVP_EC_gen("P-256"));
  } else {
    if (options.rsa_bits < kMinRsaBits || options.rsa_bits > kMaxRsaBits) {
      return InvalidKey("RSA signing keys must have 2048..8192 bits");
    }
    pkey = WrapKey(EVP_RSA_gen(static_cast<unsigned int>(options.rsa_bits)));
  }
  if (!pkey) return MakeError(RegistryError::kSigningFailed, "key generation failed");

  std::shared_ptr<X509> cert = WrapCert(X509_new());
  const system_clock::time_point not_before =
      options.not_before.value_or(now - std::chrono::minutes(5));
  const system_clock::time_point not_after = not_before + std::chrono::days(options.validity_days);
  X509_NAME* name = X509_NAME_new();
  bool ok =
      cert && name && X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
      SetRandomSerial(cert.get()) && SetTime(cert.get(), true, not_before) &&
      SetTime(cert.get(), false, not_after) &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(options.common_name.data()),
                                 static_cast<int>(options.common_name.size()), -1, 0) == 1 &&
      X509_set_subject_name(cert.get(), name) == 1 && X509_set_issuer_name(cert.get(), name) == 1 &&
      X509_set_pubkey(cert.get(), pkey.get()) == 1;
  X509_NAME_free(name);
  // The extensions `openssl req -x509` adds, which distribution 2.8 was tested with. No extended
  // key usage: Go's verifier would then demand serverAuth.
  ok = ok && AddExtension(cert.get(), NID_subject_key_identifier, "hash") &&
       AddExtension(cert.get(), NID_authority_key_identifier, "keyid:always") &&
       AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
       AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") &&
       X509_sign(cert.get(), pkey.get(), EVP_sha256()) > 0;
  if (!ok) return MakeError(RegistryError::kSigningFailed, "certificate creation failed");
  return FromParts(std::move(pkey), std::move(cert));
}

Result<SigningKey> SigningKey::LoadPem(std::string_view private_key_pem,
                                       std::string_view certificate_pem) {
  BioPtr key_bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  BioPtr cert_bio(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  if (!key_bio || !cert_bio) return InvalidKey("out of memory");
  std::shared_ptr<EVP_PKEY> pkey =
      WrapKey(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return InvalidKey("unreadable private key PEM");
  std::shared_ptr<X509> cert =
      WrapCert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return InvalidKey("unreadable certificate PEM");
  return FromParts(std::move(pkey), std::move(cert));
}

Result<std::string> SigningKey::PrivateKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    return InvalidKey("cannot encode the private key");
  }
  return BioText(bio.get());
}

Result<std::string> SigningKey::Sign(std::string_view signing_input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return MakeError(RegistryError::kSigningFailed, "out of memory");
  unsigned char der[1100];  // ≥ an 8192-bit RSA signature, ≥ a P-256 DER signature
  std::size_t size = sizeof(der);
  const bool ok =
      EVP_MD_CTX_copy_ex(ctx, sign_template_.get()) == 1 &&
      EVP_DigestSign(ctx, der, &size, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return MakeError(RegistryError::kSigningFailed, "the signature could not be made");
  std::string signature;
  if (alg_ == SigningAlg::kES256) {
    if (!DerToRawEcdsa(der, size, signature)) {
      return MakeError(RegistryError::kSigningFailed, "unexpected ECDSA signature encoding");
    }
  } else {
    signature.assign(reinterpret_cast<char*>(der), size);
  }
  return signature;
}

const SigningKey* SigningKeyRing::FindSigner(system_clock::time_point now,
                                             std::chrono::seconds lifetime) const {
  const SigningKey* best = nullptr;
  for (const SigningKey& key : keys_) {
    if (key.not_before() > now || key.not_after() < now + lifetime) continue;
    if (best == nullptr || key.not_before() > best->not_before()) best = &key;
  }
  return best;
}

const SigningKey* SigningKeyRing::Newest() const {
  const SigningKey* best = nullptr;
  for (const SigningKey& key : keys_) {
    if (best == nullptr || key.not_before() > best->not_before()) best = &key;
  }
  return best;
}

std::string SigningKeyRing::CertificatesPem() const {
  std::vector<const SigningKey*> sorted;
  for (const SigningKey& key : keys_) sorted.push_back(&key);
  std::stable_sort(sorted.begin(), sorted.end(), [](const SigningKey* a, const SigningKey* b) {
    return a->not_before() > b->not_before();
  });
  std::string out;
  for (const SigningKey* key : sorted) out += key->certificate_pem();
  return out;
}

std::string TokenClaimsJson(const TokenClaims& claims, std::string_view jti) {
  const std::int64_t iat =
      std::chrono::duration_cast<std::chrono::seconds>(claims.issued_at.time_since_epoch()).count();
  const std::int64_t exp = iat + std::max(claims.lifetime, kMinTokenLifetime).count();
  std::string out;
  out.reserve(256 + claims.access.size() * 96);
  out += "{\"iss\":";
  AppendQuoted(out, claims.issuer);
  out += ",\"sub\":";
  AppendQuoted(out, claims.subject);
  out += ",\"aud\":";
  AppendQuoted(out, claims.audience);
  out += ",\"exp\":" + std::to_string(exp);
  out += ",\"nbf\":" + std::to_string(iat);
  out += ",\"iat\":" + std::to_string(iat);
  out += ",\"jti\":";
  AppendQuoted(out, jti);
  out += ",\"access\":[";
  for (std::size_t i = 0; i < claims.access.size(); ++i) {
    const ResourceScope& item = claims.access[i];
    if (i > 0) out += ',';
    out += "{\"type\":";
    AppendQuoted(out, item.type);
    if (!item.resource_class.empty()) {
      out += ",\"class\":";
      AppendQuoted(out, item.resource_class);
    }
    out += ",\"name\":";
    AppendQuoted(out, item.name);
    out += ",\"actions\":[";
    for (std::size_t k = 0; k < item.actions.size(); ++k) {
      if (k > 0) out += ',';
      AppendQuoted(out, item.actions[k]);
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

Result<SignedToken> SignToken(const SigningKeyRing& ring, const TokenClaims& claims) {
  const std::chrono::seconds lifetime = std::max(claims.lifetime, kMinTokenLifetime);
  const SigningKey* key = ring.FindSigner(claims.issued_at, lifetime);
  if (key == nullptr) {
    return MakeError(RegistryError::kNoSigningKey,
                     "no signing key has a certificate valid for the token's lifetime");
  }
  unsigned char random[16];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return MakeError(RegistryError::kRandomFailed, "the random number generator failed");
  }
  SignedToken out;
  out.jti =
      codec::EncodeBase64Url(std::string_view(reinterpret_cast<char*>(random), sizeof(random)));
  out.kid = key->kid();
  out.issued_at =
      std::chrono::duration_cast<std::chrono::seconds>(claims.issued_at.time_since_epoch()).count();
  out.expires_at = out.issued_at + lifetime.count();

  std::string& token = out.token;
  token = key->header_b64();
  token += '.';
  token += codec::EncodeBase64Url(TokenClaimsJson(claims, out.jti));
  Result<std::string> signature = key->Sign(token);
  if (!signature) return signature.error();
  token += '.';
  token += codec::EncodeBase64Url(*signature);
  return out;
}

}  // namespace gatehouse::registry
