// JsonWebKeySet: the verification keys of one issuer, parsed from its JWKS document
// (RFC 7517 §5) into ready-to-use OpenSSL public keys.
//
// Accepted keys: RSA (n, e; modulus of at least JwksLimits::min_rsa_bits and at most
// max_rsa_bits), EC P-256/P-384/P-521 (x, y of the full coordinate length, point checked to be
// on the curve) and OKP Ed25519. Skipped with a warning, not fatal, so that one odd key does not
// take an issuer down: unknown kty or crv, `use` other than "sig" (encryption keys), an `alg`
// that is not a supported JWS signature algorithm, private key members (d, p, ...), invalid or
// too-weak key material, and symmetric "oct" keys — a JWKS never carries HMAC secrets for us.
//
// ParseJwks() errors: "jwks_too_large", "jwks_malformed" (not JSON, no "keys" array, a key that
// is not an object), "jwks_too_many_keys", "jwks_duplicate_key" (repeated JSON member name),
// "jwks_no_usable_keys" (every key was skipped; the message lists the warnings).
//
// Each key holds its EVP_PKEY (shared_ptr with EVP_PKEY_free), built once at parse time. A set is
// immutable after parsing; OpenSSL 3 permits concurrent verification with one EVP_PKEY, so a
// const set may be shared by all threads (publish it as std::shared_ptr<const JsonWebKeySet>).
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authn/jwt/alg.h"
#include "common/result.h"

namespace gatehouse::authn::jwt {

struct JwksLimits {
  std::size_t max_bytes = 256 * 1024;
  std::size_t max_keys = 100;
  std::size_t min_rsa_bits = 2048;
  std::size_t max_rsa_bits = 8192;  // verification cost grows with the modulus
};

struct JsonWebKey {
  KeyType kty = KeyType::kRsa;
  Curve crv = Curve::kNone;  // kNone for RSA
  std::optional<std::string> kid;
  std::optional<std::string> use;  // "sig" when present
  std::optional<JwsAlg> alg;       // when present, the only algorithm this key verifies
  std::optional<std::vector<std::string>> key_ops;  // when present, must hold "verify" to be used
  std::shared_ptr<EVP_PKEY> pkey;                   // never null in a parsed set
  int bits = 0;                                     // RSA modulus / EC field size / 256 for Ed25519
};

struct JsonWebKeySet {
  std::vector<JsonWebKey> keys;
  std::vector<std::string> warnings;  // one line per skipped key ("key 3 (kid \"x\"): ...")

  // Keys whose kid equals `kid`, in document order (kids are usually, not always, unique).
  std::vector<const JsonWebKey*> FindByKid(std::string_view kid) const;
};

Result<JsonWebKeySet> ParseJwks(std::string_view json, const JwksLimits& limits = {});

// Whether `key` may verify a signature made with `alg`: kty and curve match, its `alg` (if
// any) equals `alg`, its `use` (if any) is "sig", its `key_ops` (if any) include "verify".
bool KeyFitsAlg(const JsonWebKey& key, JwsAlg alg);

}  // namespace gatehouse::authn::jwt
