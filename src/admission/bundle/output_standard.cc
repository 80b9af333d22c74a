// `-o stdout` (Conftest's output/standard.go, Standard.Output without --trace): print() lines,
// then per result its warnings, failures and exceptions, then an empty line and the summary.
#include <string>
#include <string_view>

#include "admission/bundle/output_formats.h"

namespace gatehouse::admission::bundle {
namespace {

// aurora's SGR foreground codes; Conftest colours unconditionally unless --no-color (no TTY
// check), so the escapes are part of the expected bytes.
constexpr std::string_view kRed = "31";
constexpr std::string_view kGreen = "32";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kBlue = "34";
constexpr std::string_view kCyan = "36";

void AppendColored(std::string& out, std::string_view text, std::string_view color, bool enabled) {
  if (!enabled) {
    out += text;
    return;
  }
  out += "\x1b[";
  out += color;
  out += 'm';
  out += text;
  out += "\x1b[0m";
}

}  // namespace

std::string FileColumn(std::string_view filename) {
  if (filename == "-") return "-";
  return "- " + std::string(filename);
}

std::string NamespaceColumn(std::string_view ns) {
  if (ns == "-") return "-";
  return "- " + std::string(ns) + " -";
}

std::string RenderStandard(const std::vector<CheckResult>& results, const OutputOptions& options) {
  std::string out;
  // Go's Println("PRNT ", "", text): the operands are joined by spaces, and the hook's text
  // already ends in a newline, hence the empty line after each.
  for (const std::string& print : options.prints) {
    AppendColored(out, "PRNT ", kBlue, options.color);
    out += "  ";
    out += print;
    out += "\n\n";
  }

  for (const CheckResult& result : results) {
    const std::string file = FileColumn(result.filename);
    const std::string ns = NamespaceColumn(result.namespace_);
    auto line = [&](std::string_view tag, std::string_view color, const CheckMessage& message) {
      AppendColored(out, tag, color, options.color);
      out += ' ';
      out += file;
      out += ' ';
      out += ns;
      out += ' ';
      out += message.msg;
      out += '\n';
    };
    for (const CheckMessage& warning : result.warnings) line("WARN", kYellow, warning);
    for (const CheckMessage& failure : result.failures) line("FAIL", kRed, failure);
    if (!options.suppress_exceptions) {
      for (const CheckMessage& exception : result.exceptions) line("EXCP", kCyan, exception);
    }
  }

  // Suppressed exceptions still count in the summary, as in Conftest.
  const CheckTotals totals = CountResults(results);
  std::string_view color = kGreen;
  if (totals.failures > 0) {
    color = kRed;
  } else if (totals.warnings > 0) {
    color = kYellow;
  } else if (totals.exceptions > 0) {
    color = kCyan;
  }
  out += '\n';
  AppendColored(out, FormatSummary(totals, options.show_skipped), color, options.color);
  out += '\n';
  return out;
}

}  // namespace gatehouse::admission::bundle
