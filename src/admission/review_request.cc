#include "admission/review_request.h"

#include "admission/admission_errors.h"
#include "admission/document_fields.h"

namespace gatehouse::admission {
namespace {

value::Value LabelsOf(const value::Value* object) {
  if (object == nullptr) return {};
  const value::Value* metadata = object->Find("metadata");
  const value::Value* labels = metadata != nullptr ? metadata->Find("labels") : nullptr;
  return labels != nullptr ? *labels : value::Value();
}

bool Present(const value::Value* v) { return v != nullptr && !v->is_null(); }

Error Invalid(const std::string& what) { return MakeError(AdmissionError::kInvalidReview, what); }

}  // namespace

Result<ReviewRequest> ReviewFromAdmissionRequest(value::Value request) {
  if (!request.is_object()) return Invalid("request: must be an object");
  ReviewRequest r;
  r.operation = StringAt(request, {"operation"});
  const value::Value* object = request.Find("object");
  const value::Value* old_object = request.Find("oldObject");
  if (!Present(object) && !Present(old_object)) {
    return Invalid(
        "request: AdmissionRequest does not contain an \"object\" or \"oldObject\" to "
        "review");
  }
  if (r.operation == "DELETE" && !Present(object)) {
    value::Value old = *old_object;
    request.Set("object", std::move(old));
    object = request.Find("object");
    old_object = request.Find("oldObject");
  }
  // Gatekeeper matches the object itself: its apiVersion, kind and name; the request's `kind`
  // and `name` stand in when the object lacks them.
  const value::Value& judged = Present(object) ? *object : *old_object;
  const std::string api_version = StringAt(judged, {"apiVersion"});
  r.kind = StringAt(judged, {"kind"});
  if (!api_version.empty() && !r.kind.empty()) {
    const auto slash = api_version.find('/');
    r.group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    r.version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  } else if (const value::Value* kind = request.Find("kind"); kind && kind->is_object()) {
    r.group = StringAt(*kind, {"group"});
    r.version = StringAt(*kind, {"version"});
    r.kind = StringAt(*kind, {"kind"});
  }
  if (r.kind.empty()) return Invalid("request.kind.kind: Required value");
  r.name = StringAt(judged, {"metadata", "name"});
  if (r.name.empty()) r.name = StringAt(request, {"name"});
  if (r.IsNamespace()) {
    request.Erase("namespace");
  } else {
    r.namespace_name = StringAt(request, {"namespace"});
    if (r.namespace_name.empty()) r.namespace_name = StringAt(judged, {"metadata", "namespace"});
  }
  r.labels = LabelsOf(&judged);
  r.generate_name = StringAt(judged, {"metadata", "generateName"});
  if (Present(object) && Present(old_object) && r.operation != "DELETE") {
    r.has_old_object = true;
    r.old_labels = LabelsOf(old_object);
  }
  r.review = rego::FromJson(request);
  return r;
}

Result<ReviewRequest> ReviewFromObject(const value::Value& object) {
  if (!object.is_object()) return Invalid("the object under review is not an object");
  if (StringAt(object, {"kind"}) == "AdmissionReview" &&
      StringAt(object, {"apiVersion"}).starts_with("admission.k8s.io/")) {
    const value::Value* request = object.Find("request");
    if (request == nullptr || !request->is_object()) {
      return Invalid(
          "missing an AdmissionRequest object: request did not actually pass in an "
          "AdmissionRequest");
    }
    return ReviewFromAdmissionRequest(*request);
  }
  ReviewRequest r;
  const std::string api_version = StringAt(object, {"apiVersion"});
  const auto slash = api_version.find('/');
  r.group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  r.version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  r.kind = StringAt(object, {"kind"});
  r.name = StringAt(object, {"metadata", "name"});
  r.generate_name = StringAt(object, {"metadata", "generateName"});
  r.namespace_name = StringAt(object, {"metadata", "namespace"});
  if (r.version.empty()) {
    return Invalid("invalid request object: resource " + r.name + " has no version");
  }
  if (r.kind.empty()) return Invalid("invalid request object: resource " + r.name + " has no kind");
  r.labels = LabelsOf(&object);
  value::Value review = value::Value::MakeObject();
  review.Set("uid", "");
  value::Value kind = value::Value::MakeObject();
  kind.Set("group", r.group);
  kind.Set("version", r.version);
  kind.Set("kind", r.kind);
  review.Set("kind", std::move(kind));
  value::Value resource = value::Value::MakeObject();
  resource.Set("group", "");
  resource.Set("version", "");
  resource.Set("resource", "");
  review.Set("resource", std::move(resource));
  if (!r.name.empty()) review.Set("name", r.name);
  if (!r.namespace_name.empty()) review.Set("namespace", r.namespace_name);
  review.Set("operation", "");
  review.Set("userInfo", value::Value::MakeObject());
  review.Set("object", object);
  review.Set("oldObject", nullptr);
  review.Set("options", nullptr);
  r.review = rego::FromJson(review);
  return r;
}

}  // namespace gatehouse::admission
