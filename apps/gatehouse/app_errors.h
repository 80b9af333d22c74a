// AppError: Failures of the gatehouse command line itself.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::app {

enum class AppError {
  // invalid_flag: a flag's value is invalid.
  kInvalidFlag,
  // file_too_large: an input file exceeds the size limit.
  kFileTooLarge,
  // console: the console cannot be read (EOF).
  kConsole,
};

constexpr std::string_view WireName(AppError e) {
  switch (e) {
    case AppError::kInvalidFlag:
      return "invalid_flag";
    case AppError::kFileTooLarge:
      return "file_too_large";
    case AppError::kConsole:
      return "console";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr AppError kAllAppErrors[] = {AppError::kInvalidFlag, AppError::kFileTooLarge,
                                             AppError::kConsole};
static_assert(ValidErrorEnum(kAllAppErrors));

}  // namespace gatehouse::app
