// IdentityError: Failures of choosing the identity source of a token.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class IdentityError {
  // no_identity_source: no configured source accepts this kind of token.
  kNoIdentitySource,
  // unknown_issuer: the JWS names an issuer that is not configured.
  kUnknownIssuer,
};

constexpr std::string_view WireName(IdentityError e) {
  switch (e) {
    case IdentityError::kNoIdentitySource:
      return "no_identity_source";
    case IdentityError::kUnknownIssuer:
      return "unknown_issuer";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr IdentityError kAllIdentityErrors[] = {IdentityError::kNoIdentitySource,
                                                       IdentityError::kUnknownIssuer};
static_assert(ValidErrorEnum(kAllIdentityErrors));

}  // namespace gatehouse::adapters
