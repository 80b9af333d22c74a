#include "adapters/admission/gatekeeper_directory.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/common_errors.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

namespace fs = std::filesystem;

bool Hidden(const fs::path& relative) {
  return std::any_of(relative.begin(), relative.end(),
                     [](const fs::path& part) { return part.string().starts_with("."); });
}

bool Wanted(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

WatchedSource::Fetcher GatekeeperDirectoryFetcher(std::string dir) {
  return [dir]() -> Result<std::optional<std::string>> {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return std::optional<std::string>();
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path relative = fs::relative(it->path(), dir);
      if (Hidden(relative)) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && Wanted(it->path())) files.push_back(it->path());
    }
    if (ec) {
      return MakeError(CommonError::kFileUnreadable, "directory " + dir + ": " + ec.message());
    }
    std::sort(files.begin(), files.end());
    std::string out;
    for (const fs::path& f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) return MakeError(CommonError::kFileUnreadable, f.string() + ": cannot be read");
      std::stringstream text;
      text << in.rdbuf();
      const std::string content = text.str();
      out += f.string() + "\n" + std::to_string(content.size()) + "\n" + content;
      if (out.size() > kMaxGatekeeperDirectoryBytes) {
        return MakeError(CommonError::kInvalidArgument,
                         "directory " + dir + " holds more than " +
                             std::to_string(kMaxGatekeeperDirectoryBytes) + " bytes of YAML");
      }
    }
    return std::optional<std::string>(std::move(out));
  };
}

Result<std::shared_ptr<const admission::PolicySet>> LoadGatekeeperDirectory(
    const std::string& text, const admission::PolicySet* previous) {
  std::vector<admission::SourcedDocument> docs;
  std::size_t at = 0;
  value::YamlLimits limits;
  limits.max_bytes = kMaxGatekeeperDirectoryBytes;
  limits.max_depth = 256;
  while (at < text.size()) {
    const std::size_t name_end = text.find('\n', at);
    const std::size_t size_end =
        name_end == std::string::npos ? std::string::npos : text.find('\n', name_end + 1);
    if (size_end == std::string::npos) {
      return MakeError(CommonError::kInvalidArgument, "directory listing is corrupt");
    }
    const std::string name = text.substr(at, name_end - at);
    const std::size_t size = std::stoull(text.substr(name_end + 1, size_end - name_end - 1));
    if (size_end + 1 + size > text.size()) {
      return MakeError(CommonError::kInvalidArgument, "directory listing is corrupt");
    }
    const std::string_view content(text.data() + size_end + 1, size);
    at = size_end + 1 + size;
    auto parsed = value::ParseYamlStream(content, limits);
    if (!parsed) return MakeError(parsed.error().code, name + ": " + parsed.error().message);
    for (std::size_t i = 0; i < parsed->size(); ++i) {
      if ((*parsed)[i].is_null()) continue;
      docs.push_back({name + "#" + std::to_string(i + 1), std::move((*parsed)[i])});
    }
  }
  return admission::PolicySet::Build(docs, previous);
}

}  // namespace gatehouse::adapters
