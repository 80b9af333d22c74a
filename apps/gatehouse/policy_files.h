// Loading policy and data files the way `opa eval -d PATH` does, for the eval/bench commands.
//
// Each PATH is a file or a directory searched recursively. `.rego` files are modules; `.json`,
// `.yaml` and `.yml` files are data documents, placed in `data` at the path of their directory
// relative to the PATH given (a file given directly goes to the root), as OPA does. Hidden files
// and directories (starting with '.') are skipped. Every file is bounded in size; a file that
// cannot be read is an error naming it. Not thread-safe (plain I/O at start-up).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"
#include "rego/engine.h"

namespace gatehouse::app {

struct PolicyFiles {
  std::vector<rego::SourceFile> modules;  // filename as found (for error positions)
  std::vector<rego::SourceFile> data;     // filename relative to its root PATH
};

// Errors: "file_unreadable", "file_too_large".
Result<PolicyFiles> LoadPolicyFiles(const std::vector<std::string>& paths,
                                    std::size_t max_file_bytes = 64 << 20);

// Reads one whole file (input documents). Errors as above.
Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes = 64 << 20);

}  // namespace gatehouse::app
