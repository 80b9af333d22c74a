#include "adapters/admission/policy_bundle_source.h"

#include <filesystem>

#include "adapters/reload/file_set.h"
#include "admission/admission_errors.h"

namespace gatehouse::adapters {
namespace {

namespace fs = std::filesystem;

bool IsRego(const std::string& p) { return p.ends_with(".rego"); }
bool IsData(const std::string& p) {
  return p.ends_with(".json") || p.ends_with(".yaml") || p.ends_with(".yml");
}

std::string DataTag(std::size_t i) { return "data" + std::to_string(i); }

// The name a data file has below its root: its path relative to a directory root, its base
// name when the root is the file itself (so it merges at the root of data).
std::string DataName(const std::string& root, const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(root, ec)) return fs::relative(path, root, ec).string();
  return fs::path(path).filename().string();
}

}  // namespace

WatchedSource::Fetcher PolicyBundleFetcher(const PolicyBundleSettings& settings) {
  std::vector<FileSetRoot> roots;
  roots.push_back({settings.dir, "rego", IsRego});
  for (std::size_t i = 0; i < settings.data.size(); ++i) {
    roots.push_back({settings.data[i], DataTag(i), IsData});
  }
  return [roots]() { return ReadFileSet(roots, kMaxPolicyBundleBytes); };
}

Result<std::shared_ptr<const admission::bundle::ServedBundle>> LoadPolicyBundle(
    const std::string& text, const PolicyBundleSettings& settings) {
  auto files = SplitFileSet(text);
  if (!files) return files.error();
  std::vector<rego::SourceFile> modules;
  std::vector<rego::SourceFile> data_files;
  for (const NamedText& f : *files) {
    const std::size_t colon = f.name.find(':');
    const std::string tag = f.name.substr(0, colon);
    const std::string path = f.name.substr(colon + 1);
    if (tag == "rego") {
      modules.push_back({path, std::string(f.text)});
      continue;
    }
    for (std::size_t i = 0; i < settings.data.size(); ++i) {
      if (tag == DataTag(i)) {
        data_files.push_back({DataName(settings.data[i], path), std::string(f.text)});
      }
    }
  }
  if (modules.empty()) {
    return MakeError(admission::AdmissionError::kInvalidBundle,
                     "no policies found in " + settings.dir);
  }
  auto data = rego::LoadDataDocuments(data_files);
  if (!data) return MakeError(data.error().code, "policy data: " + data.error().message);
  admission::bundle::BundleOptions options;
  options.version = settings.version;
  auto loaded =
      admission::bundle::PolicyBundle::Load(std::move(modules), std::move(*data), options);
  if (!loaded) return loaded.error();
  auto checker = admission::bundle::NamespaceChecker::Prepare(
      *loaded, (*loaded)->SelectNamespaces(settings.namespaces, settings.all_namespaces));
  if (!checker) return checker.error();
  auto served = std::make_shared<admission::bundle::ServedBundle>();
  served->checker = std::move(*checker);
  served->annotation_domain = settings.annotation_domain;
  return std::shared_ptr<const admission::bundle::ServedBundle>(std::move(served));
}

}  // namespace gatehouse::adapters
