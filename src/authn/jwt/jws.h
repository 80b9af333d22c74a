// ParsedJws: a JWS in compact serialization (RFC 7515 §7.1), split, decoded and checked for
// shape, but NOT verified. Nothing in it may be trusted before VerifyJwt() succeeds.
//
// ParseJwsCompact() refuses, with stable Error codes:
//   "jwt_too_large"        token longer than JwsLimits::max_token_bytes
//   "jwt_malformed"        not three parts, bad base64url, header/claims not JSON objects, JSON
//                          deeper than max_json_depth, kid/typ not strings, empty signature
//   "jwt_duplicate_key"    a repeated member name in the header or claims (RFC 7515 §4: a
//                          parser that keeps "the last one" lets two verifiers disagree)
//   "jwt_crit_unsupported" a "crit" header: we understand no extension (RFC 7515 §4.1.11)
//   "jwt_alg_none"         alg "none" in any letter case
//   "jwt_alg_not_allowed"  alg missing, not a string, HMAC (HS*) or otherwise unsupported
// Messages never contain the token. Headers that carry keys or key URLs (jwk, jku, x5u, x5c)
// are ignored: keys come only from the configured issuer's JWKS.
//
// Pure functions; a ParsedJws is a plain value (copyable, shareable read-only across threads).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "authn/jwt/alg.h"
#include "common/result.h"
#include "value/value.h"

namespace gatehouse::authn::jwt {

struct JwsLimits {
  std::size_t max_token_bytes = 16384;
  std::size_t max_json_depth = 20;
};

struct ParsedJws {
  value::Value header;  // JOSE header, an object
  value::Value claims;  // JWT claims set, an object
  JwsAlg alg = JwsAlg::kRS256;
  std::optional<std::string> kid;
  std::optional<std::string> typ;
  std::string signing_input;  // ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
  std::string signature;      // decoded signature bytes
  std::size_t token_bytes = 0;
};

Result<ParsedJws> ParseJwsCompact(std::string_view token, const JwsLimits& limits = {});

// A cheap test for routing a bearer token between OIDC and Keystone: exactly two dots, the
// base64url alphabet only, and a first part that decodes to a JSON object with an "alg" member.
// Never an error; does not validate the rest.
bool LooksLikeJws(std::string_view token);

// The unverified "iss" claim, to choose the issuer whose keys verify the token; nullopt when
// absent or not a string.
std::optional<std::string> PeekIssuer(const ParsedJws& jws);

}  // namespace gatehouse::authn::jwt
