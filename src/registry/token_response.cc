#include "registry/token_response.h"

#include <algorithm>
#include <cstdio>

#include "common/codec/rfc3339.h"
#include "value/json.h"

namespace gatehouse::registry {
namespace {

// Tokens are base64url and dots: the common case needs no escaping, and a JWT is long enough
// that escaping it byte by byte twice was a tenth of a token request.
void AppendJsonToken(std::string& out, std::string_view token) {
  const bool plain = std::all_of(token.begin(), token.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    value::AppendJsonString(out, token);
    return;
  }
  out += '"';
  out.append(token);
  out += '"';
}

}  // namespace

std::string TokenResponseJson(std::string_view token, std::chrono::seconds expires_in,
                              std::int64_t issued_at_unix) {
  std::string out;
  out.reserve(2 * token.size() + 96);
  out += "{\"token\":";
  AppendJsonToken(out, token);
  out += ",\"access_token\":";
  AppendJsonToken(out, token);
  out += ",\"expires_in\":";
  out += std::to_string(std::max<std::int64_t>(expires_in.count(), 60));
  out += ",\"issued_at\":\"";
  out += codec::FormatRfc3339Utc(issued_at_unix);
  out += "\"}";
  return out;
}

std::string ErrorBodyJson(std::string_view code, std::string_view message) {
  std::string out = "{\"errors\":[{\"code\":";
  value::AppendJsonString(out, code);
  out += ",\"message\":";
  value::AppendJsonString(out, message);
  out += "}]}";
  return out;
}

std::string TokenEndpointChallenge(std::string_view realm) {
  std::string out = "Basic realm=\"";
  for (char c : realm) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += "\", charset=\"UTF-8\"";
  return out;
}

}  // namespace gatehouse::registry
