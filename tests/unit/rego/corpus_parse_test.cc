// Parses real-world Rego: the Gatekeeper library templates (v0) and OPA's v1 conformance
// cases (modules and queries). Gatekeeper must parse completely; for the OPA cases the rate
// is printed and every failure is written to a file (REGO_PARSE_FAILURES, else
// rego_parse_failures.txt in gtest's temporary directory) for review.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/conformance_dir.h"
#include "rego/format.h"
#include "rego/parser.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::rego {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> FindFiles(const fs::path& root, std::string_view suffix) {
  std::vector<fs::path> out;
  if (!fs::exists(root)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The printed module must parse back (as v0 with all future keywords) to the same text: a
// check that the tree is well-formed and that precedence and nesting survived.
std::string RoundTripProblem(const Module& module) {
  std::string printed = FormatModule(module);
  // `import rego.v1` would demand v1 syntax of the v0 text.
  for (std::size_t at; (at = printed.find("import rego.v1\n")) != std::string::npos;) {
    printed.erase(at, 15);
  }
  std::size_t eol = printed.find('\n');
  const std::string kImport = "import future.keywords\n";
  std::string again = printed.substr(0, eol + 1) + kImport + printed.substr(eol + 1);
  Result<Module> reparsed = ParseModule("printed.rego", again, RegoVersion::kV0);
  if (!reparsed) return "printed module does not parse: " + reparsed.error().message + "\n" + again;
  std::string second = FormatModule(*reparsed);
  std::size_t at = second.find(kImport);
  if (at != std::string::npos) second.erase(at, kImport.size());
  if (second != printed) return "round trip differs:\n" + printed + "---\n" + second;
  return "";
}

std::string QueryRoundTripProblem(const Query& query) {
  std::string printed = FormatBody(query.ast, query.body);
  std::string inner = printed.substr(2, printed.size() - 4);  // "{ " ... " }"
  Result<Query> reparsed = ParseQuery("printed", inner, RegoVersion::kV1);
  if (!reparsed) return "printed query does not parse: " + reparsed.error().message + "\n" + inner;
  std::string second = FormatBody(reparsed->ast, reparsed->body);
  if (second != printed) return "round trip differs:\n" + printed + "\n---\n" + second;
  return "";
}

void AddRegoSources(const value::Value& holder, std::vector<std::string>& out) {
  if (const value::Value* rego = holder.Find("rego"); rego != nullptr && rego->AsString()) {
    out.push_back(*rego->AsString());
  }
  if (const value::Value* libs = holder.Find("libs"); libs != nullptr && libs->AsArray()) {
    for (const value::Value& lib : *libs->AsArray()) {
      if (lib.AsString()) out.push_back(*lib.AsString());
    }
  }
}

// spec.targets[].rego and .libs, and spec.targets[].code[engine=Rego].source.{rego,libs}.
std::vector<std::string> TemplateModules(const value::Value& doc) {
  std::vector<std::string> out;
  const value::Value* spec = doc.Find("spec");
  const value::Value* targets = spec != nullptr ? spec->Find("targets") : nullptr;
  if (targets == nullptr || !targets->AsArray()) return out;
  for (const value::Value& target : *targets->AsArray()) {
    AddRegoSources(target, out);
    const value::Value* code = target.Find("code");
    if (code == nullptr || !code->AsArray()) continue;
    for (const value::Value& entry : *code->AsArray()) {
      const value::Value* engine = entry.Find("engine");
      const value::Value* source = entry.Find("source");
      if (engine != nullptr && engine->AsString() && *engine->AsString() == "Rego" &&
          source != nullptr) {
        AddRegoSources(*source, out);
      }
    }
  }
  return out;
}

TEST(CorpusParseTest, EveryGatekeeperLibraryModuleParsesAsV0) {
  GATEHOUSE_REQUIRE_GATEKEEPER_LIBRARY();
  fs::path root = conformance::GatekeeperLibraryDir();
  std::vector<fs::path> templates = FindFiles(root, "template.yaml");
  ASSERT_GE(templates.size(), 30u) << "missing Gatekeeper library under " << root;
  std::size_t modules = 0;
  std::size_t parsed = 0;
  for (const fs::path& path : templates) {
    Result<value::Value> doc = value::ParseYaml(ReadFile(path));
    ASSERT_TRUE(doc) << path << ": " << doc.error().ToString();
    std::vector<std::string> sources = TemplateModules(*doc);
    EXPECT_FALSE(sources.empty()) << path;
    for (const std::string& source : sources) {
      ++modules;
      Result<Module> module = ParseModule(path.string(), source, RegoVersion::kV0);
      if (module) {
        ++parsed;
        EXPECT_FALSE(module->rules.empty()) << path;
        EXPECT_EQ(RoundTripProblem(*module), "") << path;
      } else {
        ADD_FAILURE() << module.error().message;
      }
    }
  }
  std::printf("gatekeeper library: %zu of %zu modules parse (%zu templates)\n", parsed, modules,
              templates.size());
  EXPECT_EQ(parsed, modules);
}

TEST(CorpusParseTest, OpaConformanceModulesAndQueriesParseAsV1) {
  GATEHOUSE_REQUIRE_OPA_CASES();
  fs::path root = conformance::OpaCasesDir();
  std::vector<fs::path> files = FindFiles(root, ".json");
  ASSERT_GE(files.size(), 900u) << "missing OPA conformance cases under " << root;
  const char* env = std::getenv("REGO_PARSE_FAILURES");
  std::string report_path = env != nullptr ? env : ::testing::TempDir() + "rego_parse_failures.txt";
  std::ofstream report(report_path);
  std::size_t total = 0;
  std::size_t parsed = 0;
  std::size_t cases = 0;
  std::size_t round_trip_failures = 0;
  for (const fs::path& path : files) {
    Result<value::Value> doc = value::ParseJson(ReadFile(path));
    ASSERT_TRUE(doc) << path << ": " << doc.error().ToString();
    const value::Value* list = doc->Find("cases");
    ASSERT_TRUE(list != nullptr && list->AsArray()) << path;
    for (const value::Value& c : *list->AsArray()) {
      ++cases;
      const value::Value* note = c.Find("note");
      std::string name = note != nullptr && note->AsString() ? *note->AsString() : path.string();
      auto record = [&](const std::string& what, const std::string& text, const Error* error,
                        const std::string& round_trip) {
        ++total;
        if (error == nullptr) {
          ++parsed;
          if (!round_trip.empty()) {
            ++round_trip_failures;
            report << name << " [" << what << "]: " << round_trip << "\n===\n";
          }
          return;
        }
        report << name << " [" << what << "]: " << error->message << "\n---\n" << text << "\n===\n";
      };
      if (const value::Value* modules = c.Find("modules"); modules && modules->AsArray()) {
        int index = 0;
        for (const value::Value& m : *modules->AsArray()) {
          std::string file = "module" + std::to_string(index++) + ".rego";
          Result<Module> module = ParseModule(file, *m.AsString(), RegoVersion::kV1);
          record(file, *m.AsString(), module ? nullptr : &module.error(),
                 module ? RoundTripProblem(*module) : "");
        }
      }
      if (const value::Value* query = c.Find("query"); query && query->AsString()) {
        Result<Query> q = ParseQuery("query", *query->AsString(), RegoVersion::kV1);
        record("query", *query->AsString(), q ? nullptr : &q.error(),
               q ? QueryRoundTripProblem(*q) : "");
      }
    }
  }
  std::printf(
      "opa conformance: %zu of %zu modules+queries parse (%.2f%%) in %zu cases; "
      "failures in %s\n",
      parsed, total, total ? 100.0 * static_cast<double>(parsed) / static_cast<double>(total) : 0.0,
      cases, report_path.c_str());
  EXPECT_GT(parsed, 0u);
  // Whatever parses must print and re-parse to the same tree.
  EXPECT_EQ(round_trip_failures, 0u) << "see " << report_path;
}

}  // namespace
}  // namespace gatehouse::rego
