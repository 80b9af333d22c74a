// JOSE keys, signing and verification for the io.jwt.* builtins, on top of the project's JOSE
// core (authn/jwt: base64url, JWS algorithms, signature verification).
//
// Unlike the authenticator, OPA's builtins accept what the policy hands them: HMAC secrets,
// keys of any size, JWKs whose "use" is not "sig", PEM certificates and public keys. Keys are
// OpenSSL EVP_PKEYs shared read-only (OpenSSL 3 allows concurrent use). Errors carry OPA's
// messages (they become builtin errors); no message contains key material.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::rego::builtins {

struct JoseKey {
  std::shared_ptr<EVP_PKEY> pkey;  // asymmetric keys; null for "oct"
  std::string secret;              // "oct" keys: the raw HMAC secret
  std::string alg;                 // the JWK "alg", "" when absent
  std::string kid;                 // the JWK "kid", "" when absent
};

// The `certificate` operand of io.jwt.verify_* / decode_verify: a PEM certificate, a PEM public
// key, a JWK or a JWK set. Errors: "extra data after a PEM certificate block", "failed to parse
// a PEM certificate", "failed to extract a Key from the PEM certificate", "failed to parse a JWK
// key (set)".
Result<std::vector<JoseKey>> ParseVerificationKeys(std::string_view text);

// One JWK (public or private members) or a JWK set (all its keys).
Result<std::vector<JoseKey>> ParseJwkText(std::string_view text);
Result<JoseKey> ParseJwk(const value::Value& jwk);

// Whether `signature` is a valid `alg` signature ("HS256", "RS256", "ES384", "EdDSA", ...) of
// `signing_input` under `key`. HMAC comparisons are constant-time. Unknown algorithms and key
// mismatches are false.
bool VerifyJose(std::string_view alg, const JoseKey& key, std::string_view signing_input,
                std::string_view signature);

// Signs `signing_input` with `key` (private members required for asymmetric keys). ES*
// signatures are raw r||s. Errors: "unknown JWS algorithm: X", key problems.
Result<std::string> SignJose(std::string_view alg, const JoseKey& key,
                             std::string_view signing_input);

// True for the algorithm names the builtins know.
bool IsKnownJwsAlg(std::string_view alg);

// HMAC with "md5", "sha1", "sha256", "sha384" or "sha512"; nullopt for other names.
std::optional<std::string> Hmac(std::string_view hash, std::string_view key, std::string_view data);
// Message digests by the same names.
std::optional<std::string> Digest(std::string_view hash, std::string_view data);

}  // namespace gatehouse::rego::builtins
