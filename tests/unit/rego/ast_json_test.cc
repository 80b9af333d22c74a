// OPA's JSON form of a module (rego/ast_json.h), and rego.parse_module on top of it.
#include "rego/ast_json.h"

#include <gtest/gtest.h>

#include <string>

#include "rego/parser.h"
#include "value/json.h"

namespace gatehouse::rego {
namespace {

std::string JsonOf(std::string_view text) {
  auto module = ParseModule("m.rego", text, RegoVersion::kV1);
  EXPECT_TRUE(module) << module.error().message;
  if (!module) return "";
  return value::ToJson(ModuleToJson(*module));
}

TEST(AstJsonTest, PackageIsADataRefOfStrings) {
  EXPECT_EQ(JsonOf("package a.b"),
            R"({"package":{"path":[{"type":"var","value":"data"},{"type":"string","value":"a"},)"
            R"({"type":"string","value":"b"}]}})");
}

TEST(AstJsonTest, RulesHaveHeadsAndBodiesOfTypedTerms) {
  std::string json = JsonOf(
      "package p\nimport data.x as y\ndefault allow := false\n"
      "allow if { not input.deny[_] }\n");
  EXPECT_NE(json.find(R"("imports":[{"path":{"type":"ref","value":[{"type":"var","value":"data"},)"
                      R"({"type":"string","value":"x"}]},"alias":"y"}])"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"({"default":true,"head":{"name":"allow","value":{"type":"boolean",)"
                      R"("value":false},"ref":[{"type":"var","value":"allow"}],"assign":true})"),
            std::string::npos)
      << json;
  EXPECT_NE(
      json.find(R"({"index":0,"negated":true,"terms":{"type":"ref","value":[{"type":"var",)"
                R"("value":"input"},{"type":"string","value":"deny"},{"type":"var","value":)"),
      std::string::npos)
      << json;
}

TEST(AstJsonTest, CallsAreWrittenAsTheirTerms) {
  std::string json = JsonOf("package p\nf(x) := y if { y := x * 2 }\n");
  EXPECT_NE(json.find(R"("terms":[{"type":"ref","value":[{"type":"var","value":"assign"}]},)"
                      R"({"type":"var","value":"y"},{"type":"call","value":[{"type":"ref",)"
                      R"("value":[{"type":"var","value":"mul"}]},{"type":"var","value":"x"},)"
                      R"({"type":"number","value":2}]}])"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("args":[{"type":"var","value":"x"}])"), std::string::npos) << json;
}

}  // namespace
}  // namespace gatehouse::rego
