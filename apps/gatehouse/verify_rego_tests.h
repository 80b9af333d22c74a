// Rego unit tests for `gatehouse verify`, run as OPA v1's `opa test PATH... [--run RE] [-v]` runs
// them (tester/runner.go, tester/reporter.go, cmd/test.go).
//
// Every .rego module and .json/.yaml data file under the paths is loaded (LoadPolicyFiles; a
// trailing "/..." on a directory is dropped, directories are always recursive), the modules are
// parsed and compiled as Rego v1 with the data. A test is a rule, not a function, whose head
// names `test_*` (or `todo_test_*`, reported SKIPPED without running); a second definition of
// the same test becomes `test_x#01`, as opa renames it. Each test evaluates `data.<pkg>.<name>`
// with a 5 s deadline: defined and true passes, undefined or any other value fails, an
// evaluation error is an error; a test whose head ends in a variable (`test_x[name] if`) reports
// one sub-result per key. `--run` is a Go (RE2) regular expression searched in the full name.
// Output goes to stdout in opa's pretty form, files in sorted order; the exit status is opa's: 0
// when every test passed, 2 when any failed, errored or was skipped, 1 when a file does not load
// or compile or the regular expression is invalid (the error on stderr). Not thread-safe: plain
// I/O on the process's streams.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "rego/engine.h"

namespace gatehouse::app {

// OPA's ast.Error text "file:row: code: message" for an engine error "file:row:col: message"
// (parse and compile errors; parse errors with OPA's source line and caret).
std::string OpaErrorText(const Error& error, const std::vector<rego::SourceFile>& sources);

// One test as `conftest verify` reports it (runner/verify.go): its file, `data.<pkg>.<name>`,
// and whether it failed or was skipped; print() lines in `output`.
struct ConftestTestOutcome {
  std::string file;
  std::string name;
  bool fail = false;
  bool skip = false;
  std::string output;
};

// The Rego unit tests of the .rego files under `policy` (data files there are not loaded),
// with the data files under `data` placed as `conftest -d` places them, parsed as `version`.
// Errors: loading and compiling (OPA's words), and the first test that errored, as Conftest
// stops there ("run test: ...").
Result<std::vector<ConftestTestOutcome>> RunRegoTestsAsConftest(
    const std::vector<std::string>& policy, const std::vector<std::string>& data,
    rego::RegoVersion version);

// True when a PATH (file, or directory searched recursively, "DIR/..." included) holds a file
// named *_test.rego. Hidden files and directories are skipped, as the loader skips them.
bool HasRegoTests(const std::vector<std::string>& paths);

// Runs the Rego unit tests found under `paths`; prints opa test's output and returns its exit
// status.
int RunRegoTests(const std::vector<std::string>& paths, const std::string& run, bool verbose);

}  // namespace gatehouse::app
