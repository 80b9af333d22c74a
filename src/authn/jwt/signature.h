// VerifyJwsSignature: checks one JWS signature (RFC 7518 §3) with one public key through
// OpenSSL 3 EVP. ES* signatures arrive as raw r||s of fixed length and are converted to DER
// here; any other length (DER included) is refused. PS* use MGF1 with the same hash and a salt
// as long as the hash (RFC 7518 §3.5).
//
// Returns Ok() when the signature is valid, else "jwt_bad_signature" (or "jwt_key_mismatch" when
// the key cannot be used with `alg`). Thread-safe: message digests are fetched once per process
// and every call uses its own EVP contexts.
#pragma once

#include <string_view>

#include "authn/jwt/alg.h"
#include "authn/jwt/jwk.h"
#include "common/result.h"

namespace gatehouse::authn::jwt {

Status VerifyJwsSignature(JwsAlg alg, const JsonWebKey& key, std::string_view signing_input,
                          std::string_view signature);

}  // namespace gatehouse::authn::jwt
