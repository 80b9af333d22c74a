// AdmissionReview codec (admission.k8s.io/v1 and v1beta1): the request the API server sends to a
// validating admission webhook, and the response we return.
//
// Decoding checks the envelope (an object; apiVersion one of the two; kind AdmissionReview), and
// requires `request` to be an object with a string `uid`; the request itself is kept whole, as
// policies read it. The response echoes apiVersion, kind and `uid`; a refusal carries a
// metav1.Status (`code`, `reason`, `message`), and warnings ride along either way. Pure
// functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::k8s {

inline constexpr std::string_view kAdmissionV1 = "admission.k8s.io/v1";
inline constexpr std::string_view kAdmissionV1beta1 = "admission.k8s.io/v1beta1";

struct AdmissionReviewRequest {
  std::string api_version;  // echoed
  std::string uid;          // echoed as response.uid
  value::Value request;     // the whole `request` object
};

// Errors: "not_an_object", "missing_api_version", "missing_kind", "unknown_api_version" (message
// `unknown apiVersion "<v>"`), "unknown_kind", "invalid_field" (request not an object, uid absent
// or not a string).
Result<AdmissionReviewRequest> DecodeAdmissionReview(value::Value body);

struct AdmissionVerdict {
  bool allowed = true;
  int code = 200;       // status.code: 403 for a refusal, 500 for an error
  std::string reason;   // status.reason (e.g. "Forbidden"), omitted when empty
  std::string message;  // status.message, omitted when empty
  std::vector<std::string> warnings;
};

// {apiVersion, kind: AdmissionReview, response: {uid, allowed, status: {metadata: {}, code,
// reason, message}, warnings}}; `status` is sent for refusals and for allowed answers alike, as
// controller-runtime's webhooks (Gatekeeper's) send it.
value::Value EncodeAdmissionReviewResponse(const AdmissionReviewRequest& request,
                                           const AdmissionVerdict& verdict);

}  // namespace gatehouse::k8s
