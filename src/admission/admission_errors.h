// AdmissionError: Failures of the admission core: Gatekeeper ConstraintTemplates, constraints and
// the reviews built for them.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::admission {

enum class AdmissionError {
  // invalid_constraint_template: a ConstraintTemplate Gatekeeper would refuse (its message says
  // why, in Gatekeeper's words).
  kInvalidTemplate,
  // template_compile_error: a ConstraintTemplate whose Rego does not compile.
  kTemplateCompile,
};

constexpr std::string_view WireName(AdmissionError e) {
  switch (e) {
    case AdmissionError::kInvalidTemplate:
      return "invalid_constraint_template";
    case AdmissionError::kTemplateCompile:
      return "template_compile_error";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr AdmissionError kAllAdmissionErrors[] = {AdmissionError::kInvalidTemplate,
                                                         AdmissionError::kTemplateCompile};
static_assert(ValidErrorEnum(kAllAdmissionErrors));

}  // namespace gatehouse::admission
