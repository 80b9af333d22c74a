// ListCollection: every object of one collection of the Kubernetes API, read once in pages
// (`limit` and `continue`, https://kubernetes.io/docs/reference/using-api/api-concepts/
// "Retrieving large results sets in chunks"), as an audit or a one-shot command reads them.
// An expired continue token (HTTP 410) starts the list again, once. Items carry their apiVersion
// and kind. Thread-safe (no state).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "adapters/kubernetes/kube_client.h"
#include "common/result.h"
#include "value/value.h"

namespace gatehouse::adapters {

struct CollectionListOptions {
  std::size_t page_size = 500;
  std::size_t max_objects = 200000;  // beyond: an error rather than unbounded memory
};

// `path` is the collection ("/apis/apps/v1/deployments"); `selector` an optional, escaped query
// fragment ("labelSelector=a%3Db"). Errors: "kube_api_error" (with the server's status and
// words, and for more than max_objects), "invalid_json", the HTTP client's.
Result<std::vector<value::Value>> ListCollection(KubeClient& kube, const std::string& path,
                                                 const std::string& selector = "",
                                                 CollectionListOptions options = {});

}  // namespace gatehouse::adapters
