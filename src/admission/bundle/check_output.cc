#include "admission/bundle/check_output.h"

#include <array>

#include "admission/bundle/output_formats.h"

namespace gatehouse::admission::bundle {
namespace {

struct NamedFormat {
  std::string_view name;
  OutputFormat format;
};

// Conftest's output.Outputs(), the names --output accepts.
constexpr std::array<NamedFormat, 8> kFormats = {{
    {"stdout", OutputFormat::kStdout},
    {"json", OutputFormat::kJson},
    {"tap", OutputFormat::kTap},
    {"table", OutputFormat::kTable},
    {"junit", OutputFormat::kJunit},
    {"github", OutputFormat::kGithub},
    {"azuredevops", OutputFormat::kAzureDevops},
    {"sarif", OutputFormat::kSarif},
}};

std::string Counted(std::int64_t n, std::string_view noun) {
  std::string text = std::to_string(n);
  text += ' ';
  text += noun;
  if (n != 1) text += 's';
  return text;
}

}  // namespace

OutputFormat ParseOutputFormat(std::string_view name, bool* unknown) {
  for (const NamedFormat& named : kFormats) {
    if (named.name == name) {
      if (unknown != nullptr) *unknown = false;
      return named.format;
    }
  }
  if (unknown != nullptr) *unknown = true;
  return OutputFormat::kStdout;
}

CheckTotals CountResults(const std::vector<CheckResult>& results) {
  CheckTotals totals;
  for (const CheckResult& result : results) {
    totals.successes += result.successes;
    totals.warnings += static_cast<std::int64_t>(result.warnings.size());
    totals.failures += static_cast<std::int64_t>(result.failures.size());
    totals.exceptions += static_cast<std::int64_t>(result.exceptions.size());
    totals.skipped += static_cast<std::int64_t>(result.skipped.size());
  }
  totals.tests =
      totals.successes + totals.warnings + totals.failures + totals.exceptions + totals.skipped;
  return totals;
}

std::string FormatSummary(const CheckTotals& totals, bool show_skipped) {
  std::string line = Counted(totals.tests, "test");
  line += ", " + std::to_string(totals.successes) + " passed, ";
  line += Counted(totals.warnings, "warning") + ", ";
  line += Counted(totals.failures, "failure") + ", ";
  line += Counted(totals.exceptions, "exception");
  if (show_skipped) line += ", " + std::to_string(totals.skipped) + " skipped";
  return line;
}

std::string SummaryLine(const std::vector<CheckResult>& results, bool show_skipped) {
  return FormatSummary(CountResults(results), show_skipped);
}

std::string RenderResults(OutputFormat format, const std::vector<CheckResult>& results,
                          const OutputOptions& options) {
  switch (format) {
    case OutputFormat::kStdout:
      return RenderStandard(results, options);
    case OutputFormat::kJson:
      return RenderJson(results);
    case OutputFormat::kTap:
      return RenderTap(results);
    case OutputFormat::kTable:
      return RenderTable(results);
    case OutputFormat::kJunit:
      return RenderJunit(results, options.junit_hide_message);
    case OutputFormat::kGithub:
      return RenderGithub(results, options);
    case OutputFormat::kAzureDevops:
      return RenderAzureDevops(results);
    case OutputFormat::kSarif:
      return RenderSarif(results, options);
  }
  return RenderStandard(results, options);
}

}  // namespace gatehouse::admission::bundle
