#include "adapters/registry/basic_auth.h"

#include <cctype>
#include <optional>

#include "adapters/registry/registry_service_errors.h"
#include "common/codec/base64.h"

namespace gatehouse::adapters::registry_service {
namespace {

Error Invalid(std::string why) {
  return MakeError(RegistryServiceError::kInvalidAuthorization, std::move(why));
}

bool StartsWithScheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
  }
  return true;
}

bool HasControl(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Credentials> ParseAuthorization(const std::string* header) {
  Credentials credentials;
  if (header == nullptr) return credentials;
  if (header->size() > kMaxAuthorizationBytes) {
    return Invalid("the Authorization header is too long");
  }
  if (StartsWithScheme(*header, "basic")) {
    const std::string_view encoded = TrimSpaces(std::string_view(*header).substr(6));
    std::optional<std::string> decoded = codec::DecodeBase64Strict(encoded);
    if (!decoded) return Invalid("the Basic credentials are not valid base64");
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos) return Invalid("the Basic credentials lack a ':'");
    credentials.kind = Credentials::Kind::kBasic;
    credentials.username = decoded->substr(0, colon);
    credentials.password = decoded->substr(colon + 1);
    if (HasControl(credentials.username) || HasControl(credentials.password)) {
      return Invalid("the Basic credentials hold control characters");
    }
    if (credentials.username.empty()) return Invalid("the Basic user name is empty");
    return credentials;
  }
  if (StartsWithScheme(*header, "bearer")) {
    const std::string_view token = TrimSpaces(std::string_view(*header).substr(7));
    if (token.empty() || HasControl(token) || token.find(' ') != std::string_view::npos) {
      return Invalid("the Bearer token is malformed");
    }
    credentials.kind = Credentials::Kind::kBearer;
    credentials.token = std::string(token);
    return credentials;
  }
  return Invalid("the Authorization scheme is not Basic or Bearer");
}

Result<std::string> DecodeFormComponent(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size())
        return MakeError(RegistryServiceError::kInvalidForm, "truncated percent escape");
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0)
        return MakeError(RegistryServiceError::kInvalidForm, "malformed percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace gatehouse::adapters::registry_service
