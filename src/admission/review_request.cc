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

// metadata.labels of a rego object, as the plain document label selectors read.
value::Value LabelsOf(const rego::Value& object) {
  const rego::Value* metadata = object.Find("metadata");
  const rego::Value* labels = metadata != nullptr ? metadata->Find("labels") : nullptr;
  return labels != nullptr ? rego::ToJson(*labels) : value::Value();
}

bool Present(const rego::Value* v) { return v != nullptr && !v->is_null(); }

std::string RegoStringAt(const rego::Value& v, std::initializer_list<std::string_view> path) {
  const rego::Value* at = &v;
  for (std::string_view key : path) {
    at = at->Find(key);
    if (at == nullptr) return {};
  }
  return at->is_string() ? std::string(at->AsString()) : std::string();
}

Error Invalid(const std::string& what) { return MakeError(AdmissionError::kInvalidReview, what); }

}  // namespace

Result<ReviewRequest> ReviewFromAdmissionRequest(rego::Value request) {
  if (!request.is_object()) return Invalid("request: must be an object");
  ReviewRequest r;
  r.operation = RegoStringAt(request, {"operation"});
  const rego::Value* object = request.Find("object");
  const rego::Value* old_object = request.Find("oldObject");
  if (!Present(object) && !Present(old_object)) {
    return Invalid(
        "request: AdmissionRequest does not contain an \"object\" or \"oldObject\" to "
        "review");
  }
  const bool is_delete = r.operation == "DELETE";
  const bool swap_in_old = is_delete && !Present(object);
  // Gatekeeper matches the object itself: its apiVersion, kind and name; the request's `kind`
  // and `name` stand in when the object lacks them.
  const rego::Value judged = Present(object) ? *object : *old_object;
  const std::string api_version = RegoStringAt(judged, {"apiVersion"});
  r.kind = RegoStringAt(judged, {"kind"});
  if (!api_version.empty() && !r.kind.empty()) {
    const auto slash = api_version.find('/');
    r.group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    r.version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  } else {
    r.group = RegoStringAt(request, {"kind", "group"});
    r.version = RegoStringAt(request, {"kind", "version"});
    r.kind = RegoStringAt(request, {"kind", "kind"});
  }
  if (r.kind.empty()) return Invalid("request.kind.kind: Required value");
  r.name = RegoStringAt(judged, {"metadata", "name"});
  if (r.name.empty()) r.name = RegoStringAt(request, {"name"});
  if (!r.IsNamespace()) {
    r.namespace_name = RegoStringAt(request, {"namespace"});
    if (r.namespace_name.empty())
      r.namespace_name = RegoStringAt(judged, {"metadata", "namespace"});
  }
  r.labels = LabelsOf(judged);
  r.generate_name = RegoStringAt(judged, {"metadata", "generateName"});
  if (Present(object) && Present(old_object) && !is_delete) {
    r.has_old_object = true;
    r.old_labels = LabelsOf(*old_object);
  }
  if (!swap_in_old && !r.IsNamespace()) {
    r.review = std::move(request);
    return r;
  }
  // DELETE judges the oldObject as `object`; a Namespace's own request carries no `namespace`.
  std::vector<rego::Member> members;
  members.reserve(request.Members().size());
  for (const rego::Member& m : request.Members()) {
    const std::string_view key = m.first.AsString();
    if (r.IsNamespace() && key == "namespace") continue;
    members.emplace_back(m.first, swap_in_old && key == "object" ? judged : m.second);
  }
  if (swap_in_old && request.Find("object") == nullptr) {
    members.emplace_back(rego::Value::String("object"), judged);
  }
  r.review = rego::Value::Object(std::move(members));
  return r;
}

Result<ReviewRequest> ReviewFromAdmissionRequest(const value::Value& request) {
  if (!request.is_object()) return Invalid("request: must be an object");
  return ReviewFromAdmissionRequest(rego::FromJson(request));
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
