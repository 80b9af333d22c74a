#include "k8s/token_review.h"

#include <utility>

#include "k8s/review.h"
#include "k8s/review_fields.h"

namespace gatehouse::k8s {

namespace {

value::Value EncodeExtra(const Extra& extra) {
  value::Value out = value::Value::MakeObject();
  for (const ExtraField& field : extra) out.Set(field.first, value::FromStringList(field.second));
  return out;
}

value::Value EncodeUser(const UserInfo& user) {
  value::Value out = value::Value::MakeObject();
  out.Set("username", user.username);
  out.Set("uid", user.uid);
  out.Set("groups", value::FromStringList(user.groups));
  if (user.extra) out.Set("extra", EncodeExtra(*user.extra));
  return out;
}

}  // namespace

Result<TokenReviewRequest> DecodeTokenReview(const value::Value& body) {
  Result<std::string> api_version = CheckReviewEnvelope(body, ReviewKind::kTokenReview);
  if (!api_version) return api_version.error();
  Result<value::Value> metadata = ParseMetadata(body);
  if (!metadata) return metadata.error();
  Result<const value::Value*> spec = ParseSpec(body);
  if (!spec) return spec.error();

  Result<std::string> token = ParseStringField(**spec, "token", "spec.token");
  if (!token) return token.error();
  // An empty token would otherwise reach the identity provider as an empty credential.
  if (token->empty()) return InvalidField("spec.token", "must be a non-empty string");
  Result<std::vector<std::string>> audiences =
      ParseStringList((*spec)->Find("audiences"), "spec.audiences");
  if (!audiences) return audiences.error();

  TokenReviewRequest request;
  request.api_version = std::move(*api_version);
  request.token = std::move(*token);
  request.audiences = std::move(*audiences);
  request.metadata = std::move(*metadata);
  return request;
}

value::Value EncodeTokenReviewResponse(const TokenReviewRequest& request,
                                       const TokenReviewStatus& status) {
  value::Value out = value::Value::MakeObject();
  out.Set("apiVersion", request.api_version);
  out.Set("kind", ReviewKindName(ReviewKind::kTokenReview));
  if (!request.metadata.is_null()) out.Set("metadata", request.metadata);
  value::Value& out_status = out.Set("status", value::Value::MakeObject());
  out_status.Set("authenticated", status.authenticated);
  if (status.authenticated) out_status.Set("user", EncodeUser(status.user));
  if (!status.audiences.empty()) {
    out_status.Set("audiences", value::FromStringList(status.audiences));
  }
  if (!status.error.empty()) out_status.Set("error", status.error);
  return out;
}

}  // namespace gatehouse::k8s
