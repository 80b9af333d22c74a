#include "registry/pull_secret.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/codec/base64.h"
#include "registry/registry_errors.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::registry {
namespace {

PullSecretSpec Spec() {
  return PullSecretSpec{"registry-pull", "team-demo", "registry.example.com:5000",
                        "robot+team-demo+pull", "S3cret"};
}

TEST(PullSecretTest, DockerConfigJsonMatchesIndependentEncoding) {
  // Expected text from Python: json.dumps({"auths": {...}}, separators=(",", ":")) with
  // base64.b64encode(b"robot+team-demo+pull:S3cret").
  Result<std::string> config = BuildDockerConfigJson(Spec());
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(*config, R"({"auths":{"registry.example.com:5000":{"username":"robot+team-demo+pull",)"
                     R"("password":"S3cret","auth":"cm9ib3QrdGVhbS1kZW1vK3B1bGw6UzNjcmV0"}}})");
}

TEST(PullSecretTest, YamlIsAKubernetesSecret) {
  Result<std::string> yaml = BuildPullSecretYaml(Spec());
  ASSERT_TRUE(yaml.has_value());
  Result<value::Value> doc = value::ParseYaml(*yaml);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  EXPECT_EQ(*doc->Find("apiVersion")->AsString(), "v1");
  EXPECT_EQ(*doc->Find("kind")->AsString(), "Secret");
  EXPECT_EQ(*doc->Find("type")->AsString(), "kubernetes.io/dockerconfigjson");
  EXPECT_EQ(*doc->Find("metadata")->Find("name")->AsString(), "registry-pull");
  EXPECT_EQ(*doc->Find("metadata")->Find("namespace")->AsString(), "team-demo");
  std::optional<std::string> config =
      codec::DecodeBase64Strict(*doc->Find("data")->Find(".dockerconfigjson")->AsString());
  ASSERT_TRUE(config.has_value());
  Result<value::Value> json = value::ParseJson(*config);
  ASSERT_TRUE(json.has_value());
  const value::Value* auth = json->Find("auths")->Find("registry.example.com:5000");
  ASSERT_TRUE(auth != nullptr);
  EXPECT_EQ(*auth->Find("username")->AsString(), "robot+team-demo+pull");
  EXPECT_EQ(*auth->Find("password")->AsString(), "S3cret");
  EXPECT_EQ(codec::DecodeBase64Strict(*auth->Find("auth")->AsString()),
            "robot+team-demo+pull:S3cret");
}

TEST(PullSecretTest, NumericNamespaceStaysAString) {
  PullSecretSpec spec = Spec();
  spec.namespace_ = "123";
  Result<std::string> yaml = BuildPullSecretYaml(spec);
  ASSERT_TRUE(yaml.has_value());
  Result<value::Value> doc = value::ParseYaml(*yaml);
  ASSERT_TRUE(doc.has_value());
  ASSERT_TRUE(doc->Find("metadata")->Find("namespace")->is_string());
}

TEST(PullSecretTest, ServerForms) {
  for (std::string_view good : {"registry", "127.0.0.1:5000", "Registry.Example.com", "a.b:1"}) {
    PullSecretSpec spec = Spec();
    spec.server = std::string(good);
    EXPECT_TRUE(BuildDockerConfigJson(spec).has_value()) << good;
  }
}

TEST(PullSecretTest, RefusesInvalidFields) {
  auto refused = [](PullSecretSpec spec) {
    Result<std::string> yaml = BuildPullSecretYaml(spec);
    if (yaml.has_value()) return false;
    EXPECT_EQ(yaml.error().code, RegistryError::kInvalidPullSecret);
    if (!spec.secret.empty()) {
      EXPECT_EQ(yaml.error().message.find(spec.secret), std::string::npos);
    }
    return true;
  };
  PullSecretSpec spec = Spec();
  for (std::string bad :
       std::vector<std::string>{"", "Upper", "a_b", "-a", "a;b", std::string(254, 'a'), "x\ny"}) {
    spec = Spec();
    spec.name = bad;
    EXPECT_TRUE(refused(spec)) << bad;
  }
  for (std::string bad :
       std::vector<std::string>{"", "a.b", std::string(64, 'a'), "ns\": x", "A"}) {
    spec = Spec();
    spec.namespace_ = bad;
    EXPECT_TRUE(refused(spec)) << bad;
  }
  for (std::string bad : std::vector<std::string>{"", "https://registry", "registry/path", "host:",
                                                  "host:99999", "host:12a", "ho st", "-host"}) {
    spec = Spec();
    spec.server = bad;
    EXPECT_TRUE(refused(spec)) << bad;
  }
  for (std::string bad :
       std::vector<std::string>{"", "user:name", "user name", std::string(256, 'u')}) {
    spec = Spec();
    spec.username = bad;
    EXPECT_TRUE(refused(spec)) << bad;
  }
  for (std::string bad : std::vector<std::string>{"", "with space", "new\nline"}) {
    spec = Spec();
    spec.secret = bad;
    EXPECT_TRUE(refused(spec)) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::registry
