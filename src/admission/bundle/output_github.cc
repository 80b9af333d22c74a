// `-o github` (Conftest's output/github.go): GitHub Actions workflow commands, one group per
// result with an annotation per failure (error), warning, exception (notice) and skipped result
// (notice), a notice counting the successes, then the summary line.
//
// Conftest formats each annotation's message with fmt.Sprintf, using the policy's message as the
// format string for failures, warnings and exceptions, so a '%' in a message is read as a verb
// ("50% used" prints "50%!u(MISSING)sed"); the messages go through the same Go formatting here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/bundle/output_formats.h"
#include "rego/builtins/sprintf.h"
#include "rego/value.h"

namespace gatehouse::admission::bundle {
namespace {

// fmt.Sprintf(format, args...); the result is never much longer than the format and the
// arguments, so the limit only guards against a bug.
std::string GoFormat(std::string_view format, const std::vector<rego::Value>& args) {
  std::size_t limit = format.size() * 16 + 64;
  for (const rego::Value& arg : args) limit += arg.AsString().size() + 32;
  auto text = rego::GoSprintf(format, args, limit);
  return text ? *text : std::string(format);
}

// Go's %q (strconv.Quote).
std::string GoQuote(std::string_view s) { return GoFormat("%q", {rego::Value::String(s)}); }

// Conftest's escapeProperty: ':' and ',' end a property, '%', CR and LF are escaped as the
// workflow command syntax requires.
std::string EscapeProperty(std::string_view value) {
  std::string out;
  for (char c : value) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += "%3A";
        break;
      case ',':
        out += "%2C";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The elements of a Unix path after Go's filepath.Clean ("." dropped, ".." resolved lexically).
std::vector<std::string> CleanElements(std::string_view path) {
  const bool rooted = !path.empty() && path.front() == '/';
  std::vector<std::string> elements;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view element = path.substr(start, end - start);
    if (element.empty() || element == ".") {
      // dropped
    } else if (element == "..") {
      if (!elements.empty() && elements.back() != "..") {
        elements.pop_back();
      } else if (!rooted) {
        elements.emplace_back("..");
      }
    } else {
      elements.emplace_back(element);
    }
    start = end + 1;
  }
  return elements;
}

// Conftest's relPath: an absolute path relative to the working directory, as filepath.Rel makes
// it (both cleaned; ".." for each directory of the base left over). Relative paths, an unknown
// working directory and paths Rel refuses stay as they are.
std::string RelativePath(const std::string& path, std::string_view working_directory) {
  if (path.empty() || path.front() != '/' || working_directory.empty() ||
      working_directory.front() != '/') {
    return path;
  }
  const std::vector<std::string> base = CleanElements(working_directory);
  const std::vector<std::string> target = CleanElements(path);
  std::size_t common = 0;
  while (common < base.size() && common < target.size() && base[common] == target[common]) {
    ++common;
  }
  std::string rel;
  for (std::size_t i = common; i < base.size(); ++i) rel += rel.empty() ? ".." : "/..";
  for (std::size_t i = common; i < target.size(); ++i) {
    if (!rel.empty()) rel += '/';
    rel += target[i];
  }
  return rel.empty() ? "." : rel;
}

std::string LineText(std::int64_t line) { return line == 0 ? "" : std::to_string(line); }

class GithubWriter {
 public:
  GithubWriter(std::string& out, std::string_view working_directory)
      : out_(out), working_directory_(working_directory) {}

  // Conftest's writeLoc.
  void Annotation(std::string_view level, std::string_view file, std::string_view line,
                  std::string_view format, const std::vector<rego::Value>& args) {
    out_ += "::";
    out_ += level;
    out_ += " file=" + EscapeProperty(file) + ",line=";
    out_ += line;
    out_ += "::" + GoFormat(format, args) + "\n";
  }

  // Conftest's writeLocs: at the policy's `_loc` when it is in the file under test; when it is
  // elsewhere, once there and once at the file, prefixed with where it came from.
  void Annotations(std::string_view level, const CheckResult& result,
                   const std::optional<ResultLocation>& loc, const std::string& format,
                   const std::vector<rego::Value>& args) {
    if (!loc) {
      Annotation(level, result.filename, "1", format, args);
      return;
    }
    const std::string line = LineText(loc->line);
    if (loc->file == result.filename) {
      Annotation(level, loc->file, line, format, args);
      return;
    }
    const std::string origin = RelativePath(loc->file, working_directory_);
    Annotation(level, origin, line, format, args);
    // The origin is spliced into the format string before formatting, as in Conftest.
    Annotation(level, result.filename, "1",
               "(ORIGINATING FROM " + origin + " L" + line + ") " + format, args);
  }

 private:
  std::string& out_;
  std::string_view working_directory_;
};

}  // namespace

std::string RenderGithub(const std::vector<CheckResult>& results, const OutputOptions& options) {
  std::string out;
  GithubWriter writer(out, options.working_directory);
  for (const CheckResult& result : results) {
    // --github-hide-passed drops the group of a result that only passed; the summary still
    // counts it.
    if (options.github_hide_passed && result.failures.empty() && result.warnings.empty() &&
        result.exceptions.empty() && result.skipped.empty()) {
      continue;
    }
    out += "::group::Testing " + GoQuote(result.filename) + " against " +
           std::to_string(result.tests()) + " policies in namespace " + GoQuote(result.namespace_) +
           "\n";
    for (const CheckMessage& m : result.failures) {
      writer.Annotations("error", result, m.loc, m.msg, {});
    }
    for (const CheckMessage& m : result.warnings) {
      writer.Annotations("warning", result, m.loc, m.msg, {});
    }
    for (const CheckMessage& m : result.exceptions) {
      writer.Annotations("notice", result, m.loc, m.msg, {});
    }
    for (const CheckMessage& m : result.skipped) {
      writer.Annotations("notice", result, m.loc, "Test was skipped: %s",
                         {rego::Value::String(m.msg)});
    }
    writer.Annotation("notice", result.filename, "1", "Number of successful checks: %d",
                      {rego::Value::Int(result.successes)});
    out += "::endgroup::\n";
  }
  out += FormatSummary(CountResults(results), false);
  out += '\n';
  return out;
}

}  // namespace gatehouse::admission::bundle
