// Private to check_output.cc and the output_*.cc files: one renderer per Conftest output format
// (each in output_<format>.cc, reproducing output/<format>.go) and the few pieces they share.
// Renderers take the results in Conftest's order and return the complete text for stdout; they
// never fail (Conftest's only failures here are writer errors). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "admission/bundle/check_output.h"
#include "admission/bundle/check_result.h"
#include "rego/value.h"

namespace gatehouse::admission::bundle {

// Sums over all results, as every format's summary counts them.
struct CheckTotals {
  std::int64_t tests = 0;  // successes + warnings + failures + exceptions + skipped
  std::int64_t successes = 0;
  std::int64_t warnings = 0;
  std::int64_t failures = 0;
  std::int64_t exceptions = 0;
  std::int64_t skipped = 0;
};
CheckTotals CountResults(const std::vector<CheckResult>& results);
// SummaryLine's text for `totals`.
std::string FormatSummary(const CheckTotals& totals, bool show_skipped);

// The file and namespace columns of stdout and tap lines: "- <file>" ("-" for stdin) and
// "- <ns> -" (a namespace of "-" is shown as "-" alone, as Conftest does).
std::string FileColumn(std::string_view filename);
std::string NamespaceColumn(std::string_view ns);

// Go's encoding/json text (json.Marshal: HTML-safe escaping of '<', '>', '&', U+2028 and U+2029,
// "\b" and "\f" short forms, invalid UTF-8 as \ufffd). Values: object keys sorted, sets as
// arrays, numbers as OPA hands them to Go (json.Number text).
void AppendGoJsonString(std::string& out, std::string_view s);
void AppendGoJsonValue(std::string& out, const rego::Value& v);
// Whether Conftest's `metadata` map is non-empty, so that omitempty keeps it.
bool HasMetadata(const rego::Value& metadata);

std::string RenderStandard(const std::vector<CheckResult>& results, const OutputOptions& options);
std::string RenderJson(const std::vector<CheckResult>& results);
std::string RenderTap(const std::vector<CheckResult>& results);
std::string RenderTable(const std::vector<CheckResult>& results);
std::string RenderJunit(const std::vector<CheckResult>& results, bool hide_message);
std::string RenderGithub(const std::vector<CheckResult>& results, const OutputOptions& options);
std::string RenderAzureDevops(const std::vector<CheckResult>& results);
std::string RenderSarif(const std::vector<CheckResult>& results, const OutputOptions& options);

}  // namespace gatehouse::admission::bundle
