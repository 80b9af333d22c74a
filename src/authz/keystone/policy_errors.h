// PolicyError: Failures of parsing a keystone-auth policy.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::authz::keystone {

enum class PolicyError {
  // invalid_policy: the policy breaks the schema (the message names the path).
  kInvalidPolicy,
};

constexpr std::string_view WireName(PolicyError e) {
  switch (e) {
    case PolicyError::kInvalidPolicy:
      return "invalid_policy";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr PolicyError kAllPolicyErrors[] = {PolicyError::kInvalidPolicy};
static_assert(ValidErrorEnum(kAllPolicyErrors));

}  // namespace gatehouse::authz::keystone
