#include "k8s/exec_credential.h"

#include <cstdio>

#include "common/codec/rfc3339.h"
#include "k8s/k8s_errors.h"
#include "k8s/review_fields.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::k8s {

namespace {

constexpr std::string_view kExecCredentialKind = "ExecCredential";

}  // namespace

Result<ExecInfo> ParseExecInfo(std::string_view env_value) {
  if (env_value.empty()) return ExecInfo{std::string(kClientAuthenticationV1beta1), false};
  Result<value::Value> parsed = value::ParseJson(env_value);
  if (!parsed) return parsed.error();
  const value::Value& body = *parsed;
  if (!body.is_object()) {
    return MakeError(K8sError::kNotAnObject, "KUBERNETES_EXEC_INFO must be a JSON object");
  }
  Result<std::string> api_version = ParseStringField(body, "apiVersion", "apiVersion");
  if (!api_version) return api_version.error();
  if (*api_version != kClientAuthenticationV1 && *api_version != kClientAuthenticationV1beta1) {
    return MakeError(K8sError::kUnknownApiVersion,
                     "unknown apiVersion " + QuoteForMessage(*api_version));
  }
  Result<std::string> kind = ParseStringField(body, "kind", "kind");
  if (!kind) return kind.error();
  if (!kind->empty() && *kind != kExecCredentialKind) {
    return MakeError(K8sError::kUnknownKind, "unknown kind " + QuoteForMessage(*kind));
  }
  ExecInfo info{std::move(*api_version), false};
  Result<const value::Value*> spec = ParseOptionalObject(body, "spec", "spec");
  if (!spec) return spec.error();
  if (*spec != nullptr) {
    const value::Value* interactive = (*spec)->Find("interactive");
    if (interactive != nullptr && !interactive->is_null()) {
      std::optional<bool> flag = interactive->AsBool();
      if (!flag) return InvalidField("spec.interactive", "must be a boolean");
      info.interactive = *flag;
    }
  }
  return info;
}

std::string EncodeExecCredential(const std::string& api_version, const std::string& token,
                                 std::optional<std::chrono::system_clock::time_point> expiry) {
  value::Value out = value::Value::MakeObject();
  out.Set("apiVersion", api_version);
  out.Set("kind", kExecCredentialKind);
  value::Value& status = out.Set("status", value::Value::MakeObject());
  status.Set("token", token);
  if (expiry) status.Set("expirationTimestamp", codec::FormatRfc3339Utc(*expiry));
  return value::ToJson(out);
}

}  // namespace gatehouse::k8s
