// Fuzzes ParseJwks: any document must give a key set or an Error, never a crash; every key of a
// parsed set must hold an OpenSSL key, obey the limits and fit the algorithms KeyFitsAlg says it
// fits (checked by running a signature verification with each fitting algorithm, which must fail
// cleanly on the fixed junk signature rather than crash).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "authn/jwt/jwk.h"
#include "authn/jwt/jwt_errors.h"
#include "authn/jwt/signature.h"

namespace {

namespace jwt = gatehouse::authn::jwt;

constexpr std::array<jwt::JwsAlg, 10> kAlgs = {
    jwt::JwsAlg::kRS256, jwt::JwsAlg::kRS384, jwt::JwsAlg::kRS512, jwt::JwsAlg::kPS256,
    jwt::JwsAlg::kPS384, jwt::JwsAlg::kPS512, jwt::JwsAlg::kES256, jwt::JwsAlg::kES384,
    jwt::JwsAlg::kES512, jwt::JwsAlg::kEdDSA};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  jwt::JwksLimits limits;
  limits.max_keys = 20;
  gatehouse::Result<jwt::JsonWebKeySet> set = jwt::ParseJwks(json, limits);
  if (!set) {
    using jwt::JwtError;
    const gatehouse::ErrorCode code = set.error().code;
    if (code != JwtError::kJwksTooLarge && code != JwtError::kJwksMalformed &&
        code != JwtError::kJwksTooManyKeys && code != JwtError::kJwksDuplicateKey &&
        code != JwtError::kJwksNoUsableKeys) {
      std::abort();
    }
    return 0;
  }
  if (set->keys.empty() || set->keys.size() > limits.max_keys) std::abort();
  const std::string signature(64, '\x01');
  for (const jwt::JsonWebKey& key : set->keys) {
    if (key.pkey == nullptr) std::abort();
    if (key.kty == jwt::KeyType::kRsa && (key.bits < 2048 || key.bits > 8192)) std::abort();
    if (key.kid) (void)set->FindByKid(*key.kid);
    for (jwt::JwsAlg alg : kAlgs) {
      if (!jwt::KeyFitsAlg(key, alg)) continue;
      if (jwt::VerifyJwsSignature(alg, key, "e30.e30", signature)) std::abort();
    }
  }
  return 0;
}
