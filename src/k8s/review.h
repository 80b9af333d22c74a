// Review envelope: which Kubernetes review a webhook body is (the `/webhook` dispatch on `kind`).
//
// A body is a TokenReview when kind is "TokenReview" and apiVersion is
// authentication.k8s.io/{v1,v1beta1}; a SubjectAccessReview when kind is "SubjectAccessReview"
// and apiVersion is authorization.k8s.io/{v1,v1beta1}. Unlike k8s-keystone-auth we accept v1 as
// well as v1beta1 (SPEC §10.4), and we DO cross-check kind against apiVersion (SPEC H12): a
// TokenReview under authorization.k8s.io is refused, because no API server sends one and the
// echoed apiVersion would make the response undecodable by the caller anyway.
//
// Every function is pure and thread-safe. Failures are Errors whose codes serve as HTTP 400
// reasons: "not_an_object", "missing_kind", "missing_api_version", "unknown_api_version",
// "unknown_kind", "missing_spec", "invalid_field" (message names the JSON path). Messages quote
// caller-supplied names escaped and truncated; they never contain a token.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::k8s {

inline constexpr std::string_view kAuthenticationV1 = "authentication.k8s.io/v1";
inline constexpr std::string_view kAuthenticationV1beta1 = "authentication.k8s.io/v1beta1";
inline constexpr std::string_view kAuthorizationV1 = "authorization.k8s.io/v1";
inline constexpr std::string_view kAuthorizationV1beta1 = "authorization.k8s.io/v1beta1";

enum class ReviewKind { kTokenReview, kSubjectAccessReview };

// The `kind` string of a review ("TokenReview", "SubjectAccessReview").
std::string_view ReviewKindName(ReviewKind kind);

bool IsAuthenticationApiVersion(std::string_view api_version);
bool IsAuthorizationApiVersion(std::string_view api_version);

// Classifies a decoded webhook body. Checks, in this order: `body` is an object
// ("not_an_object"); apiVersion present ("missing_api_version") and a string ("invalid_field");
// kind present ("missing_kind") and a string ("invalid_field"); apiVersion is one of the four
// known ones ("unknown_api_version", message `unknown apiVersion "<v>"`); kind is a known review
// ("unknown_kind"); kind and apiVersion belong together ("unknown_api_version", message
// `unknown apiVersion "<v>" for kind "<k>"`). Does not look at `spec`.
Result<ReviewKind> ClassifyReview(const value::Value& body);

// For the kind-specific routes (/authenticate, /authorize): ClassifyReview, then requires the
// result to be `expected` (else "unknown_kind"). Returns the body's apiVersion.
Result<std::string> CheckReviewEnvelope(const value::Value& body, ReviewKind expected);

}  // namespace gatehouse::k8s
