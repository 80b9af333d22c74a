// A policy bundle: Conftest-style Rego policies plus base data, compiled once, checked against
// documents exactly as `conftest test` checks them (docs/conftest-compat.md section 3).
//
// For a namespace (a package path without "data."), the rules that count are the rule
// definitions of that package whose name is `deny`, `violation` or `warn`, alone or with
// `_<suffix>` parts. Per document and per rule name, Conftest's exception query
// (`data.<ns>.exception[_][_] == "<name without prefix>"`) runs first; any solution makes every
// result of the rule an exception. Otherwise the rule's value gives results: a string is a
// message, an object needs a string "msg" (the rest is metadata, `_loc` its location), an empty
// or non-collection value is one pass. A document counts max(rule definitions, results) tests.
// The same bundle serves `gatehouse test` (input = one document of a file) and the admission
// webhook (input = the object under review). Immutable after Load; Check is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "admission/bundle/check_result.h"
#include "common/result.h"
#include "rego/engine.h"

namespace gatehouse::admission::bundle {

struct BundleOptions {
  rego::RegoVersion version = rego::RegoVersion::kV1;
  bool strict = false;  // --strict (reserved by the engine)
  // OPA capabilities (--capabilities): only these builtins exist for the policies; a call of any
  // other is the compiler's "undefined function". nullopt: every builtin.
  std::optional<std::vector<std::string>> builtins;
};

struct CheckOptions {
  // Base documents replaced for this check (data.conftest.file, data.gatehouse.request, ...).
  std::vector<rego::DataOverlay> data;
  // print() lines as "file:row: text"; null: print does nothing.
  std::function<void(std::string_view)> print;
  bool show_builtin_errors = false;      // a builtin error aborts instead of being undefined
  std::uint64_t max_steps = 10'000'000;  // per query
  const Clock* clock = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// Whether a rule name counts, and how (Conftest's failureRegex / warningRegex).
bool IsFailureRule(std::string_view name);
bool IsWarningRule(std::string_view name);
// The rule name an exception names: "" for deny/violation/warn, else without the first of the
// prefixes violation_, deny_, warn_ (removed in that order, as Conftest does).
std::string ExceptionName(std::string_view rule);
// Go's path.Match for a namespace pattern (`*`, `?`, `[...]`; no '/' in namespaces).
bool NamespacePatternMatches(std::string_view pattern, std::string_view ns);
bool HasWildcard(std::string_view pattern);

class PolicyBundle {
 public:
  // Parses (in options.version syntax) and compiles the modules with `data`. Modules are
  // ordered by file name. Errors: the parser's and compiler's ("file:row:col: ..."), and
  // invalid_policy_bundle for "no policies found" and Conftest's
  // "rule is using 'if' keyword without 'contains' keyword: rule in FILE at line N".
  static Result<std::shared_ptr<const PolicyBundle>> Load(std::vector<rego::SourceFile> files,
                                                          rego::Value data,
                                                          const BundleOptions& options = {});

  // Every package of the bundle, without "data.", in module order, once each.
  const std::vector<std::string>& namespaces() const { return namespaces_; }
  // The namespaces to query for --namespace patterns: the patterns themselves when none has a
  // wildcard, else the existing namespaces that match one of them; every namespace with `all`.
  std::vector<std::string> SelectNamespaces(const std::vector<std::string>& patterns,
                                            bool all) const;

  // Adds one document's results for namespace `ns` to *result (counts add up, messages are
  // appended). Errors: policy_bundle_evaluation_error with Conftest's words
  // ("query rule: evaluating policy: ...", "query exception: ...", "query rule: new result:
  // \"msg\" field must be present and a string", "built-in error: [...]").
  Status Check(std::string_view ns, const rego::Value& input, const CheckOptions& options,
               CheckResult* result) const;

  const rego::CompiledPolicy& policy() const { return *policy_; }

 private:
  friend class NamespaceChecker;
  struct Rule {
    std::string name;
    bool failure = false;
    std::string rule_query;
    std::string exception_query;
    std::optional<rego::PreparedQuery> rule;
    std::optional<rego::PreparedQuery> exception;
  };
  struct Namespace {
    std::int64_t definitions = 0;  // rule definitions that count
    std::vector<Rule> rules;       // unique names, in module then source order
  };

  PolicyBundle() = default;
  // One rule's results: `exceptions` solutions of its exception query, else its `values`.
  static Status AddRuleResults(const Rule& rule, std::size_t exceptions,
                               std::span<const rego::Value> values, CheckResult* result,
                               std::int64_t* results, std::int64_t* successes);

  std::shared_ptr<const rego::BuiltinRegistry> builtins_;  // a capabilities subset, if any
  std::shared_ptr<const rego::CompiledPolicy> policy_;
  std::vector<std::string> namespaces_;
  std::map<std::string, Namespace, std::less<>> rules_;
};

// Several namespaces of a bundle checked in one evaluation per document: every rule's exception
// query and value become parts of one prepared query, so rules the namespaces share (a library's
// containers, parameters, annotations) are computed once per document instead of once per
// namespace. The results are those of PolicyBundle::Check for each namespace in turn; when the
// evaluation fails, each namespace is checked alone so the error names its query in Conftest's
// words. Immutable; Check is thread-safe.
class NamespaceChecker {
 public:
  static Result<std::shared_ptr<const NamespaceChecker>> Prepare(
      std::shared_ptr<const PolicyBundle> bundle, std::vector<std::string> namespaces);

  const std::vector<std::string>& namespaces() const { return namespaces_; }
  const PolicyBundle& bundle() const { return *bundle_; }

  // Adds one document's results to (*results)[i] for namespaces()[i]; results->size() must be
  // namespaces().size().
  Status Check(const rego::Value& input, const CheckOptions& options,
               std::vector<CheckResult>* results) const;

 private:
  struct Part {
    std::size_t ns = 0;  // index into namespaces_
    const PolicyBundle::Rule* rule = nullptr;
    std::size_t exception_binding = 0;
    std::size_t value_binding = 0;
  };
  NamespaceChecker() = default;

  std::shared_ptr<const PolicyBundle> bundle_;
  std::vector<std::string> namespaces_;
  std::vector<Part> parts_;
  std::optional<rego::PreparedQuery> query_;  // none when no namespace has rules
};

}  // namespace gatehouse::admission::bundle
