#include "k8s/admission_review.h"

#include "k8s/k8s_errors.h"

namespace gatehouse::k8s {
namespace {

constexpr std::size_t kMaxEcho = 64;

// A caller-supplied string quoted for an error message, escaped and truncated.
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, kMaxEcho)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (s.size() > kMaxEcho) out += "...";
  return out + "\"";
}

}  // namespace

Result<AdmissionReviewRequest> DecodeAdmissionReview(value::Value body) {
  if (!body.is_object()) return MakeError(K8sError::kNotAnObject, "body is not a JSON object");
  const value::Value* api_version = body.Find("apiVersion");
  if (api_version == nullptr) {
    return MakeError(K8sError::kMissingApiVersion, "apiVersion is missing");
  }
  if (!api_version->is_string()) {
    return MakeError(K8sError::kInvalidField, "apiVersion must be a string");
  }
  const value::Value* kind = body.Find("kind");
  if (kind == nullptr) return MakeError(K8sError::kMissingKind, "kind is missing");
  if (!kind->is_string()) return MakeError(K8sError::kInvalidField, "kind must be a string");
  if (*api_version->AsString() != kAdmissionV1 && *api_version->AsString() != kAdmissionV1beta1) {
    return MakeError(K8sError::kUnknownApiVersion,
                     "unknown apiVersion " + Quoted(*api_version->AsString()));
  }
  if (*kind->AsString() != "AdmissionReview") {
    return MakeError(K8sError::kUnknownKind,
                     "unknown kind " + Quoted(*kind->AsString()) + " (expected AdmissionReview)");
  }
  AdmissionReviewRequest out;
  out.api_version = *api_version->AsString();
  value::Value* request = body.FindMutable("request");
  if (request == nullptr || !request->is_object()) {
    return MakeError(K8sError::kInvalidField, "request must be an object");
  }
  const value::Value* uid = request->Find("uid");
  if (uid == nullptr || !uid->is_string()) {
    return MakeError(K8sError::kInvalidField, "request.uid must be a string");
  }
  out.uid = *uid->AsString();
  out.request = std::move(*request);
  return out;
}

value::Value EncodeAdmissionReviewResponse(const AdmissionReviewRequest& request,
                                           const AdmissionVerdict& verdict) {
  value::Value status = value::Value::MakeObject();
  status.Set("metadata", value::Value::MakeObject());
  if (!verdict.message.empty()) status.Set("message", verdict.message);
  if (!verdict.reason.empty()) status.Set("reason", verdict.reason);
  status.Set("code", verdict.code);
  value::Value response = value::Value::MakeObject();
  response.Set("uid", request.uid);
  response.Set("allowed", verdict.allowed);
  response.Set("status", std::move(status));
  if (!verdict.warnings.empty()) {
    value::Value warnings = value::Value::MakeArray();
    for (const std::string& w : verdict.warnings) warnings.Append(w);
    response.Set("warnings", std::move(warnings));
  }
  value::Value out = value::Value::MakeObject();
  out.Set("kind", "AdmissionReview");
  out.Set("apiVersion", request.api_version);
  out.Set("response", std::move(response));
  return out;
}

}  // namespace gatehouse::k8s
