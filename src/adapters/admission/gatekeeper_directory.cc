#include "adapters/admission/gatekeeper_directory.h"

#include "adapters/reload/file_set.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

bool Wanted(const std::string& p) {
  return p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".json");
}

}  // namespace

WatchedSource::Fetcher GatekeeperDirectoryFetcher(std::string dir) {
  return [dir]() { return ReadFileSet({{dir, "", Wanted}}, kMaxGatekeeperDirectoryBytes); };
}

Result<std::shared_ptr<const admission::PolicySet>> LoadGatekeeperDirectory(
    const std::string& text, const admission::PolicySet* previous) {
  auto files = SplitFileSet(text);
  if (!files) return files.error();
  std::vector<admission::SourcedDocument> docs;
  value::YamlLimits limits;
  limits.max_bytes = kMaxGatekeeperDirectoryBytes;
  limits.max_depth = 256;
  for (const NamedText& file : *files) {
    auto parsed = value::ParseYamlStream(file.text, limits);
    if (!parsed) return MakeError(parsed.error().code, file.name + ": " + parsed.error().message);
    for (std::size_t i = 0; i < parsed->size(); ++i) {
      if ((*parsed)[i].is_null()) continue;
      docs.push_back({file.name + "#" + std::to_string(i + 1), std::move((*parsed)[i])});
    }
  }
  return admission::PolicySet::Build(docs, previous);
}

}  // namespace gatehouse::adapters
