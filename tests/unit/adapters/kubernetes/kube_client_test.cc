#include "adapters/kubernetes/kube_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../recording_http_client.h"
#include "adapters/http/http_errors.h"
#include "adapters/kubernetes/kubernetes_errors.h"
#include "value/value_errors.h"

namespace gatehouse::adapters {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "gatehouse-kube-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    return file;
  }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 07777;
  return st.st_mode & 0777;
}

// Standard base64 with padding, independent of the code under test.
std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v =
        (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// A kubeconfig with one context "ctx" → cluster "c1" and user "u1"; extra lines are appended
// to the cluster and user entries (already indented by the caller).
std::string Kubeconfig(const std::string& cluster_fields, const std::string& user_fields,
                       const std::string& current_context = "ctx") {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "current-context: " +
         current_context +
         "\n"
         "clusters:\n"
         "- name: other\n"
         "  cluster:\n"
         "    server: https://wrong.example:1\n"
         "- name: c1\n"
         "  cluster:\n" +
         cluster_fields +
         "contexts:\n"
         "- name: unused\n"
         "  context: {cluster: other, user: other}\n"
         "- name: ctx\n"
         "  context:\n"
         "    cluster: c1\n"
         "    user: u1\n"
         "users:\n"
         "- name: other\n"
         "  user: {token: wrong-token}\n"
         "- name: u1\n"
         "  user:\n" +
         user_fields;
}

// Restores one environment variable when the test ends.
class ScopedEnv {
 public:
  explicit ScopedEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  void Set(const char* value) const { ::setenv(name_, value, 1); }
  void Unset() const { ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(LoadKubeConnectionTest, TokenUserAndServer) {
  TempDir dir;
  const std::string path =
      dir.Write("config", Kubeconfig("    server: https://api.example:6443//\n"
                                     "    certificate-authority: /etc/ca.pem\n",
                                     "    token: sekret-token\n"));
  Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://api.example:6443");
  EXPECT_EQ(c->bearer_token, "sekret-token");
  EXPECT_EQ(c->token_file, "");
  EXPECT_EQ(c->tls.ca_file, "/etc/ca.pem");
  EXPECT_FALSE(c->tls.insecure_skip_verify);
  EXPECT_EQ(c->tls.client_cert_file, "");
}

TEST(LoadKubeConnectionTest, TokenFileAndInsecure) {
  TempDir dir;
  const std::string path = dir.Write("config", Kubeconfig("    server: https://10.0.0.1\n"
                                                          "    insecure-skip-tls-verify: true\n",
                                                          "    tokenFile: /run/token\n"));
  Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://10.0.0.1");
  EXPECT_EQ(c->token_file, "/run/token");
  EXPECT_EQ(c->bearer_token, "");
  EXPECT_TRUE(c->tls.insecure_skip_verify);
}

TEST(LoadKubeConnectionTest, CertificateAuthorityDataIsMaterialisedPrivately) {
  // Lengths 0, 1 and 2 modulo 3 exercise every padding case of the decoder.
  for (const std::string& pem : {std::string("-----BEGIN CERTIFICATE-----\nMIIB\n"),
                                 std::string("-----BEGIN CERTIFICATE-----\nMIIBx\n"),
                                 std::string("-----BEGIN CERTIFICATE-----\nMIIBxy\n")}) {
    TempDir dir;
    const std::string scratch = dir.path() + "/scratch/nested";
    const std::string path =
        dir.Write("config", Kubeconfig("    server: https://api:6443\n"
                                       "    certificate-authority: /ignored/when/data/is/set\n"
                                       "    certificate-authority-data: " +
                                           Base64(pem) + "\n",
                                       "    token: t\n"));
    Result<KubeConnection> c = LoadKubeConnection(path, scratch);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(fs::path(c->tls.ca_file).parent_path(), fs::path(scratch));
    EXPECT_EQ(ReadAll(c->tls.ca_file), pem);
    EXPECT_EQ(Mode(c->tls.ca_file), 0600u);
  }
}

TEST(LoadKubeConnectionTest, MaterialisedFileIsPrivateEvenWhenItExistedBefore) {
  TempDir dir;
  const std::string scratch = dir.path() + "/scratch";
  fs::create_directories(scratch);
  const std::string stale = scratch + "/kube-ca.crt";
  std::ofstream(stale) << "old contents that are longer than the new ones\n";
  ::chmod(stale.c_str(), 0644);
  const std::string path = dir.Write("config", Kubeconfig("    server: https://api:6443\n"
                                                          "    certificate-authority-data: " +
                                                              Base64("new") + "\n",
                                                          "    token: t\n"));
  Result<KubeConnection> c = LoadKubeConnection(path, scratch);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(ReadAll(c->tls.ca_file), "new");
  EXPECT_EQ(Mode(c->tls.ca_file), 0600u);
}

TEST(LoadKubeConnectionTest, ClientCertificateData) {
  TempDir dir;
  const std::string cert = "-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n";
  const std::string key = "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n";
  const std::string path = dir.Write(
      "config",
      Kubeconfig("    server: https://api:6443\n", "    client-certificate-data: " + Base64(cert) +
                                                       "\n"
                                                       "    client-key-data: " +
                                                       Base64(key) + "\n"));
  Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->bearer_token, "");
  EXPECT_EQ(ReadAll(c->tls.client_cert_file), cert);
  EXPECT_EQ(ReadAll(c->tls.client_key_file), key);
  EXPECT_NE(c->tls.client_cert_file, c->tls.client_key_file);
  EXPECT_EQ(Mode(c->tls.client_cert_file), 0600u);
  EXPECT_EQ(Mode(c->tls.client_key_file), 0600u);
  EXPECT_EQ(c->tls.ca_file, "");  // system store
}

TEST(LoadKubeConnectionTest, ClientCertificateFiles) {
  TempDir dir;
  const std::string path =
      dir.Write("config", Kubeconfig("    server: https://api:6443\n",
                                     "    client-certificate: /etc/k/client.crt\n"
                                     "    client-key: /etc/k/client.key\n"));
  Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->tls.client_cert_file, "/etc/k/client.crt");
  EXPECT_EQ(c->tls.client_key_file, "/etc/k/client.key");
}

TEST(LoadKubeConnectionTest, InvalidBase64IsRefused) {
  // "====" and "A===" are accepted by OpenSSL's block decoder; they used to underflow the
  // padding arithmetic and throw.
  for (const std::string& data : {std::string("!!!not base64!!!"), std::string("===="),
                                  std::string("A==="), std::string("QQ")}) {
    TempDir dir;
    const std::string path = dir.Write("config", Kubeconfig("    server: https://api:6443\n"
                                                            "    certificate-authority-data: \"" +
                                                                data + "\"\n",
                                                            "    token: t\n"));
    Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
    ASSERT_FALSE(c) << data;
    EXPECT_EQ(c.error().code, KubernetesError::kKubeconfigInvalid);
  }
}

TEST(LoadKubeConnectionTest, Base64WithLineBreaks) {
  TempDir dir;
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIBxy\n";
  const std::string encoded = Base64(pem);
  const std::string path = dir.Write(
      "config", Kubeconfig("    server: https://api:6443\n"
                           "    certificate-authority-data: |\n      " +
                               encoded.substr(0, 8) + "\n      " + encoded.substr(8) + "\n",
                           "    token: t\n"));
  Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(ReadAll(c->tls.ca_file), pem);
}

TEST(LoadKubeConnectionTest, MissingContext) {
  TempDir dir;
  const std::string path =
      dir.Write("config", Kubeconfig("    server: https://api:6443\n", "    token: t\n", "nope"));
  Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KubernetesError::kKubeconfigInvalid);
  EXPECT_NE(c.error().message.find("nope"), std::string::npos) << c.error().message;
}

TEST(LoadKubeConnectionTest, MissingClusterOrServer) {
  TempDir dir;
  const std::string no_cluster = dir.Write("no-cluster",
                                           "current-context: ctx\n"
                                           "contexts:\n"
                                           "- name: ctx\n"
                                           "  context: {cluster: gone, user: u}\n");
  Result<KubeConnection> c = LoadKubeConnection(no_cluster, dir.path() + "/scratch");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KubernetesError::kKubeconfigInvalid);

  const std::string no_server =
      dir.Write("no-server", Kubeconfig("    certificate-authority: /x\n", "    token: t\n"));
  c = LoadKubeConnection(no_server, dir.path() + "/scratch");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KubernetesError::kKubeconfigInvalid);
}

TEST(LoadKubeConnectionTest, InvalidYaml) {
  TempDir dir;
  const std::string path = dir.Write("config", "clusters: [\n  - {name: x\ncurrent-context: :\n");
  Result<KubeConnection> c = LoadKubeConnection(path, dir.path() + "/scratch");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KubernetesError::kKubeconfigInvalid);
}

TEST(LoadKubeConnectionTest, UnreadableFile) {
  TempDir dir;
  Result<KubeConnection> c = LoadKubeConnection(dir.path() + "/absent", dir.path() + "/scratch");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KubernetesError::kKubeconfigUnreadable);
}

TEST(LoadKubeConnectionTest, InClusterEnvironment) {
  ScopedEnv host("KUBERNETES_SERVICE_HOST");
  ScopedEnv port("KUBERNETES_SERVICE_PORT");
  host.Unset();
  port.Unset();
  Result<KubeConnection> c = LoadKubeConnection("", "/nonexistent");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KubernetesError::kNotInCluster);

  host.Set("10.96.0.1");
  c = LoadKubeConnection("", "/nonexistent");
  ASSERT_FALSE(c);  // the port is still missing
  EXPECT_EQ(c.error().code, KubernetesError::kNotInCluster);

  port.Set("443");
  c = LoadKubeConnection("", "/nonexistent");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://10.96.0.1:443");
  EXPECT_EQ(c->token_file, "/var/run/secrets/kubernetes.io/serviceaccount/token");
  EXPECT_EQ(c->tls.ca_file, "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");

  host.Set("fd00::1");
  c = LoadKubeConnection("", "/nonexistent");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://[fd00::1]:443");
}

// ---- KubeClient ------------------------------------------------------------------------------

using FakeApiServer = testing::RecordingHttpClient;
using testing::Respond;

std::vector<std::string> HeaderValues(const HttpRequest& request, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : request.headers) {
    if (key == name) out.push_back(value);
  }
  return out;
}

constexpr char kConfigMap[] = R"({
  "apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {"name": "keystone-policy", "namespace": "kube-system"},
  "data": {"policies": "[{\"resource\":{}}]", "syncConfig": "role-mappings: []\n", "n": 5}
})";

KubeConnection Connection(std::string token = "api-token") {
  KubeConnection c;
  c.server = "https://api.test:6443";
  c.bearer_token = std::move(token);
  return c;
}

TEST(KubeClientTest, FindConfigMapSendsAuthorizedGet) {
  auto api = std::make_shared<FakeApiServer>(
      [](const HttpRequest&) -> Result<HttpResponse> { return Respond(200, kConfigMap); });
  KubeClient client(Connection(), api, std::chrono::milliseconds(1234));
  Result<std::optional<value::Value>> found =
      client.FindConfigMap("kube-system", "keystone-policy");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  const value::Value* data = (*found)->Find("data");
  ASSERT_NE(data, nullptr);
  ASSERT_NE(data->Find("policies"), nullptr);
  EXPECT_EQ(*data->Find("policies")->AsString(), "[{\"resource\":{}}]");

  ASSERT_EQ(api->requests().size(), 1u);
  const std::vector<HttpRequest> requests = api->requests();
  const HttpRequest& request = requests[0];
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "https://api.test:6443/api/v1/namespaces/kube-system/configmaps/keystone-policy");
  EXPECT_EQ(request.timeout, std::chrono::milliseconds(1234));
  EXPECT_EQ(HeaderValues(request, "Authorization"), std::vector<std::string>{"Bearer api-token"});
  EXPECT_EQ(HeaderValues(request, "Accept"), std::vector<std::string>{"application/json"});
}

TEST(KubeClientTest, NoCredentialsMeansNoAuthorizationHeader) {
  auto api = std::make_shared<FakeApiServer>(
      [](const HttpRequest&) -> Result<HttpResponse> { return Respond(200, kConfigMap); });
  KubeClient client(Connection(""), api, std::chrono::milliseconds(100));
  ASSERT_TRUE(client.FindConfigMap("ns", "cm"));
  ASSERT_EQ(api->requests().size(), 1u);
  EXPECT_TRUE(HeaderValues(api->requests()[0], "Authorization").empty());
}

TEST(KubeClientTest, NotFoundIsAbsent) {
  auto api = std::make_shared<FakeApiServer>([](const HttpRequest&) -> Result<HttpResponse> {
    return Respond(404, R"({"kind":"Status","message":"configmaps \"x\" not found","code":404})");
  });
  KubeClient client(Connection(), api, std::chrono::milliseconds(100));
  Result<std::optional<value::Value>> found = client.FindConfigMap("ns", "x");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_FALSE(found->has_value());
}

TEST(KubeClientTest, ForbiddenIsAnApiErrorWithTheApiMessage) {
  auto api = std::make_shared<FakeApiServer>([](const HttpRequest&) -> Result<HttpResponse> {
    return Respond(403, R"({"kind":"Status","status":"Failure","message":"configmaps \"cm\" is )"
                        R"(forbidden: User \"system:anonymous\" cannot get resource","code":403})");
  });
  KubeClient client(Connection(), api, std::chrono::milliseconds(100));
  Result<std::optional<value::Value>> found = client.FindConfigMap("kube-system", "cm");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, KubernetesError::kApiError);
  EXPECT_NE(found.error().message.find("403"), std::string::npos) << found.error().message;
  EXPECT_NE(found.error().message.find("cannot get resource"), std::string::npos)
      << found.error().message;
  EXPECT_NE(found.error().message.find("kube-system/cm"), std::string::npos)
      << found.error().message;
  EXPECT_EQ(found.error().message.find("api-token"), std::string::npos);
}

TEST(KubeClientTest, ErrorStatusWithoutJsonBody) {
  auto api = std::make_shared<FakeApiServer>(
      [](const HttpRequest&) -> Result<HttpResponse> { return Respond(500, "<html>oops"); });
  KubeClient client(Connection(), api, std::chrono::milliseconds(100));
  Result<std::optional<value::Value>> found = client.FindConfigMap("ns", "cm");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, KubernetesError::kApiError);
  EXPECT_NE(found.error().message.find("500"), std::string::npos);
}

TEST(KubeClientTest, InvalidJsonAndTransportErrors) {
  Result<HttpResponse> answer = Respond(200, "{not json");
  auto api = std::make_shared<FakeApiServer>(
      [&answer](const HttpRequest&) -> Result<HttpResponse> { return answer; });
  KubeClient client(Connection(), api, std::chrono::milliseconds(100));
  Result<std::optional<value::Value>> found = client.FindConfigMap("ns", "cm");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, value::ValueError::kInvalidJson);

  answer = MakeError(HttpError::kTimeout, "deadline exceeded");
  found = client.FindConfigMap("ns", "cm");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, HttpError::kTimeout);
}

TEST(KubeClientTest, TokenFileIsReadOnEveryRequest) {
  TempDir dir;
  const std::string token_file = dir.Write("token", "first-token\n");
  KubeConnection connection = Connection("static-token-is-overridden");
  connection.token_file = token_file;
  auto api = std::make_shared<FakeApiServer>(
      [](const HttpRequest&) -> Result<HttpResponse> { return Respond(200, kConfigMap); });
  KubeClient client(connection, api, std::chrono::milliseconds(100));
  ASSERT_TRUE(client.FindConfigMap("ns", "cm"));
  dir.Write("token", "rotated-token\r\n");
  ASSERT_TRUE(client.FindConfigMap("ns", "cm"));
  ASSERT_EQ(api->requests().size(), 2u);
  EXPECT_EQ(HeaderValues(api->requests()[0], "Authorization"),
            std::vector<std::string>{"Bearer first-token"});
  EXPECT_EQ(HeaderValues(api->requests()[1], "Authorization"),
            std::vector<std::string>{"Bearer rotated-token"});

  // A token file that disappears fails the request before anything is sent.
  fs::remove(token_file);
  Result<std::optional<value::Value>> found = client.FindConfigMap("ns", "cm");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, KubernetesError::kTokenUnreadable);
  EXPECT_EQ(api->requests().size(), 2u);
}

}  // namespace
}  // namespace gatehouse::adapters
