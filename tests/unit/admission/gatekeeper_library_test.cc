// Every ConstraintTemplate of the Gatekeeper library reads as a template and its Rego (v0, with
// its libs) compiles. Skips, saying why, when the library is not beside the repository.
#include <gtest/gtest.h>

#include <filesystem>

#include "admission/constraint_template.h"
#include "conformance/conformance_dir.h"
#include "conformance/gatekeeper_suite.h"

namespace gatehouse::admission {
namespace {

namespace fs = std::filesystem;

TEST(GatekeeperLibraryTest, EveryTemplateReadsAndCompiles) {
  GATEHOUSE_REQUIRE_GATEKEEPER_LIBRARY();
  fs::path root = conformance::GatekeeperLibraryDir();
  ASSERT_TRUE(fs::exists(root)) << root;
  int templates = 0;
  std::size_t modules = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename() != "template.yaml") continue;
    auto doc = testing::gatekeeper::ReadYaml(e.path());
    ASSERT_TRUE(doc) << e.path() << ": " << doc.error().message;
    auto t = ParseConstraintTemplate(*doc, e.path().string());
    ASSERT_TRUE(t) << e.path() << ": " << t.error().ToString();
    modules += t->modules.size();
    auto policy = CompileTemplate(*t, rego::Value::EmptyObject());
    EXPECT_TRUE(policy) << e.path() << ": " << policy.error().ToString();
    ++templates;
  }
  EXPECT_GE(templates, 30);
  EXPECT_GE(modules, 40u);
}

}  // namespace
}  // namespace gatehouse::admission
