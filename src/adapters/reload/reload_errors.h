// ReloadError: Failures of a watched source (file or ConfigMap key) besides CommonError's
// file_unreadable.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class ReloadError {
  // source_missing: the file, ConfigMap or key does not exist.
  kSourceMissing,
};

constexpr std::string_view WireName(ReloadError e) {
  switch (e) {
    case ReloadError::kSourceMissing:
      return "source_missing";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr ReloadError kAllReloadErrors[] = {ReloadError::kSourceMissing};
static_assert(ValidErrorEnum(kAllReloadErrors));

}  // namespace gatehouse::adapters
