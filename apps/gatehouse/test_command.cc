// `gatehouse test PATH...`: a drop-in for `conftest test` (docs/conftest-compat.md): the same
// flags, configuration file and CONFTEST_* variables, input splitting, rule counting,
// exceptions, output formats and exit codes, on the project's Rego engine.
//
// Differences from Conftest, on purpose: files are tested in argument and walk order and
// namespaces in policy-file order (Conftest's follow Go map order); a document that does not
// parse is reported on stderr with its file and document number while the file's other documents
// and the other files are still tested, and the run then exits 1 (Conftest aborts before testing
// anything); only the yaml and json parsers exist, other formats are refused by name. Plain I/O
// on the process's streams; not thread-safe.
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "admission/admission_errors.h"
#include "admission/bundle/check_output.h"
#include "admission/bundle/input_documents.h"
#include "admission/bundle/policy_bundle.h"
#include "common/common_errors.h"
#include "gatehouse/commands.h"
#include "gatehouse/conftest_config.h"
#include "gatehouse/policy_files.h"
#include "gatehouse/verify_rego_tests.h"
#include "rego/rego_errors.h"
#include "value/json.h"

namespace gatehouse::app {
namespace {

namespace fs = std::filesystem;
namespace bundle = admission::bundle;

constexpr std::size_t kMaxInputBytes = 64 << 20;

struct TestFlags {
  std::vector<std::string> paths;
  std::vector<std::string> policy{"policy"};
  std::vector<std::string> data;
  std::vector<std::string> namespaces{"main"};
  bool all_namespaces = false;
  bool fail_on_warn = false;
  bool no_fail = false;
  bool no_color = false;
  bool suppress_exceptions = false;
  bool quiet = false;
  std::string output = "stdout";
  std::string parser;
  std::string ignore;
  bool combine = false;
  bool trace = false;
  bool strict = false;
  bool show_builtin_errors = false;
  std::string capabilities;
  std::string rego_version = "v1";
  std::string stdin_filename;
  std::vector<std::string> update;
  bool junit_hide_message = false;
  bool github_hide_passed = false;
  std::string config_file;
  std::string annotation_domain;  // gatehouse: data.gatehouse.annotation_domain
};

// An option with its configuration key, to fill it from CONFTEST_* or the file when the command
// line did not set it.
struct Setting {
  std::string key;
  CLI::Option* option = nullptr;
};

void Fail(const std::string& message) { std::cerr << "Error: " << message << "\n"; }

bool ParseBool(const std::string& s) {
  return s == "true" || s == "1" || s == "TRUE" || s == "True";
}

std::vector<std::string> SplitComma(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = item.find(',', start);
      out.push_back(item.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// Files named by the arguments, in Conftest's rules (section 2.1-2.2), deduplicated.
Result<std::vector<std::string>> ListInputFiles(const TestFlags& flags) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& f) {
    if (seen.insert(f).second) out.push_back(f);
  };
  std::unique_ptr<RE2> ignore;
  for (const std::string& arg : flags.paths) {
    if (arg.empty()) continue;
    if (arg == "-") {
      add(arg);
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      return MakeError(CommonError::kFileUnreadable,
                       "parse files: get file info: stat " + arg + ": no such file or directory");
    }
    if (!fs::is_directory(st)) {
      add(arg);
      continue;
    }
    if (!flags.ignore.empty() && !ignore) {
      ignore = std::make_unique<RE2>(flags.ignore, RE2::Quiet);
      if (!ignore->ok()) {
        return MakeError(
            CommonError::kInvalidArgument,
            "parse files: get files from directory: given regexp couldn't be parsed :" +
                ignore->error());
      }
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(
             arg, fs::directory_options::follow_directory_symlink, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string path = it->path().string();
      if (!bundle::InputFileSupported(path)) continue;
      if (ignore && RE2::PartialMatch(path, *ignore)) continue;
      found.push_back(path);
    }
    std::sort(found.begin(), found.end());  // filepath.Walk's lexical order
    for (const std::string& f : found) add(f);
  }
  if (out.empty()) return MakeError(CommonError::kInvalidArgument, "parse files: no files found");
  return out;
}

Result<std::string> ReadInput(const std::string& path) {
  if (path != "-") return ReadWholeFile(path, kMaxInputBytes);
  std::string text;
  char buf[65536];
  while (true) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, stdin);
    text.append(buf, n);
    if (text.size() > kMaxInputBytes) {
      return MakeError(
          CommonError::kInvalidArgument,
          "stdin: larger than the limit of " + std::to_string(kMaxInputBytes) + " bytes");
    }
    if (n < sizeof buf) break;
  }
  return text;
}

struct ParsedFile {
  std::string path;  // as given
  std::vector<rego::Value> documents;
};

// Go's fmt %v of a string slice: [a b].
std::string GoSlice(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ' ';
    out += items[i];
  }
  return out + "]";
}

// The builtin names of an OPA capabilities file ({"builtins": [{"name": ...}, ...], ...}).
Result<std::vector<std::string>> ReadCapabilities(const std::string& path) {
  auto text = ReadWholeFile(path, 16 << 20);
  if (!text) return text.error();
  value::JsonLimits limits;
  limits.max_bytes = 16 << 20;
  auto doc = value::ParseJson(*text, limits);
  if (!doc) return MakeError(doc.error().code, path + ": " + doc.error().message);
  std::vector<std::string> names;
  const value::Value* builtins = doc->Find("builtins");
  if (builtins == nullptr || builtins->is_null()) return names;
  if (!builtins->is_array()) {
    return MakeError(CommonError::kInvalidArgument, path + ": \"builtins\" must be a list");
  }
  for (const value::Value& b : *builtins->AsArray()) {
    const value::Value* name = b.Find("name");
    if (name == nullptr || !name->is_string()) {
      return MakeError(CommonError::kInvalidArgument,
                       path + ": every builtin needs a string \"name\"");
    }
    names.push_back(*name->AsString());
  }
  return names;
}

Result<std::shared_ptr<const bundle::PolicyBundle>> LoadBundle(
    const TestFlags& flags, rego::RegoVersion version,
    const std::optional<std::vector<std::string>>& capabilities) {
  std::vector<rego::SourceFile> modules;
  std::set<std::string> seen;  // canonical paths of the modules
  for (const std::string& p : flags.policy) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      return MakeError(CommonError::kFileUnreadable,
                       "load: loading policies: load: 1 error occurred during loading: stat " + p +
                           ": no such file or directory");
    }
    auto files = LoadPolicyFiles({p});
    if (!files)
      return MakeError(files.error().code, "load: loading policies: " + files.error().message);
    for (rego::SourceFile& m : files->modules) {
      // A file reached through two --policy paths is one module, as OPA's loader keys them.
      if (seen.insert(fs::weakly_canonical(m.filename, ec).string()).second) {
        modules.push_back(std::move(m));
      }
    }
  }
  if (modules.empty()) {
    return MakeError(admission::AdmissionError::kInvalidBundle,
                     "load: loading policies: no policies found in " + GoSlice(flags.policy));
  }
  std::vector<rego::SourceFile> data_files;
  for (const std::string& d : flags.data) {
    std::error_code ec;
    if (!fs::exists(d, ec)) {
      return MakeError(CommonError::kFileUnreadable,
                       "load: load documents: 1 error occurred during loading: stat " + d +
                           ": no such file or directory");
    }
    auto files = LoadPolicyFiles({d});
    if (!files)
      return MakeError(files.error().code, "load: load documents: " + files.error().message);
    for (rego::SourceFile& f : files->data) data_files.push_back(std::move(f));
  }
  auto data = rego::LoadDataDocuments(data_files);
  if (!data) return MakeError(data.error().code, "load: load documents: " + data.error().message);
  rego::Value base = *data;
  if (!flags.annotation_domain.empty()) {
    std::vector<rego::Member> members(base.Members().begin(), base.Members().end());
    std::vector<rego::Member> gatehouse;
    if (const rego::Value* existing = base.Find("gatehouse"); existing && existing->is_object()) {
      gatehouse.assign(existing->Members().begin(), existing->Members().end());
    }
    gatehouse.emplace_back(rego::Value::String("annotation_domain"),
                           rego::Value::String(flags.annotation_domain));
    members.emplace_back(rego::Value::String("gatehouse"),
                         rego::Value::Object(std::move(gatehouse)));
    base = rego::Value::Object(std::move(members));
  }
  bundle::BundleOptions options;
  options.version = version;
  options.strict = flags.strict;
  options.builtins = capabilities;
  const std::vector<rego::SourceFile> sources = modules;  // for OPA's error lines
  auto loaded = bundle::PolicyBundle::Load(std::move(modules), std::move(base), options);
  if (!loaded) {
    const Error& e = loaded.error();
    if (e.code == admission::AdmissionError::kInvalidBundle) {
      return MakeError(e.code, "load: loading policies: " + e.message);
    }
    const std::string text = OpaErrorText(e, sources);
    if (e.code == rego::RegoError::kParse) {
      return MakeError(e.code,
                       "load: loading policies: load: 1 error occurred during loading: " + text);
    }
    return MakeError(e.code, "load: loading policies: get compiler: 1 error occurred: " + text);
  }
  return loaded;
}

rego::Value FileInfo(const std::string& path) {
  std::error_code ec;
  fs::path abs = path == "-" ? fs::current_path(ec) / "-" : fs::absolute(path, ec);
  return rego::Value::Object(
      {{rego::Value::String("name"), rego::Value::String(abs.filename().string())},
       {rego::Value::String("dir"), rego::Value::String(abs.parent_path().string())}});
}

// A value from CONFTEST_* or the configuration file, for the flag named `key`.
void ApplySetting(const std::string& key, const std::vector<std::string>& values,
                  TestFlags& flags) {
  const std::string& first = values.front();
  const std::pair<const char*, bool*> bools[] = {
      {"all-namespaces", &flags.all_namespaces},
      {"fail-on-warn", &flags.fail_on_warn},
      {"no-fail", &flags.no_fail},
      {"no-color", &flags.no_color},
      {"suppress-exceptions", &flags.suppress_exceptions},
      {"quiet", &flags.quiet},
      {"combine", &flags.combine},
      {"trace", &flags.trace},
      {"strict", &flags.strict},
      {"show-builtin-errors", &flags.show_builtin_errors},
      {"junit-hide-message", &flags.junit_hide_message},
      {"github-hide-passed", &flags.github_hide_passed}};
  for (const auto& [name, target] : bools) {
    if (key == name) *target = ParseBool(first);
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"output", &flags.output},
      {"parser", &flags.parser},
      {"ignore", &flags.ignore},
      {"capabilities", &flags.capabilities},
      {"rego-version", &flags.rego_version},
      {"stdin-filename", &flags.stdin_filename},
      {"policy-annotation-domain", &flags.annotation_domain}};
  for (const auto& [name, target] : strings) {
    if (key == name) *target = first;
  }
  const std::pair<const char*, std::vector<std::string>*> lists[] = {
      {"policy", &flags.policy},
      {"data", &flags.data},
      {"namespace", &flags.namespaces},
      {"update", &flags.update}};
  for (const auto& [name, target] : lists) {
    if (key == name) *target = SplitComma(values);
  }
}

int RunTest(TestFlags flags, const std::vector<Setting>& settings) {
  // Configuration file and environment, for what the command line left unset.
  auto config = ReadConftestConfig(flags.config_file);
  if (!config) {
    Fail(config.error().message);
    return 1;
  }
  for (const Setting& s : settings) {
    if (s.option->count() > 0) continue;
    std::vector<std::string> values;
    if (auto env = ConftestEnvironment(s.key)) {
      values = {*env};  // ApplySetting splits lists; a string setting keeps its commas
    } else if (auto it = config->find(s.key); it != config->end()) {
      values = it->second;
    } else {
      continue;
    }
    if (!values.empty()) ApplySetting(s.key, values, flags);
  }
  if (flags.paths.empty()) {
    Fail("missing required arguments");
    return 1;
  }
  rego::RegoVersion version;
  if (flags.rego_version == "v0" || flags.rego_version == "V0") {
    version = rego::RegoVersion::kV0;
  } else if (flags.rego_version == "v1" || flags.rego_version == "V1") {
    version = rego::RegoVersion::kV1;
  } else {
    Fail("running test: load: loading policies: invalid Rego version: " + flags.rego_version);
    return 1;
  }
  if (flags.trace) {
    Fail("--trace is not supported by gatehouse test yet");
    return 1;
  }
  if (!flags.update.empty()) {
    Fail("--update is not supported by gatehouse test: download policies before testing");
    return 1;
  }
  std::optional<std::vector<std::string>> capabilities;
  if (!flags.capabilities.empty()) {
    auto builtins = ReadCapabilities(flags.capabilities);
    if (!builtins) {
      Fail("running test: load capabilities: " + builtins.error().message);
      return 1;
    }
    capabilities = std::move(*builtins);
  }

  // Inputs first: Conftest parses them before it loads the policies.
  auto files = ListInputFiles(flags);
  if (!files) {
    Fail("running test: " + files.error().message);
    return 1;
  }
  std::optional<bundle::InputParser> forced;
  if (!flags.parser.empty()) {
    auto p = bundle::ParserByName(flags.parser);
    if (!p) {
      Fail("running test: parse configurations: new parser: " + p.error().message +
           ", path: " + files->front());
      return 1;
    }
    forced = *p;
  }
  bool input_errors = false;
  std::vector<ParsedFile> parsed;
  for (const std::string& path : *files) {
    bundle::InputParser parser;
    if (forced) {
      parser = *forced;
    } else {
      auto p = bundle::ParserForPath(path);
      if (!p) {
        Fail("running test: parse configurations: new parser: new: " + p.error().message);
        return 1;
      }
      parser = *p;
    }
    const std::string shown =
        path == "-" && !flags.stdin_filename.empty() ? flags.stdin_filename : path;
    auto text = ReadInput(path);
    if (!text) {
      Fail("running test: parse configurations: get configuration content: " +
           text.error().message);
      return 1;
    }
    bundle::InputDocuments docs = bundle::ParseInputDocuments(*text, parser);
    for (const bundle::DocumentError& e : docs.errors) {
      Fail("parse configurations: " + shown + ": document " + std::to_string(e.document) + ": " +
           e.message);
      input_errors = true;
    }
    parsed.push_back({shown, std::move(docs.documents)});
  }

  auto loaded = LoadBundle(flags, version, capabilities);
  if (!loaded) {
    Fail("running test: " + loaded.error().message);
    return 1;
  }
  const std::vector<std::string> namespaces =
      (*loaded)->SelectNamespaces(flags.namespaces, flags.all_namespaces);

  bundle::OutputOptions out;
  bundle::CheckOptions check;
  check.show_builtin_errors = flags.show_builtin_errors;
  check.print = [&out](std::string_view line) { out.prints.emplace_back(line); };
  auto checker = bundle::NamespaceChecker::Prepare(*loaded, namespaces);
  if (!checker) {
    Fail("running test: " + checker.error().message);
    return 1;
  }
  // Conftest's order: for each namespace, for each file (one file, "Combined", with --combine).
  const std::size_t n = namespaces.size();
  std::vector<std::vector<bundle::CheckResult>> by_file;  // [file][namespace]
  auto start_file = [&](const std::string& name) {
    std::vector<bundle::CheckResult> row(n);
    for (std::size_t i = 0; i < n; ++i) {
      row[i].filename = name;
      row[i].namespace_ = namespaces[i];
    }
    by_file.push_back(std::move(row));
  };
  if (flags.combine) {
    std::vector<std::pair<std::string, rego::Value>> combined;
    for (const ParsedFile& f : parsed) {
      for (const rego::Value& d : f.documents) combined.emplace_back(f.path, d);
    }
    std::stable_sort(combined.begin(), combined.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<rego::Value> items;
    for (const auto& [path, doc] : combined) {
      items.push_back(rego::Value::Object({{rego::Value::String("path"), rego::Value::String(path)},
                                           {rego::Value::String("contents"), doc}}));
    }
    start_file("Combined");
    check.data = {{{"conftest", "file"}, FileInfo("Combined")}};
    if (Status s = (*checker)->Check(rego::Value::Array(std::move(items)), check, &by_file.back());
        !s) {
      Fail("running test: query rule: check: " + s.error().message);
      return 1;
    }
  } else {
    for (const ParsedFile& f : parsed) {
      start_file(f.path);
      check.data = {{{"conftest", "file"}, FileInfo(f.path)}};
      for (const rego::Value& doc : f.documents) {
        if (Status s = (*checker)->Check(doc, check, &by_file.back()); !s) {
          Fail("running test: query rule: check: " + s.error().message);
          return 1;
        }
      }
    }
  }
  std::vector<bundle::CheckResult> results;
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& row : by_file) results.push_back(std::move(row[i]));
  }

  bool failures = false;
  bool warnings = false;
  for (const bundle::CheckResult& r : results) {
    failures = failures || !r.failures.empty();
    warnings = warnings || !r.warnings.empty();
  }
  int code = 0;
  if (flags.fail_on_warn) {
    code = failures ? 2 : (warnings ? 1 : 0);
  } else {
    code = failures ? 1 : 0;
  }
  bool unknown = false;
  const bundle::OutputFormat format = bundle::ParseOutputFormat(flags.output, &unknown);
  out.color = !flags.no_color || unknown;
  out.suppress_exceptions = flags.suppress_exceptions && !unknown;
  out.junit_hide_message = flags.junit_hide_message;
  out.github_hide_passed = flags.github_hide_passed;
  out.exit_code = failures ? 1 : 0;
  out.tool_version = "0.1.0";
  if (!flags.quiet || code != 0) {
    const std::string text = bundle::RenderResults(format, results, out);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  if (input_errors) return 1;
  if (flags.no_fail) return 0;
  return code;
}

}  // namespace

void RegisterTestCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<TestFlags>();
  auto settings = std::make_shared<std::vector<Setting>>();
  CLI::App* cmd = app.add_subcommand(
      "test", "Test configuration files against Rego policies, as `conftest test` does");
  auto add = [&](const std::string& key, CLI::Option* o) {
    settings->push_back({key, o});
    return o;
  };
  cmd->add_option("path", flags->paths, "files or directories to test; - for stdin");
  add("policy",
      cmd->add_option("-p,--policy", flags->policy, "path to the Rego policy files directory")
          ->delimiter(',')
          ->allow_extra_args(false));
  add("data",
      cmd->add_option(
             "-d,--data", flags->data,
             "a list of paths from which data for the Rego policies will be recursively loaded")
          ->delimiter(',')
          ->allow_extra_args(false));
  add("namespace",
      cmd->add_option("-n,--namespace", flags->namespaces, "test policies in a specific namespace")
          ->delimiter(',')
          ->allow_extra_args(false));
  add("all-namespaces", cmd->add_flag("--all-namespaces", flags->all_namespaces,
                                      "test policies found in all namespaces"));
  add("fail-on-warn", cmd->add_flag("--fail-on-warn", flags->fail_on_warn,
                                    "return a non-zero exit code if warnings or errors are found"));
  add("no-fail", cmd->add_flag("--no-fail", flags->no_fail,
                               "return an exit code of zero even if a policy fails"));
  add("no-color", cmd->add_flag("--no-color", flags->no_color, "disable color when printing"));
  add("suppress-exceptions", cmd->add_flag("--suppress-exceptions", flags->suppress_exceptions,
                                           "do not include exceptions in output"));
  add("quiet", cmd->add_flag("--quiet", flags->quiet, "disable successful test output"));
  add("output", cmd->add_option("-o,--output", flags->output,
                                "output format for conftest results - valid options are: [stdout "
                                "json tap table junit github azuredevops sarif]"));
  add("parser", cmd->add_option("--parser", flags->parser,
                                "parser to use to parse the configurations (yaml, json)"));
  add("ignore", cmd->add_option("--ignore", flags->ignore,
                                "a regex pattern which can be used for ignoring paths"));
  add("combine", cmd->add_flag("--combine", flags->combine,
                               "combine all config files to be evaluated together"));
  add("trace",
      cmd->add_flag("--trace", flags->trace, "enable more verbose trace output for Rego queries"));
  add("strict", cmd->add_flag("--strict", flags->strict, "enable strict mode for Rego policies"));
  add("show-builtin-errors", cmd->add_flag("--show-builtin-errors", flags->show_builtin_errors,
                                           "collect and return all encountered built-in errors"));
  add("capabilities",
      cmd->add_option(
          "--capabilities", flags->capabilities,
          "path to JSON file that can restrict opa functionality against a given policy"));
  add("rego-version", cmd->add_option("--rego-version", flags->rego_version,
                                      "which version of Rego syntax to use; options: v0, v1"));
  add("stdin-filename", cmd->add_option("--stdin-filename", flags->stdin_filename,
                                        "the file name to use for stdin in outputs"));
  add("update", cmd->add_option("-u,--update", flags->update,
                                "a list of URLs can be provided to the update flag, which will "
                                "download before the tests run")
                    ->delimiter(',')
                    ->allow_extra_args(false));
  add("junit-hide-message",
      cmd->add_flag("--junit-hide-message", flags->junit_hide_message,
                    "do not include the violation message in the JUnit test name"));
  add("github-hide-passed", cmd->add_flag("--github-hide-passed", flags->github_hide_passed,
                                          "hide passed test groups in the GitHub output"));
  add("policy-annotation-domain",
      cmd->add_option(
          "--policy-annotation-domain", flags->annotation_domain,
          "gatehouse: data.gatehouse.annotation_domain, the domain of the ignore and parameters "
          "annotations the baseline library reads (default policy.gatehouse.dev)"));
  cmd->add_option("-c,--config-file", flags->config_file,
                  "path to a configuration file (default conftest.toml in the working directory)");
  cmd->callback([flags, settings, exit_code] { *exit_code = RunTest(*flags, *settings); });
}

}  // namespace gatehouse::app
