// K8sError: Failures of decoding Kubernetes review and ExecCredential documents.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::k8s {

enum class K8sError {
  // not_an_object: the document is not a JSON object.
  kNotAnObject,
  // missing_api_version: the document has no apiVersion.
  kMissingApiVersion,
  // missing_kind: the document has no kind.
  kMissingKind,
  // unknown_api_version: an apiVersion this service does not serve.
  kUnknownApiVersion,
  // unknown_kind: a kind this service does not serve.
  kUnknownKind,
  // missing_spec: the review has no spec.
  kMissingSpec,
  // missing_attributes: a SubjectAccessReview without resource or non-resource attributes.
  kMissingAttributes,
  // invalid_field: a field has the wrong type (the message names its path).
  kInvalidField,
};

constexpr std::string_view WireName(K8sError e) {
  switch (e) {
    case K8sError::kNotAnObject:
      return "not_an_object";
    case K8sError::kMissingApiVersion:
      return "missing_api_version";
    case K8sError::kMissingKind:
      return "missing_kind";
    case K8sError::kUnknownApiVersion:
      return "unknown_api_version";
    case K8sError::kUnknownKind:
      return "unknown_kind";
    case K8sError::kMissingSpec:
      return "missing_spec";
    case K8sError::kMissingAttributes:
      return "missing_attributes";
    case K8sError::kInvalidField:
      return "invalid_field";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr K8sError kAllK8sErrors[] = {
    K8sError::kNotAnObject,       K8sError::kMissingApiVersion, K8sError::kMissingKind,
    K8sError::kUnknownApiVersion, K8sError::kUnknownKind,       K8sError::kMissingSpec,
    K8sError::kMissingAttributes, K8sError::kInvalidField};
static_assert(ValidErrorEnum(kAllK8sErrors));

}  // namespace gatehouse::k8s
