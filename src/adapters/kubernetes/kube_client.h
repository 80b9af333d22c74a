// KubeClient: plain requests to the Kubernetes API (Call), and the ConfigMap read serve needs.
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
#include <string_view>

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

// One answer of the API server, any status. JSON bodies are Status objects on errors.
struct KubeAnswer {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  // The body as JSON (errors: "invalid_json").
  Result<value::Value> Json() const;
  // What the server said went wrong: "HTTP <status>: <Status.message>" (the message cut to 300
  // bytes; the first line of a text body such as "404 page not found").
  std::string Describe() const;
  // The Status object's `reason` ("" when the body is not a Status).
  std::string Reason() const;
};

// A kube_api_error "<doing>: <answer.Describe()>".
Error KubeApiError(const std::string& doing, const KubeAnswer& answer);

class KubeClient {
 public:
  KubeClient(KubeConnection connection, std::shared_ptr<HttpClient> http,
             std::chrono::milliseconds timeout);

  // One request: `path` with its query (e.g. "/apis/g/v/plural?limit=500"), a body with its
  // content type for writes. Errors: the HTTP client's and "kube_token_unreadable" — every
  // HTTP status is an answer.
  Result<KubeAnswer> Call(std::string_view method, std::string_view path,
                          std::string_view body = {},
                          std::string_view content_type = "application/json");
  // Call() with a JSON answer on 2xx; any other status is a KubeApiError(doing, ...).
  Result<value::Value> CallJson(const std::string& doing, std::string_view method,
                                std::string_view path, std::string_view body = {},
                                std::string_view content_type = "application/json");

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
