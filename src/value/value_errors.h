// ValueError: Failures of the JSON and YAML readers, including their size and depth limits.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::value {

enum class ValueError {
  // invalid_json: the text is not JSON.
  kInvalidJson,
  // duplicate_key: a JSON object repeats a member name.
  kDuplicateKey,
  // json_too_large: the JSON text exceeds the size limit.
  kJsonTooLarge,
  // json_too_deep: the JSON nesting exceeds the depth limit.
  kJsonTooDeep,
  // invalid_yaml: the text is not YAML this reader accepts.
  kInvalidYaml,
  // yaml_too_large: the YAML text or its alias expansion exceeds the limit.
  kYamlTooLarge,
  // yaml_too_deep: the YAML nesting exceeds the depth limit.
  kYamlTooDeep,
};

constexpr std::string_view WireName(ValueError e) {
  switch (e) {
    case ValueError::kInvalidJson:
      return "invalid_json";
    case ValueError::kDuplicateKey:
      return "duplicate_key";
    case ValueError::kJsonTooLarge:
      return "json_too_large";
    case ValueError::kJsonTooDeep:
      return "json_too_deep";
    case ValueError::kInvalidYaml:
      return "invalid_yaml";
    case ValueError::kYamlTooLarge:
      return "yaml_too_large";
    case ValueError::kYamlTooDeep:
      return "yaml_too_deep";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr ValueError kAllValueErrors[] = {
    ValueError::kInvalidJson, ValueError::kDuplicateKey, ValueError::kJsonTooLarge,
    ValueError::kJsonTooDeep, ValueError::kInvalidYaml,  ValueError::kYamlTooLarge,
    ValueError::kYamlTooDeep};
static_assert(ValidErrorEnum(kAllValueErrors));

}  // namespace gatehouse::value
