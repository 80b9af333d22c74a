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
  // invalid_constraint: a constraint document Gatekeeper would refuse (bad match, action, ...).
  kInvalidConstraint,
  // invalid_constraint_parameters: parameters that fail the template's openAPIV3Schema.
  kInvalidParameters,
  // constraint_without_template: a constraint whose kind no template declares.
  kNoTemplate,
  // invalid_gatekeeper_config: a Config resource (config.gatekeeper.sh) that cannot be read.
  kInvalidConfig,
  // constraint_evaluation_error: a template's Rego failed on a review (limit, deadline, error).
  kEvaluation,
  // namespace_not_cached: a namespaceSelector needs a Namespace gatehouse has not synced.
  kNamespaceUnknown,
  // invalid_admission_review: an AdmissionReview request that cannot be judged (no kind, a
  // DELETE without oldObject, ...).
  kInvalidReview,
  // invalid_suite: a gator Suite (test.gatekeeper.sh) file that cannot be run.
  kInvalidSuite,
  // invalid_policy_input: a file or document given to a policy bundle that cannot be parsed
  // (bad YAML/JSON, a parser gatehouse does not have).
  kInvalidInput,
  // invalid_policy_bundle: a policy bundle that cannot be loaded (no policies, a rule Conftest
  // refuses, bad data files).
  kInvalidBundle,
  // policy_bundle_evaluation_error: a bundle's query failed (conflict, builtin error, a result
  // without a string "msg").
  kBundleEvaluation,
};

constexpr std::string_view WireName(AdmissionError e) {
  switch (e) {
    case AdmissionError::kInvalidTemplate:
      return "invalid_constraint_template";
    case AdmissionError::kTemplateCompile:
      return "template_compile_error";
    case AdmissionError::kInvalidConstraint:
      return "invalid_constraint";
    case AdmissionError::kInvalidParameters:
      return "invalid_constraint_parameters";
    case AdmissionError::kNoTemplate:
      return "constraint_without_template";
    case AdmissionError::kInvalidConfig:
      return "invalid_gatekeeper_config";
    case AdmissionError::kEvaluation:
      return "constraint_evaluation_error";
    case AdmissionError::kNamespaceUnknown:
      return "namespace_not_cached";
    case AdmissionError::kInvalidReview:
      return "invalid_admission_review";
    case AdmissionError::kInvalidSuite:
      return "invalid_suite";
    case AdmissionError::kInvalidInput:
      return "invalid_policy_input";
    case AdmissionError::kInvalidBundle:
      return "invalid_policy_bundle";
    case AdmissionError::kBundleEvaluation:
      return "policy_bundle_evaluation_error";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr AdmissionError kAllAdmissionErrors[] = {
    AdmissionError::kInvalidTemplate,   AdmissionError::kTemplateCompile,
    AdmissionError::kInvalidConstraint, AdmissionError::kInvalidParameters,
    AdmissionError::kNoTemplate,        AdmissionError::kInvalidConfig,
    AdmissionError::kEvaluation,        AdmissionError::kNamespaceUnknown,
    AdmissionError::kInvalidReview,     AdmissionError::kInvalidSuite,
    AdmissionError::kInvalidInput,      AdmissionError::kInvalidBundle,
    AdmissionError::kBundleEvaluation};
static_assert(ValidErrorEnum(kAllAdmissionErrors));

}  // namespace gatehouse::admission
