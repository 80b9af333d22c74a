// http.send: checked like OPA checks it (unknown and missing request keys are type errors), but
// never sent. The Rego core does no I/O, and a policy that can reach the network is a policy
// that can exfiltrate its input; evaluation therefore gets an eval_builtin_error saying so.
// Policies that call http.send are still testable: `with http.send as mock` replaces it.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

constexpr std::string_view kName = "http.send";

// OPA's accepted request keys (topdown/http.go).
constexpr std::array<std::string_view, 28> kAllowedKeys = {
    "body",
    "cache",
    "cache_ignored_headers",
    "caching_mode",
    "enable_redirect",
    "force_cache",
    "force_cache_duration_seconds",
    "force_json_decode",
    "force_yaml_decode",
    "headers",
    "max_retry_attempts",
    "method",
    "raise_error",
    "raw_body",
    "timeout",
    "tls_ca_cert",
    "tls_ca_cert_env_variable",
    "tls_ca_cert_file",
    "tls_client_cert",
    "tls_client_cert_env_variable",
    "tls_client_cert_file",
    "tls_client_key",
    "tls_client_key_env_variable",
    "tls_client_key_file",
    "tls_insecure_skip_verify",
    "tls_server_name",
    "tls_use_system_certs",
    "url",
};

std::string NameSet(const std::vector<std::string>& names) {
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + names[i] + "\"";
  }
  return out + "}";
}

BuiltinResult Send(BuiltinContext&, std::span<const Value> args) {
  const Value& request = args[0];
  if (!request.is_object()) return OperandTypeError(kName, 1, "object", request);
  std::vector<std::string> invalid;
  for (const auto& [key, value] : request.Members()) {
    const std::string_view name = key.AsString();
    if (!key.is_string() ||
        std::find(kAllowedKeys.begin(), kAllowedKeys.end(), name) == kAllowedKeys.end()) {
      invalid.push_back(key.is_string() ? std::string(name) : ToRegoText(key));
    }
  }
  if (!invalid.empty()) {
    return MakeError(RegoError::kEvalType,
                     std::string(kName) + ": invalid request parameters(s): " + NameSet(invalid));
  }
  std::vector<std::string> missing;
  for (const char* required : {"method", "url"}) {
    if (request.Find(required) == nullptr) missing.push_back(required);
  }
  if (!missing.empty()) {
    return MakeError(
        RegoError::kEvalType,
        std::string(kName) + ": missing required request parameters(s): " + NameSet(missing));
  }
  return BuiltinError(kName, "network access from policies is disabled in gatehouse");
}

}  // namespace

void RegisterHttpBuiltins(BuiltinRegistry& r) {
  r.Add(Builtin{.name = std::string(kName), .params = {kTObject}, .result = kTObject, .fn = Send});
}

}  // namespace gatehouse::rego
