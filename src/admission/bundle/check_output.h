// Conftest's output formats for CheckResults (`-o stdout|json|tap|table|junit|github|
// azuredevops|sarif`), byte for byte as Conftest prints them (docs/conftest-compat.md section
// 4; output/*.go of open-policy-agent/conftest). Pure: each function returns the text to write
// to stdout. Thread-safe.
//
// Where Conftest's output depends on its process rather than on the results, a fixed choice
// stands in:
// - junit's `go.version` property (Go's runtime.Version()) is always "go1.26.3", the Go release
//   Conftest's go.mod names;
// - junit's suites, one per namespace, come in first-appearance order (Conftest ranges over a Go
//   map, so its order varies between runs);
// - table cells measure a tab as 8 columns and never treat East Asian ambiguous characters as
//   wide (tablewriter guesses both from the environment and the working directory);
// - github shows absolute `_loc` files relative to OutputOptions::working_directory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "admission/bundle/check_result.h"

namespace gatehouse::admission::bundle {

enum class OutputFormat { kStdout, kJson, kTap, kTable, kJunit, kGithub, kAzureDevops, kSarif };

struct OutputOptions {
  bool color = true;                 // false with --no-color
  bool suppress_exceptions = false;  // --suppress-exceptions (stdout only)
  bool show_skipped = false;         // verify: the summary ends ", N skipped"
  bool junit_hide_message = false;
  bool github_hide_passed = false;
  // print() lines, each "file:row: text" without the newline Conftest's print hook appends;
  // stdout shows each before the results as "PRNT   file:row: text" and an empty line.
  std::vector<std::string> prints;
  // Not read by the formatters: sarif's invocation exitCode is derived from the results as
  // Conftest derives it (failures ? 1 : 0, whatever --fail-on-warn says).
  int exit_code = 0;
  std::string tool_version = "0";  // sarif driver version (a leading "v" is dropped)
  // github: the directory an absolute `_loc` file is made relative to (Conftest's relPath uses
  // the process's working directory); empty leaves absolute files as they are.
  std::string working_directory;
};

// The format a --output value names. An unknown name gives kStdout with colour and without
// --suppress-exceptions, as Conftest's output.Get falls back (set *unknown to true then; the
// caller resets those options). `unknown` may be null; a known name sets it to false.
OutputFormat ParseOutputFormat(std::string_view name, bool* unknown);

// The whole output for `results`, in Conftest's result order.
std::string RenderResults(OutputFormat format, const std::vector<CheckResult>& results,
                          const OutputOptions& options);

// The closing summary line without colour or newline:
// "<T> test[s], <P> passed, <W> warning[s], <F> failure[s], <E> exception[s][, <S> skipped]"
// ("s" unless the count is exactly 1; T counts skipped results too).
std::string SummaryLine(const std::vector<CheckResult>& results, bool show_skipped);

}  // namespace gatehouse::admission::bundle
