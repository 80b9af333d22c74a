// SubjectAccessReview codec (authorization.k8s.io/v1 and v1beta1): the request the API server
// sends to an authorization webhook, and the response we return.
//
// v1 names the groups `spec.groups`, v1beta1 `spec.group`; either name is accepted in either
// version when the expected one is absent or null. `spec.extra` absent or null leaves
// `user.extra` nullopt (keystone policy denies such a user), `{}` is present-but-empty; a null
// extra value reads as an empty list. Absent or null string fields read as "" (Go semantics);
// wrong types are "invalid_field" errors naming the JSON path. When both resourceAttributes and
// nonResourceAttributes are present the resource request wins, as in k8s-keystone-auth.
// Pure functions, thread-safe; the structs are plain data owned by the caller.
#pragma once

#include <string>

#include "common/result.h"
#include "k8s/access_attributes.h"
#include "k8s/decision.h"
#include "k8s/user_info.h"
#include "value/value.h"

namespace gatehouse::k8s {

struct SubjectAccessReviewRequest {
  std::string api_version;  // echoed in the response
  UserInfo user;
  AccessAttributes attributes;
  value::Value metadata;  // echoed; null when the request had none
};

// Errors: those of CheckReviewEnvelope (kind must be SubjectAccessReview), "missing_spec",
// "missing_attributes" (neither resourceAttributes nor nonResourceAttributes), "invalid_field".
Result<SubjectAccessReviewRequest> DecodeSubjectAccessReview(const value::Value& body);

// {apiVersion, kind: SubjectAccessReview, metadata (when the request had it), status: {allowed,
// denied (only when true), reason (when non-empty), evaluationError (when non-empty)}}.
// kNoOpinion is allowed:false without denied, so the API server asks the next authorizer.
value::Value EncodeSubjectAccessReviewResponse(const SubjectAccessReviewRequest& request,
                                               const Decision& decision);

}  // namespace gatehouse::k8s
