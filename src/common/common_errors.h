// CommonError: Failures that several domains share and that callers compare across them: a bad
// argument, a missing or conflicting record, an unreadable file, a bad Go duration, an internal
// failure.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse {

enum class CommonError {
  // invalid_argument: an argument or request field breaks a rule the message names.
  kInvalidArgument,
  // not_found: the named record does not exist.
  kNotFound,
  // conflict: the record or document already exists, or two values clash.
  kConflict,
  // internal: a computation failed unexpectedly (e.g. it threw).
  kInternal,
  // file_unreadable: a file exists but cannot be read.
  kFileUnreadable,
  // invalid_duration: not a Go duration ("90s", "1h30m").
  kInvalidDuration,
};

constexpr std::string_view WireName(CommonError e) {
  switch (e) {
    case CommonError::kInvalidArgument:
      return "invalid_argument";
    case CommonError::kNotFound:
      return "not_found";
    case CommonError::kConflict:
      return "conflict";
    case CommonError::kInternal:
      return "internal";
    case CommonError::kFileUnreadable:
      return "file_unreadable";
    case CommonError::kInvalidDuration:
      return "invalid_duration";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr CommonError kAllCommonErrors[] = {
    CommonError::kInvalidArgument, CommonError::kNotFound,       CommonError::kConflict,
    CommonError::kInternal,        CommonError::kFileUnreadable, CommonError::kInvalidDuration};
static_assert(ValidErrorEnum(kAllCommonErrors));

}  // namespace gatehouse
