// `gatehouse build-templates -p DIR [-d FILE]... -o OUTDIR`: a Conftest-style policy bundle as
// Gatekeeper ConstraintTemplates and Constraints (admission/bundle/template_builder.h), written
// to OUTDIR/<template>/template.yaml and constraint.yaml.
//
// Policies and data are read as `gatehouse test -p DIR -d FILE` reads them (every .rego below
// each -p; the data documents of each -d merged as `opa eval -d` merges them). Nothing is written
// unless every template builds. One line per template on stdout, exit 0; `Error: ...` on stderr
// and exit 1 otherwise. Plain I/O on the process's streams; not thread-safe.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "admission/admission_errors.h"
#include "admission/bundle/template_builder.h"
#include "common/common_errors.h"
#include "gatehouse/commands.h"
#include "gatehouse/policy_files.h"

namespace gatehouse::app {
namespace {

namespace fs = std::filesystem;
namespace bundle = admission::bundle;

struct BuildTemplatesFlags {
  std::vector<std::string> policy;
  std::vector<std::string> data;
  std::string output;
  std::string rego_version = "v1";
  std::string annotation_domain;
};

Result<std::vector<rego::SourceFile>> ReadModules(const std::vector<std::string>& paths) {
  std::vector<rego::SourceFile> modules;
  for (const std::string& p : paths) {
    auto files = LoadPolicyFiles({p});
    if (!files) return MakeError(files.error().code, "loading policies: " + files.error().message);
    for (rego::SourceFile& m : files->modules) modules.push_back(std::move(m));
  }
  if (modules.empty()) {
    std::string listed;
    for (const std::string& p : paths) listed += (listed.empty() ? "" : " ") + p;
    return MakeError(admission::AdmissionError::kInvalidBundle,
                     "loading policies: no policies found in [" + listed + "]");
  }
  return modules;
}

Result<rego::Value> ReadData(const std::vector<std::string>& paths) {
  std::vector<rego::SourceFile> documents;
  for (const std::string& d : paths) {
    auto files = LoadPolicyFiles({d});
    if (!files) return MakeError(files.error().code, "loading data: " + files.error().message);
    for (rego::SourceFile& f : files->data) documents.push_back(std::move(f));
  }
  auto data = rego::LoadDataDocuments(documents);
  if (!data) return MakeError(data.error().code, "loading data: " + data.error().message);
  return *data;
}

Status WriteFile(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return MakeError(CommonError::kFileUnreadable,
                     "creating " + path.parent_path().string() + ": " + ec.message());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return MakeError(CommonError::kFileUnreadable, "writing " + path.string() + ": failed");
  return Ok();
}

int RunBuildTemplates(const BuildTemplatesFlags& flags) {
  auto fail = [](const std::string& message) {
    std::cerr << "Error: " << message << "\n";
    return 1;
  };
  bundle::TemplateBuildOptions options;
  if (flags.rego_version == "v0" || flags.rego_version == "V0") {
    options.version = rego::RegoVersion::kV0;
  } else if (flags.rego_version != "v1" && flags.rego_version != "V1") {
    return fail("invalid Rego version: " + flags.rego_version + " (v0 or v1)");
  }
  options.annotation_domain = flags.annotation_domain;
  auto modules = ReadModules(flags.policy);
  if (!modules) return fail(modules.error().message);
  auto data = ReadData(flags.data);
  if (!data) return fail(data.error().message);
  auto built = bundle::BuildTemplates(std::move(*modules), *data, options);
  if (!built) return fail(built.error().ToString());
  for (const bundle::GeneratedFile& f : built->files) {
    if (Status s = WriteFile(fs::path(flags.output) / f.path, f.text); !s) {
      return fail(s.error().message);
    }
  }
  for (const bundle::GeneratedTemplate& t : built->templates) {
    std::cout << (fs::path(flags.output) / t.name).string() << ": ConstraintTemplate " << t.name
              << ", " << t.kind << " " << t.constraint_name
              << (t.warn ? " (enforcementAction: warn)" : "") << ", from " << t.package << " (";
    for (std::size_t i = 0; i < t.rules.size(); ++i) std::cout << (i > 0 ? ", " : "") << t.rules[i];
    std::cout << ")\n";
  }
  return 0;
}

}  // namespace

void RegisterBuildTemplatesCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<BuildTemplatesFlags>();
  CLI::App* cmd = app.add_subcommand(
      "build-templates",
      "Turn a Conftest-style policy bundle into Gatekeeper ConstraintTemplates and Constraints");
  cmd->add_option("-p,--policy", flags->policy, "directory (or file) of Rego policies")
      ->required()
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("-d,--data", flags->data,
                  "data files or directories; the merged document becomes the constraints' "
                  "parameters")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", flags->output,
                  "directory to write <template>/template.yaml and constraint.yaml into")
      ->required();
  cmd->add_option("--rego-version", flags->rego_version,
                  "the Rego syntax of the policies: v0 or v1 (the templates are written for "
                  "Gatekeeper's v0 parser either way)");
  cmd->add_option("--policy-annotation-domain", flags->annotation_domain,
                  "the domain of the ignore and parameters annotations, as "
                  "spec.parameters.gatehouse.annotation_domain (the baseline library's default: "
                  "policy.gatehouse.dev)");
  cmd->callback([flags, exit_code] { *exit_code = RunBuildTemplates(*flags); });
}

}  // namespace gatehouse::app
