// Every Rego module of the Gatekeeper library templates (the template's `rego` and its `libs`)
// parses as Rego v0 and compiles together with its libs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "conformance/conformance_dir.h"
#include "rego/engine.h"
#include "rego/parser.h"
#include "value/yaml.h"

namespace gatehouse::rego {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(GatekeeperCompileTest, EveryTemplateCompiles) {
  GATEHOUSE_REQUIRE_GATEKEEPER_LIBRARY();
  fs::path root = conformance::GatekeeperLibraryDir();
  ASSERT_TRUE(fs::exists(root)) << root;
  int templates = 0, modules = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename() != "template.yaml") continue;
    auto doc = value::ParseYaml(ReadAll(e.path()));
    ASSERT_TRUE(doc) << e.path() << ": " << doc.error().message;
    const value::Value* spec = doc->Find("spec");
    ASSERT_NE(spec, nullptr) << e.path();
    const value::Value* targets = spec->Find("targets");
    ASSERT_TRUE(targets != nullptr && targets->AsArray()) << e.path();
    for (const value::Value& target_entry : *targets->AsArray()) {
      // Either `rego`/`libs` on the target, or a `code` entry with engine Rego and a source.
      const value::Value* target = &target_entry;
      if (const value::Value* code = target_entry.Find("code"); code && code->AsArray()) {
        for (const value::Value& c : *code->AsArray()) {
          const value::Value* engine = c.Find("engine");
          if (engine && engine->AsString() && *engine->AsString() == "Rego")
            target = c.Find("source");
        }
      }
      ASSERT_NE(target, nullptr) << e.path();
      std::vector<Module> mods;
      auto add = [&](const value::Value* v, const std::string& name) {
        if (v == nullptr || !v->AsString()) return;
        auto m = ParseModule(name, *v->AsString(), RegoVersion::kV0);
        ASSERT_TRUE(m) << e.path() << ": " << m.error().message;
        mods.push_back(std::move(*m));
      };
      add(target->Find("rego"), "template.rego");
      if (const value::Value* libs = target->Find("libs"); libs != nullptr && libs->AsArray()) {
        int i = 0;
        for (const value::Value& lib : *libs->AsArray()) {
          add(&lib, "lib" + std::to_string(i++) + ".rego");
        }
      }
      if (mods.empty()) continue;
      modules += static_cast<int>(mods.size());
      auto policy = CompilePolicy(std::move(mods), Value::EmptyObject());
      EXPECT_TRUE(policy) << e.path() << ": " << policy.error().code << ": "
                          << policy.error().message;
      ++templates;
    }
  }
  EXPECT_GE(templates, 30);
  EXPECT_GE(modules, 40);
}

}  // namespace
}  // namespace gatehouse::rego
