// KubeClient: the little of the Kubernetes API that gatehouse reads — ConfigMaps.
//
// A KubeConnection comes from a kubeconfig (current context: server, CA, bearer token or token
// file or client certificate; `*-data` fields are written to 0600 files in a scratch folder
// because the HTTP client takes files) or, with no kubeconfig, from the in-cluster service
// account (KUBERNETES_SERVICE_HOST/PORT and /var/run/secrets/kubernetes.io/serviceaccount). A
// token file is re-read on every request so projected, rotating tokens keep working.
// FindConfigMap() reads one ConfigMap (a missing one reads as absent); serve watches ConfigMaps
// with ConfigMapWatch instead, which uses the same connection and headers. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "adapters/http/http_client.h"
#include "common/result.h"
#include "value/value.h"

namespace gatehouse::adapters {

struct KubeConnection {
  std::string server;  // https://host:port
  HttpClientOptions tls;
  std::string bearer_token;
  std::string token_file;
};

// Errors: "kubeconfig_unreadable", "kubeconfig_invalid", "not_in_cluster".
Result<KubeConnection> LoadKubeConnection(const std::string& kubeconfig_path,
                                          const std::string& scratch_dir);

// The headers of every API request: Accept JSON, and the bearer token when there is one (a token
// file is read now). Errors: "kube_token_unreadable".
Result<HttpHeaders> KubeRequestHeaders(const KubeConnection& connection);

class KubeClient {
 public:
  KubeClient(KubeConnection connection, std::shared_ptr<HttpClient> http,
             std::chrono::milliseconds timeout);

  // The ConfigMap object, nullopt when it does not exist (404). Errors: the HTTP client's,
  // "kube_api_error" (other statuses, with the API's message), "invalid_json".
  Result<std::optional<value::Value>> FindConfigMap(const std::string& namespace_name,
                                                    const std::string& name);
  // The connection requests use (ConfigMapWatch opens its own streams with it).
  const KubeConnection& connection() const { return connection_; }

 private:
  KubeConnection connection_;
  std::shared_ptr<HttpClient> http_;
  std::chrono::milliseconds timeout_;
};

}  // namespace gatehouse::adapters
