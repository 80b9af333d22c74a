// `gatehouse verify PATH...`: Gatekeeper `Suite` files run as `gator verify` runs them, with its
// output and exit status.
//
// A PATH is a suite file (.yaml/.yml), a directory (its own .yaml/.yml files) or `DIR/...` (every
// .yaml/.yml below DIR); files that are not Suites are ignored. Each test compiles its template
// and reads its constraint; each case reviews its object, with its inventory as data.inventory,
// and checks every assertion. Output goes to stdout in gator's form (`--- FAIL: <case>\t(0.001s)`,
// `ok\t<suite>\t<time>`, a closing PASS or FAIL); any failure ends in `Error: FAIL` on stderr and
// exit status 1, as gator's does. `-r/--run` filters tests and cases; `-v` prints every test and
// case.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "admission/admission_errors.h"
#include "admission/bundle/check_output.h"
#include "admission/gator_suite.h"
#include "admission/inventory.h"
#include "admission/policy_set.h"
#include "admission/reviewer.h"
#include "common/common_errors.h"
#include "gatehouse/commands.h"
#include "gatehouse/policy_files.h"
#include "gatehouse/verify_rego_tests.h"
#include "value/yaml.h"

namespace gatehouse::app {
namespace {

namespace fs = std::filesystem;
using admission::GatorSuite;
using admission::SuiteCase;
using admission::SuiteTest;

struct VerifyFlags {
  std::vector<std::string> paths;
  std::string run;
  bool verbose = false;
  // `conftest verify` (with -p): Rego unit tests reported in Conftest's formats.
  std::vector<std::string> policy;
  std::vector<std::string> data;
  std::string output = "stdout";
  bool no_color = false;
  bool quiet = false;
  std::string rego_version = "v1";
  std::string report;
};

// `conftest verify -p DIR [-d DATA]...` (runner/verify.go): every test a CheckResult of its
// file with namespace "", a failing or skipped test's message its `data.<pkg>.<name>`, the
// summary with skipped; exit 1 when a test failed.
int RunConftestVerify(const VerifyFlags& flags) {
  if (!flags.report.empty() && flags.output != "stdout") {
    std::cerr << "Error: report flag is supported with stdout only\n";
    return 1;
  }
  if (!flags.report.empty()) {
    std::cerr << "Error: --report is not supported by gatehouse verify yet\n";
    return 1;
  }
  rego::RegoVersion version;
  if (flags.rego_version == "v0" || flags.rego_version == "V0") {
    version = rego::RegoVersion::kV0;
  } else if (flags.rego_version == "v1" || flags.rego_version == "V1") {
    version = rego::RegoVersion::kV1;
  } else {
    std::cerr << "Error: running verification: invalid Rego version: " << flags.rego_version
              << "\n";
    return 1;
  }
  auto tests = RunRegoTestsAsConftest(flags.policy, flags.data, version);
  if (!tests) {
    std::cerr << "Error: running verification: " << tests.error().message << "\n";
    return 1;
  }
  std::vector<admission::bundle::CheckResult> results;
  admission::bundle::OutputOptions out;
  bool failed = false;
  for (const ConftestTestOutcome& t : *tests) {
    admission::bundle::CheckResult r;
    r.filename = t.file;
    if (t.skip) {
      r.skipped.push_back({t.name, std::nullopt, rego::Value()});
    } else if (t.fail) {
      r.failures.push_back({t.name, std::nullopt, rego::Value()});
      failed = true;
    } else {
      r.successes = 1;
    }
    if (!t.output.empty()) {
      std::size_t start = 0;
      while (start < t.output.size()) {
        const std::size_t nl = t.output.find('\n', start);
        out.prints.push_back(t.output.substr(start, nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    }
    results.push_back(std::move(r));
  }
  bool unknown = false;
  const auto format = admission::bundle::ParseOutputFormat(flags.output, &unknown);
  out.color = !flags.no_color || unknown;
  out.show_skipped = true;
  out.exit_code = failed ? 1 : 0;
  const int code = failed ? 1 : 0;
  if (!flags.quiet || code != 0) {
    std::cout << admission::bundle::RenderResults(format, results, out) << std::flush;
  }
  return code;
}

value::YamlLimits FileLimits() {
  value::YamlLimits limits;
  limits.max_bytes = 64 << 20;
  limits.max_depth = 512;
  return limits;
}

// The documents of a YAML file, without the empty ones.
Result<std::vector<value::Value>> ReadDocuments(const fs::path& path) {
  Result<std::string> text = ReadWholeFile(path.string());
  if (!text) return text.error();
  auto docs = value::ParseYamlStream(*text, FileLimits());
  if (!docs) return docs.error();
  std::vector<value::Value> out;
  for (value::Value& d : *docs) {
    if (!d.is_null()) out.push_back(std::move(d));
  }
  return out;
}

std::string Seconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", std::chrono::duration<double>(d).count());
  return buf;
}

bool IsYaml(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

struct SuiteFile {
  fs::path file;        // to read
  std::string display;  // as gator prints it
};

// The suite files named by the arguments, sorted by absolute path.
Result<std::vector<SuiteFile>> ListSuiteFiles(const std::vector<std::string>& args) {
  std::vector<SuiteFile> out;
  auto add = [&](const fs::path& file, const std::string& display) {
    out.push_back({file, display});
  };
  for (const std::string& arg : args) {
    const bool recursive = arg.ends_with("/...");
    const std::string root = recursive ? arg.substr(0, arg.size() - 4) : arg;
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      return MakeError(CommonError::kFileUnreadable,
                       "listing test files: stat " + root + ": no such file or directory");
    }
    if (recursive && !fs::is_directory(st)) {
      return MakeError(CommonError::kInvalidArgument,
                       "listing test files: can only recursively traverse directories, not a "
                       "directory: \"" +
                           root + "\"");
    }
    if (fs::is_directory(st)) {
      std::vector<fs::path> files;
      if (recursive) {
        for (const auto& e : fs::recursive_directory_iterator(root)) {
          if (e.is_regular_file() && IsYaml(e.path())) files.push_back(e.path());
        }
      } else {
        for (const auto& e : fs::directory_iterator(root)) {
          if (e.is_regular_file() && IsYaml(e.path())) files.push_back(e.path());
        }
      }
      for (const fs::path& f : files) {
        std::string rest = f.string().substr(root.size());
        if (!rest.empty() && rest.front() != '/' && !root.ends_with("/")) rest = "/" + rest;
        add(f, root + rest);
      }
      continue;
    }
    if (!IsYaml(root)) {
      return MakeError(CommonError::kInvalidArgument,
                       "listing test files: unsupported extension: \"" +
                           fs::path(root).extension().string() + "\"");
    }
    add(root, root);
  }
  std::sort(out.begin(), out.end(), [](const SuiteFile& a, const SuiteFile& b) {
    return fs::absolute(a.file) < fs::absolute(b.file);
  });
  return out;
}

// One test's resources, read and built: a PolicySet of its template and constraint.
struct TestSetup {
  std::shared_ptr<const admission::PolicySet> set;
  std::string error;  // a test-level failure, gator's text
};

TestSetup SetUpTest(const fs::path& dir, const SuiteTest& t) {
  TestSetup out;
  if (t.template_path.empty()) {
    out.error = "invalid Suite: missing template";
    return out;
  }
  if (t.constraint_path.empty() && (t.invalid || !t.cases.empty())) {
    out.error = "invalid Suite: missing constraint";
    return out;
  }
  std::vector<admission::SourcedDocument> docs;
  const fs::path template_file = dir / t.template_path;
  auto tmpl = ReadDocuments(template_file);
  if (!tmpl) {
    out.error = "reading ConstraintTemplate from \"" + template_file.string() +
                "\": " + tmpl.error().message;
    return out;
  }
  if (tmpl->size() != 1) {
    out.error = "reading ConstraintTemplate from \"" + template_file.string() +
                "\": want exactly one object, found " + std::to_string(tmpl->size());
    return out;
  }
  docs.push_back({template_file.string(), std::move(tmpl->front())});
  if (!t.constraint_path.empty()) {
    const fs::path constraint_file = dir / t.constraint_path;
    auto constraint = ReadDocuments(constraint_file);
    if (!constraint) {
      out.error = "reading Constraint from \"" + constraint_file.string() +
                  "\": " + constraint.error().message;
      return out;
    }
    if (constraint->size() != 1 || !admission::IsConstraintDocument(constraint->front())) {
      out.error = "reading Constraint from \"" + constraint_file.string() + "\": not a Constraint";
      return out;
    }
    docs.push_back({constraint_file.string(), std::move(constraint->front())});
  }
  out.set = admission::PolicySet::Build(docs);
  const admission::PolicyProblem* constraint_problem = nullptr;
  for (const admission::PolicyProblem& p : out.set->problems()) {
    if (p.resource == admission::ResourceKind::kTemplate) {
      out.error = "adding template: " + p.error.message;
      return out;
    }
    constraint_problem = &p;
  }
  if (t.invalid) {
    const bool schema =
        constraint_problem != nullptr &&
        constraint_problem->error.code == admission::AdmissionError::kInvalidParameters;
    if (!schema) {
      out.error = "constraint should have failed schema validation: got error " +
                  (constraint_problem ? constraint_problem->error.message : "%!w(<nil>)") +
                  " but want schema validation failed";
    }
    return out;
  }
  if (constraint_problem != nullptr) out.error = constraint_problem->error.message;
  return out;
}

// "" when the case passes, else gator's error text.
std::string RunCase(const fs::path& dir, const admission::PolicySet& set, const SuiteCase& c) {
  if (c.object.empty()) return "invalid Case: must define object";
  if (c.assertions.empty()) return "invalid Case: assertions must be non-empty";
  const fs::path object_file = dir / c.object;
  auto objects = ReadDocuments(object_file);
  if (!objects)
    return "reading object from \"" + object_file.string() + "\": " + objects.error().message;
  if (objects->empty()) {
    return "missing objects: path \"" + object_file.string() + "\" defines no YAML objects";
  }
  if (objects->size() > 1) {
    return "object file must contain exactly one object: \"" + object_file.string() +
           "\" defines " + std::to_string(objects->size()) + " objects";
  }
  std::vector<value::Value> inventory_objects;
  for (const std::string& f : c.inventory) {
    auto items = ReadDocuments(dir / f);
    if (!items)
      return "reading inventory from \"" + (dir / f).string() + "\": " + items.error().message;
    for (value::Value& item : *items) inventory_objects.push_back(std::move(item));
  }
  auto inventory = admission::Inventory::Build(inventory_objects);
  auto request = admission::ReviewFromObject(objects->front());
  if (!request) return "reviewing " + object_file.string() + ": " + request.error().message;
  admission::ReviewOptions options;
  options.process = admission::Process::kAudit;
  options.inventory = inventory.get();
  options.review_namespace_object = false;
  options.max_steps = 100'000'000;
  const admission::ReviewOutcome outcome = admission::Review(set, *request, options);
  std::vector<std::string> messages;
  for (const admission::Violation& v : outcome.violations) messages.push_back(v.message);
  for (const admission::SuiteAssertion& a : c.assertions) {
    auto why = admission::CheckAssertion(a, messages);
    if (!why) return why.error().message;
    if (!why->empty()) return *why;
  }
  return {};
}

// Runs one suite file's suites; appends gator's lines to `out`. False when something failed.
bool RunSuiteFile(const SuiteFile& file, const std::vector<GatorSuite>& suites,
                  const admission::SuiteFilter& filter, bool verbose, std::string& out) {
  using Clock = std::chrono::steady_clock;
  const auto suite_start = Clock::now();
  const fs::path dir = file.file.parent_path();
  bool suite_failed = false;
  for (const GatorSuite& suite : suites) {
    if (suite.skip) continue;
    for (const SuiteTest& t : suite.tests) {
      if (t.skip || !filter.RunsTest(t)) {
        if (verbose) out += "=== SKIP  " + t.name + "\n";
        continue;
      }
      if (verbose) out += "=== RUN   " + t.name + "\n";
      const auto test_start = Clock::now();
      TestSetup setup = SetUpTest(dir, t);
      bool test_failed = !setup.error.empty();
      if (setup.error.empty() && !t.invalid) {
        for (const SuiteCase& c : t.cases) {
          if (c.skip || !filter.RunsCase(t, c)) {
            if (verbose) out += "    === SKIP  " + c.name + "\n";
            continue;
          }
          if (verbose) out += "    === RUN   " + c.name + "\n";
          const auto case_start = Clock::now();
          const std::string error = RunCase(dir, *setup.set, c);
          const std::string took = Seconds(Clock::now() - case_start);
          if (!error.empty()) {
            test_failed = true;
            out += "    --- FAIL: " + c.name + "\t(" + took + ")\n        " + error + "\n";
          } else if (verbose) {
            out += "    --- PASS: " + c.name + "\t(" + took + ")\n";
          }
        }
      }
      const std::string took = Seconds(Clock::now() - test_start);
      if (test_failed) {
        suite_failed = true;
        out += "--- FAIL: " + t.name + "\t(" + took + ")\n";
        if (!setup.error.empty()) out += "  " + setup.error + "\n";
      } else if (verbose) {
        out += "--- PASS: " + t.name + "\t(" + took + ")\n";
      }
    }
  }
  out += std::string(suite_failed ? "FAIL" : "ok") + "\t" + file.display + "\t" +
         Seconds(Clock::now() - suite_start) + "\n";
  return !suite_failed;
}

int RunVerify(const VerifyFlags& flags) {
  // Rego unit tests (`opa test`'s part) when the paths hold *_test.rego files.
  if (HasRegoTests(flags.paths)) return RunRegoTests(flags.paths, flags.run, flags.verbose);
  auto filter = admission::SuiteFilter::Parse(flags.run);
  if (!filter) {
    std::cerr << "Error: compiling filter: " << filter.error().message << "\n";
    return 1;
  }
  auto files = ListSuiteFiles(flags.paths);
  if (!files) {
    std::cerr << "Error: " << files.error().message << "\n";
    return 1;
  }
  // Every file is read and parsed before anything runs, as gator does.
  std::vector<std::pair<SuiteFile, std::vector<GatorSuite>>> suites;
  for (const SuiteFile& f : *files) {
    auto docs = ReadDocuments(f.file);
    if (!docs) {
      std::cerr << "Error: listing test files: invalid yaml: parsing yaml file \"" << f.display
                << "\": " << docs.error().message << "\n";
      return 1;
    }
    std::vector<GatorSuite> parsed;
    for (const value::Value& d : *docs) {
      if (!admission::IsSuiteDocument(d)) continue;
      auto s = admission::ParseGatorSuite(d);
      if (!s) {
        std::cerr << "Error: listing test files: " << f.display << ": " << s.error().message
                  << "\n";
        return 1;
      }
      parsed.push_back(std::move(*s));
    }
    if (!parsed.empty()) suites.emplace_back(f, std::move(parsed));
  }
  std::string out;
  bool ok = true;
  for (const auto& [file, list] : suites) {
    ok = RunSuiteFile(file, list, *filter, flags.verbose, out) && ok;
  }
  out += ok ? "PASS\n" : "FAIL\n";
  std::cout << out << "\n" << std::flush;
  if (!ok) {
    std::cerr << "Error: FAIL\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterVerifyCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<VerifyFlags>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Run Gatekeeper Suite files as `gator verify` does, or Rego unit tests as `opa test` does");
  cmd->add_option("path", flags->paths,
                  "suite files, directories, or DIR/... for every suite below DIR; "
                  "folders with *_test.rego files run as `opa test`");
  cmd->add_option("-p,--policy", flags->policy,
                  "run the Rego unit tests under these paths as `conftest verify` does")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("-d,--data", flags->data, "with -p: data files or directories")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", flags->output,
                  "with -p: stdout, json, tap, table, junit, github, azuredevops or sarif");
  cmd->add_flag("--no-color", flags->no_color, "with -p: disable color when printing");
  cmd->add_flag("--quiet", flags->quiet, "with -p: print nothing when every test passes");
  cmd->add_option("--rego-version", flags->rego_version, "with -p: v0 or v1 (default v1)");
  cmd->add_option("--report", flags->report, "with -p: full, notes or fails (not supported yet)");
  cmd->add_option("-r,--run", flags->run,
                  "regular expression which filters tests to run by name (TEST//CASE for both)");
  cmd->add_flag("-v,--verbose", flags->verbose, "print extended test output");
  cmd->callback([flags, exit_code] {
    if (!flags->policy.empty()) {
      *exit_code = RunConftestVerify(*flags);
    } else if (flags->paths.empty()) {
      std::cerr << "Error: verify needs suite paths, or -p for Rego unit tests\n";
      *exit_code = 1;
    } else {
      *exit_code = RunVerify(*flags);
    }
  });
}

}  // namespace gatehouse::app
