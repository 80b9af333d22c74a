// Fuzzes the JWT path as the OIDC authenticator runs it: LooksLikeJws → ParseJwsCompact →
// VerifyJwt against a fixed JWKS (RSA, EC P-256, Ed25519), and CheckJwtClaims on whatever claims
// parse, since a mutated token rarely keeps a valid signature. Any input must give a value or an
// Error with a known code, never a crash; a verified token must satisfy the options; no error
// message may repeat the token's signature.
//
// The seed corpus (fuzz/corpus/jws/) holds tokens validly signed by the private halves of
// kJwks (generated once; the private keys were not kept).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "authn/jwt/jwk.h"
#include "authn/jwt/jws.h"
#include "authn/jwt/jwt_errors.h"
#include "authn/jwt/verifier.h"

namespace {

namespace jwt = gatehouse::authn::jwt;

constexpr std::string_view kJwks =
    R"json({"keys":[{"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","n":"n1MtYj_JF4QPu-1PoXcsHx_bx9Q6gk5PR3tpz2HyW4Ei1NdLcfgmMl3AZfuVyxXjF3XJSvMPW2GSDhOcFoo3f4Clq5mw5jVHUXyCYESF9VC5WInrEb5CRCH32EEHHQGHOooQaYgcg-iRfSQNhoW30ZZrGoi9AwOPKgLIIU7hukMXHvByatRoQSWG4ibX2dyslcu5sEceJLcHWGS4yy9sylvfWauplALULNVwxCMdzJ1WIyCnHbIG24NiezFsEmTxE4_E7jGcSM_p1g42XcMIMGUJU-FJf0iCjsRNMmfl52Qim2TA60puWCAVQa0E3TdcpRRaj9KaA0X8MerbvEQQ9w","e":"AQAB"},{"kty":"RSA","kid":"rsa-ps","n":"n1MtYj_JF4QPu-1PoXcsHx_bx9Q6gk5PR3tpz2HyW4Ei1NdLcfgmMl3AZfuVyxXjF3XJSvMPW2GSDhOcFoo3f4Clq5mw5jVHUXyCYESF9VC5WInrEb5CRCH32EEHHQGHOooQaYgcg-iRfSQNhoW30ZZrGoi9AwOPKgLIIU7hukMXHvByatRoQSWG4ibX2dyslcu5sEceJLcHWGS4yy9sylvfWauplALULNVwxCMdzJ1WIyCnHbIG24NiezFsEmTxE4_E7jGcSM_p1g42XcMIMGUJU-FJf0iCjsRNMmfl52Qim2TA60puWCAVQa0E3TdcpRRaj9KaA0X8MerbvEQQ9w","e":"AQAB"},{"kty":"EC","kid":"ec-1","crv":"P-256","x":"sZMg1-9mMBYgm7Akq0M2az4bobEhVnPW8lov2KLDaYg","y":"HDqPZmxxkXPDHO4cIUujhHH-rClUr4kDZTxyzXD5ilA"},{"kty":"OKP","kid":"ed-1","crv":"Ed25519","x":"Ooej4encwFz6HF06HH5A3F_8vhM_VwXwfSlk9FSVWh0"}]})json";

constexpr std::array<jwt::JwtError, 17> kKnownCodes = {jwt::JwtError::kMalformed,
                                                       jwt::JwtError::kAlgNone,
                                                       jwt::JwtError::kAlgNotAllowed,
                                                       jwt::JwtError::kUnknownKid,
                                                       jwt::JwtError::kKeyMismatch,
                                                       jwt::JwtError::kBadSignature,
                                                       jwt::JwtError::kExpired,
                                                       jwt::JwtError::kNotYetValid,
                                                       jwt::JwtError::kIssuedInFuture,
                                                       jwt::JwtError::kIssuerMismatch,
                                                       jwt::JwtError::kAudienceNotAllowed,
                                                       jwt::JwtError::kAzpMismatch,
                                                       jwt::JwtError::kMissingClaim,
                                                       jwt::JwtError::kRequiredClaimMismatch,
                                                       jwt::JwtError::kTooLarge,
                                                       jwt::JwtError::kDuplicateKey,
                                                       jwt::JwtError::kCritUnsupported};

const jwt::JsonWebKeySet& Keys() {
  static const jwt::JsonWebKeySet keys = [] {
    gatehouse::Result<jwt::JsonWebKeySet> parsed = jwt::ParseJwks(kJwks);
    if (!parsed || parsed->keys.size() != 4) std::abort();
    return std::move(*parsed);
  }();
  return keys;
}

const jwt::VerifyOptions& Options() {
  static const jwt::VerifyOptions options = [] {
    jwt::VerifyOptions o;
    o.issuer = "https://issuer.example";
    o.audiences = {"kubernetes"};
    o.allowed_algs = {"RS256", "PS256", "ES256", "EdDSA"};
    o.required_claims = {{"groups", "dev"}};
    return o;
  }();
  return options;
}

// Every message the parser, the verifier and the claims check give for `token`.
std::string MessagesFor(std::string_view token) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
  gatehouse::Result<jwt::ParsedJws> parsed = jwt::ParseJwsCompact(token);
  if (!parsed) return parsed.error().message;
  std::string messages;
  gatehouse::Result<jwt::VerifiedToken> verified = jwt::VerifyJwt(*parsed, Keys(), Options(), now);
  if (!verified) messages += verified.error().message + "\n";
  gatehouse::Result<std::chrono::system_clock::time_point> claims =
      jwt::CheckJwtClaims(parsed->claims, Options(), now);
  if (!claims) messages += claims.error().message;
  return messages;
}

void CheckError(const gatehouse::Error& error, std::string_view token) {
  if (std::find(kKnownCodes.begin(), kKnownCodes.end(), error.code) == kKnownCodes.end()) {
    std::abort();
  }
  // The signature must never be echoed. A message holding the signature's text only counts
  // when it follows the signature: the fuzzer also builds signatures out of the messages' own
  // words ("invalid_json"), which the message for another signature holds just the same.
  const std::size_t dot = token.rfind('.');
  if (dot == std::string_view::npos || token.size() - dot <= 12) return;
  const std::string_view signature = token.substr(dot + 1);
  if (error.message.find(signature) == std::string::npos) return;
  std::string other(token.substr(0, dot + 1));
  other.append(signature.size(), signature.front() == 'Q' ? 'R' : 'Q');
  if (MessagesFor(other).find(signature) == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  const bool looks_like_jws = jwt::LooksLikeJws(token);
  gatehouse::Result<jwt::ParsedJws> parsed = jwt::ParseJwsCompact(token);
  if (!parsed) {
    CheckError(parsed.error(), token);
    return 0;
  }
  if (!looks_like_jws) std::abort();  // everything that parses must be routed to OIDC
  (void)jwt::PeekIssuer(*parsed);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
  gatehouse::Result<jwt::VerifiedToken> verified = jwt::VerifyJwt(*parsed, Keys(), Options(), now);
  if (verified) {
    const gatehouse::value::Value* iss = verified->claims.Find("iss");
    if (iss == nullptr || iss->AsString() == nullptr || *iss->AsString() != Options().issuer ||
        !verified->expires_at || *verified->expires_at <= now - Options().clock_skew) {
      std::abort();
    }
  } else {
    CheckError(verified.error(), token);
  }
  gatehouse::Result<std::chrono::system_clock::time_point> claims =
      jwt::CheckJwtClaims(parsed->claims, Options(), now);
  if (!claims) CheckError(claims.error(), token);
  return 0;
}
