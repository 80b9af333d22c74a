#include <gtest/gtest.h>

#include "adapters/config/config_errors.h"
#include "adapters/config/serve_config.h"
#include "common/common_errors.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

using Strings = std::vector<std::string>;

Status Apply(const std::string& yaml, ServeConfig& config) {
  Result<value::Value> doc = value::ParseYaml(yaml);
  EXPECT_TRUE(doc.has_value()) << yaml;
  return ApplyConfigDocument(doc.value_or(value::Value()), config);
}

const ServeOption* FindFlag(const std::string& flag) {
  for (const ServeOption& option : ServeOptions()) {
    if (option.flag == flag) return &option;
  }
  return nullptr;
}

Status SetFlag(ServeConfig& config, const std::string& flag, const std::string& value) {
  const ServeOption* option = FindFlag(flag);
  EXPECT_NE(option, nullptr) << flag;
  return option != nullptr ? option->set(config, value)
                           : MakeError(CommonError::kInternal, "no flag");
}

TEST(ServeConfigOidcTest, KubeApiserverFlagsExistWithMatchingFileKeys) {
  for (const char* flag :
       {"oidc-issuer-url", "oidc-client-id", "oidc-username-claim", "oidc-username-prefix",
        "oidc-groups-claim", "oidc-groups-prefix", "oidc-required-claim", "oidc-ca-file",
        "oidc-signing-algs", "oidc-jwks-refresh-interval", "oidc-jwks-min-refresh-interval"}) {
    const ServeOption* option = FindFlag(flag);
    ASSERT_NE(option, nullptr) << flag;
    EXPECT_EQ(option->key.rfind("oidc.", 0), 0u) << option->key;
  }
  EXPECT_TRUE(FindFlag("oidc-required-claim")->is_list);
}

TEST(ServeConfigOidcTest, FlagsFillTheSingleIssuer) {
  ServeConfig c;
  ASSERT_TRUE(SetFlag(c, "oidc-issuer-url", "https://sso.test/realms/demo"));
  ASSERT_TRUE(SetFlag(c, "oidc-client-id", "kubernetes, kubectl"));
  ASSERT_TRUE(SetFlag(c, "oidc-username-prefix", "-"));
  ASSERT_TRUE(SetFlag(c, "oidc-required-claim", "tenant=demo"));
  ASSERT_TRUE(SetFlag(c, "oidc-required-claim", "hd=example.com"));
  ASSERT_TRUE(SetFlag(c, "oidc-signing-algs", "RS256,ES256"));
  EXPECT_EQ(c.oidc.client_ids, (Strings{"kubernetes", "kubectl"}));
  EXPECT_EQ(c.oidc.username_prefix, std::optional<std::string>("-"));
  ASSERT_EQ(c.oidc.required_claims.size(), 2u);
  EXPECT_EQ(c.oidc.required_claims[1].first, "hd");
  EXPECT_EQ(c.oidc.required_claims[1].second, "example.com");
  EXPECT_EQ(c.oidc.signing_algs, (Strings{"RS256", "ES256"}));
  EXPECT_FALSE(SetFlag(c, "oidc-required-claim", "novalue"));
  EXPECT_FALSE(SetFlag(c, "oidc-group-path-rule", "first-segment"));
  ASSERT_TRUE(ValidateServeConfig(c));
  ASSERT_EQ(EffectiveOidcIssuers(c).size(), 1u);
}

TEST(ServeConfigOidcTest, IssuersListInTheFile) {
  ServeConfig c;
  ASSERT_TRUE(Apply(R"(
oidc:
  jwksRefreshInterval: 5m
  issuers:
    - issuerURL: https://a.test/realms/one
      clientID: [kubernetes, other]
      groupsClaim: groups
      groupPathRule: last-segment
      realmRoles: true
      clientRoles: [kube]
      requiredClaims:
        tenant: one
    - issuerURL: https://b.test
      clientID: kubernetes
      usernameClaim: email
      jwksFile: /etc/keys.json
)",
                    c));
  ASSERT_EQ(c.oidc_issuers.size(), 2u);
  const OidcIssuerSettings& a = c.oidc_issuers[0];
  EXPECT_EQ(a.client_ids, (Strings{"kubernetes", "other"}));
  EXPECT_EQ(a.group_path_rule, "last-segment");
  EXPECT_TRUE(a.realm_roles);
  EXPECT_EQ(a.client_roles, Strings{"kube"});
  ASSERT_EQ(a.required_claims.size(), 1u);
  EXPECT_EQ(a.required_claims[0].second, "one");
  EXPECT_EQ(c.oidc_issuers[1].username_claim, "email");
  EXPECT_EQ(c.oidc_issuers[1].jwks_file, "/etc/keys.json");
  EXPECT_EQ(c.oidc_jwks_refresh_interval, std::chrono::minutes(5));
  ASSERT_TRUE(ValidateServeConfig(c));
  // The flag issuer comes first.
  c.oidc.issuer_url = "https://flag.test";
  c.oidc.client_ids = {"k"};
  std::vector<OidcIssuerSettings> all = EffectiveOidcIssuers(c);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].issuer_url, "https://flag.test");
}

TEST(ServeConfigOidcTest, UnknownKeysInsideItemsAreErrors) {
  ServeConfig c;
  Status s = Apply("oidc:\n  issuers:\n    - issuerURL: https://a.test\n      clientId: x\n", c);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ConfigError::kUnknownKey);
  EXPECT_NE(s.error().message.find("oidc.issuers[0].clientId"), std::string::npos);
  ServeConfig d;
  Status bad = Apply("oidc.issuers:\n  - issuerURL: https://a.test\n    groupPathRule: x\n", d);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ConfigError::kInvalidValue);
  ServeConfig e;
  EXPECT_FALSE(Apply("oidc:\n  issuers: {issuerURL: https://a.test}\n", e));
  ServeConfig f;
  EXPECT_FALSE(Apply("oidc:\n  issuers: [plain]\n", f));
}

TEST(ServeConfigOidcTest, ValidationNamesTheProblem) {
  ServeConfig no_audience;
  no_audience.oidc.issuer_url = "https://a.test";
  EXPECT_FALSE(ValidateServeConfig(no_audience));
  ServeConfig plain_http;
  plain_http.oidc.issuer_url = "http://sso.example.com";
  plain_http.oidc.client_ids = {"k"};
  Status refused = ValidateServeConfig(plain_http);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("https"), std::string::npos);
  plain_http.oidc.issuer_url = "http://127.0.0.1:8080/realms/x";  // a local test provider
  EXPECT_TRUE(ValidateServeConfig(plain_http));
  plain_http.oidc.issuer_url = "http://127.0.0.1.evil.test/realms/x";
  EXPECT_FALSE(ValidateServeConfig(plain_http));
  ServeConfig orphan;
  orphan.oidc.client_ids = {"k"};
  EXPECT_FALSE(ValidateServeConfig(orphan));
  ServeConfig twice;
  twice.oidc.issuer_url = "https://a.test";
  twice.oidc.client_ids = {"k"};
  twice.oidc_issuers.push_back(twice.oidc);
  EXPECT_FALSE(ValidateServeConfig(twice));
}

}  // namespace
}  // namespace gatehouse::adapters
