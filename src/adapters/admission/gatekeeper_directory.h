// The directory source of Gatekeeper resources (`gatehouse serve --gatekeeper-source DIR`): every
// .yaml, .yml and .json file below DIR (hidden ones skipped), read as one version, so a GitOps
// checkout is judged as a whole.
//
// GatekeeperDirectoryFetcher gives WatchedSource that version as one text (the files in path
// order, each with its name and size), nullopt when DIR does not exist; LoadGatekeeperDirectory
// turns the text back into documents and builds the PolicySet. A file that does not parse
// refuses the whole version (the last good set keeps serving); a template or constraint that
// fails is left out of the set and reported, and a template's last good version keeps serving.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "adapters/reload/watched_source.h"
#include "admission/policy_set.h"
#include "common/result.h"

namespace gatehouse::adapters {

inline constexpr std::size_t kMaxGatekeeperDirectoryBytes = 64 << 20;

WatchedSource::Fetcher GatekeeperDirectoryFetcher(std::string dir);

// Errors: invalid_yaml (naming the file) and the text's own corruption (invalid_argument).
Result<std::shared_ptr<const admission::PolicySet>> LoadGatekeeperDirectory(
    const std::string& text, const admission::PolicySet* previous);

}  // namespace gatehouse::adapters
