// CredentialCacheError: Failures of the kubectl plugins' on-disk token cache.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class CredentialCacheError {
  // cache_io: a cache file or folder cannot be read, written or locked.
  kIo,
};

constexpr std::string_view WireName(CredentialCacheError e) {
  switch (e) {
    case CredentialCacheError::kIo:
      return "cache_io";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr CredentialCacheError kAllCredentialCacheErrors[] = {CredentialCacheError::kIo};
static_assert(ValidErrorEnum(kAllCredentialCacheErrors));

}  // namespace gatehouse::adapters
