// GatorSuite: a gator `Suite` (test.gatekeeper.sh/v1alpha1) as `gator verify` reads it — tests of
// a template and a constraint, each with cases (an object, an inventory, assertions) — plus
// gator's `--run` filter and its assertion check, with gator's messages.
//
// Paths stay as written (relative to the suite's folder); reading them is the caller's part.
// Pure; thread-safe once built.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace re2 {
class RE2;
}

namespace gatehouse::admission {

struct SuiteAssertion {
  enum class Count { kYes, kNo, kExactly };
  Count count = Count::kYes;
  std::int64_t exactly = 0;
  std::optional<std::string> message;  // an RE2 regex, unanchored
};

struct SuiteCase {
  std::string name;
  std::string object;                  // a file path
  std::vector<std::string> inventory;  // file paths
  std::vector<SuiteAssertion> assertions;
  bool skip = false;
};

struct SuiteTest {
  std::string name;
  std::string template_path;
  std::string constraint_path;
  bool invalid = false;  // the constraint must fail the template's schema
  bool skip = false;
  std::vector<SuiteCase> cases;
};

struct GatorSuite {
  bool skip = false;
  std::vector<SuiteTest> tests;
};

// True when the document is a Suite (group test.gatekeeper.sh, kind Suite).
bool IsSuiteDocument(const value::Value& doc);

// Errors (invalid_suite) in gator's words, e.g. `invalid yaml: assertion.violation, if set, must
// be a nonnegative integer, "yes", or "no"`.
Result<GatorSuite> ParseGatorSuite(const value::Value& doc);

// `--run`: one regex matching a test or a case name, or `TEST//CASE` (both must match).
class SuiteFilter {
 public:
  static Result<SuiteFilter> Parse(std::string_view run);
  bool RunsTest(const SuiteTest& t) const;
  bool RunsCase(const SuiteTest& t, const SuiteCase& c) const;

 private:
  bool Matches(const std::shared_ptr<const re2::RE2>& re, std::string_view s) const;
  std::shared_ptr<const re2::RE2> test_;
  std::shared_ptr<const re2::RE2> case_;
  bool both_ = false;
};

// "" when the assertion holds for these violation messages; else gator's explanation
// ("unexpected number of violations: got 0 violations but want at least 1: got messages []").
// Errors only for a message that is not a valid regex.
Result<std::string> CheckAssertion(const SuiteAssertion& a,
                                   const std::vector<std::string>& messages);

}  // namespace gatehouse::admission
