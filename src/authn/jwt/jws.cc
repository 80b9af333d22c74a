#include "authn/jwt/jws.h"

#include <cctype>
#include <utility>

#include "authn/jwt/jwt_errors.h"
#include "common/codec/base64.h"
#include "value/json.h"
#include "value/value_errors.h"

namespace gatehouse::authn::jwt {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsUrlAlphabet(std::string_view in) {
  return codec::IsBase64Alphabet(in, codec::Base64Alphabet::kUrl);
}

Error Malformed(std::string message) { return MakeError(JwtError::kMalformed, std::move(message)); }

// Decodes and parses one base64url JSON part; `what` names it in errors.
Result<value::Value> ParsePart(std::string_view encoded, std::string_view what,
                               const JwsLimits& limits, std::string& scratch) {
  scratch.clear();
  if (!codec::DecodeBase64UrlTo(encoded, scratch)) {
    return Malformed(std::string(what) + " is not base64url");
  }
  value::JsonLimits json_limits;
  json_limits.max_bytes = limits.max_token_bytes;
  json_limits.max_depth = limits.max_json_depth;
  json_limits.reject_duplicate_keys = true;
  Result<value::Value> parsed = value::ParseJson(scratch, json_limits);
  if (!parsed) {
    if (parsed.error().code == value::ValueError::kDuplicateKey) {
      return MakeError(JwtError::kDuplicateKey, std::string(what) + " repeats a member name");
    }
    return Malformed(std::string(what) + " is not valid JSON (" +
                     std::string(parsed.error().code.wire()) + ")");
  }
  if (!parsed->is_object()) return Malformed(std::string(what) + " is not a JSON object");
  return parsed;
}

Result<std::optional<std::string>> OptionalStringMember(const value::Value& header,
                                                        std::string_view name) {
  const value::Value* member = header.Find(name);
  if (member == nullptr) return std::optional<std::string>();
  const std::string* text = member->AsString();
  if (text == nullptr) return Malformed("header \"" + std::string(name) + "\" is not a string");
  return std::optional<std::string>(*text);
}

}  // namespace

Result<ParsedJws> ParseJwsCompact(std::string_view token, const JwsLimits& limits) {
  if (token.size() > limits.max_token_bytes) {
    return MakeError(JwtError::kTooLarge,
                     "token exceeds " + std::to_string(limits.max_token_bytes) + " bytes");
  }
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return Malformed("not a compact JWS (no '.')");
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return Malformed("not a compact JWS (one '.')");
  if (token.find('.', second + 1) != std::string_view::npos) {
    return Malformed("not a compact JWS (more than three parts; JWE is not supported)");
  }
  const std::string_view header_part = token.substr(0, first);
  const std::string_view payload_part = token.substr(first + 1, second - first - 1);
  const std::string_view signature_part = token.substr(second + 1);

  ParsedJws jws;
  jws.token_bytes = token.size();
  std::string scratch;
  Result<value::Value> header = ParsePart(header_part, "header", limits, scratch);
  if (!header) return header.error();
  jws.header = std::move(*header);

  // alg first: a token with alg "none" or HS* is refused whatever else it says.
  const value::Value* alg = jws.header.Find("alg");
  if (alg == nullptr) return MakeError(JwtError::kAlgNotAllowed, "header has no \"alg\"");
  const std::string* alg_name = alg->AsString();
  if (alg_name == nullptr)
    return MakeError(JwtError::kAlgNotAllowed, "header \"alg\" is not a string");
  if (EqualsIgnoreCase(*alg_name, "none")) {
    return MakeError(JwtError::kAlgNone, "unsecured JWS (alg \"none\") is refused");
  }
  const std::optional<JwsAlg> parsed_alg = FindJwsAlg(*alg_name);
  if (!parsed_alg) {
    return MakeError(JwtError::kAlgNotAllowed,
                     alg_name->size() >= 2 && EqualsIgnoreCase(alg_name->substr(0, 2), "HS")
                         ? "HMAC algorithms are refused"
                         : "unsupported JWS algorithm");
  }
  jws.alg = *parsed_alg;
  if (jws.header.Find("crit") != nullptr) {
    return MakeError(JwtError::kCritUnsupported,
                     "header \"crit\" names extensions we do not support");
  }
  Result<std::optional<std::string>> kid = OptionalStringMember(jws.header, "kid");
  if (!kid) return kid.error();
  jws.kid = std::move(*kid);
  Result<std::optional<std::string>> typ = OptionalStringMember(jws.header, "typ");
  if (!typ) return typ.error();
  jws.typ = std::move(*typ);

  Result<value::Value> claims = ParsePart(payload_part, "claims", limits, scratch);
  if (!claims) return claims.error();
  jws.claims = std::move(*claims);

  if (signature_part.empty()) return Malformed("empty signature");
  if (!codec::DecodeBase64UrlTo(signature_part, jws.signature)) {
    return Malformed("signature is not base64url");
  }
  jws.signing_input.assign(token.data(), second);
  return jws;
}

bool LooksLikeJws(std::string_view token) {
  const std::size_t first = token.find('.');
  // The same JSON bounds as ParseJwsCompact's defaults, so every token it accepts is routed
  // here (an oversized one too, to be refused as jwt_too_large rather than sent to Keystone).
  const JwsLimits limits;
  if (first == std::string_view::npos || first == 0) return false;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return false;
  if (token.find('.', second + 1) != std::string_view::npos) return false;
  if (!IsUrlAlphabet(token.substr(0, first)) ||
      !IsUrlAlphabet(token.substr(first + 1, second - first - 1)) ||
      !IsUrlAlphabet(token.substr(second + 1))) {
    return false;
  }
  std::string header;
  if (!codec::DecodeBase64UrlTo(token.substr(0, first), header)) return false;
  value::JsonLimits json_limits;
  json_limits.max_bytes = limits.max_token_bytes;
  json_limits.max_depth = limits.max_json_depth;
  Result<value::Value> parsed = value::ParseJson(header, json_limits);
  return parsed && parsed->is_object() && parsed->Find("alg") != nullptr;
}

std::optional<std::string> PeekIssuer(const ParsedJws& jws) {
  const value::Value* iss = jws.claims.Find("iss");
  if (iss == nullptr || iss->AsString() == nullptr) return std::nullopt;
  return *iss->AsString();
}

}  // namespace gatehouse::authn::jwt
