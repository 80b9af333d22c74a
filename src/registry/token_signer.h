// Token signing for the Docker Registry v2 token protocol: signing keys with their self-signed
// certificates, the key ring whose certificates the registry trusts (`auth.token.rootcertbundle`),
// and the signed JWT itself.
//
// What distribution 2.8 and 3.x accept (registry/auth/token/token.go in distribution/distribution):
// header {typ:"JWT", alg, kid, x5c:[leaf]} where x5c (std base64 DER) works on both versions and
// kid is the libtrust key id (2.8); claims iss, sub, aud (a JSON string, never an array: 2.8
// refuses arrays), exp, nbf, iat, jti, access; ES256 signatures as raw r||s (64 bytes, converted
// from OpenSSL's DER); RS256 PKCS#1 v1.5.
//
// Keys: ES256 (P-256) by default, RS256 (≥ 2048-bit RSA) as an option. A certificate's validity
// is the key's: the ring signs with the newest key (latest notBefore) whose certificate is valid
// from now until the token expires, because the registry checks the x5c leaf's validity. So a
// rotation without a failure window is: generate the next key with a notBefore in the future,
// publish the certificate bundle (all keys) to the registry, and the new key takes over at that
// time while tokens of the old one stay valid until they expire. Keys are never written to disk
// here; PEM text goes to and from the adapters.
//
// Errors: "invalid_signing_key" (unreadable or unsupported PEM, a certificate that does not match
// its key, EC curves other than P-256, RSA under 2048 bits), "no_signing_key" (no key valid for
// the token's lifetime), "signing_failed", "random_failed". Messages never contain key material.
//
// Thread-safety: SigningKey and SigningKeyRing are immutable after construction and may be shared
// read-only by all threads (OpenSSL 3 allows concurrent signing with one EVP_PKEY); copies share
// the key.
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/scope.h"

namespace gatehouse::registry {

enum class SigningAlg : std::uint8_t { kES256, kRS256 };

// "ES256", "RS256".
std::string_view SigningAlgName(SigningAlg alg);
// By exact name; nullopt for anything else.
std::optional<SigningAlg> FindSigningAlg(std::string_view name);

struct SigningKeyOptions {
  SigningAlg alg = SigningAlg::kES256;
  std::string common_name = "gatehouse";  // the certificate's CN; use the token issuer
  int validity_days = 3650;
  int rsa_bits = 3072;
  // Start of validity; nullopt: five minutes before `now`, so a registry whose clock is a little
  // behind still accepts the certificate.
  std::optional<std::chrono::system_clock::time_point> not_before;
};

class SigningKey {
 public:
  // A new key pair and self-signed X.509 v3 certificate (CN = common_name, serial random).
  static Result<SigningKey> Generate(const SigningKeyOptions& options,
                                     std::chrono::system_clock::time_point now);
  // A PKCS#8 or traditional private key PEM and its certificate PEM.
  static Result<SigningKey> LoadPem(std::string_view private_key_pem,
                                    std::string_view certificate_pem);

  // Unencrypted PKCS#8 PEM: the caller stores it with owner-only permissions.
  Result<std::string> PrivateKeyPem() const;
  const std::string& certificate_pem() const { return certificate_pem_; }
  SigningAlg alg() const { return alg_; }
  const std::string& kid() const { return kid_; }  // libtrust key id
  const std::string& x5c() const { return x5c_; }  // std base64 of the DER certificate
  const std::string& header_b64() const { return header_b64_; }  // base64url JOSE header
  std::chrono::system_clock::time_point not_before() const { return not_before_; }
  std::chrono::system_clock::time_point not_after() const { return not_after_; }
  // The public key (shared with this key), e.g. to verify in tests.
  const std::shared_ptr<EVP_PKEY>& pkey() const { return pkey_; }

  // The JWS signature of `signing_input` (raw r||s for ES256).
  Result<std::string> Sign(std::string_view signing_input) const;

 private:
  SigningKey() = default;
  static Result<SigningKey> FromParts(std::shared_ptr<EVP_PKEY> pkey, std::shared_ptr<X509> cert);

  std::shared_ptr<EVP_PKEY> pkey_;
  std::shared_ptr<X509> cert_;
  // Initialised once for DigestSign; Sign() copies it, which costs far less than a fresh
  // EVP_DigestSignInit (OpenSSL 3 fetches the algorithm and sets the key up on every init).
  std::shared_ptr<EVP_MD_CTX> sign_template_;
  SigningAlg alg_ = SigningAlg::kES256;
  std::string certificate_pem_;
  std::string kid_;
  std::string x5c_;
  std::string header_b64_;
  std::chrono::system_clock::time_point not_before_;
  std::chrono::system_clock::time_point not_after_;
};

// libtrust's key id: SHA-256 of the DER SubjectPublicKeyInfo, first 30 bytes, base32 (RFC 4648,
// no padding), 12 groups of 4 joined by ':'.
std::string LibtrustKeyIdFromSpki(std::string_view spki_der);
// The same for a key (its public part). Errors: "invalid_signing_key".
Result<std::string> LibtrustKeyId(const EVP_PKEY* pkey);

class SigningKeyRing {
 public:
  SigningKeyRing() = default;
  explicit SigningKeyRing(std::vector<SigningKey> keys) : keys_(std::move(keys)) {}

  void Add(SigningKey key) { keys_.push_back(std::move(key)); }
  const std::vector<SigningKey>& keys() const { return keys_; }

  // The newest key (latest notBefore) valid over [now, now + lifetime]; nullptr when none.
  const SigningKey* FindSigner(std::chrono::system_clock::time_point now,
                               std::chrono::seconds lifetime) const;
  // The newest key by notBefore, valid or not (to decide whether to generate one); nullptr when
  // the ring is empty.
  const SigningKey* Newest() const;
  // The PEM certificates of all keys, newest first: what `signing-certs` prints.
  std::string CertificatesPem() const;

 private:
  std::vector<SigningKey> keys_;
};

inline constexpr std::chrono::seconds kMinTokenLifetime{60};

struct TokenClaims {
  std::string issuer;
  std::string subject;   // user or robot login name; "" for anonymous
  std::string audience;  // the registry's `service`
  std::chrono::system_clock::time_point issued_at;
  std::chrono::seconds lifetime{300};  // raised to kMinTokenLifetime if shorter
  std::vector<ResourceScope> access;
};

struct SignedToken {
  std::string token;  // compact JWS
  std::string jti;
  std::string kid;
  std::int64_t issued_at = 0;   // Unix seconds (iat = nbf)
  std::int64_t expires_at = 0;  // Unix seconds (exp)
};

// The claims JSON exactly as signed (jti given), for tests and diagnostics.
std::string TokenClaimsJson(const TokenClaims& claims, std::string_view jti);

// Signs `claims` with ring.FindSigner(). Errors: "no_signing_key", "signing_failed",
// "random_failed".
Result<SignedToken> SignToken(const SigningKeyRing& ring, const TokenClaims& claims);

}  // namespace gatehouse::registry
