// The policy bundle the admission webhook serves (`gatehouse serve --policy-bundle DIR
// [--policy-data FILE]...`): every .rego file below DIR and the data files, read as one version
// (adapters/reload/file_set.h) so an edit anywhere reloads the whole bundle; a version that does
// not parse or compile is refused and the last good bundle keeps serving (WatchedSource).
// Data files are placed as `gatehouse test -d` places them: a file given directly at the root
// of data, a file found in a directory under its sub-directory names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/reload/watched_source.h"
#include "admission/bundle/bundle_review.h"
#include "common/result.h"

namespace gatehouse::adapters {

inline constexpr std::size_t kMaxPolicyBundleBytes = 64 << 20;

struct PolicyBundleSettings {
  std::string dir;
  std::vector<std::string> data;                // files or directories of .json/.yaml/.yml
  std::vector<std::string> namespaces{"main"};  // Conftest's --namespace patterns
  bool all_namespaces = false;
  rego::RegoVersion version = rego::RegoVersion::kV1;
  std::string annotation_domain = "policy.gatehouse.dev";
};

// nullopt when DIR does not exist; a missing data path is an error.
WatchedSource::Fetcher PolicyBundleFetcher(const PolicyBundleSettings& settings);

// The bundle of one fetched version. Errors: the parser's, compiler's and data loader's, each
// naming its file; invalid_policy_bundle when DIR holds no .rego file.
Result<std::shared_ptr<const admission::bundle::ServedBundle>> LoadPolicyBundle(
    const std::string& text, const PolicyBundleSettings& settings);

}  // namespace gatehouse::adapters
