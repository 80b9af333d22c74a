// `-o sarif` (Conftest's output/sarif.go on owenrumney/go-sarif v2.3.3): one SARIF 2.1.0 log
// with one run, written as compact Go JSON without a trailing newline. Rules are
// "<namespace>/<kind>", added on first use with that result's metadata as properties; a result
// without failures or warnings also gets one status result ("success" when anything passed or
// was excepted, else "skip"). Fields appear in go-sarif's struct order, unset ones left out.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/bundle/output_formats.h"

namespace gatehouse::admission::bundle {
namespace {

constexpr std::string_view kSchema =
    "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/"
    "sarif-schema-2.1.0.json";
constexpr std::string_view kToolUri = "https://github.com/open-policy-agent/conftest";
constexpr std::string_view kSuccessDescription = "Policy was satisfied successfully";
constexpr std::string_view kSkippedDescription = "Policy check was skipped";

struct RuleKind {
  std::string_view suffix;       // of the rule id
  std::string_view level;        // of its results
  std::string_view description;  // the rule's shortDescription
};
constexpr RuleKind kDeny = {"deny", "error", "Policy violation"};
constexpr RuleKind kWarn = {"warn", "warning", "Policy warning"};
constexpr RuleKind kAllow = {"allow", "note", "Policy exception"};
constexpr RuleKind kSuccess = {"success", "none", kSuccessDescription};
constexpr RuleKind kSkip = {"skip", "none", kSkippedDescription};

class SarifRun {
 public:
  // Conftest's addResult: the rule (added when new), then the result at `_loc` or the file.
  void Add(const CheckResult& check, const RuleKind& kind, std::string_view message,
           const std::optional<ResultLocation>& loc, const rego::Value& metadata) {
    const std::string id = check.namespace_ + "/" + std::string(kind.suffix);
    std::size_t index = 0;
    while (index < rule_ids_.size() && rule_ids_[index] != id) ++index;
    if (index == rule_ids_.size()) {
      rule_ids_.push_back(id);
      if (!rules_.empty()) rules_ += ',';
      rules_ += "{\"id\":";
      AppendGoJsonString(rules_, id);
      rules_ += ",\"shortDescription\":{\"text\":";
      AppendGoJsonString(rules_, kind.description);
      rules_ += '}';
      if (HasMetadata(metadata)) {
        rules_ += ",\"properties\":";
        AppendGoJsonValue(rules_, metadata);
      }
      rules_ += '}';
    }

    if (!results_.empty()) results_ += ',';
    results_ += "{\"ruleId\":";
    AppendGoJsonString(results_, id);
    results_ += ",\"ruleIndex\":" + std::to_string(index) + ",\"level\":";
    AppendGoJsonString(results_, kind.level);
    results_ += ",\"message\":{\"text\":";
    AppendGoJsonString(results_, message);
    results_ += "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":";
    if (loc) {
      // strconv.Atoi of an absent line is 0, written all the same.
      AppendGoJsonString(results_, loc->file);
      const std::string line = std::to_string(loc->line);
      results_ += "},\"region\":{\"startLine\":" + line + ",\"endLine\":" + line + "}";
    } else {
      AppendGoJsonString(results_, check.filename);
      results_ += '}';
    }
    results_ += "}}]}";
  }

  const std::string& rules() const { return rules_; }
  const std::string& results() const { return results_; }

 private:
  std::vector<std::string> rule_ids_;
  std::string rules_;    // the JSON of driver.rules, without brackets
  std::string results_;  // the JSON of results, without brackets
};

rego::Value DescriptionMetadata(std::string_view description) {
  return rego::Value::Object(
      {{rego::Value::String("description"), rego::Value::String(description)}});
}

}  // namespace

std::string RenderSarif(const std::vector<CheckResult>& results, const OutputOptions& options) {
  SarifRun run;
  bool any_failure = false;
  bool any_warning = false;
  for (const CheckResult& check : results) {
    for (const CheckMessage& m : check.failures) run.Add(check, kDeny, m.msg, m.loc, m.metadata);
    for (const CheckMessage& m : check.warnings) run.Add(check, kWarn, m.msg, m.loc, m.metadata);
    for (const CheckMessage& m : check.exceptions) run.Add(check, kAllow, m.msg, m.loc, m.metadata);
    any_failure = any_failure || !check.failures.empty();
    any_warning = any_warning || !check.warnings.empty();
    if (!check.failures.empty() || !check.warnings.empty()) continue;
    // Exceptions count as passing here.
    if (check.successes > 0 || !check.exceptions.empty()) {
      run.Add(check, kSuccess, kSuccessDescription, std::nullopt,
              DescriptionMetadata(kSuccessDescription));
    } else {
      run.Add(check, kSkip, kSkippedDescription, std::nullopt,
              DescriptionMetadata(kSkippedDescription));
    }
  }

  // Conftest's ExitCode(): warnings do not count, whatever --fail-on-warn says.
  const int exit_code = any_failure ? 1 : 0;
  const std::string_view exit_description = any_failure   ? "Policy violations found"
                                            : any_warning ? "Policy warnings found"
                                                          : "No policy violations found";
  // SARIF versions must start with a digit, so Conftest drops the "v" of its version.
  std::string_view version = options.tool_version;
  if (!version.empty() && version.front() == 'v') version.remove_prefix(1);

  std::string out = "{\"version\":\"2.1.0\",\"$schema\":";
  AppendGoJsonString(out, kSchema);
  out += ",\"runs\":[{\"tool\":{\"driver\":{\"informationUri\":";
  AppendGoJsonString(out, kToolUri);
  out += ",\"name\":\"conftest\",\"rules\":[" + run.rules() + "],\"version\":";
  AppendGoJsonString(out, version);
  out += "}},\"invocations\":[{\"executionSuccessful\":true,\"exitCode\":" +
         std::to_string(exit_code) + ",\"exitCodeDescription\":";
  AppendGoJsonString(out, exit_description);
  out += "}],\"results\":[" + run.results() + "]}]}";
  return out;
}

}  // namespace gatehouse::admission::bundle
