// The public embedding API of the Rego engine.
//
// Compile modules and base data once into a CompiledPolicy (immutable; share it across threads
// with the shared_ptr), prepare queries against it, and evaluate a PreparedQuery as often as
// needed: Eval is const and thread-safe (each call has its own evaluation state).
//
//   auto policy = CompilePolicy(std::move(modules), data);
//   auto query = PreparedQuery::Prepare(*policy, "data.k8s.violation[x]");
//   auto rs = query->Eval({.input = input});
//
// Failures are Errors: compile errors (rego_parse_error, rego_compile_error,
// rego_unsafe_var_error, rego_recursion_error, rego_type_error: "file:row:col: message") and
// evaluation errors (eval_conflict_error, eval_type_error, eval_builtin_error,
// eval_cancel_error: message "file:row: code: message", as OPA's Error() prints them).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "rego/ast.h"
#include "rego/builtins/builtin.h"
#include "rego/value.h"

namespace gatehouse::rego {

namespace ir {
struct Program;
struct CompiledQuery;
}  // namespace ir

struct SourceFile {
  std::string filename;
  std::string text;
};

struct CompileOptions {
  RegoVersion version = RegoVersion::kV1;     // for ParseAndCompilePolicy
  bool strict = false;                        // reserved: OPA's strict mode checks
  const BuiltinRegistry* builtins = nullptr;  // null: StandardBuiltins()
};

// Modules + base data, compiled once. Immutable; safe to share across threads.
class CompiledPolicy {
 public:
  explicit CompiledPolicy(std::shared_ptr<const ir::Program> program, CompileOptions options)
      : program_(std::move(program)), options_(options) {}
  const ir::Program& program() const { return *program_; }
  const CompileOptions& options() const { return options_; }

 private:
  std::shared_ptr<const ir::Program> program_;
  CompileOptions options_;
};

Result<std::shared_ptr<const CompiledPolicy>> CompilePolicy(std::vector<Module> modules, Value data,
                                                            const CompileOptions& options = {});

// One METADATA block of a compiled policy: the document it describes (the package path, or the
// rule's path; without `data`), the file and position of its `# METADATA` line, and its
// annotations as rego.metadata.* return them (scope included).
struct AnnotationRef {
  std::vector<std::string> path;
  std::string file;
  Location loc;
  value::Value annotations;
};

// Every annotation of the policy, sorted by path, then file and position (as `opa inspect -a`
// lists them).
std::vector<AnnotationRef> ListAnnotations(const CompiledPolicy& policy);

// Parses the files (in options.version syntax) and compiles them.
Result<std::shared_ptr<const CompiledPolicy>> ParseAndCompilePolicy(
    const std::vector<SourceFile>& files, Value data, const CompileOptions& options = {});

// A base document replaced for one evaluation, as `with data.<path> as <value>` would: the
// policy stays compiled once while, say, Gatekeeper's data.inventory changes.
struct DataOverlay {
  std::vector<std::string> path;  // below data, e.g. {"inventory"}
  Value value;
};

struct EvalOptions {
  std::optional<Value> input;
  std::vector<DataOverlay> data;  // later entries win
  std::int64_t now_ns = 0;        // time.now_ns; 0: read `clock` (or the system clock)
  const Clock* clock = nullptr;   // null: SystemClock
  bool strict_builtin_errors = false;
  std::function<void(std::string_view)> print;
  bool print_location = false;  // print lines start "file:row: ", as OPA's print hook shows them
  std::uint64_t max_steps = 10'000'000;
  std::uint32_t max_depth = 200;
  std::optional<std::chrono::steady_clock::time_point> deadline;  // on clock->Monotonic()
};

// One solution: the query's named variables, and each expression's value (true for
// unifications and other non-term expressions), as in OPA's result set.
struct QueryResult {
  std::vector<Value> expressions;
  std::vector<std::pair<std::string, Value>> bindings;  // in query order
  // {"expressions": [{"value": ...}...], "bindings": {...}}
  Value ToValue() const;
};
using ResultSet = std::vector<QueryResult>;

// A query prepared against a policy. Eval is const and thread-safe.
class PreparedQuery {
 public:
  static Result<PreparedQuery> Prepare(std::shared_ptr<const CompiledPolicy> policy,
                                       std::string_view query,
                                       RegoVersion version = RegoVersion::kV1);
  Result<ResultSet> Eval(const EvalOptions& options) const;

 private:
  PreparedQuery() = default;
  std::shared_ptr<const CompiledPolicy> policy_;
  std::shared_ptr<const ir::CompiledQuery> query_;
};

// Base data the way `opa eval -d` loads files: each JSON/YAML document is merged at the root
// (or, for a file named data.json / data.yaml under a directory, at the directory's path).
// `files` are (path relative to the root, text). Errors: invalid_json / invalid_yaml / conflict.
Result<Value> LoadDataDocuments(const std::vector<SourceFile>& files);

}  // namespace gatehouse::rego
