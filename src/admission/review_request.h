// ReviewRequest: the request a constraint judges — `input.review` exactly as Gatekeeper builds
// it — and the fields matching reads (kind, name, namespace, labels).
//
// From the API server, `input.review` is the AdmissionReview's `request` as sent (uid, kind,
// resource, name, namespace, operation, userInfo, object, oldObject, dryRun, options, ...); for
// DELETE, whose `object` is null, Gatekeeper judges the `oldObject`, so `object` is set to it.
// Offline (gator verify, audit) an object is reviewed as Gatekeeper's audit reviews it: kind,
// name, namespace and object; an AdmissionReview document given as the object is its request.
// Pure; thread-safe.
#pragma once

#include <string>

#include "common/result.h"
#include "rego/value.h"
#include "value/value.h"

namespace gatehouse::admission {

struct ReviewRequest {
  rego::Value review;  // input.review
  std::string group;   // of kind
  std::string version;
  std::string kind;
  std::string name;
  std::string namespace_name;
  std::string operation;  // "" offline
  value::Value labels;    // metadata.labels of the object judged (null when none)
};

// From an AdmissionReview's `request` object. Errors (invalid_field-like messages) name the
// field: the request must be an object with a `kind` {group, version, kind}.
Result<ReviewRequest> ReviewFromAdmissionRequest(const value::Value& request);

// An object reviewed offline; an AdmissionReview document (kind AdmissionReview with a request)
// is reviewed as the admission request it carries.
Result<ReviewRequest> ReviewFromObject(const value::Value& object);

}  // namespace gatehouse::admission
