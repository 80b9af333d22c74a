#include "gatehouse/policy_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/common_errors.h"
#include "gatehouse/app_errors.h"

namespace gatehouse::app {
namespace {

namespace fs = std::filesystem;

enum class FileRole { kModule, kData, kOther };

FileRole RoleOf(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".rego") return FileRole::kModule;
  if (ext == ".json" || ext == ".yaml" || ext == ".yml") return FileRole::kData;
  return FileRole::kOther;
}

bool IsHidden(const fs::path& relative) {
  for (const auto& part : relative) {
    const std::string name = part.string();
    if (name.size() > 1 && name[0] == '.' && name != "..") return true;
  }
  return false;
}

Status AddFile(const fs::path& path, const std::string& data_name, std::size_t max_bytes,
               PolicyFiles& out) {
  const FileRole role = RoleOf(path);
  if (role == FileRole::kOther) return Ok();
  Result<std::string> text = ReadWholeFile(path.string(), max_bytes);
  if (!text) return text.error();
  if (role == FileRole::kModule) {
    out.modules.push_back({path.string(), std::move(*text)});
  } else {
    out.data.push_back({data_name, std::move(*text)});
  }
  return Ok();
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return MakeError(CommonError::kFileUnreadable, path + ": " + ec.message());
  if (size > max_bytes) {
    return MakeError(AppError::kFileTooLarge,
                     path + ": larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(CommonError::kFileUnreadable, path + ": cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return MakeError(CommonError::kFileUnreadable, path + ": read error");
  return text.str();
}

Result<PolicyFiles> LoadPolicyFiles(const std::vector<std::string>& paths,
                                    std::size_t max_file_bytes) {
  PolicyFiles out;
  for (const std::string& root : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (ec || !fs::exists(status)) {
      return MakeError(CommonError::kFileUnreadable, root + ": no such file or directory");
    }
    if (!fs::is_directory(status)) {
      if (Status added = AddFile(root, fs::path(root).filename().string(), max_file_bytes, out);
          !added) {
        return added.error();
      }
      continue;
    }
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path relative = fs::relative(it->path(), root);
      if (IsHidden(relative)) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) found.push_back(it->path());
    }
    if (ec) return MakeError(CommonError::kFileUnreadable, root + ": " + ec.message());
    std::sort(found.begin(), found.end());  // a stable order: same errors, same results
    for (const fs::path& path : found) {
      if (Status added = AddFile(path, fs::relative(path, root).string(), max_file_bytes, out);
          !added) {
        return added.error();
      }
    }
  }
  return out;
}

}  // namespace gatehouse::app
