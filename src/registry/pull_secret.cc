#include "registry/pull_secret.h"

#include <algorithm>
#include <string_view>

#include "common/codec/base64.h"
#include "registry/registry_errors.h"
#include "value/json.h"

namespace gatehouse::registry {
namespace {

Error Invalid(std::string message) {
  return MakeError(RegistryError::kInvalidPullSecret, std::move(message));
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsDnsLabel(std::string_view label, bool allow_upper) {
  auto alnum = [&](char c) { return IsLowerAlnum(c) || (allow_upper && c >= 'A' && c <= 'Z'); };
  return !label.empty() && label.size() <= 63 && alnum(label.front()) && alnum(label.back()) &&
         std::all_of(label.begin(), label.end(), [&](char c) { return alnum(c) || c == '-'; });
}

bool IsDnsSubdomain(std::string_view name, bool allow_upper) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    if (!IsDnsLabel(name.substr(start, dot == std::string_view::npos ? dot : dot - start),
                    allow_upper)) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsServer(std::string_view server) {
  std::string_view host = server;
  if (auto colon = server.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = server.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit) ||
        std::stoul(std::string(port)) > 65535) {
      return false;
    }
    host = server.substr(0, colon);
  }
  return IsDnsSubdomain(host, /*allow_upper=*/true);  // IPv4 literals pass as digit labels
}

bool IsPrintable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

Status Validate(const PullSecretSpec& spec) {
  if (!IsDnsSubdomain(spec.name, false)) {
    return Invalid("the Secret name must be a DNS-1123 subdomain (lower-case, at most 253)");
  }
  if (!IsDnsLabel(spec.namespace_, false)) {
    return Invalid("the namespace must be a DNS-1123 label (lower-case, at most 63)");
  }
  if (!IsServer(spec.server)) {
    return Invalid("the server must be host[:port] without scheme or path");
  }
  if (spec.username.empty() || spec.username.size() > 255 || !IsPrintable(spec.username) ||
      spec.username.find(':') != std::string::npos) {
    return Invalid("the username must be 1..255 printable characters without ':'");
  }
  if (spec.secret.empty() || spec.secret.size() > 1024 || !IsPrintable(spec.secret)) {
    return Invalid("the secret must be 1..1024 printable ASCII characters");
  }
  return Ok();
}

}  // namespace

Result<std::string> BuildDockerConfigJson(const PullSecretSpec& spec) {
  if (Status s = Validate(spec); !s) return s.error();
  std::string out = "{\"auths\":{";
  value::AppendJsonString(out, spec.server);
  out += ":{\"username\":";
  value::AppendJsonString(out, spec.username);
  out += ",\"password\":";
  value::AppendJsonString(out, spec.secret);
  out += ",\"auth\":";
  value::AppendJsonString(out, codec::EncodeBase64(spec.username + ":" + spec.secret));
  out += "}}}";
  return out;
}

Result<std::string> BuildPullSecretYaml(const PullSecretSpec& spec) {
  Result<std::string> config = BuildDockerConfigJson(spec);
  if (!config) return config.error();
  // Quoted although they are DNS names: "123", "true" or "null" would be other YAML types.
  std::string out = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ";
  value::AppendJsonString(out, spec.name);
  out += "\n  namespace: ";
  value::AppendJsonString(out, spec.namespace_);
  out += "\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ";
  out += codec::EncodeBase64(*config);
  out += '\n';
  return out;
}

}  // namespace gatehouse::registry
