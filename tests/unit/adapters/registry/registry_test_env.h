// A registry service over a fresh SQLite store in a temporary folder, a fixed signing key, a
// ManualClock and a fake OIDC authenticator, driven through Handle() (no sockets).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/keystone/keystone_auth_errors.h"
#include "adapters/registry/registry_service.h"
#include "adapters/registry/robot_accounts.h"
#include "adapters/registry_store/open_store.h"
#include "authn/oidc/claim_mapping.h"
#include "common/codec/base64.h"
#include "value/json.h"

namespace gatehouse::adapters::registry_service::testing_env {

// Bearer tokens → users, as the identity chain would answer.
class FakeIdentity final : public authn::TokenAuthenticator {
 public:
  // Issuer https://idp.example and subject sub-<username> unless given.
  void Add(std::string token, std::string username, std::vector<std::string> groups,
           std::string issuer = "https://idp.example", std::string subject = "") {
    k8s::UserInfo user;
    user.username = username;
    user.groups = std::move(groups);
    if (subject.empty()) subject = "sub-" + username;
    user.extra = k8s::Extra{{authn::oidc::kOidcExtraIssuer, {std::move(issuer)}},
                            {authn::oidc::kOidcExtraSubject, {std::move(subject)}}};
    users_[std::move(token)] = std::move(user);
  }
  Result<k8s::UserInfo> Authenticate(std::string_view token) override {
    auto it = users_.find(std::string(token));
    if (it == users_.end()) return MakeError(KeystoneAuthError::kTokenInvalid, "unknown token");
    return it->second;
  }

 private:
  std::map<std::string, k8s::UserInfo> users_;
};

class RegistryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/rsvc-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = OpenRegistryStore("", dir_, clock_);
    ASSERT_TRUE(store) << store.error().ToString();
    auto key = registry::SigningKey::Generate({}, clock_.Now());
    ASSERT_TRUE(key) << key.error().ToString();
    registry::SigningKeyRing ring;
    ring.Add(*key);
    identity_ = std::make_shared<FakeIdentity>();
    identity_->Add("admin-token", "root", {"registry-admins"});
    identity_->Add("alice-token", "alice", {"devs"});
    identity_->Add("bob-token", "bob", {"others"});
    options_.data_dir = dir_;
    options_.admin_group = "registry-admins";
    options_.hashing.iterations = registry::kMinPbkdf2Iterations;
    metrics_ = std::make_shared<MetricsRegistry>();
    service_ = RegistryService::Create(options_, WrapStore(std::move(store).value()),
                                       std::make_unique<SigningKeySource>(ring), identity_,
                                       metrics_, clock_);
  }
  void TearDown() override {
    service_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // The store the service is given: the SQLite store itself, or (overridden) a wrapper around
  // it, e.g. a ForwardingStore that acts between two of the API's calls.
  virtual std::unique_ptr<registry::RegistryStore> WrapStore(
      std::unique_ptr<registry::RegistryStore> store) {
    return store;
  }

  registry::RegistryStore& store() { return service_->store(); }

  static std::string Basic(const std::string& user, const std::string& password) {
    return "Basic " + codec::EncodeBase64(user + ":" + password);
  }

  ServerRequest Request(std::string method, std::string path,
                        std::vector<std::pair<std::string, std::string>> query = {},
                        std::string authorization = "", std::string body = "") {
    ServerRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
    request.body = std::move(body);
    request.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    return request;
  }

  ServerResponse Token(std::vector<std::string> scopes, std::string authorization = "",
                       std::string service = "registry") {
    std::vector<std::pair<std::string, std::string>> query = {{"service", service}};
    for (std::string& scope : scopes) query.emplace_back("scope", std::move(scope));
    return service_->Handle(Request("GET", "/service/token", query, std::move(authorization)));
  }

  ServerResponse Api(std::string method, std::string path, std::string body = "",
                     std::string authorization = "Bearer admin-token",
                     std::vector<std::pair<std::string, std::string>> query = {}) {
    return service_->Handle(Request(std::move(method), std::move(path), std::move(query),
                                    std::move(authorization), std::move(body)));
  }

  // The "access" claim of a token response, as JSON text of its array.
  static value::Value Claims(const ServerResponse& response) {
    auto body = value::ParseJson(response.body);
    EXPECT_TRUE(body);
    if (!body) return {};
    const std::string* token = body->Find("token") ? body->Find("token")->AsString() : nullptr;
    EXPECT_NE(token, nullptr);
    if (token == nullptr) return {};
    const std::size_t first = token->find('.');
    const std::size_t second = token->find('.', first + 1);
    auto payload = codec::DecodeBase64Url(token->substr(first + 1, second - first - 1));
    EXPECT_TRUE(payload);
    auto claims = value::ParseJson(*payload);
    EXPECT_TRUE(claims);
    return claims ? *claims : value::Value();
  }

  // Actions granted for the first access entry.
  static std::vector<std::string> Granted(const ServerResponse& response, std::size_t index = 0) {
    std::vector<std::string> actions;
    value::Value claims = Claims(response);
    const value::Value* access = claims.Find("access");
    if (access == nullptr || !access->is_array() || access->AsArray()->size() <= index) {
      ADD_FAILURE() << "no access entry " << index << " in " << value::ToJson(claims);
      return actions;
    }
    const value::Value* list = (*access->AsArray())[index].Find("actions");
    for (const value::Value& action : *list->AsArray()) actions.push_back(*action.AsString());
    return actions;
  }

  static std::string ErrorCode(const ServerResponse& response) {
    auto body = value::ParseJson(response.body);
    if (!body) return "<not json>";
    const value::Value* errors = body->Find("errors");
    if (errors == nullptr || !errors->is_array() || errors->AsArray()->empty()) return "<none>";
    const value::Value& first = (*errors->AsArray())[0];
    if (first.Find("message") == nullptr || !first.Find("message")->is_string()) return "<no msg>";
    return *first.Find("code")->AsString();
  }

  static value::Value JsonOf(const ServerResponse& response) {
    auto body = value::ParseJson(response.body);
    EXPECT_TRUE(body) << response.body;
    return body ? *body : value::Value();
  }

  static const std::string* Header(const ServerResponse& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return &value;
    }
    return nullptr;
  }

  // A project robot created as the CLI does; returns login and secret.
  RobotWithSecret MakeRobot(const std::string& project, const std::string& name,
                            const std::string& access, std::optional<std::int64_t> days = {}) {
    RobotRequest request;
    request.project = project;
    request.name = name;
    request.actions = *ActionsForAccess(access);
    request.expires_days = days;
    auto created = CreateRobotAccount(
        store(), "test", "robot+", request,
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count(),
        options_.hashing);
    EXPECT_TRUE(created) << created.error().ToString();
    return created ? *created : RobotWithSecret{};
  }

  ManualClock clock_{std::chrono::system_clock::now()};
  std::string dir_;
  RegistryServiceOptions options_;
  std::shared_ptr<FakeIdentity> identity_;
  std::shared_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<RegistryService> service_;
};

}  // namespace gatehouse::adapters::registry_service::testing_env
