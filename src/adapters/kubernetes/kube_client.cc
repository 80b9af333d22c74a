#include "adapters/kubernetes/kube_client.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/kubernetes/kubernetes_errors.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

Result<std::string> ReadFile(const std::string& path, ErrorCode code) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(code, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const value::Value* FindNamed(const value::Value& config, const char* list, const std::string& name,
                              const char* field) {
  const value::Value* items = config.Find(list);
  if (items == nullptr || !items->is_array()) return nullptr;
  for (const value::Value& item : *items->AsArray()) {
    const value::Value* item_name = item.Find("name");
    if (item_name && item_name->AsString() && *item_name->AsString() == name) {
      return item.Find(field);
    }
  }
  return nullptr;
}

std::string StringAt(const value::Value* object, const char* key) {
  if (object == nullptr) return "";
  const value::Value* v = object->Find(key);
  return v && v->AsString() ? *v->AsString() : "";
}

// Decodes a kubeconfig `*-data` field (base64) into a 0600 file and returns its path.
Result<std::string> MaterializeData(const std::string& base64, const std::string& dir,
                                    const std::string& name) {
  // Line breaks are ignored, as Go's base64 decoder (used by client-go) ignores them.
  std::string clean;
  clean.reserve(base64.size());
  for (char c : base64) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
  }
  std::size_t padding = 0;
  for (auto it = clean.rbegin(); it != clean.rend() && *it == '='; ++it) ++padding;
  std::string decoded(clean.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(clean.data()),
                                     static_cast<int>(clean.size()));
  // EVP_DecodeBlock also "decodes" "====" (3 bytes): more than two '=' is not base64.
  if (length < 0 || clean.size() % 4 != 0 || padding > 2) {
    return MakeError(KubernetesError::kKubeconfigInvalid, name + " is not valid base64");
  }
  decoded.resize(static_cast<std::size_t>(length) - padding);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = dir + "/" + name;
  // O_NOFOLLOW and fchmod: a file left from an earlier run (or planted) must not keep a wider
  // mode or redirect the write.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(KubernetesError::kKubeconfigInvalid,
                     "cannot write " + path + ": " + std::strerror(errno));
  }
  bool ok = ::fchmod(fd, 0600) == 0;
  std::string_view rest = decoded;
  while (ok && !rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
  }
  const int saved_errno = errno;
  if (::close(fd) != 0) ok = false;
  if (!ok) {
    return MakeError(KubernetesError::kKubeconfigInvalid,
                     "cannot write " + path + ": " + std::strerror(saved_errno));
  }
  return path;
}

}  // namespace

Result<KubeConnection> LoadKubeConnection(const std::string& kubeconfig_path,
                                          const std::string& scratch_dir) {
  KubeConnection connection;
  if (kubeconfig_path.empty()) {
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
    if (host == nullptr || port == nullptr) {
      return MakeError(KubernetesError::kNotInCluster,
                       "no --kubeconfig given and KUBERNETES_SERVICE_HOST/PORT are not set");
    }
    std::string h = host;
    if (h.find(':') != std::string::npos) h = "[" + h + "]";
    connection.server = "https://" + h + ":" + port;
    connection.tls.ca_file = std::string(kServiceAccountDir) + "/ca.crt";
    connection.token_file = std::string(kServiceAccountDir) + "/token";
    return connection;
  }
  Result<std::string> text = ReadFile(kubeconfig_path, KubernetesError::kKubeconfigUnreadable);
  if (!text) return text.error();
  Result<value::Value> config = value::ParseYaml(*text);
  if (!config) {
    return MakeError(KubernetesError::kKubeconfigInvalid,
                     kubeconfig_path + ": " + config.error().message);
  }
  const std::string context_name = StringAt(&*config, "current-context");
  const value::Value* context = FindNamed(*config, "contexts", context_name, "context");
  if (context == nullptr) {
    return MakeError(KubernetesError::kKubeconfigInvalid,
                     kubeconfig_path + ": current-context \"" + context_name + "\" not found");
  }
  const value::Value* cluster =
      FindNamed(*config, "clusters", StringAt(context, "cluster"), "cluster");
  const value::Value* user = FindNamed(*config, "users", StringAt(context, "user"), "user");
  if (cluster == nullptr) {
    return MakeError(KubernetesError::kKubeconfigInvalid,
                     kubeconfig_path + ": the context's cluster is missing");
  }
  connection.server = StringAt(cluster, "server");
  while (!connection.server.empty() && connection.server.back() == '/')
    connection.server.pop_back();
  if (connection.server.empty()) {
    return MakeError(KubernetesError::kKubeconfigInvalid,
                     kubeconfig_path + ": cluster has no server");
  }
  const value::Value* skip = cluster->Find("insecure-skip-tls-verify");
  connection.tls.insecure_skip_verify = skip && skip->AsBool().value_or(false);
  connection.tls.ca_file = StringAt(cluster, "certificate-authority");
  if (std::string data = StringAt(cluster, "certificate-authority-data"); !data.empty()) {
    Result<std::string> path = MaterializeData(data, scratch_dir, "kube-ca.crt");
    if (!path) return path.error();
    connection.tls.ca_file = *path;
  }
  if (user != nullptr) {
    connection.bearer_token = StringAt(user, "token");
    connection.token_file = StringAt(user, "tokenFile");
    connection.tls.client_cert_file = StringAt(user, "client-certificate");
    connection.tls.client_key_file = StringAt(user, "client-key");
    if (std::string data = StringAt(user, "client-certificate-data"); !data.empty()) {
      Result<std::string> path = MaterializeData(data, scratch_dir, "kube-client.crt");
      if (!path) return path.error();
      connection.tls.client_cert_file = *path;
    }
    if (std::string data = StringAt(user, "client-key-data"); !data.empty()) {
      Result<std::string> path = MaterializeData(data, scratch_dir, "kube-client.key");
      if (!path) return path.error();
      connection.tls.client_key_file = *path;
    }
  }
  return connection;
}

Result<HttpHeaders> KubeRequestHeaders(const KubeConnection& connection) {
  HttpHeaders headers{{"Accept", "application/json"}};
  std::string token = connection.bearer_token;
  if (!connection.token_file.empty()) {
    Result<std::string> from_file =
        ReadFile(connection.token_file, KubernetesError::kTokenUnreadable);
    if (!from_file) return from_file.error();
    token = *from_file;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  }
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return headers;
}

KubeClient::KubeClient(KubeConnection connection, std::shared_ptr<HttpClient> http,
                       std::chrono::milliseconds timeout)
    : connection_(std::move(connection)), http_(std::move(http)), timeout_(timeout) {}

Result<value::Value> KubeAnswer::Json() const { return value::ParseJson(body); }

std::string KubeAnswer::Describe() const {
  std::string out = "HTTP " + std::to_string(status);
  std::string said;
  if (Result<value::Value> parsed = Json(); parsed && parsed->is_object()) {
    if (const value::Value* m = parsed->Find("message"); m && m->AsString()) said = *m->AsString();
  } else {
    said = body.substr(0, body.find('\n'));
  }
  if (said.size() > 300) said = said.substr(0, 300) + "...";
  if (!said.empty()) out += ": " + said;
  return out;
}

std::string KubeAnswer::Reason() const {
  Result<value::Value> parsed = Json();
  if (!parsed || !parsed->is_object()) return "";
  const value::Value* reason = parsed->Find("reason");
  return reason && reason->AsString() ? *reason->AsString() : "";
}

Error KubeApiError(const std::string& doing, const KubeAnswer& answer) {
  return MakeError(KubernetesError::kApiError, doing + ": " + answer.Describe());
}

Result<KubeAnswer> KubeClient::Call(std::string_view method, std::string_view path,
                                    std::string_view body, std::string_view content_type) {
  HttpRequest request;
  request.method = std::string(method);
  request.url = connection_.server + std::string(path);
  request.timeout = timeout_;
  Result<HttpHeaders> headers = KubeRequestHeaders(connection_);
  if (!headers) return headers.error();
  request.headers = std::move(headers).value();
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", std::string(content_type));
    request.body = std::string(body);
  }
  Result<HttpResponse> response = http_->Send(request);
  if (!response) return response.error();
  KubeAnswer answer;
  answer.status = response->status;
  answer.headers = std::move(response->headers);
  answer.body = std::move(response->body);
  return answer;
}

Result<value::Value> KubeClient::CallJson(const std::string& doing, std::string_view method,
                                          std::string_view path, std::string_view body,
                                          std::string_view content_type) {
  Result<KubeAnswer> answer = Call(method, path, body, content_type);
  if (!answer) return answer.error();
  if (!answer->ok()) return KubeApiError(doing, *answer);
  Result<value::Value> json = answer->Json();
  if (!json) return MakeError(json.error().code, doing + ": " + json.error().message);
  return json;
}

Result<std::optional<value::Value>> KubeClient::FindConfigMap(const std::string& namespace_name,
                                                              const std::string& name) {
  HttpRequest request;
  request.url = connection_.server + "/api/v1/namespaces/" + namespace_name + "/configmaps/" + name;
  request.timeout = timeout_;
  Result<HttpHeaders> headers = KubeRequestHeaders(connection_);
  if (!headers) return headers.error();
  request.headers = std::move(headers).value();
  Result<HttpResponse> response = http_->Send(request);
  if (!response) return response.error();
  if (response->status == 404) return std::optional<value::Value>();
  Result<value::Value> body = value::ParseJson(response->body);
  if (response->status != 200) {
    std::string message = "HTTP " + std::to_string(response->status);
    if (body) {
      if (const value::Value* m = body->Find("message"); m && m->AsString()) {
        message += ": " + m->AsString()->substr(0, 200);
      }
    }
    return MakeError(KubernetesError::kApiError,
                     "reading ConfigMap " + namespace_name + "/" + name + ": " + message);
  }
  if (!body) return body.error();
  return std::optional<value::Value>(std::move(body).value());
}

}  // namespace gatehouse::adapters
