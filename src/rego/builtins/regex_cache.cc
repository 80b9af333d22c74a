#include "rego/builtins/regex_cache.h"

#include <mutex>
#include <unordered_map>

#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

struct Cache {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const re2::RE2>> entries;
};

Cache& GlobalCache() {
  static Cache* cache = new Cache();  // never destroyed: usable during static teardown
  return *cache;
}

}  // namespace

Result<std::shared_ptr<const re2::RE2>> CompileRegexCached(std::string_view pattern,
                                                           std::size_t max_pattern_bytes) {
  if (pattern.size() > max_pattern_bytes) {
    return MakeError(RegoError::kEvalBuiltin,
                     "pattern too long (" + std::to_string(pattern.size()) + " bytes)");
  }
  Cache& cache = GlobalCache();
  std::string key(pattern);
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    auto it = cache.entries.find(key);
    if (it != cache.entries.end()) return it->second;
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_max_mem(8 << 20);  // bounds the DFA/NFA memory of hostile patterns
  auto re =
      std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return MakeError(RegoError::kEvalBuiltin, "error parsing regexp: " + re->error());
  std::lock_guard<std::mutex> lock(cache.mu);
  if (cache.entries.size() >= kRegexCacheMaxEntries) cache.entries.clear();
  cache.entries.emplace(std::move(key), re);
  return std::shared_ptr<const re2::RE2>(re);
}

std::size_t RegexCacheSize() {
  Cache& cache = GlobalCache();
  std::lock_guard<std::mutex> lock(cache.mu);
  return cache.entries.size();
}

}  // namespace gatehouse::rego
