#include "adapters/reload/file_set.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/common_errors.h"

namespace gatehouse::adapters {
namespace {

namespace fs = std::filesystem;

bool Hidden(const fs::path& relative) {
  return std::any_of(relative.begin(), relative.end(), [](const fs::path& part) {
    const std::string s = part.string();
    return s.size() > 1 && s.starts_with(".") && s != "..";
  });
}

Status Append(const fs::path& file, const std::string& tag, std::size_t max_bytes,
              std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return MakeError(CommonError::kFileUnreadable, file.string() + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  out += (tag.empty() ? "" : tag + ":") + file.string() + "\n" + std::to_string(content.size()) +
         "\n" + content;
  if (out.size() > max_bytes) {
    return MakeError(CommonError::kInvalidArgument,
                     "the files hold more than " + std::to_string(max_bytes) + " bytes");
  }
  return Ok();
}

}  // namespace

Result<std::optional<std::string>> ReadFileSet(const std::vector<FileSetRoot>& roots,
                                               std::size_t max_bytes) {
  std::string out;
  for (std::size_t r = 0; r < roots.size(); ++r) {
    const FileSetRoot& root = roots[r];
    std::error_code ec;
    const fs::file_status st = fs::status(root.path, ec);
    if (ec || !fs::exists(st)) {
      if (r == 0) return std::optional<std::string>();
      return MakeError(CommonError::kFileUnreadable, root.path + ": no such file or directory");
    }
    if (!fs::is_directory(st)) {
      if (Status s = Append(root.path, root.tag, max_bytes, out); !s) return s.error();
      continue;
    }
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(root.path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path relative = fs::relative(it->path(), root.path);
      if (Hidden(relative)) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && (!root.wanted || root.wanted(it->path().string()))) {
        files.push_back(it->path());
      }
    }
    if (ec) {
      return MakeError(CommonError::kFileUnreadable,
                       "directory " + root.path + ": " + ec.message());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      if (Status s = Append(f, root.tag, max_bytes, out); !s) return s.error();
    }
  }
  return std::optional<std::string>(std::move(out));
}

Result<std::vector<NamedText>> SplitFileSet(std::string_view encoded) {
  std::vector<NamedText> out;
  std::size_t at = 0;
  const Error corrupt = MakeError(CommonError::kInvalidArgument, "file listing is corrupt");
  while (at < encoded.size()) {
    const std::size_t name_end = encoded.find('\n', at);
    if (name_end == std::string_view::npos) return corrupt;
    const std::size_t size_end = encoded.find('\n', name_end + 1);
    if (size_end == std::string_view::npos) return corrupt;
    std::size_t size = 0;
    const char* first = encoded.data() + name_end + 1;
    const char* last = encoded.data() + size_end;
    auto [ptr, ec] = std::from_chars(first, last, size);
    if (ec != std::errc() || ptr != last || size > encoded.size() - size_end - 1) return corrupt;
    out.push_back(
        {std::string(encoded.substr(at, name_end - at)), encoded.substr(size_end + 1, size)});
    at = size_end + 1 + size;
  }
  return out;
}

}  // namespace gatehouse::adapters
