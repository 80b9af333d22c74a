// JwsAlg: the JWS signature algorithms (RFC 7518 §3, RFC 8037) gatehouse verifies.
//
// Only asymmetric algorithms exist here: "none" and the HMAC family (HS*) are refused by design,
// since a verifier that accepts HS* can be fed a token "signed" with the issuer's public key as
// the HMAC secret (key confusion). Pure, thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace gatehouse::authn::jwt {

enum class JwsAlg {
  kRS256,
  kRS384,
  kRS512,
  kPS256,
  kPS384,
  kPS512,
  kES256,
  kES384,
  kES512,
  kEdDSA,
};

enum class KeyType { kRsa, kEc, kOkp };
enum class Curve { kNone, kP256, kP384, kP521, kEd25519 };

// "RS256", ... "EdDSA".
std::string_view JwsAlgName(JwsAlg alg);
// The algorithm for an exact (case-sensitive) JWS name; nullopt for anything else, including
// "none" and "HS256".
std::optional<JwsAlg> FindJwsAlg(std::string_view name);

// The key type and curve a signature of `alg` needs (kNone for RSA).
KeyType KeyTypeFor(JwsAlg alg);
Curve CurveFor(JwsAlg alg);
// ES*: the size in bytes of r (and of s) in the raw r||s signature; 0 for other algorithms.
std::size_t EcCoordinateBytes(JwsAlg alg);

}  // namespace gatehouse::authn::jwt
