// `-o azuredevops` (Conftest's output/azuredevops.go): Azure Pipelines logging commands, one
// section and group per result, then the summary line.
#include <string>

#include "admission/bundle/output_formats.h"

namespace gatehouse::admission::bundle {

std::string RenderAzureDevops(const std::vector<CheckResult>& results) {
  std::string out;
  for (const CheckResult& result : results) {
    const std::string& file = result.filename;
    out += "##[section]Testing '" + file + "' against " + std::to_string(result.tests()) +
           " policies in namespace '" + result.namespace_ + "'\n";
    out += "##[group]See conftest results\n";
    auto issue = [&](std::string_view type, const CheckMessage& message) {
      out += "##vso[task.logissue type=";
      out += type;
      out += "] file=" + file + " --> " + message.msg + "\n";
    };
    for (const CheckMessage& failure : result.failures) issue("error", failure);
    for (const CheckMessage& warning : result.warnings) issue("warning", warning);
    // Conftest reports exceptions as warnings too.
    for (const CheckMessage& exception : result.exceptions) issue("warning", exception);
    for (const CheckMessage& skipped : result.skipped) {
      out += "skipped file=" + file + " " + skipped.msg + "\n";
    }
    if (result.successes > 0) {
      out += "success file=" + file + " " + std::to_string(result.successes) + "\n";
    }
    out += "##[endgroup]\n";
  }
  out += FormatSummary(CountResults(results), false);
  out += '\n';
  return out;
}

}  // namespace gatehouse::admission::bundle
