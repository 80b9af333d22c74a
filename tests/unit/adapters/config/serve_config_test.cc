#include "adapters/config/serve_config.h"

#include <gtest/gtest.h>

#include <set>

#include "adapters/config/config_errors.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

Status Apply(const std::string& yaml, ServeConfig& config) {
  Result<value::Value> document = value::ParseYaml(yaml);
  EXPECT_TRUE(document) << document.error().ToString();
  return ApplyConfigDocument(*document, config);
}

TEST(ServeConfigTest, AppliesNestedAndDottedKeys) {
  ServeConfig config;
  ASSERT_TRUE(
      Apply("listen: 127.0.0.1:9443\n"
            "keystone:\n  url: http://127.0.0.1:5000/v3\n  timeout: 500ms\n"
            "authentication.failureStatus: 401\n"
            "userAgents: [a/b, c/d]\n",
            config));
  EXPECT_EQ(config.listen, "127.0.0.1:9443");
  EXPECT_EQ(config.keystone_url, "http://127.0.0.1:5000/v3");
  EXPECT_EQ(config.keystone_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(config.authentication_failure_status, 401);
  EXPECT_EQ(config.user_agents, (std::vector<std::string>{"a/b", "c/d"}));
}

TEST(ServeConfigTest, UnknownKeyIsAnErrorNamingTheKey) {
  ServeConfig config;
  Status s = Apply("keystone:\n  ur1: http://x\n", config);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ConfigError::kUnknownKey);
  EXPECT_NE(s.error().message.find("keystone.ur1"), std::string::npos);
}

TEST(ServeConfigTest, InvalidValuesNameTheKey) {
  for (const char* yaml :
       {"keystone.timeout: soon\n", "threads: -1\n", "authorization.noMatch: maybe\n",
        "tls.requireClientCert: yes-please\n", "listen: [a, b]\n"}) {
    ServeConfig config;
    Status s = Apply(yaml, config);
    ASSERT_FALSE(s) << yaml;
    EXPECT_EQ(s.error().code, ConfigError::kInvalidValue) << yaml;
    const std::string key = std::string(yaml).substr(0, std::string(yaml).find(':'));
    EXPECT_NE(s.error().message.find(key), std::string::npos) << s.error().message;
  }
}

TEST(ServeConfigTest, EveryOptionHasUniqueKeyAndFlag) {
  std::set<std::string> keys, flags;
  for (const ServeOption& option : ServeOptions()) {
    EXPECT_TRUE(keys.insert(option.key).second) << option.key;
    EXPECT_TRUE(flags.insert(option.flag).second) << option.flag;
    EXPECT_FALSE(option.help.empty()) << option.key;
  }
  // k8s-keystone-auth's flags carry over unchanged.
  for (const char* flag : {"listen", "tls-cert-file", "tls-private-key-file", "keystone-url",
                           "keystone-ca-file", "keystone-policy-file", "policy-configmap-name",
                           "sync-config-file", "sync-configmap-name", "kubeconfig", "user-agent"}) {
    EXPECT_TRUE(flags.count(flag)) << flag;
  }
}

TEST(ServeConfigTest, ValidatesServiceCredentials) {
  ServeConfig config;
  config.keystone_url = "http://k/v3";
  config.keystone_validation = "service";
  EXPECT_FALSE(ValidateServeConfig(config));
  config.keystone_service_username = "svc";
  config.keystone_service_password = "pw";
  EXPECT_TRUE(ValidateServeConfig(config));
}

TEST(ServeConfigTest, SecretsAreNotShownAsDefaults) {
  ServeConfig config;
  config.keystone_service_password = "hunter2";
  for (const ServeOption& option : ServeOptions()) {
    if (option.is_secret) {
      EXPECT_EQ(option.get(config), "");
    }
  }
}

}  // namespace
}  // namespace gatehouse::adapters
