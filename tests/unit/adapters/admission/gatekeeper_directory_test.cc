// The directory source of Gatekeeper resources (adapters/admission/gatekeeper_directory.h).
#include "adapters/admission/gatekeeper_directory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "admission/admission_errors.h"

namespace gatehouse::adapters {
namespace {

namespace fs = std::filesystem;

const char* kTemplate = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdeny}
spec:
  crd: {spec: {names: {kind: K8sDeny}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdeny
        violation[{"msg": "denied"}] { true }
)";

const char* kBrokenTemplate = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdeny}
spec:
  crd: {spec: {names: {kind: K8sDeny}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdeny
        violation[{"msg": msg}] { true }
)";

const char* kConstraint = R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDeny
metadata: {name: everything}
)";

class GatekeeperDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("gatehouse-gk-dir-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(GatekeeperDirectoryTest, ReadsEveryYamlFileBelowAndSkipsHiddenOnes) {
  Write("templates/deny.yaml", kTemplate);
  Write("constraints/deny.yml", kConstraint);
  Write(".git/config.yaml", "not: [valid");
  Write("notes.txt", "ignored");
  auto text = GatekeeperDirectoryFetcher(dir_.string())();
  ASSERT_TRUE(text) << text.error().ToString();
  ASSERT_TRUE(text->has_value());
  auto set = LoadGatekeeperDirectory(**text, nullptr);
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_EQ((*set)->templates().size(), 1u);
  ASSERT_EQ((*set)->constraints().size(), 1u);
  EXPECT_TRUE((*set)->problems().empty());
  auto absent = GatekeeperDirectoryFetcher((dir_ / "nope").string())();
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value()) << "an absent directory is an absent source";
}

TEST_F(GatekeeperDirectoryTest, AFileThatDoesNotParseRefusesTheVersion) {
  Write("deny.yaml", kTemplate);
  Write("bad.yaml", "kind: [unclosed\n");
  auto text = GatekeeperDirectoryFetcher(dir_.string())();
  ASSERT_TRUE(text && text->has_value());
  auto set = LoadGatekeeperDirectory(**text, nullptr);
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message.find("bad.yaml: "), std::string::npos) << set.error().message;
}

TEST_F(GatekeeperDirectoryTest, ABrokenUpdateKeepsTheTemplatesLastGoodVersion) {
  Write("deny.yaml", kTemplate);
  Write("c.yaml", kConstraint);
  auto first = LoadGatekeeperDirectory(**GatekeeperDirectoryFetcher(dir_.string())(), nullptr);
  ASSERT_TRUE(first);
  Write("deny.yaml", kBrokenTemplate);
  auto second =
      LoadGatekeeperDirectory(**GatekeeperDirectoryFetcher(dir_.string())(), first->get());
  ASSERT_TRUE(second);
  ASSERT_EQ((*second)->problems().size(), 1u);
  EXPECT_EQ((*second)->problems()[0].error.code, admission::AdmissionError::kTemplateCompile);
  ASSERT_EQ((*second)->constraints().size(), 1u) << "the constraint still has its template";
  EXPECT_EQ((*second)->FindTemplate("K8sDeny")->policy, (*first)->FindTemplate("K8sDeny")->policy);
  auto fresh = LoadGatekeeperDirectory(**GatekeeperDirectoryFetcher(dir_.string())(), nullptr);
  ASSERT_TRUE(fresh);
  EXPECT_TRUE((*fresh)->constraints().empty()) << "without a last good version nothing serves";
}

}  // namespace
}  // namespace gatehouse::adapters
