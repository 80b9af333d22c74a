// The CustomResourceDefinition Gatekeeper's controller creates for a template's constraint kind
// (`<kind in lower case>.constraints.gatekeeper.sh`, cluster-scoped, versions v1beta1 (stored)
// and v1alpha1, a status subresource, `spec.match`, `spec.enforcementAction` defaulting to deny,
// `spec.parameters` from the template's openAPIV3Schema with unknown fields kept), and how to read
// a CRD's state back. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "admission/constraint_template.h"
#include "value/value.h"

namespace gatehouse::admission {

// "k8srequiredlabels": the constraint kind's plural (and singular), as Gatekeeper names it.
std::string ConstraintResourceName(const ConstraintTemplate& t);
std::string ConstraintResourceName(std::string_view kind);

// "k8srequiredlabels.constraints.gatekeeper.sh".
std::string ConstraintCrdName(const ConstraintTemplate& t);

// The CRD object to create (apiextensions.k8s.io/v1), labelled `gatekeeper.sh/constraint: yes`.
value::Value ConstraintCrd(const ConstraintTemplate& t);

// Whether an existing CRD says what `wanted` says (names, scope, versions and their schemas),
// so a controller only writes when the template changed.
bool CrdSpecMatches(const value::Value& existing, const value::Value& wanted);

// Whether the CRD's status has condition Established=True (the API server serves the kind).
bool CrdEstablished(const value::Value& crd);

}  // namespace gatehouse::admission
