#include "authn/jwt/verifier.h"

#include <algorithm>
#include <cmath>

#include "authn/jwt/jwt_errors.h"
#include "authn/jwt/signature.h"

namespace gatehouse::authn::jwt {
namespace {

using std::chrono::system_clock;
using value::Value;

// std::chrono::system_clock counts int64 nanoseconds on libstdc++ (up to year 2262); later
// expiries are clamped there rather than overflowing.
constexpr double kMaxRepresentableSeconds = 9.0e9;

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Error Missing(std::string_view claim) {
  return MakeError(JwtError::kMissingClaim, "claim \"" + std::string(claim) + "\" is missing");
}

// A NumericDate (RFC 7519 §2): seconds since the epoch, possibly fractional.
Result<std::optional<double>> NumericDate(const Value& claims, std::string_view name) {
  const Value* member = claims.Find(name);
  if (member == nullptr) return std::optional<double>();
  const std::optional<double> seconds = member->AsDouble();
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0) {
    return MakeError(JwtError::kMalformed,
                     "claim \"" + std::string(name) + "\" is not a non-negative NumericDate");
  }
  return std::optional<double>(*seconds);
}

system_clock::time_point ToTimePoint(double seconds) {
  const std::chrono::duration<double> since_epoch(std::min(seconds, kMaxRepresentableSeconds));
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(since_epoch));
}

Status CheckAudience(const Value& claims, const VerifyOptions& options) {
  const Value* aud = claims.Find("aud");
  if (aud == nullptr) return Missing("aud");
  std::size_t audience_count = 0;
  bool allowed = false;
  if (const std::string* single = aud->AsString()) {
    audience_count = 1;
    allowed = Contains(options.audiences, *single);
  } else if (const value::Array* list = aud->AsArray()) {
    for (const Value& item : *list) {
      const std::string* text = item.AsString();
      if (text == nullptr)
        return MakeError(JwtError::kMalformed, "claim \"aud\" holds a non-string");
      allowed = allowed || Contains(options.audiences, *text);
    }
    audience_count = list->size();
  } else {
    return MakeError(JwtError::kMalformed, "claim \"aud\" is neither a string nor an array");
  }
  if (!allowed) {
    return MakeError(JwtError::kAudienceNotAllowed, "no audience of the token is allowed");
  }
  // OIDC Core §3.1.3.7 (3, 4): with several audiences the authorized party must be ours, or a
  // token minted for another client that merely lists us could be replayed here.
  if (audience_count > 1) {
    if (const Value* azp = claims.Find("azp")) {
      const std::string* text = azp->AsString();
      if (text == nullptr) return MakeError(JwtError::kMalformed, "claim \"azp\" is not a string");
      if (!Contains(options.audiences, *text)) {
        return MakeError(JwtError::kAzpMismatch, "claim \"azp\" is not an allowed audience");
      }
    }
  }
  return Ok();
}

Status CheckRequiredClaim(const Value& claims, const std::string& name,
                          const std::string& expected) {
  const Value* member = claims.Find(name);
  if (member == nullptr) return Missing(name);
  if (const std::string* text = member->AsString()) {
    if (*text == expected) return Ok();
  } else if (const value::Array* list = member->AsArray()) {
    for (const Value& item : *list) {
      const std::string* entry = item.AsString();
      if (entry != nullptr && *entry == expected) return Ok();
    }
  }
  return MakeError(JwtError::kRequiredClaimMismatch,
                   "claim \"" + name + "\" does not have the required value");
}

// Verifies the signature with the keys that may have made it.
Result<const JsonWebKey*> FindVerifyingKey(const ParsedJws& jws, const JsonWebKeySet& keys) {
  bool kid_known = false;
  std::size_t tried = 0;
  Status last = MakeError(JwtError::kKeyMismatch, "no key of the issuer fits the token algorithm");
  for (const JsonWebKey& key : keys.keys) {
    if (jws.kid) {
      if (!key.kid || *key.kid != *jws.kid) continue;
      kid_known = true;
    } else if (tried == kMaxKeysTriedWithoutKid) {
      break;  // bounds the work an unkeyed token can cause
    }
    if (!KeyFitsAlg(key, jws.alg)) continue;
    ++tried;
    last = VerifyJwsSignature(jws.alg, key, jws.signing_input, jws.signature);
    if (last) return &key;
  }
  if (jws.kid && !kid_known) {
    return MakeError(JwtError::kUnknownKid, "no key of the issuer has the token's kid");
  }
  if (tried == 0 && jws.kid) {
    return MakeError(JwtError::kKeyMismatch,
                     "the key with the token's kid does not fit the token algorithm");
  }
  return last.error();
}

}  // namespace

Result<system_clock::time_point> CheckJwtClaims(const Value& claims, const VerifyOptions& options,
                                                system_clock::time_point now) {
  const Value* iss = claims.Find("iss");
  if (iss == nullptr) return Missing("iss");
  if (iss->AsString() == nullptr)
    return MakeError(JwtError::kMalformed, "claim \"iss\" is not a string");
  if (options.issuer.empty() || *iss->AsString() != options.issuer) {
    return MakeError(JwtError::kIssuerMismatch, "claim \"iss\" is not the configured issuer");
  }
  if (Status audience = CheckAudience(claims, options); !audience) return audience.error();

  const double now_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
  const double skew = static_cast<double>(options.clock_skew.count());
  Result<std::optional<double>> exp = NumericDate(claims, "exp");
  if (!exp) return exp.error();
  if (!*exp) return Missing("exp");
  if (now_seconds >= **exp + skew) return MakeError(JwtError::kExpired, "token has expired");
  Result<std::optional<double>> nbf = NumericDate(claims, "nbf");
  if (!nbf) return nbf.error();
  if (*nbf && now_seconds + skew < **nbf) {
    return MakeError(JwtError::kNotYetValid, "token is not valid yet (nbf)");
  }
  Result<std::optional<double>> iat = NumericDate(claims, "iat");
  if (!iat) return iat.error();
  if (*iat && **iat > now_seconds + skew) {
    return MakeError(JwtError::kIssuedInFuture, "token is issued in the future (iat)");
  }
  for (const auto& [name, expected] : options.required_claims) {
    if (Status required = CheckRequiredClaim(claims, name, expected); !required) {
      return required.error();
    }
  }
  return ToTimePoint(**exp);
}

Result<VerifiedToken> VerifyJwt(const ParsedJws& jws, const JsonWebKeySet& keys,
                                const VerifyOptions& options, system_clock::time_point now) {
  if (jws.token_bytes > options.max_token_bytes) {
    return MakeError(JwtError::kTooLarge,
                     "token exceeds " + std::to_string(options.max_token_bytes) + " bytes");
  }
  const std::string_view alg_name = JwsAlgName(jws.alg);
  if (std::find(options.allowed_algs.begin(), options.allowed_algs.end(), alg_name) ==
      options.allowed_algs.end()) {
    return MakeError(JwtError::kAlgNotAllowed,
                     "algorithm " + std::string(alg_name) + " is not allowed for this issuer");
  }
  Result<const JsonWebKey*> key = FindVerifyingKey(jws, keys);
  if (!key) return key.error();
  Result<system_clock::time_point> expires_at = CheckJwtClaims(jws.claims, options, now);
  if (!expires_at) return expires_at.error();
  VerifiedToken verified;
  verified.claims = jws.claims;
  verified.kid = (*key)->kid.value_or("");
  verified.alg = std::string(alg_name);
  verified.expires_at = *expires_at;
  return verified;
}

}  // namespace gatehouse::authn::jwt
