// Runs the Gatekeeper library's own suites (`gator verify` semantics) on gatehouse's Rego engine:
// every template (v0 Rego with its libs) is compiled with the case's inventory as data.inventory,
// `data.<package>.violation` is evaluated on the case's input, and each assertion (`violations:
// yes|no|N`, optionally only violations whose message matches `message`, a regex) is checked.
// Usage: gatekeeper_suites [LIBRARY_DIR]; without it,
// $GATEHOUSE_CONFORMANCE_DIR/gatekeeper-library/ library (default
// <repo>/../shared/conformance/...), and exit 77 (ctest: skipped) when absent. Prints failures and
// ends with "N passed, N failed, N skipped" (one case = all its assertions); exit 0 when none
// failed.
#include <cstdio>
#include <regex>
#include <string>

#include "conformance_dir.h"
#include "gatekeeper_suite.h"

namespace {

using namespace gatehouse;  // NOLINT: a test program
namespace gk = gatehouse::testing::gatekeeper;

// The violations of one case, or an error.
Result<std::vector<std::string>> Violations(const gk::Test& test, const gk::Case& c) {
  rego::CompileOptions options;
  options.version = rego::RegoVersion::kV0;
  rego::Value data = rego::Value::Object({{rego::Value::String("inventory"), c.inventory}});
  auto policy = rego::ParseAndCompilePolicy(test.modules, data, options);
  if (!policy) return policy.error();
  auto query = rego::PreparedQuery::Prepare(*policy, "data." + test.package + ".violation");
  if (!query) return query.error();
  rego::EvalOptions eval;
  eval.input = c.input;
  auto results = query->Eval(eval);
  if (!results) return results.error();
  std::vector<std::string> messages;
  for (const rego::QueryResult& r : *results) {
    for (const rego::Value& set : r.expressions) {
      for (const rego::Value& violation : set.Items()) {
        const rego::Value* msg = violation.Find("msg");
        messages.push_back(msg && msg->is_string() ? std::string(msg->AsString()) : "");
      }
    }
  }
  return messages;
}

// "" when the assertion holds, else why not.
std::string Check(const gk::Assertion& a, const std::vector<std::string>& messages) {
  std::size_t matching = 0;
  for (const std::string& m : messages) {
    if (!a.message || std::regex_search(m, std::regex(*a.message))) ++matching;
  }
  const std::string what = a.message ? " matching \"" + *a.message + "\"" : "";
  if (a.violations == "yes") {
    return matching > 0 ? "" : "expected violations" + what + ", got none";
  }
  if (a.violations == "no") {
    return matching == 0 ? ""
                         : "expected no violations" + what + ", got " + std::to_string(matching);
  }
  const std::size_t want = std::stoul(a.violations);
  return matching == want ? ""
                          : "expected " + a.violations + " violations" + what + ", got " +
                                std::to_string(matching);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: %s [GATEKEEPER_LIBRARY_DIR]\n", argv[0]);
    return 2;
  }
  std::string dir;
  if (argc == 2) {
    dir = argv[1];
  } else {  // $GATEHOUSE_CONFORMANCE_DIR/gatekeeper-library/library, or the default; skip if absent
    const std::string missing = gatehouse::conformance::GatekeeperLibraryMissing();
    if (!missing.empty()) {
      std::printf("SKIPPED: %s\n", missing.c_str());
      return gatehouse::conformance::kSkipExitCode;
    }
    dir = gatehouse::conformance::GatekeeperLibraryDir().string();
  }
  auto tests = gk::LoadLibrary(dir);
  if (!tests) {
    std::fprintf(stderr, "cannot load the library: %s\n", tests.error().ToString().c_str());
    return 2;
  }
  int passed = 0, failed = 0;
  for (const gk::Test& test : *tests) {
    for (const gk::Case& c : test.cases) {
      std::string why;
      auto messages = Violations(test, c);
      if (!messages) {
        why = messages.error().ToString();
      } else {
        for (const gk::Assertion& a : c.assertions) {
          why = Check(a, *messages);
          if (!why.empty()) break;
        }
      }
      if (why.empty()) {
        ++passed;
      } else {
        ++failed;
        std::printf("FAIL %s/%s/%s: %s\n", test.suite.c_str(), test.name.c_str(), c.name.c_str(),
                    why.c_str());
      }
    }
  }
  std::printf("%d passed, %d failed, 0 skipped\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
