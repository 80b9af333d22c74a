// A set of files read as one version for WatchedSource: every wanted file below some roots
// (hidden files and directories skipped), in path order, encoded as one text of
// "<name>\n<size>\n<bytes>" records so that any change to any file is a new version, and decoded
// back into (name, text) pairs by the loader. Used by the directory sources of Gatekeeper
// resources and of policy bundles. Plain file I/O; the functions are thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace gatehouse::adapters {

struct FileSetRoot {
  std::string path;  // a directory (searched recursively) or one file
  std::string tag;   // prefixed to each name as "<tag>:" ("" for none)
  std::function<bool(const std::string& path)> wanted;  // for files found in a directory
};

struct NamedText {
  std::string name;  // "<tag>:<path>" (or the path without a tag)
  std::string_view text;
};

// The encoded version; nullopt when the first root does not exist (the source is absent).
// Other roots that do not exist, unreadable files and a total beyond max_bytes are errors.
Result<std::optional<std::string>> ReadFileSet(const std::vector<FileSetRoot>& roots,
                                               std::size_t max_bytes);

// The records of an encoded version (views into `encoded`). Error: invalid_argument "corrupt".
Result<std::vector<NamedText>> SplitFileSet(std::string_view encoded);

}  // namespace gatehouse::adapters
