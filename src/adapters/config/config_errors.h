// ConfigError: Failures of reading gatehouse serve's flags, environment and configuration file.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class ConfigError {
  // config_unreadable: the configuration file cannot be read.
  kUnreadable,
  // config_unknown_key: the configuration file has a key no option knows.
  kUnknownKey,
  // config_invalid_value: an option's value is invalid (the message names the option).
  kInvalidValue,
};

constexpr std::string_view WireName(ConfigError e) {
  switch (e) {
    case ConfigError::kUnreadable:
      return "config_unreadable";
    case ConfigError::kUnknownKey:
      return "config_unknown_key";
    case ConfigError::kInvalidValue:
      return "config_invalid_value";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr ConfigError kAllConfigErrors[] = {
    ConfigError::kUnreadable, ConfigError::kUnknownKey, ConfigError::kInvalidValue};
static_assert(ValidErrorEnum(kAllConfigErrors));

}  // namespace gatehouse::adapters
