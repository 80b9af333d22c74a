#include "k8s/subject_access_review.h"

#include <utility>

#include "k8s/k8s_errors.h"
#include "k8s/review.h"
#include "k8s/review_fields.h"

namespace gatehouse::k8s {

namespace {

// Fills `out` from object[key] at JSON path `path`; absent/null members leave "".
Status ParseInto(const value::Value& object, std::string_view key, std::string_view path,
                 std::string& out) {
  Result<std::string> s = ParseStringField(object, key, path);
  if (!s) return s.error();
  out = std::move(*s);
  return Ok();
}

Result<ResourceAttributes> ParseResourceAttributes(const value::Value& object) {
  ResourceAttributes out;
  struct FieldSpec {
    std::string_view key;
    std::string_view path;
    std::string* target;
  };
  const FieldSpec fields[] = {
      {"verb", "spec.resourceAttributes.verb", &out.verb},
      {"namespace", "spec.resourceAttributes.namespace", &out.namespace_name},
      {"group", "spec.resourceAttributes.group", &out.group},
      {"version", "spec.resourceAttributes.version", &out.version},
      {"resource", "spec.resourceAttributes.resource", &out.resource},
      {"subresource", "spec.resourceAttributes.subresource", &out.subresource},
      {"name", "spec.resourceAttributes.name", &out.name},
  };
  for (const FieldSpec& field : fields) {
    Status status = ParseInto(object, field.key, field.path, *field.target);
    if (!status) return status.error();
  }
  return out;
}

Result<NonResourceAttributes> ParseNonResourceAttributes(const value::Value& object) {
  NonResourceAttributes out;
  Status status = ParseInto(object, "verb", "spec.nonResourceAttributes.verb", out.verb);
  if (!status) return status.error();
  status = ParseInto(object, "path", "spec.nonResourceAttributes.path", out.path);
  if (!status) return status.error();
  return out;
}

Result<AccessAttributes> ParseAttributes(const value::Value& spec) {
  Result<const value::Value*> resource =
      ParseOptionalObject(spec, "resourceAttributes", "spec.resourceAttributes");
  if (!resource) return resource.error();
  Result<const value::Value*> nonresource =
      ParseOptionalObject(spec, "nonResourceAttributes", "spec.nonResourceAttributes");
  if (!nonresource) return nonresource.error();

  AccessAttributes out;
  if (*resource != nullptr) {
    Result<ResourceAttributes> attributes = ParseResourceAttributes(**resource);
    if (!attributes) return attributes.error();
    out.resource_request = true;
    out.resource = std::move(*attributes);
    return out;
  }
  if (*nonresource != nullptr) {
    Result<NonResourceAttributes> attributes = ParseNonResourceAttributes(**nonresource);
    if (!attributes) return attributes.error();
    out.resource_request = false;
    out.nonresource = std::move(*attributes);
    return out;
  }
  return MakeError(K8sError::kMissingAttributes,
                   "spec has neither resourceAttributes nor nonResourceAttributes");
}

Result<std::vector<std::string>> ParseGroups(const value::Value& spec,
                                             std::string_view api_version) {
  const bool v1 = api_version == kAuthorizationV1;
  std::string_view expected = v1 ? "groups" : "group";
  std::string_view other = v1 ? "group" : "groups";
  std::string_view name = expected;
  const value::Value* groups = spec.Find(expected);
  // Clients written against the other version (e.g. the keystone docs' v1 curl examples sent
  // as v1beta1) are common; reading the other name costs nothing and is unambiguous.
  if (groups == nullptr || groups->is_null()) {
    groups = spec.Find(other);
    name = other;
  }
  return ParseStringList(groups, "spec." + std::string(name));
}

Result<std::optional<Extra>> ParseExtra(const value::Value& spec) {
  Result<const value::Value*> object = ParseOptionalObject(spec, "extra", "spec.extra");
  if (!object) return object.error();
  if (*object == nullptr) return std::optional<Extra>();
  Extra extra;
  for (const value::Member& member : *(*object)->AsObject()) {
    Result<std::vector<std::string>> values =
        ParseStringList(&member.value, "spec.extra[" + QuoteForMessage(member.key) + "]");
    if (!values) return values.error();
    extra.emplace_back(member.key, std::move(*values));
  }
  return std::optional<Extra>(std::move(extra));
}

}  // namespace

Result<SubjectAccessReviewRequest> DecodeSubjectAccessReview(const value::Value& body) {
  Result<std::string> api_version = CheckReviewEnvelope(body, ReviewKind::kSubjectAccessReview);
  if (!api_version) return api_version.error();
  Result<value::Value> metadata = ParseMetadata(body);
  if (!metadata) return metadata.error();
  Result<const value::Value*> spec_or = ParseSpec(body);
  if (!spec_or) return spec_or.error();
  const value::Value& spec = **spec_or;

  SubjectAccessReviewRequest request;
  Status status = ParseInto(spec, "user", "spec.user", request.user.username);
  if (!status) return status.error();
  status = ParseInto(spec, "uid", "spec.uid", request.user.uid);
  if (!status) return status.error();
  Result<std::vector<std::string>> groups = ParseGroups(spec, *api_version);
  if (!groups) return groups.error();
  request.user.groups = std::move(*groups);
  Result<std::optional<Extra>> extra = ParseExtra(spec);
  if (!extra) return extra.error();
  request.user.extra = std::move(*extra);
  Result<AccessAttributes> attributes = ParseAttributes(spec);
  if (!attributes) return attributes.error();
  request.attributes = std::move(*attributes);
  request.api_version = std::move(*api_version);
  request.metadata = std::move(*metadata);
  return request;
}

value::Value EncodeSubjectAccessReviewResponse(const SubjectAccessReviewRequest& request,
                                               const Decision& decision) {
  value::Value out = value::Value::MakeObject();
  out.Set("apiVersion", request.api_version);
  out.Set("kind", ReviewKindName(ReviewKind::kSubjectAccessReview));
  if (!request.metadata.is_null()) out.Set("metadata", request.metadata);
  value::Value& status = out.Set("status", value::Value::MakeObject());
  status.Set("allowed", decision.kind == Decision::Kind::kAllow);
  if (decision.kind == Decision::Kind::kDeny) status.Set("denied", true);
  if (!decision.reason.empty()) status.Set("reason", decision.reason);
  if (!decision.evaluation_error.empty()) {
    status.Set("evaluationError", decision.evaluation_error);
  }
  return out;
}

}  // namespace gatehouse::k8s
