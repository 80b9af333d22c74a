// Constraint: one Gatekeeper constraint (`constraints.gatekeeper.sh`, any kind a template
// declares) read from its document: its kind and name, `spec.match`, `spec.enforcementAction`
// and `spec.parameters`; and the check of those parameters against the template's schema.
//
// Errors (invalid_constraint) name the constraint and the field. Pure; thread-safe once built.
#pragma once

#include <string>
#include <string_view>

#include "admission/constraint_template.h"
#include "admission/match.h"
#include "common/result.h"
#include "rego/value.h"
#include "value/value.h"

namespace gatehouse::admission {

inline constexpr std::string_view kConstraintsGroup = "constraints.gatekeeper.sh";

enum class EnforcementAction { kDeny, kDryRun, kWarn };

// "deny", "dryrun", "warn": Gatekeeper's spelling, used in status, metrics and logs.
std::string_view EnforcementActionName(EnforcementAction a);

struct Constraint {
  std::string api_version;  // constraints.gatekeeper.sh/v1beta1 (v1alpha1 and v1 also read)
  std::string kind;         // the template's constraint kind
  std::string name;         // metadata.name
  EnforcementAction action = EnforcementAction::kDeny;
  Match match;
  value::Value parameters;       // spec.parameters, null when absent
  rego::Value parameters_value;  // the same, as input.parameters sees it ({} when absent)
};

// True when `doc` belongs to the constraints group (its apiVersion is constraints.gatekeeper.sh/*).
bool IsConstraintDocument(const value::Value& doc);

// Reads one constraint document, with the constraint framework's checks and words ("invalid
// Constraint: missing metadata.name", "unrecognized enforcementAction: ...").
Result<Constraint> ParseConstraint(const value::Value& doc);

// Checks the constraint's parameters against the template's openAPIV3Schema, as the API server
// checks a constraint against the CRD Gatekeeper made from the template. Errors list each field:
// `spec.parameters.<path>: <what>`.
Status ValidateParameters(const Constraint& c, const ConstraintTemplate& t);

}  // namespace gatehouse::admission
