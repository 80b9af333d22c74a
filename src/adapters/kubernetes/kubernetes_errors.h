// KubernetesError: Failures of connecting to the Kubernetes API and reading from it.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class KubernetesError {
  // not_in_cluster: no kubeconfig given and not running in a pod.
  kNotInCluster,
  // kubeconfig_unreadable: the kubeconfig file cannot be read.
  kKubeconfigUnreadable,
  // kubeconfig_invalid: the kubeconfig is not usable (the message says why).
  kKubeconfigInvalid,
  // kube_token_unreadable: the service-account token file cannot be read.
  kTokenUnreadable,
  // kube_api_error: the API server answered with an error or not at all.
  kApiError,
};

constexpr std::string_view WireName(KubernetesError e) {
  switch (e) {
    case KubernetesError::kNotInCluster:
      return "not_in_cluster";
    case KubernetesError::kKubeconfigUnreadable:
      return "kubeconfig_unreadable";
    case KubernetesError::kKubeconfigInvalid:
      return "kubeconfig_invalid";
    case KubernetesError::kTokenUnreadable:
      return "kube_token_unreadable";
    case KubernetesError::kApiError:
      return "kube_api_error";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr KubernetesError kAllKubernetesErrors[] = {
    KubernetesError::kNotInCluster, KubernetesError::kKubeconfigUnreadable,
    KubernetesError::kKubeconfigInvalid, KubernetesError::kTokenUnreadable,
    KubernetesError::kApiError};
static_assert(ValidErrorEnum(kAllKubernetesErrors));

}  // namespace gatehouse::adapters
