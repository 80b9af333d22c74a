// ExecCredential codec (client.authentication.k8s.io/v1 and v1beta1) for the kubectl credential
// plugin: reads what kubectl passes in KUBERNETES_EXEC_INFO and writes what it expects on stdout.
//
// Pure functions, thread-safe: the caller reads the environment variable and writes stdout.
// Failures are Errors ("invalid_json", "json_too_large", "json_too_deep", "not_an_object",
// "unknown_api_version", "unknown_kind", "invalid_field"); they never contain the token.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::k8s {

inline constexpr std::string_view kClientAuthenticationV1 = "client.authentication.k8s.io/v1";
inline constexpr std::string_view kClientAuthenticationV1beta1 =
    "client.authentication.k8s.io/v1beta1";

struct ExecInfo {
  std::string api_version;   // the version to answer with
  bool interactive = false;  // spec.interactive: stdin is the user's terminal
};

// Parses the value of KUBERNETES_EXEC_INFO. An empty value (variable unset, as with older
// kubectl) gives {v1beta1, false}. Otherwise it must be a JSON object whose apiVersion is
// client.authentication.k8s.io/{v1,v1beta1}, whose kind (if present) is ExecCredential, and
// whose spec.interactive (if present and not null) is a boolean.
Result<ExecInfo> ParseExecInfo(std::string_view env_value);

// The ExecCredential JSON to print (compact, no trailing newline):
// {"apiVersion":…,"kind":"ExecCredential","status":{"token":…,"expirationTimestamp":…}}.
// The timestamp is RFC 3339 UTC with whole seconds (truncated), as metav1.Time marshals it; it
// is left out when `expiry` is nullopt (kubectl then caches the token until a 401).
std::string EncodeExecCredential(const std::string& api_version, const std::string& token,
                                 std::optional<std::chrono::system_clock::time_point> expiry);

}  // namespace gatehouse::k8s
