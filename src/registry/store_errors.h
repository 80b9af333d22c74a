// StoreError: Failures of a RegistryStore (store.h) besides CommonError's not_found, conflict and
// invalid_argument; the registry API maps them to HTTP statuses.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::registry {

enum class StoreError {
  // constraint: the write breaks a database constraint other than uniqueness.
  kConstraint,
  // precondition_failed: the record is still in use (e.g. a project with repositories).
  kPreconditionFailed,
  // store_unavailable: the database cannot be reached or is busy; retrying may succeed.
  kUnavailable,
  // store_error: the database failed otherwise (schema, statement).
  kFailed,
};

constexpr std::string_view WireName(StoreError e) {
  switch (e) {
    case StoreError::kConstraint:
      return "constraint";
    case StoreError::kPreconditionFailed:
      return "precondition_failed";
    case StoreError::kUnavailable:
      return "store_unavailable";
    case StoreError::kFailed:
      return "store_error";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr StoreError kAllStoreErrors[] = {StoreError::kConstraint,
                                                 StoreError::kPreconditionFailed,
                                                 StoreError::kUnavailable, StoreError::kFailed};
static_assert(ValidErrorEnum(kAllStoreErrors));

}  // namespace gatehouse::registry
