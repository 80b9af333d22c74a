// `-o tap` (Conftest's output/tap.go): per result a plan line "1..n", then failures, warnings,
// exceptions, skipped and successes, numbered from 1 again for each result.
#include <string>

#include "admission/bundle/output_formats.h"

namespace gatehouse::admission::bundle {

std::string RenderTap(const std::vector<CheckResult>& results) {
  std::string out;
  for (const CheckResult& result : results) {
    // Conftest returns from the whole output at the first result without tests, so the results
    // after it are never printed; kept for identical output.
    if (result.tests() == 0) break;
    const std::string file = FileColumn(result.filename);
    const std::string ns = NamespaceColumn(result.namespace_);
    std::int64_t counter = 1;
    auto line = [&](std::string_view status, std::string_view text) {
      out += status;
      out += ' ';
      out += std::to_string(counter++);
      out += ' ';
      out += file;
      out += ' ';
      out += ns;
      out += ' ';
      out += text;
      out += '\n';
    };

    out += "1.." + std::to_string(result.tests()) + "\n";
    for (const CheckMessage& failure : result.failures) line("not ok", failure.msg);
    if (!result.warnings.empty()) {
      out += "# warnings\n";
      for (const CheckMessage& warning : result.warnings) line("not ok", warning.msg);
    }
    if (!result.exceptions.empty()) {
      out += "# exceptions\n";
      for (const CheckMessage& exception : result.exceptions) line("ok", exception.msg);
    }
    if (!result.skipped.empty()) {
      out += "# skip\n";
      for (const CheckMessage& skipped : result.skipped) line("ok", skipped.msg);
    }
    if (result.successes > 0) {
      out += "# successes\n";
      for (std::int64_t i = 0; i < result.successes; ++i) line("ok", "SUCCESS");
    }
  }
  return out;
}

}  // namespace gatehouse::admission::bundle
