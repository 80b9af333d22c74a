// Conftest's configuration sources for `gatehouse test` (docs/conftest-compat.md section 1.2):
// a configuration file (`-c FILE`, else `conftest.toml` — or conftest.json / .yaml / .yml — in
// the working directory) and CONFTEST_* environment variables. Keys are the flags' long names.
// A flag given on the command line wins over the environment, which wins over the file. File
// I/O at start-up; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace gatehouse::app {

// One setting as a list of strings: a scalar is one item ("true", "v1"), an array its items.
using ConftestSettings = std::map<std::string, std::vector<std::string>>;

// The settings of the configuration file: `path` when given (missing or unreadable: an error
// "read in config: error reading config: ..."), else the default file if present (none: empty).
Result<ConftestSettings> ReadConftestConfig(const std::string& path);

// CONFTEST_<KEY> for a key ("fail-on-warn" -> CONFTEST_FAIL_ON_WARN), nullopt when unset.
std::optional<std::string> ConftestEnvironment(const std::string& key);

}  // namespace gatehouse::app
