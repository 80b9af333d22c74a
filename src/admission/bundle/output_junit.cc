// `-o junit` (Conftest's output/junit.go through go-junit-report v1.0.0's formatter): one
// <testsuite> per namespace holding, per result, its warnings and failures (as failed tests),
// skipped results and one passing test per success, as Go's xml.MarshalIndent writes them with
// tabs. Exceptions are not reported, as in Conftest.
#include <string>
#include <string_view>
#include <vector>

#include "admission/bundle/output_formats.h"
#include "common/codec/utf8.h"

namespace gatehouse::admission::bundle {
namespace {

// Go's runtime.Version() in Conftest; see check_output.h for why it is fixed.
constexpr std::string_view kGoVersion = "go1.26.3";

enum class TestOutcome { kPass, kFail, kSkip };

struct JunitTest {
  std::string name;
  TestOutcome outcome = TestOutcome::kPass;
  std::string output;  // the whole message: the failure's text, the skip's message
};

struct JunitSuite {
  std::string ns;
  std::vector<JunitTest> tests;
};

// encoding/xml's EscapeString, used for attribute values and character data alike.
void AppendXmlEscaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const char32_t cp = codec::DecodeUtf8(s, i);
    switch (cp) {
      case '"':
        out += "&#34;";
        continue;
      case '\'':
        out += "&#39;";
        continue;
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '\t':
        out += "&#x9;";
        continue;
      case '\n':
        out += "&#xA;";
        continue;
      case '\r':
        out += "&#xD;";
        continue;
      default:
        break;
    }
    const bool in_xml_range = (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
                              (cp >= 0x10000 && cp <= 0x10FFFF);
    const bool malformed = cp == codec::kReplacementChar && i == start + 1;
    if (!in_xml_range || malformed) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out.append(s.substr(start, i - start));
    }
  }
}

// Conftest's formatTestName: the file, then " - " and the message's first line.
std::string TestName(const std::string& file, std::string_view message, bool hide_message) {
  if (hide_message || message.empty()) return file;
  return file + " - " + std::string(message.substr(0, message.find('\n')));
}

}  // namespace

std::string RenderJunit(const std::vector<CheckResult>& results, bool hide_message) {
  std::vector<JunitSuite> suites;
  auto suite_for = [&](const std::string& ns) -> std::vector<JunitTest>& {
    for (JunitSuite& suite : suites) {
      if (suite.ns == ns) return suite.tests;
    }
    suites.push_back(JunitSuite{ns, {}});
    return suites.back().tests;
  };
  for (const CheckResult& result : results) {
    const std::string& file = result.filename;
    auto add = [&](TestOutcome outcome, const std::string& message) {
      suite_for(result.namespace_)
          .push_back(JunitTest{TestName(file, message, hide_message), outcome, message});
    };
    for (const CheckMessage& warning : result.warnings) add(TestOutcome::kFail, warning.msg);
    for (const CheckMessage& failure : result.failures) add(TestOutcome::kFail, failure.msg);
    for (const CheckMessage& skipped : result.skipped) add(TestOutcome::kSkip, skipped.msg);
    for (std::int64_t i = 0; i < result.successes; ++i) add(TestOutcome::kPass, "");
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>";
  for (const JunitSuite& suite : suites) {
    const std::string name = "conftest." + suite.ns;
    // go-junit-report names the class after the package's last path element.
    const std::size_t slash = name.rfind('/');
    const std::string classname = slash == std::string::npos ? name : name.substr(slash + 1);
    std::size_t failures = 0;
    for (const JunitTest& test : suite.tests) {
      if (test.outcome == TestOutcome::kFail) ++failures;
    }

    out += "\n\t<testsuite tests=\"" + std::to_string(suite.tests.size()) + "\" failures=\"" +
           std::to_string(failures) + "\" time=\"0.000\" name=\"";
    AppendXmlEscaped(out, name);
    out += "\">\n\t\t<properties>\n\t\t\t<property name=\"go.version\" value=\"";
    AppendXmlEscaped(out, kGoVersion);
    out += "\"></property>\n\t\t</properties>";
    for (const JunitTest& test : suite.tests) {
      out += "\n\t\t<testcase classname=\"";
      AppendXmlEscaped(out, classname);
      out += "\" name=\"";
      AppendXmlEscaped(out, test.name);
      out += "\" time=\"0.000\">";
      switch (test.outcome) {
        case TestOutcome::kPass:
          break;
        case TestOutcome::kFail:
          out += "\n\t\t\t<failure message=\"Failed\" type=\"\">";
          AppendXmlEscaped(out, test.output);
          out += "</failure>\n\t\t";
          break;
        case TestOutcome::kSkip:
          out += "\n\t\t\t<skipped message=\"";
          AppendXmlEscaped(out, test.output);
          out += "\"></skipped>\n\t\t";
          break;
      }
      out += "</testcase>";
    }
    out += "\n\t</testsuite>";
  }
  out += suites.empty() ? "</testsuites>\n" : "\n</testsuites>\n";
  return out;
}

}  // namespace gatehouse::admission::bundle
