// WebhookError: Failures of the webhook routes.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class WebhookError {
  // method_not_allowed: a review sent with another method than POST.
  kMethodNotAllowed,
};

constexpr std::string_view WireName(WebhookError e) {
  switch (e) {
    case WebhookError::kMethodNotAllowed:
      return "method_not_allowed";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr WebhookError kAllWebhookErrors[] = {WebhookError::kMethodNotAllowed};
static_assert(ValidErrorEnum(kAllWebhookErrors));

}  // namespace gatehouse::adapters
