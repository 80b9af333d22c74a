// TokenReview codec (authentication.k8s.io/v1 and v1beta1): the request the API server sends to
// an authentication webhook, and the response we return.
//
// Decoding validates the envelope (see review.h), requires a non-empty string `spec.token`, and
// reads `spec.audiences` (absent/null → empty). The response carries the request's apiVersion
// and metadata but, unlike k8s-keystone-auth (SPEC §3.3), never `spec`: the bearer token must
// not travel back or reach logs that record responses. Decoding errors never contain the token.
// Pure functions, thread-safe; the structs are plain data owned by the caller.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "k8s/user_info.h"
#include "value/value.h"

namespace gatehouse::k8s {

struct TokenReviewRequest {
  std::string api_version;  // echoed in the response
  std::string token;        // secret: never log, never echo
  std::vector<std::string> audiences;
  value::Value metadata;  // echoed; null when the request had none
};

// Errors: those of CheckReviewEnvelope (kind must be TokenReview), "missing_spec", and
// "invalid_field" for a non-object metadata/spec, an absent, empty or non-string spec.token, or
// a spec.audiences that is not a list of strings.
Result<TokenReviewRequest> DecodeTokenReview(const value::Value& body);

struct TokenReviewStatus {
  bool authenticated = false;
  UserInfo user;                       // sent only when authenticated
  std::vector<std::string> audiences;  // sent when non-empty
  std::string error;                   // sent when non-empty; must not contain the token
};

// {apiVersion, kind: TokenReview, metadata (when the request had it), status: {authenticated,
// user: {username, uid, groups, extra (when present)} when authenticated, audiences, error}}.
value::Value EncodeTokenReviewResponse(const TokenReviewRequest& request,
                                       const TokenReviewStatus& status);

}  // namespace gatehouse::k8s
