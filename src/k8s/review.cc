#include "k8s/review.h"

#include "k8s/k8s_errors.h"
#include "k8s/review_fields.h"

namespace gatehouse::k8s {

namespace {

constexpr std::string_view kTokenReviewKind = "TokenReview";
constexpr std::string_view kSubjectAccessReviewKind = "SubjectAccessReview";

Result<std::string> ParseEnvelopeString(const value::Value& body, std::string_view key,
                                        ErrorCode missing_code) {
  const value::Value* v = body.Find(key);
  if (v == nullptr || v->is_null()) {
    return MakeError(missing_code, "the review has no " + std::string(key));
  }
  const std::string* s = v->AsString();
  if (s == nullptr) return InvalidField(key, "must be a string");
  return *s;
}

}  // namespace

std::string_view ReviewKindName(ReviewKind kind) {
  return kind == ReviewKind::kTokenReview ? kTokenReviewKind : kSubjectAccessReviewKind;
}

bool IsAuthenticationApiVersion(std::string_view api_version) {
  return api_version == kAuthenticationV1 || api_version == kAuthenticationV1beta1;
}

bool IsAuthorizationApiVersion(std::string_view api_version) {
  return api_version == kAuthorizationV1 || api_version == kAuthorizationV1beta1;
}

Result<ReviewKind> ClassifyReview(const value::Value& body) {
  if (!body.is_object()) {
    return MakeError(K8sError::kNotAnObject, "the review must be a JSON object, not " +
                                                 std::string(value::KindName(body.kind())));
  }
  Result<std::string> api_version =
      ParseEnvelopeString(body, "apiVersion", K8sError::kMissingApiVersion);
  if (!api_version) return api_version.error();
  Result<std::string> kind = ParseEnvelopeString(body, "kind", K8sError::kMissingKind);
  if (!kind) return kind.error();

  const bool authentication = IsAuthenticationApiVersion(*api_version);
  const bool authorization = IsAuthorizationApiVersion(*api_version);
  if (!authentication && !authorization) {
    return MakeError(K8sError::kUnknownApiVersion,
                     "unknown apiVersion " + QuoteForMessage(*api_version));
  }
  ReviewKind review;
  if (*kind == kTokenReviewKind) {
    review = ReviewKind::kTokenReview;
  } else if (*kind == kSubjectAccessReviewKind) {
    review = ReviewKind::kSubjectAccessReview;
  } else {
    return MakeError(K8sError::kUnknownKind, "unknown kind " + QuoteForMessage(*kind));
  }
  // SPEC H12: the reference pairs any known apiVersion with any known kind. We refuse the
  // mismatch: the response echoes apiVersion, so the caller could not decode it as the review it
  // sent, and accepting it would only hide a misconfigured client.
  const bool matches = review == ReviewKind::kTokenReview ? authentication : authorization;
  if (!matches) {
    return MakeError(K8sError::kUnknownApiVersion, "unknown apiVersion " +
                                                       QuoteForMessage(*api_version) +
                                                       " for kind " + QuoteForMessage(*kind));
  }
  return review;
}

Result<std::string> CheckReviewEnvelope(const value::Value& body, ReviewKind expected) {
  Result<ReviewKind> kind = ClassifyReview(body);
  if (!kind) return kind.error();
  if (*kind != expected) {
    return MakeError(K8sError::kUnknownKind, "expected kind " +
                                                 QuoteForMessage(ReviewKindName(expected)) +
                                                 ", got " + QuoteForMessage(ReviewKindName(*kind)));
  }
  return *body.Find("apiVersion")->AsString();
}

}  // namespace gatehouse::k8s
