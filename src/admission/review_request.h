// ReviewRequest: the request a constraint judges — `input.review` exactly as Gatekeeper builds
// it, less `namespaceObject`, which the reviewer adds — and the fields matching reads.
//
// From the API server, `input.review` is the AdmissionReview's `request` as sent (uid, kind,
// resource, name, namespace, operation, userInfo, object, oldObject, dryRun, options, ...). As in
// Gatekeeper: for DELETE, whose `object` is null, `object` is set to the `oldObject`; a Namespace's
// own request carries no `namespace`. Offline (gator verify, audit) an object is reviewed as
// Gatekeeper's target turns an object into a request: uid "", kind from apiVersion and kind, an
// empty resource, name, namespace, operation "", userInfo {}, the object, oldObject and options
// null; an AdmissionReview document given as the object is reviewed as its request. Pure;
// thread-safe.
#pragma once

#include <string>

#include "common/result.h"
#include "rego/value.h"
#include "value/value.h"

namespace gatehouse::admission {

struct ReviewRequest {
  rego::Value review;  // input.review without namespaceObject
  std::string group;   // of kind
  std::string version;
  std::string kind;
  std::string name;
  std::string generate_name;
  std::string namespace_name;  // "" for cluster-scoped objects and Namespaces
  std::string operation;       // "" offline
  value::Value labels;         // metadata.labels of the object judged (null when none)
  value::Value old_labels;     // of oldObject on UPDATE (null when none)
  bool has_old_object = false;
  bool IsNamespace() const { return group.empty() && kind == "Namespace"; }
};

// From an AdmissionReview's `request` object. Matching reads the object judged (apiVersion, kind,
// name, labels), falling back to the request's `kind` and `name`. Errors
// (invalid_admission_review): not an object, neither object nor oldObject, no kind at all.
Result<ReviewRequest> ReviewFromAdmissionRequest(rego::Value request);
// The same from the plain document (converted once).
Result<ReviewRequest> ReviewFromAdmissionRequest(const value::Value& request);

// An object reviewed offline; an AdmissionReview document (kind AdmissionReview with a request)
// is reviewed as the admission request it carries.
Result<ReviewRequest> ReviewFromObject(const value::Value& object);

}  // namespace gatehouse::admission
