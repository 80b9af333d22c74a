// io.jwt.decode, io.jwt.decode_verify, io.jwt.verify_*, io.jwt.encode_sign(_raw), following
// OPA's topdown/tokens.go behaviour and messages.
#include <cctype>
#include <cmath>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "common/codec/base64.h"
#include "common/codec/hex.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/go_json.h"
#include "rego/builtins/jose.h"
#include "value/json.h"

namespace gatehouse::rego::builtins {
namespace {

struct JwtParts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
};

Result<JwtParts> SplitJwt(std::string_view name, std::string_view token) {
  if (token.find('.') == std::string_view::npos) {
    return BuiltinError(name, "encoded JWT had no period separators");
  }
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? token.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3) {
    return BuiltinError(name,
                        "encoded JWT must have 3 sections, found " + std::to_string(parts.size()));
  }
  return JwtParts{parts[0], parts[1], parts[2]};
}

// Base64url with or without padding, as OPA's decoder accepts.
Result<std::string> DecodeSegment(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return codec::DecodeBase64Go(text, codec::Base64Alphabet::kUrl, codec::Base64Padding::kRaw);
}

struct DecodedJwt {
  JwtParts parts;
  Value header;  // object
  std::string payload_bytes;
  std::string signature;
};

Result<DecodedJwt> DecodeHeaderAndSignature(std::string_view name, std::string_view token) {
  auto parts = SplitJwt(name, token);
  if (!parts) return parts.error();
  DecodedJwt out;
  out.parts = *parts;
  auto header = DecodeSegment(parts->header);
  if (!header)
    return BuiltinError(name, "JWT header had invalid encoding: " + header.error().message);
  auto header_value = ParseJsonText(*header);
  if (!header_value || !header_value->is_object()) {
    return BuiltinError(name, "JWT header could not be unmarshaled");
  }
  out.header = std::move(*header_value);
  auto payload = DecodeSegment(parts->payload);
  if (!payload)
    return BuiltinError(name, "JWT payload had invalid encoding: " + payload.error().message);
  out.payload_bytes = std::move(*payload);
  auto signature = DecodeSegment(parts->signature);
  if (!signature) {
    return BuiltinError(name, "JWT signature had invalid encoding: " + signature.error().message);
  }
  out.signature = std::move(*signature);
  return out;
}

std::string HeaderString(const Value& header, std::string_view key) {
  const Value* v = header.Find(key);
  return v != nullptr && v->is_string() ? std::string(v->AsString()) : std::string();
}

bool IsNestedJwt(const Value& header) {
  std::string cty = HeaderString(header, "cty");
  for (auto& c : cty) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return cty == "JWT";
}

// The inner token of a nested JWT: the payload is the token, possibly as a JSON string.
std::string InnerToken(const std::string& payload) {
  if (!payload.empty() && payload.front() == '"') {
    auto v = ParseJsonText(payload);
    if (v && v->is_string()) return std::string(v->AsString());
  }
  return payload;
}

BuiltinResult Decode(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "io.jwt.decode";
  auto token = StringArg(kName, args, 1);
  if (!token) return token.error();
  std::string current(*token);
  for (int depth = 0; depth < 16; ++depth) {
    auto jwt = DecodeHeaderAndSignature(kName, current);
    if (!jwt) return jwt.error();
    if (jwt->header.Find("enc") != nullptr) {
      return BuiltinError(kName, "JWT is a JWE object, which is not supported");
    }
    if (IsNestedJwt(jwt->header)) {
      current = InnerToken(jwt->payload_bytes);
      continue;
    }
    auto payload = ParseJsonText(jwt->payload_bytes);
    if (!payload || !payload->is_object()) {
      return BuiltinError(kName, "JWT payload could not be unmarshaled");
    }
    return Return(Value::Array(
        {jwt->header, std::move(*payload), Value::String(codec::EncodeHex(jwt->signature))}));
  }
  return BuiltinError(kName, "JWT nesting is too deep");
}

// io.jwt.verify_*: `alg` fixes the algorithm whatever the token header says.
BuiltinResult VerifyWithKeys(std::string_view name, std::string_view alg,
                             std::span<const Value> args) {
  auto token = StringArg(name, args, 1);
  if (!token) return token.error();
  auto key_text = StringArg(name, args, 2);
  if (!key_text) return key_text.error();
  auto parts = SplitJwt(name, *token);
  if (!parts) return parts.error();
  std::vector<JoseKey> keys;
  if (alg.starts_with("HS")) {
    keys.push_back(JoseKey{nullptr, std::string(*key_text), "", ""});
  } else {
    auto parsed = ParseVerificationKeys(*key_text);
    if (!parsed) return BuiltinError(name, parsed.error().message);
    keys = std::move(*parsed);
  }
  auto jwt = DecodeHeaderAndSignature(name, *token);
  if (!jwt) return jwt.error();
  const std::string signing_input = std::string(parts->header) + "." + std::string(parts->payload);
  const std::string kid = HeaderString(jwt->header, "kid");
  const std::string header_alg = HeaderString(jwt->header, "alg");
  if (!kid.empty()) {
    for (const auto& key : keys) {
      if (key.kid == kid)
        return Return(Value::Bool(VerifyJose(alg, key, signing_input, jwt->signature)));
    }
  }
  for (const auto& key : keys) {
    if (!key.alg.empty() && key.alg != header_alg) continue;
    if (VerifyJose(alg, key, signing_input, jwt->signature)) return Return(Value::Bool(true));
  }
  return Return(Value::Bool(false));
}

constexpr const char* kVerifyNames[][2] = {
    {"io.jwt.verify_rs256", "RS256"}, {"io.jwt.verify_rs384", "RS384"},
    {"io.jwt.verify_rs512", "RS512"}, {"io.jwt.verify_ps256", "PS256"},
    {"io.jwt.verify_ps384", "PS384"}, {"io.jwt.verify_ps512", "PS512"},
    {"io.jwt.verify_es256", "ES256"}, {"io.jwt.verify_es384", "ES384"},
    {"io.jwt.verify_es512", "ES512"}, {"io.jwt.verify_eddsa", "EdDSA"},
    {"io.jwt.verify_hs256", "HS256"}, {"io.jwt.verify_hs384", "HS384"},
    {"io.jwt.verify_hs512", "HS512"}};

template <std::size_t kIndex>
BuiltinResult VerifyBuiltin(BuiltinContext&, std::span<const Value> args) {
  return VerifyWithKeys(kVerifyNames[kIndex][0], kVerifyNames[kIndex][1], args);
}

template <std::size_t... kIs>
void RegisterVerifiers(BuiltinRegistry& r, std::index_sequence<kIs...>) {
  (Add(r, kVerifyNames[kIs][0], {kTString, kTString}, kTBool, VerifyBuiltin<kIs>), ...);
}

struct Constraints {
  std::vector<JoseKey> keys;
  bool has_keys = false;
  std::string secret;
  bool has_secret = false;
  std::string alg;
  std::string iss;
  std::optional<std::string> aud;
  double time_ns = 0;
};

Result<Constraints> ParseConstraints(std::string_view name, const BuiltinContext& ctx,
                                     const Value& v) {
  if (!v.is_object()) return OperandTypeError(name, 2, "object", v);
  Constraints c;
  c.time_ns = static_cast<double>(ctx.now_ns);
  for (const Member& member : v.Members()) {
    const Value& k = member.first;
    const Value& val = member.second;  // a plain reference: clang-14 cannot capture bindings
    const std::string key = k.is_string() ? std::string(k.AsString()) : ToRegoText(k);
    auto str = [&]() -> Result<std::string> {
      if (!val.is_string()) {
        return BuiltinError(name, "token constraint " + key + " must be a string");
      }
      return std::string(val.AsString());
    };
    if (key == "cert") {
      auto s = str();
      if (!s) return s.error();
      auto keys = ParseVerificationKeys(*s);
      if (!keys) return BuiltinError(name, keys.error().message);
      c.keys = std::move(*keys);
      c.has_keys = true;
    } else if (key == "secret") {
      auto s = str();
      if (!s) return s.error();
      c.secret = std::move(*s);
      c.has_secret = true;
    } else if (key == "alg" || key == "iss" || key == "aud") {
      auto s = str();
      if (!s) return s.error();
      if (key == "alg") c.alg = std::move(*s);
      if (key == "iss") c.iss = std::move(*s);
      if (key == "aud") c.aud = std::move(*s);
    } else if (key == "time") {
      if (!val.is_number()) return BuiltinError(name, "token constraint time must be a number");
      c.time_ns = *val.AsDouble();
    } else {
      return BuiltinError(name, "unknown token validation constraint: " + key);
    }
  }
  if (c.has_keys == c.has_secret) {
    return BuiltinError(name, "exactly one of the 'cert' and 'secret' constraints is required");
  }
  return c;
}

bool VerifyWithConstraints(const Constraints& c, const std::string& alg, const std::string& kid,
                           std::string_view signing_input, std::string_view signature) {
  if (c.has_keys) {
    if (!kid.empty()) {
      for (const auto& key : c.keys) {
        if (key.kid == kid) return VerifyJose(alg, key, signing_input, signature);
      }
    }
    for (const auto& key : c.keys) {
      if (!key.alg.empty() && key.alg != alg) continue;
      if (VerifyJose(alg, key, signing_input, signature)) return true;
    }
    return false;
  }
  if (!alg.starts_with("HS")) return false;
  return VerifyJose(alg, JoseKey{nullptr, c.secret, "", ""}, signing_input, signature);
}

bool ValidAudience(const Constraints& c, const Value& aud) {
  if (!c.aud) return false;
  if (aud.is_string()) return aud.AsString() == *c.aud;
  if (aud.is_array()) {
    for (const auto& a : aud.Items()) {
      if (a.is_string() && a.AsString() == *c.aud) return true;
    }
  }
  return false;
}

BuiltinResult DecodeVerify(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "io.jwt.decode_verify";
  auto token = StringArg(kName, args, 1);
  if (!token) return token.error();
  auto c = ParseConstraints(kName, ctx, args[1]);
  if (!c) return c.error();
  const Value unverified =
      Value::Array({Value::Bool(false), Value::EmptyObject(), Value::EmptyObject()});
  std::string current(*token);
  for (int depth = 0; depth < 16; ++depth) {
    auto jwt = DecodeHeaderAndSignature(kName, current);
    if (!jwt) return jwt.error();
    const std::string alg = HeaderString(jwt->header, "alg");
    if (alg.empty() || !IsKnownJwsAlg(alg)) return Return(unverified);
    // RFC 7515 §4.1.11: we understand no critical extension.
    if (const Value* crit = jwt->header.Find("crit"); crit != nullptr && crit->size() > 0) {
      return Return(unverified);
    }
    if (!c->alg.empty() && c->alg != alg) return Return(unverified);
    const std::string signing_input =
        std::string(jwt->parts.header) + "." + std::string(jwt->parts.payload);
    if (!VerifyWithConstraints(*c, alg, HeaderString(jwt->header, "kid"), signing_input,
                               jwt->signature)) {
      return Return(unverified);
    }
    if (IsNestedJwt(jwt->header)) {
      current = InnerToken(jwt->payload_bytes);
      continue;
    }
    auto payload = ParseJsonText(jwt->payload_bytes);
    if (!payload || !payload->is_object()) {
      return BuiltinError(kName, "JWT payload could not be unmarshaled");
    }
    const double now_s = c->time_ns / 1e9;
    if (const Value* exp = payload->Find("exp")) {
      if (!exp->is_number()) return BuiltinError(kName, "exp value must be a number");
      if (!(now_s < *exp->AsDouble())) return Return(unverified);
    }
    if (const Value* nbf = payload->Find("nbf")) {
      if (!nbf->is_number()) return BuiltinError(kName, "nbf value must be a number");
      if (now_s < *nbf->AsDouble()) return Return(unverified);
    }
    if (!c->iss.empty()) {
      const Value* iss = payload->Find("iss");
      if (iss == nullptr || !iss->is_string() || iss->AsString() != c->iss)
        return Return(unverified);
    }
    if (const Value* aud = payload->Find("aud")) {
      if (!ValidAudience(*c, *aud)) return Return(unverified);
    } else if (c->aud) {
      return Return(unverified);
    }
    return Return(Value::Array({Value::Bool(true), jwt->header, std::move(*payload)}));
  }
  return BuiltinError(kName, "JWT nesting is too deep");
}

Result<std::string> EncodeSignRaw(std::string_view name, std::string_view header,
                                  std::string_view payload, std::string_view key_text) {
  auto keys = ParseJwkText(key_text);
  if (!keys || keys->empty()) {
    return BuiltinError(
        name, "failed to parse the JWK: " + (keys ? std::string("no keys") : keys.error().message));
  }
  if (header.empty()) {
    return BuiltinError(name,
                        "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty "
                        "string");
  }
  auto header_json = value::ParseJson(header);
  if (!header_json || !header_json->is_object()) {
    if (header.find("\"alg\"") == std::string_view::npos) {
      return BuiltinError(name, "missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
    }
    return BuiltinError(name, "missing or invalid 'alg' header: cannot parse JSON");
  }
  const value::Value* alg_v = header_json->Find("alg");
  if (alg_v == nullptr || alg_v->AsString() == nullptr) {
    return BuiltinError(name, "missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
  }
  const std::string alg = *alg_v->AsString();
  if (!IsKnownJwsAlg(alg)) return BuiltinError(name, "unknown JWS algorithm: " + alg);
  const value::Value* typ = header_json->Find("typ");
  const bool is_jwt = typ == nullptr || (typ->AsString() != nullptr &&
                                         (typ->AsString()->empty() || *typ->AsString() == "JWT"));
  if (is_jwt && !value::ParseJson(payload).has_value()) {
    return BuiltinError(name, "type is JWT but payload is not JSON");
  }
  std::string signing_input =
      codec::EncodeBase64Url(header) + "." + codec::EncodeBase64Url(payload);
  auto sig = SignJose(alg, keys->front(), signing_input);
  if (!sig) return BuiltinError(name, sig.error().message);
  return signing_input + "." + codec::EncodeBase64Url(*sig);
}

BuiltinResult EncodeSignRawBuiltin(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "io.jwt.encode_sign_raw";
  auto header = StringArg(kName, args, 1);
  if (!header) return header.error();
  auto payload = StringArg(kName, args, 2);
  if (!payload) return payload.error();
  auto key = StringArg(kName, args, 3);
  if (!key) return key.error();
  auto out = EncodeSignRaw(kName, *header, *payload, *key);
  if (!out) return out.error();
  return Return(Value::String(std::move(*out)));
}

BuiltinResult EncodeSignBuiltin(BuiltinContext&, std::span<const Value> args) {
  constexpr std::string_view kName = "io.jwt.encode_sign";
  for (int i = 0; i < 3; ++i) {
    if (!args[static_cast<std::size_t>(i)].is_object()) {
      return OperandTypeError(kName, i + 1, "object", args[static_cast<std::size_t>(i)]);
    }
  }
  auto out = EncodeSignRaw(kName, GoJson(args[0]), GoJson(args[1]), GoJson(args[2]));
  if (!out) return out.error();
  return Return(Value::String(std::move(*out)));
}

}  // namespace
}  // namespace gatehouse::rego::builtins

namespace gatehouse::rego {

void RegisterIoJwtBuiltins(BuiltinRegistry& r) {
  using namespace builtins;  // NOLINT: the builtins defined above
  Add(r, "io.jwt.decode", {kTString}, kTArray, Decode);
  Add(r, "io.jwt.decode_verify", {kTString, kTObject}, kTArray, DecodeVerify);
  Add(r, "io.jwt.encode_sign_raw", {kTString, kTString, kTString}, kTString, EncodeSignRawBuiltin);
  Add(r, "io.jwt.encode_sign", {kTObject, kTObject, kTObject}, kTString, EncodeSignBuiltin);
  RegisterVerifiers(r, std::make_index_sequence<std::size(kVerifyNames)>());
}

}  // namespace gatehouse::rego
