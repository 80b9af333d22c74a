// Conftest's output formats (admission/bundle/check_output.h). Expected texts come from
// Conftest's own tests (output/*_test.go, named in each comment) where they exist; the others
// follow the Go code those tests exercise (output/*.go and the libraries named there).
#include "admission/bundle/check_output.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::admission::bundle {
namespace {

using rego::Value;

CheckMessage Msg(std::string text, Value metadata = Value()) {
  CheckMessage m;
  m.msg = std::move(text);
  m.metadata = std::move(metadata);
  return m;
}

CheckMessage MsgAt(std::string text, std::string file, std::int64_t line) {
  CheckMessage m = Msg(std::move(text));
  m.loc = ResultLocation{std::move(file), line};
  return m;
}

Value Meta(std::vector<std::pair<std::string, std::string>> members) {
  std::vector<rego::Member> out;
  for (auto& [k, v] : members) out.emplace_back(Value::String(k), Value::String(v));
  return Value::Object(std::move(out));
}

CheckResult Result(std::string file, std::string ns) {
  CheckResult r;
  r.filename = std::move(file);
  r.namespace_ = std::move(ns);
  return r;
}

// Conftest's usual fixture: a warning, a failure and optionally a skipped result.
CheckResult ServiceYaml(bool skipped) {
  CheckResult r = Result("examples/kubernetes/service.yaml", "namespace");
  r.warnings = {Msg("first warning")};
  r.failures = {Msg("first failure")};
  if (skipped) r.skipped = {Msg("first skipped")};
  return r;
}

OutputOptions NoColor() {
  OutputOptions options;
  options.color = false;
  return options;
}

std::string Render(OutputFormat format, const std::vector<CheckResult>& results,
                   const OutputOptions& options = NoColor()) {
  return RenderResults(format, results, options);
}

// ---------------------------------------------------------------- formats and the summary

TEST(CheckOutputFormat, NamesConftestAccepts) {
  const std::vector<std::pair<std::string, OutputFormat>> names = {
      {"stdout", OutputFormat::kStdout},
      {"json", OutputFormat::kJson},
      {"tap", OutputFormat::kTap},
      {"table", OutputFormat::kTable},
      {"junit", OutputFormat::kJunit},
      {"github", OutputFormat::kGithub},
      {"azuredevops", OutputFormat::kAzureDevops},
      {"sarif", OutputFormat::kSarif}};
  for (const auto& [name, format] : names) {
    bool unknown = true;
    EXPECT_EQ(ParseOutputFormat(name, &unknown), format) << name;
    EXPECT_FALSE(unknown) << name;
  }
}

TEST(CheckOutputFormat, UnknownNameFallsBackToStdout) {
  // output_test.go TestGetOutputter "unknown_format".
  bool unknown = false;
  EXPECT_EQ(ParseOutputFormat("unknown_format", &unknown), OutputFormat::kStdout);
  EXPECT_TRUE(unknown);
  EXPECT_EQ(ParseOutputFormat("JSON", nullptr), OutputFormat::kStdout);  // names are exact
}

TEST(CheckOutputSummary, PluralUnlessExactlyOne) {
  EXPECT_EQ(SummaryLine({}, false), "0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions");
  CheckResult one = Result("a.yaml", "main");
  one.failures = {Msg("f")};
  EXPECT_EQ(SummaryLine({one}, false), "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions");
  CheckResult mixed = Result("a.yaml", "main");
  mixed.successes = 1;
  mixed.warnings = {Msg("w")};
  mixed.exceptions = {Msg("e")};
  mixed.skipped = {Msg("s")};
  EXPECT_EQ(SummaryLine({mixed}, true),
            "4 tests, 1 passed, 1 warning, 0 failures, 1 exception, 1 skipped");
  CheckResult many = Result("b.yaml", "main");
  many.successes = 2;
  many.warnings = {Msg("w1"), Msg("w2")};
  many.failures = {Msg("f1"), Msg("f2")};
  many.exceptions = {Msg("e1"), Msg("e2")};
  EXPECT_EQ(SummaryLine({many, one}, false),
            "9 tests, 2 passed, 2 warnings, 3 failures, 2 exceptions");
}

// ---------------------------------------------------------------- stdout

TEST(CheckOutputStandard, FailuresWarningsAndSkipped) {
  // standard_test.go TestStandard "records failures, warnings and skipped" (both cases).
  EXPECT_EQ(Render(OutputFormat::kStdout, {ServiceYaml(false)}),
            "WARN - examples/kubernetes/service.yaml - namespace - first warning\n"
            "FAIL - examples/kubernetes/service.yaml - namespace - first failure\n"
            "\n"
            "2 tests, 0 passed, 1 warning, 1 failure, 0 exceptions\n");
  CheckResult foo = Result("foo.yaml", "namespace");
  foo.warnings = {Msg("first warning")};
  foo.failures = {Msg("first failure")};
  foo.skipped = {Msg("first skipped")};
  OutputOptions options = NoColor();
  options.show_skipped = true;
  EXPECT_EQ(Render(OutputFormat::kStdout, {foo}, options),
            "WARN - foo.yaml - namespace - first warning\n"
            "FAIL - foo.yaml - namespace - first failure\n"
            "\n"
            "3 tests, 0 passed, 1 warning, 1 failure, 0 exceptions, 1 skipped\n");
}

TEST(CheckOutputStandard, StdinShowsADashForTheFile) {
  // standard_test.go TestStandard "skips filenames for stdin" (both cases).
  CheckResult stdin_result = Result("-", "namespace");
  stdin_result.warnings = {Msg("first warning")};
  stdin_result.failures = {Msg("first failure")};
  EXPECT_EQ(Render(OutputFormat::kStdout, {stdin_result}),
            "WARN - - namespace - first warning\n"
            "FAIL - - namespace - first failure\n"
            "\n"
            "2 tests, 0 passed, 1 warning, 1 failure, 0 exceptions\n");
  OutputOptions options = NoColor();
  options.show_skipped = true;
  EXPECT_EQ(Render(OutputFormat::kStdout, {stdin_result}, options),
            "WARN - - namespace - first warning\n"
            "FAIL - - namespace - first failure\n"
            "\n"
            "2 tests, 0 passed, 1 warning, 1 failure, 0 exceptions, 0 skipped\n");
}

TEST(CheckOutputStandard, ColoursTheTagAndTheSummary) {
  // aurora: only the tag word is coloured; the summary takes the colour of the worst outcome.
  CheckResult r = ServiceYaml(false);
  r.exceptions = {Msg("excepted")};
  EXPECT_EQ(Render(OutputFormat::kStdout, {r}, OutputOptions{}),
            "\x1b[33mWARN\x1b[0m - examples/kubernetes/service.yaml - namespace - first warning\n"
            "\x1b[31mFAIL\x1b[0m - examples/kubernetes/service.yaml - namespace - first failure\n"
            "\x1b[36mEXCP\x1b[0m - examples/kubernetes/service.yaml - namespace - excepted\n"
            "\n"
            "\x1b[31m3 tests, 0 passed, 1 warning, 1 failure, 1 exception\x1b[0m\n");

  CheckResult warned = Result("a.yaml", "main");
  warned.warnings = {Msg("w")};
  EXPECT_EQ(Render(OutputFormat::kStdout, {warned}, OutputOptions{}),
            "\x1b[33mWARN\x1b[0m - a.yaml - main - w\n\n"
            "\x1b[33m1 test, 0 passed, 1 warning, 0 failures, 0 exceptions\x1b[0m\n");
  CheckResult excepted = Result("a.yaml", "main");
  excepted.exceptions = {Msg("e")};
  EXPECT_EQ(Render(OutputFormat::kStdout, {excepted}, OutputOptions{}),
            "\x1b[36mEXCP\x1b[0m - a.yaml - main - e\n\n"
            "\x1b[36m1 test, 0 passed, 0 warnings, 0 failures, 1 exception\x1b[0m\n");
  CheckResult passed = Result("a.yaml", "main");
  passed.successes = 2;
  EXPECT_EQ(Render(OutputFormat::kStdout, {passed}, OutputOptions{}),
            "\n\x1b[32m2 tests, 2 passed, 0 warnings, 0 failures, 0 exceptions\x1b[0m\n");
}

TEST(CheckOutputStandard, SuppressedExceptionsStillCount) {
  CheckResult r = Result("a.yaml", "main");
  r.exceptions = {Msg("excepted")};
  r.successes = 1;
  OutputOptions options = NoColor();
  options.suppress_exceptions = true;
  EXPECT_EQ(Render(OutputFormat::kStdout, {r}, options),
            "\n2 tests, 1 passed, 0 warnings, 0 failures, 1 exception\n");
}

TEST(CheckOutputStandard, PrintLinesComeFirstEachWithAnEmptyLine) {
  CheckResult r = Result("deployment.yaml", "main");
  r.successes = 1;
  OutputOptions options = NoColor();
  options.prints = {"policy/labels.rego:14: hello-kubernetes", "policy/labels.rego:15: x"};
  EXPECT_EQ(Render(OutputFormat::kStdout, {r}, options),
            "PRNT   policy/labels.rego:14: hello-kubernetes\n\n"
            "PRNT   policy/labels.rego:15: x\n\n"
            "\n1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions\n");
  options.color = true;
  options.prints = {"p.rego:1: hi"};
  EXPECT_EQ(Render(OutputFormat::kStdout, {r}, options),
            "\x1b[34mPRNT \x1b[0m  p.rego:1: hi\n\n"
            "\n\x1b[32m1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions\x1b[0m\n");
}

TEST(CheckOutputStandard, VerifyResultsHaveAnEmptyNamespace) {
  CheckResult failed = Result("policy/labels_test.rego", "");
  failed.failures = {Msg("data.main.test_labels")};
  CheckResult passed = Result("policy/labels_test.rego", "");
  passed.successes = 3;
  OutputOptions options = NoColor();
  options.show_skipped = true;
  EXPECT_EQ(Render(OutputFormat::kStdout, {failed, passed}, options),
            "FAIL - policy/labels_test.rego -  - data.main.test_labels\n"
            "\n"
            "4 tests, 3 passed, 0 warnings, 1 failure, 0 exceptions, 0 skipped\n");
}

TEST(CheckOutputStandard, MultiLineMessagesAndADashNamespaceStayRaw) {
  CheckResult r = Result("a.yaml", "-");
  r.failures = {Msg("line one\nline two")};
  EXPECT_EQ(Render(OutputFormat::kStdout, {r}),
            "FAIL - a.yaml - line one\nline two\n"
            "\n1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n");
}

// ---------------------------------------------------------------- json

TEST(CheckOutputJson, ConftestCases) {
  // json_test.go TestJSON "No warnings or errors".
  EXPECT_EQ(Render(OutputFormat::kJson, {Result("examples/kubernetes/service.yaml", "namespace")}),
            "[\n"
            "\t{\n"
            "\t\t\"filename\": \"examples/kubernetes/service.yaml\",\n"
            "\t\t\"namespace\": \"namespace\",\n"
            "\t\t\"successes\": 0\n"
            "\t}\n"
            "]\n");
  // "A single failure".
  CheckResult single = Result("examples/kubernetes/service.yaml", "namespace");
  single.failures = {Msg("first failure")};
  EXPECT_EQ(Render(OutputFormat::kJson, {single}),
            "[\n"
            "\t{\n"
            "\t\t\"filename\": \"examples/kubernetes/service.yaml\",\n"
            "\t\t\"namespace\": \"namespace\",\n"
            "\t\t\"successes\": 0,\n"
            "\t\t\"failures\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"first failure\"\n"
            "\t\t\t}\n"
            "\t\t]\n"
            "\t}\n"
            "]\n");
  // "A warning, a failure and a skipped test": skipped, warnings, failures in field order.
  EXPECT_EQ(Render(OutputFormat::kJson, {ServiceYaml(true)}),
            "[\n"
            "\t{\n"
            "\t\t\"filename\": \"examples/kubernetes/service.yaml\",\n"
            "\t\t\"namespace\": \"namespace\",\n"
            "\t\t\"successes\": 0,\n"
            "\t\t\"skipped\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"first skipped\"\n"
            "\t\t\t}\n"
            "\t\t],\n"
            "\t\t\"warnings\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"first warning\"\n"
            "\t\t\t}\n"
            "\t\t],\n"
            "\t\t\"failures\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"first failure\"\n"
            "\t\t\t}\n"
            "\t\t]\n"
            "\t}\n"
            "]\n");
  // "Renames standard input file name to empty string".
  CheckResult stdin_result = Result("-", "namespace");
  stdin_result.failures = {Msg("first failure")};
  EXPECT_EQ(Render(OutputFormat::kJson, {stdin_result}),
            "[\n"
            "\t{\n"
            "\t\t\"filename\": \"\",\n"
            "\t\t\"namespace\": \"namespace\",\n"
            "\t\t\"successes\": 0,\n"
            "\t\t\"failures\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"first failure\"\n"
            "\t\t\t}\n"
            "\t\t]\n"
            "\t}\n"
            "]\n");
  // "Multiple files".
  EXPECT_EQ(
      Render(OutputFormat::kJson, {Result("examples/kubernetes/service.yaml", "namespace"),
                                   Result("examples/kubernetes/deployment.yaml", "namespace")}),
      "[\n"
      "\t{\n"
      "\t\t\"filename\": \"examples/kubernetes/service.yaml\",\n"
      "\t\t\"namespace\": \"namespace\",\n"
      "\t\t\"successes\": 0\n"
      "\t},\n"
      "\t{\n"
      "\t\t\"filename\": \"examples/kubernetes/deployment.yaml\",\n"
      "\t\t\"namespace\": \"namespace\",\n"
      "\t\t\"successes\": 0\n"
      "\t}\n"
      "]\n");
}

TEST(CheckOutputJson, NoResultsIsNull) { EXPECT_EQ(Render(OutputFormat::kJson, {}), "null\n"); }

TEST(CheckOutputJson, LocationMetadataAndExceptions) {
  CheckResult r = Result("deploy.yaml", "main");
  r.successes = 2;
  CheckMessage located = MsgAt("bad", "deploy.yaml", 12);
  located.metadata = Meta({{"query", "data.main.deny"}, {"details", "x"}});
  r.failures = {located, Msg("plain", Meta({{"query", "data.main.deny"}}))};
  r.exceptions = {Msg("data.main.exception[_][_] == \"run_as_root\"")};
  CheckMessage file_only = MsgAt("w", "other.yaml", 0);
  file_only.metadata = Value::EmptyObject();  // an empty map is left out too
  r.warnings = {file_only};
  EXPECT_EQ(Render(OutputFormat::kJson, {r}),
            "[\n"
            "\t{\n"
            "\t\t\"filename\": \"deploy.yaml\",\n"
            "\t\t\"namespace\": \"main\",\n"
            "\t\t\"successes\": 2,\n"
            "\t\t\"warnings\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"w\",\n"
            "\t\t\t\t\"loc\": {\n"
            "\t\t\t\t\t\"file\": \"other.yaml\"\n"
            "\t\t\t\t}\n"
            "\t\t\t}\n"
            "\t\t],\n"
            "\t\t\"failures\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"bad\",\n"
            "\t\t\t\t\"loc\": {\n"
            "\t\t\t\t\t\"file\": \"deploy.yaml\",\n"
            "\t\t\t\t\t\"line\": 12\n"
            "\t\t\t\t},\n"
            "\t\t\t\t\"metadata\": {\n"
            "\t\t\t\t\t\"details\": \"x\",\n"
            "\t\t\t\t\t\"query\": \"data.main.deny\"\n"
            "\t\t\t\t}\n"
            "\t\t\t},\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"plain\",\n"
            "\t\t\t\t\"metadata\": {\n"
            "\t\t\t\t\t\"query\": \"data.main.deny\"\n"
            "\t\t\t\t}\n"
            "\t\t\t}\n"
            "\t\t],\n"
            "\t\t\"exceptions\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"data.main.exception[_][_] == \\\"run_as_root\\\"\"\n"
            "\t\t\t}\n"
            "\t\t]\n"
            "\t}\n"
            "]\n");
}

TEST(CheckOutputJson, EscapesAsGoDoes) {
  CheckResult r = Result("a<b>&c.yaml", "main");
  r.failures = {
      Msg(std::string("<tag> & \"q\" \\ \b\f\n\r\t\x01 \xE2\x80\xA8 \xFF \x7F é"),
          Value::Object({{Value::String("n"), Value::Int(3)},
                         {Value::String("list"),
                          Value::Array({Value::Bool(true), Value::Null(), Value::Number(1.5)})},
                         {Value::String("obj"), Value::EmptyObject()}}))};
  EXPECT_EQ(Render(OutputFormat::kJson, {r}),
            "[\n"
            "\t{\n"
            "\t\t\"filename\": \"a\\u003cb\\u003e\\u0026c.yaml\",\n"
            "\t\t\"namespace\": \"main\",\n"
            "\t\t\"successes\": 0,\n"
            "\t\t\"failures\": [\n"
            "\t\t\t{\n"
            "\t\t\t\t\"msg\": \"\\u003ctag\\u003e \\u0026 \\\"q\\\" \\\\ \\b\\f\\n\\r\\t\\u0001 "
            "\\u2028 \\ufffd \x7F \xC3\xA9\",\n"
            "\t\t\t\t\"metadata\": {\n"
            "\t\t\t\t\t\"list\": [\n"
            "\t\t\t\t\t\ttrue,\n"
            "\t\t\t\t\t\tnull,\n"
            "\t\t\t\t\t\t1.5\n"
            "\t\t\t\t\t],\n"
            "\t\t\t\t\t\"n\": 3,\n"
            "\t\t\t\t\t\"obj\": {}\n"
            "\t\t\t\t}\n"
            "\t\t\t}\n"
            "\t\t]\n"
            "\t}\n"
            "]\n");
}

// ---------------------------------------------------------------- tap

TEST(CheckOutputTap, ConftestCases) {
  // tap_test.go TestTAP "no warnings or errors": a result without tests prints nothing.
  EXPECT_EQ(Render(OutputFormat::kTap, {Result("examples/kubernetes/service.yaml", "namespace")}),
            "");
  // "records failure and warnings".
  EXPECT_EQ(Render(OutputFormat::kTap, {ServiceYaml(false)}),
            "1..2\n"
            "not ok 1 - examples/kubernetes/service.yaml - namespace - first failure\n"
            "# warnings\n"
            "not ok 2 - examples/kubernetes/service.yaml - namespace - first warning\n");
  // "mixed failure, warnings and skipped".
  CheckResult mixed = Result("examples/kubernetes/service.yaml", "namespace");
  mixed.failures = {Msg("first failure")};
  mixed.skipped = {Msg("first skipped")};
  EXPECT_EQ(Render(OutputFormat::kTap, {mixed}),
            "1..2\n"
            "not ok 1 - examples/kubernetes/service.yaml - namespace - first failure\n"
            "# skip\n"
            "ok 2 - examples/kubernetes/service.yaml - namespace - first skipped\n");
  // "handles stdin input".
  CheckResult stdin_result = Result("-", "namespace");
  stdin_result.failures = {Msg("first failure")};
  EXPECT_EQ(Render(OutputFormat::kTap, {stdin_result}),
            "1..1\n"
            "not ok 1 - - namespace - first failure\n");
}

TEST(CheckOutputTap, AllSectionsAndNumberingPerResult) {
  CheckResult a = Result("a.yaml", "main");
  a.failures = {Msg("f")};
  a.warnings = {Msg("w")};
  a.exceptions = {Msg("e")};
  a.skipped = {Msg("s")};
  a.successes = 2;
  CheckResult b = Result("b.yaml", "main");
  b.successes = 1;
  EXPECT_EQ(Render(OutputFormat::kTap, {a, b}),
            "1..6\n"
            "not ok 1 - a.yaml - main - f\n"
            "# warnings\n"
            "not ok 2 - a.yaml - main - w\n"
            "# exceptions\n"
            "ok 3 - a.yaml - main - e\n"
            "# skip\n"
            "ok 4 - a.yaml - main - s\n"
            "# successes\n"
            "ok 5 - a.yaml - main - SUCCESS\n"
            "ok 6 - a.yaml - main - SUCCESS\n"
            "1..1\n"
            "# successes\n"
            "ok 1 - b.yaml - main - SUCCESS\n");
}

TEST(CheckOutputTap, AResultWithoutTestsEndsTheOutput) {
  // Conftest's `return nil` inside the loop: nothing after the empty result is printed.
  CheckResult first = Result("a.yaml", "main");
  first.failures = {Msg("f")};
  CheckResult later = Result("c.yaml", "main");
  later.failures = {Msg("never shown")};
  EXPECT_EQ(Render(OutputFormat::kTap, {first, Result("b.yaml", "main"), later}),
            "1..1\n"
            "not ok 1 - a.yaml - main - f\n");
}

// ---------------------------------------------------------------- table

TEST(CheckOutputTable, ConftestCases) {
  // table_test.go TestTable "No warnings or errors": no rows, no table.
  EXPECT_EQ(Render(OutputFormat::kTable, {Result("examples/kubernetes/service.yaml", "")}), "");
  // "A warning, a failure, a skipped".
  EXPECT_EQ(Render(OutputFormat::kTable, {ServiceYaml(true)}),
            "┌─────────┬──────────────────────────────────┬───────────┬───────────────┐\n"
            "│ RESULT  │               FILE               │ NAMESPACE │    MESSAGE    │\n"
            "├─────────┼──────────────────────────────────┼───────────┼───────────────┤\n"
            "│ warning │ examples/kubernetes/service.yaml │ namespace │ first warning │\n"
            "│ skipped │ examples/kubernetes/service.yaml │ namespace │ first skipped │\n"
            "│ failure │ examples/kubernetes/service.yaml │ namespace │ first failure │\n"
            "└─────────┴──────────────────────────────────┴───────────┴───────────────┘\n");
}

TEST(CheckOutputTable, RowOrderAlignmentAndMultiLineCells) {
  CheckResult r = Result("a.yaml", "main");
  r.successes = 1;
  r.exceptions = {Msg("ex")};
  r.failures = {Msg("  two\n\nlines  ")};  // trimmed; the blank middle line is dropped
  EXPECT_EQ(Render(OutputFormat::kTable, {r}),
            "┌───────────┬────────┬───────────┬─────────┐\n"
            "│  RESULT   │  FILE  │ NAMESPACE │ MESSAGE │\n"
            "├───────────┼────────┼───────────┼─────────┤\n"
            "│ success   │ a.yaml │ main      │ SUCCESS │\n"
            "│ exception │ a.yaml │ main      │ ex      │\n"
            "│ failure   │ a.yaml │ main      │ two     │\n"
            "│           │        │           │ lines   │\n"
            "└───────────┴────────┴───────────┴─────────┘\n");
}

TEST(CheckOutputTable, WideCharactersTakeTwoColumns) {
  CheckResult r = Result("a.yaml", "main");
  r.warnings = {Msg("名前 é")};
  EXPECT_EQ(Render(OutputFormat::kTable, {r}),
            "┌─────────┬────────┬───────────┬─────────┐\n"
            "│ RESULT  │  FILE  │ NAMESPACE │ MESSAGE │\n"
            "├─────────┼────────┼───────────┼─────────┤\n"
            "│ warning │ a.yaml │ main      │ 名前 é  │\n"
            "└─────────┴────────┴───────────┴─────────┘\n");
}

// ---------------------------------------------------------------- junit

constexpr const char* kJunitSuiteStart =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuites>\n";
constexpr const char* kJunitProperties =
    "\t\t<properties>\n"
    "\t\t\t<property name=\"go.version\" value=\"go1.26.3\"></property>\n"
    "\t\t</properties>\n";

TEST(CheckOutputJunit, ConftestCases) {
  // junit_test.go TestJUnit "No warnings or failures".
  EXPECT_EQ(Render(OutputFormat::kJunit, {Result("examples/kubernetes/service.yaml", "namespace")}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites></testsuites>\n");
  // "A warning, a failure and a skipped test".
  EXPECT_EQ(Render(OutputFormat::kJunit, {ServiceYaml(true)}),
            std::string(kJunitSuiteStart) +
                "\t<testsuite tests=\"3\" failures=\"2\" time=\"0.000\" "
                "name=\"conftest.namespace\">\n" +
                kJunitProperties +
                "\t\t<testcase classname=\"conftest.namespace\" "
                "name=\"examples/kubernetes/service.yaml - first warning\" time=\"0.000\">\n"
                "\t\t\t<failure message=\"Failed\" type=\"\">first warning</failure>\n"
                "\t\t</testcase>\n"
                "\t\t<testcase classname=\"conftest.namespace\" "
                "name=\"examples/kubernetes/service.yaml - first failure\" time=\"0.000\">\n"
                "\t\t\t<failure message=\"Failed\" type=\"\">first failure</failure>\n"
                "\t\t</testcase>\n"
                "\t\t<testcase classname=\"conftest.namespace\" "
                "name=\"examples/kubernetes/service.yaml - first skipped\" time=\"0.000\">\n"
                "\t\t\t<skipped message=\"first skipped\"></skipped>\n"
                "\t\t</testcase>\n"
                "\t</testsuite>\n"
                "</testsuites>\n");
  // "Failure with a long description" and "Failure with --junit-hide-message set".
  CheckResult long_failure = Result("examples/kubernetes/service.yaml", "namespace");
  long_failure.failures = {
      Msg("failure with long message\n\nThis is the rest of the description of the failed test")};
  const std::string suite_start =
      std::string(kJunitSuiteStart) +
      "\t<testsuite tests=\"1\" failures=\"1\" time=\"0.000\" name=\"conftest.namespace\">\n" +
      kJunitProperties;
  const std::string failure =
      "\t\t\t<failure message=\"Failed\" type=\"\">failure with long message&#xA;&#xA;This is "
      "the rest of the description of the failed test</failure>\n"
      "\t\t</testcase>\n"
      "\t</testsuite>\n"
      "</testsuites>\n";
  EXPECT_EQ(Render(OutputFormat::kJunit, {long_failure}),
            suite_start +
                "\t\t<testcase classname=\"conftest.namespace\" "
                "name=\"examples/kubernetes/service.yaml - failure with long message\" "
                "time=\"0.000\">\n" +
                failure);
  OutputOptions hide = NoColor();
  hide.junit_hide_message = true;
  EXPECT_EQ(Render(OutputFormat::kJunit, {long_failure}, hide),
            suite_start +
                "\t\t<testcase classname=\"conftest.namespace\" "
                "name=\"examples/kubernetes/service.yaml\" time=\"0.000\">\n" +
                failure);
}

TEST(CheckOutputJunit, ExceptionsOmittedSuccessesNamedByFileSuitesPerNamespace) {
  CheckResult a = Result("a.yaml", "main");
  a.exceptions = {Msg("excepted")};
  a.successes = 1;
  CheckResult only_exceptions = Result("a.yaml", "other");
  only_exceptions.exceptions = {Msg("excepted")};  // no test at all: no suite
  CheckResult b = Result("b.yaml", "k8s");
  b.failures = {Msg("<\"quoted\" & 'single'>\ttab")};
  CheckResult c = Result("c.yaml", "main");
  c.successes = 1;
  EXPECT_EQ(Render(OutputFormat::kJunit, {a, only_exceptions, b, c}),
            std::string(kJunitSuiteStart) +
                "\t<testsuite tests=\"2\" failures=\"0\" time=\"0.000\" name=\"conftest.main\">\n" +
                kJunitProperties +
                "\t\t<testcase classname=\"conftest.main\" name=\"a.yaml\" "
                "time=\"0.000\"></testcase>\n"
                "\t\t<testcase classname=\"conftest.main\" name=\"c.yaml\" "
                "time=\"0.000\"></testcase>\n"
                "\t</testsuite>\n"
                "\t<testsuite tests=\"1\" failures=\"1\" time=\"0.000\" name=\"conftest.k8s\">\n" +
                kJunitProperties +
                "\t\t<testcase classname=\"conftest.k8s\" name=\"b.yaml - &lt;&#34;quoted&#34; "
                "&amp; &#39;single&#39;&gt;&#x9;tab\" time=\"0.000\">\n"
                "\t\t\t<failure message=\"Failed\" type=\"\">&lt;&#34;quoted&#34; &amp; "
                "&#39;single&#39;&gt;&#x9;tab</failure>\n"
                "\t\t</testcase>\n"
                "\t</testsuite>\n"
                "</testsuites>\n");
}

// ---------------------------------------------------------------- github

TEST(CheckOutputGithub, ConftestCases) {
  // github_test.go TestGitHub "no warnings or errors".
  EXPECT_EQ(
      Render(OutputFormat::kGithub, {Result("examples/kubernetes/service.yaml", "namespace")}),
      "::group::Testing \"examples/kubernetes/service.yaml\" against 0 policies in namespace "
      "\"namespace\"\n"
      "::notice file=examples/kubernetes/service.yaml,line=1::Number of successful checks: 0\n"
      "::endgroup::\n"
      "0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions\n");
  // "records failure and warnings".
  EXPECT_EQ(
      Render(OutputFormat::kGithub, {ServiceYaml(false)}),
      "::group::Testing \"examples/kubernetes/service.yaml\" against 2 policies in namespace "
      "\"namespace\"\n"
      "::error file=examples/kubernetes/service.yaml,line=1::first failure\n"
      "::warning file=examples/kubernetes/service.yaml,line=1::first warning\n"
      "::notice file=examples/kubernetes/service.yaml,line=1::Number of successful checks: 0\n"
      "::endgroup::\n"
      "2 tests, 0 passed, 1 warning, 1 failure, 0 exceptions\n");
  // "mixed failure, warnings, successes and skipped".
  CheckResult mixed = Result("examples/kubernetes/service.yaml", "namespace");
  mixed.failures = {Msg("first failure")};
  mixed.skipped = {Msg("first skipped")};
  mixed.successes = 10;
  EXPECT_EQ(
      Render(OutputFormat::kGithub, {mixed}),
      "::group::Testing \"examples/kubernetes/service.yaml\" against 12 policies in namespace "
      "\"namespace\"\n"
      "::error file=examples/kubernetes/service.yaml,line=1::first failure\n"
      "::notice file=examples/kubernetes/service.yaml,line=1::Test was skipped: first skipped\n"
      "::notice file=examples/kubernetes/service.yaml,line=1::Number of successful checks: 10\n"
      "::endgroup::\n"
      "12 tests, 10 passed, 0 warnings, 1 failure, 0 exceptions\n");
  // "handles stdin input".
  CheckResult stdin_result = Result("-", "namespace");
  stdin_result.failures = {Msg("first failure")};
  EXPECT_EQ(Render(OutputFormat::kGithub, {stdin_result}),
            "::group::Testing \"-\" against 1 policies in namespace \"namespace\"\n"
            "::error file=-,line=1::first failure\n"
            "::notice file=-,line=1::Number of successful checks: 0\n"
            "::endgroup::\n"
            "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n");
}

TEST(CheckOutputGithub, ConftestLocationCases) {
  // github_test.go TestGitHub "handles location in the same file".
  CheckResult same = Result("foo.json", "main");
  same.failures = {MsgAt("first failure", "foo.json", 10)};
  EXPECT_EQ(Render(OutputFormat::kGithub, {same}),
            "::group::Testing \"foo.json\" against 1 policies in namespace \"main\"\n"
            "::error file=foo.json,line=10::first failure\n"
            "::notice file=foo.json,line=1::Number of successful checks: 0\n"
            "::endgroup::\n"
            "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n");
  // "handles location outside of the file".
  CheckResult other = Result("foo.json", "main");
  other.failures = {MsgAt("first failure", "../other_file.json", 10)};
  EXPECT_EQ(
      Render(OutputFormat::kGithub, {other}),
      "::group::Testing \"foo.json\" against 1 policies in namespace \"main\"\n"
      "::error file=../other_file.json,line=10::first failure\n"
      "::error file=foo.json,line=1::(ORIGINATING FROM ../other_file.json L10) first failure\n"
      "::notice file=foo.json,line=1::Number of successful checks: 0\n"
      "::endgroup::\n"
      "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n");
}

TEST(CheckOutputGithub, ConftestHidePassedCases) {
  OutputOptions hide = NoColor();
  hide.github_hide_passed = true;
  // github_test.go TestGitHub "hide-passed skips a file with only successes".
  CheckResult passing = Result("examples/kubernetes/service.yaml", "namespace");
  passing.successes = 5;
  EXPECT_EQ(Render(OutputFormat::kGithub, {passing}, hide),
            "5 tests, 5 passed, 0 warnings, 0 failures, 0 exceptions\n");
  // "hide-passed keeps files with failures and counts every test".
  CheckResult three = Result("passing.yaml", "namespace");
  three.successes = 3;
  CheckResult failing = Result("failing.yaml", "namespace");
  failing.failures = {Msg("first failure")};
  failing.successes = 2;
  EXPECT_EQ(Render(OutputFormat::kGithub, {three, failing}, hide),
            "::group::Testing \"failing.yaml\" against 3 policies in namespace \"namespace\"\n"
            "::error file=failing.yaml,line=1::first failure\n"
            "::notice file=failing.yaml,line=1::Number of successful checks: 2\n"
            "::endgroup::\n"
            "6 tests, 5 passed, 0 warnings, 1 failure, 0 exceptions\n");
  // "hide-passed keeps a file that only has skipped checks".
  CheckResult skipped = Result("skipped.yaml", "namespace");
  skipped.skipped = {Msg("first skipped")};
  EXPECT_EQ(Render(OutputFormat::kGithub, {skipped}, hide),
            "::group::Testing \"skipped.yaml\" against 1 policies in namespace \"namespace\"\n"
            "::notice file=skipped.yaml,line=1::Test was skipped: first skipped\n"
            "::notice file=skipped.yaml,line=1::Number of successful checks: 0\n"
            "::endgroup::\n"
            "1 test, 0 passed, 0 warnings, 0 failures, 0 exceptions\n");
}

TEST(CheckOutputGithub, EscapesTheFileProperty) {
  // github_test.go TestGitHub "escapes property delimiters in the file name", plus '%', CR, LF;
  // the group line quotes with Go's %q.
  CheckResult r = Result("a,b:c.yaml", "namespace");
  r.failures = {Msg("first failure")};
  EXPECT_EQ(Render(OutputFormat::kGithub, {r}),
            "::group::Testing \"a,b:c.yaml\" against 1 policies in namespace \"namespace\"\n"
            "::error file=a%2Cb%3Ac.yaml,line=1::first failure\n"
            "::notice file=a%2Cb%3Ac.yaml,line=1::Number of successful checks: 0\n"
            "::endgroup::\n"
            "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n");
  CheckResult odd = Result("50%\r\n\"x\".yaml", "ns");
  odd.successes = 1;
  EXPECT_EQ(Render(OutputFormat::kGithub, {odd}),
            "::group::Testing \"50%\\r\\n\\\"x\\\".yaml\" against 1 policies in namespace "
            "\"ns\"\n"
            "::notice file=50%25%0D%0A\"x\".yaml,line=1::Number of successful checks: 1\n"
            "::endgroup::\n"
            "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions\n");
}

TEST(CheckOutputGithub, MessagesAreGoFormatStrings) {
  // Conftest passes failure, warning and exception messages to fmt.Sprintf as the format.
  CheckResult r = Result("a.yaml", "main");
  r.failures = {Msg("50% used, 100%% sure")};
  r.exceptions = {Msg("excepted %d")};
  r.skipped = {Msg("skipped 10% off")};  // an argument, not a format: unchanged
  EXPECT_EQ(Render(OutputFormat::kGithub, {r}),
            "::group::Testing \"a.yaml\" against 3 policies in namespace \"main\"\n"
            "::error file=a.yaml,line=1::50%!u(MISSING)sed, 100% sure\n"
            "::notice file=a.yaml,line=1::excepted %!d(MISSING)\n"
            "::notice file=a.yaml,line=1::Test was skipped: skipped 10% off\n"
            "::notice file=a.yaml,line=1::Number of successful checks: 0\n"
            "::endgroup::\n"
            "3 tests, 0 passed, 0 warnings, 1 failure, 1 exception\n");
}

TEST(CheckOutputGithub, AbsoluteOriginsAreRelativeToTheWorkingDirectory) {
  CheckResult r = Result("deploy.yaml", "main");
  r.warnings = {MsgAt("w", "/work/repo/lib/../policy/x.rego", 3)};
  r.skipped = {MsgAt("s", "/elsewhere/y.json", 0)};
  OutputOptions options = NoColor();
  options.working_directory = "/work/repo/sub/";
  EXPECT_EQ(Render(OutputFormat::kGithub, {r}, options),
            "::group::Testing \"deploy.yaml\" against 2 policies in namespace \"main\"\n"
            "::warning file=../policy/x.rego,line=3::w\n"
            "::warning file=deploy.yaml,line=1::(ORIGINATING FROM ../policy/x.rego L3) w\n"
            "::notice file=../../../elsewhere/y.json,line=::Test was skipped: s\n"
            "::notice file=deploy.yaml,line=1::(ORIGINATING FROM ../../../elsewhere/y.json L) "
            "Test was skipped: s\n"
            "::notice file=deploy.yaml,line=1::Number of successful checks: 0\n"
            "::endgroup::\n"
            "2 tests, 0 passed, 1 warning, 0 failures, 0 exceptions\n");
  options.working_directory.clear();
  EXPECT_NE(Render(OutputFormat::kGithub, {r}, options)
                .find("::warning file=/work/repo/lib/../policy/x.rego,line=3::w\n"),
            std::string::npos);
}

// ---------------------------------------------------------------- azuredevops

TEST(CheckOutputAzureDevops, ConftestCases) {
  // azuredevops_test.go TestAzureDevOps "no warnings or errors".
  EXPECT_EQ(
      Render(OutputFormat::kAzureDevops, {Result("examples/kubernetes/service.yaml", "namespace")}),
      "##[section]Testing 'examples/kubernetes/service.yaml' against 0 policies in namespace "
      "'namespace'\n"
      "##[group]See conftest results\n"
      "##[endgroup]\n"
      "0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions\n");
  // "records failure and warnings".
  EXPECT_EQ(Render(OutputFormat::kAzureDevops, {ServiceYaml(false)}),
            "##[section]Testing 'examples/kubernetes/service.yaml' against 2 policies in namespace "
            "'namespace'\n"
            "##[group]See conftest results\n"
            "##vso[task.logissue type=error] file=examples/kubernetes/service.yaml --> first "
            "failure\n"
            "##vso[task.logissue type=warning] file=examples/kubernetes/service.yaml --> first "
            "warning\n"
            "##[endgroup]\n"
            "2 tests, 0 passed, 1 warning, 1 failure, 0 exceptions\n");
  // "mixed failure, warnings and skipped".
  CheckResult mixed = Result("examples/kubernetes/service.yaml", "namespace");
  mixed.failures = {Msg("first failure")};
  mixed.skipped = {Msg("first skipped")};
  EXPECT_EQ(Render(OutputFormat::kAzureDevops, {mixed}),
            "##[section]Testing 'examples/kubernetes/service.yaml' against 2 policies in namespace "
            "'namespace'\n"
            "##[group]See conftest results\n"
            "##vso[task.logissue type=error] file=examples/kubernetes/service.yaml --> first "
            "failure\n"
            "skipped file=examples/kubernetes/service.yaml first skipped\n"
            "##[endgroup]\n"
            "2 tests, 0 passed, 0 warnings, 1 failure, 0 exceptions\n");
  // "handles stdin input".
  CheckResult stdin_result = Result("-", "namespace");
  stdin_result.failures = {Msg("first failure")};
  EXPECT_EQ(Render(OutputFormat::kAzureDevops, {stdin_result}),
            "##[section]Testing '-' against 1 policies in namespace 'namespace'\n"
            "##[group]See conftest results\n"
            "##vso[task.logissue type=error] file=- --> first failure\n"
            "##[endgroup]\n"
            "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n");
}

TEST(CheckOutputAzureDevops, ExceptionsAreWarningsAndSuccessesCounted) {
  CheckResult r = Result("a.yaml", "main");
  r.exceptions = {Msg("excepted")};
  r.successes = 4;
  EXPECT_EQ(Render(OutputFormat::kAzureDevops, {r}),
            "##[section]Testing 'a.yaml' against 5 policies in namespace 'main'\n"
            "##[group]See conftest results\n"
            "##vso[task.logissue type=warning] file=a.yaml --> excepted\n"
            "success file=a.yaml 4\n"
            "##[endgroup]\n"
            "5 tests, 4 passed, 0 warnings, 0 failures, 1 exception\n");
}

// ---------------------------------------------------------------- sarif

// The log around a run's rules and results, in go-sarif's field order.
std::string SarifLog(const std::string& rules, int exit_code, const std::string& exit_description,
                     const std::string& results, const std::string& version = "0.56.0") {
  return "{\"version\":\"2.1.0\",\"$schema\":\"https://raw.githubusercontent.com/oasis-tcs/"
         "sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json\",\"runs\":[{\"tool\":{"
         "\"driver\":{\"informationUri\":\"https://github.com/open-policy-agent/conftest\","
         "\"name\":\"conftest\",\"rules\":[" +
         rules + "],\"version\":\"" + version +
         "\"}},\"invocations\":[{\"executionSuccessful\":true,\"exitCode\":" +
         std::to_string(exit_code) + ",\"exitCodeDescription\":\"" + exit_description +
         "\"}],\"results\":[" + results + "]}]}";
}

std::string SarifFileLocation(const std::string& uri) {
  return "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"" + uri + "\"}}}]";
}

OutputOptions SarifOptions() {
  OutputOptions options = NoColor();
  options.tool_version = "v0.56.0";
  return options;
}

TEST(CheckOutputSarif, EmptyResults) {
  // sarif_test.go TestSARIF_Output "empty results".
  EXPECT_EQ(Render(OutputFormat::kSarif, {}, SarifOptions()),
            SarifLog("", 0, "No policy violations found", ""));
  OutputOptions unversioned = NoColor();
  EXPECT_EQ(Render(OutputFormat::kSarif, {}, unversioned),
            SarifLog("", 0, "No policy violations found", "", "0"));
}

TEST(CheckOutputSarif, SingleFailureAndSameRuleTwice) {
  // sarif_test.go TestSARIF_Output "single failure" and "multiple results same rule".
  CheckResult single = Result("test.yaml", "main");
  single.failures = {Msg("test failure", Meta({{"package", "test"}, {"rule", "rule1"}}))};
  const std::string rule =
      "{\"id\":\"main/deny\",\"shortDescription\":{\"text\":\"Policy violation\"},"
      "\"properties\":{\"package\":\"test\",\"rule\":\"rule1\"}}";
  EXPECT_EQ(Render(OutputFormat::kSarif, {single}, SarifOptions()),
            SarifLog(rule, 1, "Policy violations found",
                     "{\"ruleId\":\"main/deny\",\"ruleIndex\":0,\"level\":\"error\",\"message\":{"
                     "\"text\":\"test failure\"}," +
                         SarifFileLocation("test.yaml") + "}"));
  CheckResult twice = Result("test1.yaml", "main");
  twice.failures = {Msg("test failure 1", Meta({{"package", "test"}, {"rule", "rule1"}})),
                    Msg("test failure 2", Meta({{"package", "test"}, {"rule", "rule1"}}))};
  EXPECT_EQ(Render(OutputFormat::kSarif, {twice}, SarifOptions()),
            SarifLog(rule, 1, "Policy violations found",
                     "{\"ruleId\":\"main/deny\",\"ruleIndex\":0,\"level\":\"error\",\"message\":{"
                     "\"text\":\"test failure 1\"}," +
                         SarifFileLocation("test1.yaml") +
                         "},{\"ruleId\":\"main/deny\",\"ruleIndex\":0,\"level\":\"error\","
                         "\"message\":{\"text\":\"test failure 2\"}," +
                         SarifFileLocation("test1.yaml") + "}"));
}

TEST(CheckOutputSarif, SingleWarningWithLocation) {
  // sarif_test.go TestSARIF_Output "single warning".
  CheckResult r = Result("test.yaml", "main");
  CheckMessage warning = MsgAt("test warning", "test.yaml", 123);
  warning.metadata = Meta({{"foo", "bar"}});
  r.warnings = {warning};
  EXPECT_EQ(Render(OutputFormat::kSarif, {r}, SarifOptions()),
            SarifLog("{\"id\":\"main/warn\",\"shortDescription\":{\"text\":\"Policy warning\"},"
                     "\"properties\":{\"foo\":\"bar\"}}",
                     0, "Policy warnings found",
                     "{\"ruleId\":\"main/warn\",\"ruleIndex\":0,\"level\":\"warning\",\"message\":"
                     "{\"text\":\"test warning\"},\"locations\":[{\"physicalLocation\":{"
                     "\"artifactLocation\":{\"uri\":\"test.yaml\"},\"region\":{\"startLine\":123,"
                     "\"endLine\":123}}}]}"));
}

TEST(CheckOutputSarif, ExceptionAddsASuccessStatus) {
  // sarif_test.go TestSARIF_Output "single exception".
  CheckResult r = Result("test.yaml", "main");
  r.exceptions = {Msg("test exception", Meta({{"description", "test exception description"}}))};
  EXPECT_EQ(
      Render(OutputFormat::kSarif, {r}, SarifOptions()),
      SarifLog("{\"id\":\"main/allow\",\"shortDescription\":{\"text\":\"Policy exception\"},"
               "\"properties\":{\"description\":\"test exception description\"}},"
               "{\"id\":\"main/success\",\"shortDescription\":{\"text\":\"Policy was satisfied "
               "successfully\"},\"properties\":{\"description\":\"Policy was satisfied "
               "successfully\"}}",
               0, "No policy violations found",
               "{\"ruleId\":\"main/allow\",\"ruleIndex\":0,\"level\":\"note\",\"message\":{"
               "\"text\":\"test exception\"}," +
                   SarifFileLocation("test.yaml") +
                   "},{\"ruleId\":\"main/success\",\"ruleIndex\":1,\"level\":\"none\","
                   "\"message\":{\"text\":\"Policy was satisfied successfully\"}," +
                   SarifFileLocation("test.yaml") + "}"));
}

TEST(CheckOutputSarif, SkippedAndSuccessfulStatus) {
  // sarif_test.go TestSARIF_Output "skipped result" and "successful policy check".
  EXPECT_EQ(Render(OutputFormat::kSarif, {Result("test.yaml", "main")}, SarifOptions()),
            SarifLog("{\"id\":\"main/skip\",\"shortDescription\":{\"text\":\"Policy check was "
                     "skipped\"},\"properties\":{\"description\":\"Policy check was skipped\"}}",
                     0, "No policy violations found",
                     "{\"ruleId\":\"main/skip\",\"ruleIndex\":0,\"level\":\"none\",\"message\":{"
                     "\"text\":\"Policy check was skipped\"}," +
                         SarifFileLocation("test.yaml") + "}"));
  CheckResult passed = Result("test.yaml", "main");
  passed.successes = 1;
  EXPECT_EQ(Render(OutputFormat::kSarif, {passed}, SarifOptions()),
            SarifLog("{\"id\":\"main/success\",\"shortDescription\":{\"text\":\"Policy was "
                     "satisfied successfully\"},\"properties\":{\"description\":\"Policy was "
                     "satisfied successfully\"}}",
                     0, "No policy violations found",
                     "{\"ruleId\":\"main/success\",\"ruleIndex\":0,\"level\":\"none\",\"message\":"
                     "{\"text\":\"Policy was satisfied successfully\"}," +
                         SarifFileLocation("test.yaml") + "}"));
}

TEST(CheckOutputSarif, RulesSharedAcrossFilesAndNoMetadataLeftOut) {
  // A rule keeps the first result's metadata; a result without failures or warnings gets a
  // status; failures in one file do not add a status for it.
  CheckResult a = Result("a.yaml", "main");
  a.failures = {MsgAt("<bad>", "policy/x.rego", 0)};
  a.successes = 3;
  CheckResult b = Result("b.yaml", "main");
  b.failures = {Msg("again", Meta({{"query", "data.main.deny"}}))};
  CheckResult c = Result("c.yaml", "main");
  c.successes = 1;
  EXPECT_EQ(
      Render(OutputFormat::kSarif, {a, b, c}, SarifOptions()),
      SarifLog("{\"id\":\"main/deny\",\"shortDescription\":{\"text\":\"Policy violation\"}},"
               "{\"id\":\"main/success\",\"shortDescription\":{\"text\":\"Policy was satisfied "
               "successfully\"},\"properties\":{\"description\":\"Policy was satisfied "
               "successfully\"}}",
               1, "Policy violations found",
               "{\"ruleId\":\"main/deny\",\"ruleIndex\":0,\"level\":\"error\",\"message\":{"
               "\"text\":\"\\u003cbad\\u003e\"},\"locations\":[{\"physicalLocation\":{"
               "\"artifactLocation\":{\"uri\":\"policy/x.rego\"},\"region\":{\"startLine\":0,"
               "\"endLine\":0}}}]},"
               "{\"ruleId\":\"main/deny\",\"ruleIndex\":0,\"level\":\"error\",\"message\":{"
               "\"text\":\"again\"}," +
                   SarifFileLocation("b.yaml") +
                   "},{\"ruleId\":\"main/success\",\"ruleIndex\":1,\"level\":\"none\","
                   "\"message\":{\"text\":\"Policy was satisfied successfully\"}," +
                   SarifFileLocation("c.yaml") + "}"));
}

}  // namespace
}  // namespace gatehouse::admission::bundle
