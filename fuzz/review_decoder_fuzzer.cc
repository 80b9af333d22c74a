// Fuzzes the webhook review path as the server runs it: JSON body (with the server's limits) →
// ClassifyReview → the matching decoder → encoder → JSON text; and the same bytes as
// KUBERNETES_EXEC_INFO. Any input must give a value or an Error, never a crash; a decoded
// request must re-encode without echoing its token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "k8s/decision.h"
#include "k8s/exec_credential.h"
#include "k8s/review.h"
#include "k8s/subject_access_review.h"
#include "k8s/token_review.h"
#include "value/json.h"

namespace {

using gatehouse::Result;
namespace k8s = gatehouse::k8s;
namespace value = gatehouse::value;

value::JsonLimits Limits(std::size_t max_bytes, std::size_t max_depth) {
  value::JsonLimits limits;
  limits.max_bytes = max_bytes;
  limits.max_depth = max_depth;
  return limits;
}

void CheckTokenReview(const value::Value& body) {
  Result<k8s::TokenReviewRequest> request = k8s::DecodeTokenReview(body);
  if (!request) return;
  k8s::TokenReviewStatus status;
  status.authenticated = true;
  status.user.username = "fuzz";
  status.user.groups = request->audiences;
  status.user.extra = k8s::Extra{{"k", request->audiences}};
  status.audiences = request->audiences;
  const std::string json = value::ToJson(k8s::EncodeTokenReviewResponse(*request, status));
  // The token may legitimately appear inside metadata or audiences; spec must never.
  Result<value::Value> reparsed = value::ParseJson(json, Limits(1 << 24, 80));
  if (!reparsed || reparsed->Find("spec") != nullptr) std::abort();
}

void CheckSubjectAccessReview(const value::Value& body) {
  Result<k8s::SubjectAccessReviewRequest> request = k8s::DecodeSubjectAccessReview(body);
  if (!request) return;
  const k8s::Decision decisions[] = {k8s::Decision::Allow("a"), k8s::Decision::Deny("d"),
                                     k8s::Decision::NoOpinion("")};
  for (const k8s::Decision& decision : decisions) {
    const std::string json =
        value::ToJson(k8s::EncodeSubjectAccessReviewResponse(*request, decision));
    Result<value::Value> reparsed = value::ParseJson(json, Limits(1 << 24, 80));
    if (!reparsed || reparsed->Find("spec") != nullptr) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<k8s::ExecInfo> exec_info = k8s::ParseExecInfo(text);
  if (exec_info) (void)k8s::EncodeExecCredential(exec_info->api_version, "t", std::nullopt);

  // The webhook server's limits (common/limits.h defaults).
  Result<value::Value> body = value::ParseJson(text, Limits(1 << 20, 64));
  if (!body) return 0;
  Result<k8s::ReviewKind> kind = k8s::ClassifyReview(*body);
  if (!kind) return 0;
  if (*kind == k8s::ReviewKind::kTokenReview) {
    CheckTokenReview(*body);
  } else {
    CheckSubjectAccessReview(*body);
  }
  return 0;
}
