#include "k8s/subject_access_review.h"

#include <gtest/gtest.h>

#include "k8s/k8s_errors.h"
#include "samples.h"
#include "value/json.h"

namespace gatehouse::k8s {
namespace {

using samples::Json;

std::string SpecString(const value::Value* object, const char* key) {
  if (object == nullptr) return "";
  const value::Value* v = object->Find(key);
  return v == nullptr ? "" : *v->AsString();
}

std::string Sar(const std::string& api_version, const std::string& spec) {
  return R"({"apiVersion":"authorization.k8s.io/)" + api_version +
         R"(","kind":"SubjectAccessReview","spec":)" + spec + "}";
}

constexpr char kResource[] = R"("resourceAttributes":{"verb":"get"})";

Result<SubjectAccessReviewRequest> Decode(const std::string& text) {
  return DecodeSubjectAccessReview(Json(text));
}

Error DecodeError(const std::string& text) {
  Result<SubjectAccessReviewRequest> request = Decode(text);
  EXPECT_FALSE(request) << text;
  return request ? Error{} : request.error();
}

TEST(DecodeSubjectAccessReviewTest, DecodesEveryCapturedRequest) {
  std::vector<samples::Sample> captured = samples::SamplesOfKind("SubjectAccessReview");
  ASSERT_GE(captured.size(), 2u);
  int resource = 0;
  int nonresource = 0;
  for (const samples::Sample& sample : captured) {
    SCOPED_TRACE(sample.name);
    Result<SubjectAccessReviewRequest> request = DecodeSubjectAccessReview(sample.body);
    ASSERT_TRUE(request) << request.error().ToString();
    const value::Value& spec = *sample.body.Find("spec");
    EXPECT_EQ(request->api_version, "authorization.k8s.io/v1");
    EXPECT_EQ(request->metadata, *sample.body.Find("metadata"));
    EXPECT_EQ(request->user.username, "demo");
    EXPECT_EQ(request->user.uid, "demo-uid");
    EXPECT_EQ(request->user.groups, (std::vector<std::string>{"g1", "system:authenticated"}));
    ASSERT_TRUE(request->user.extra.has_value());
    ASSERT_EQ(request->user.extra->size(), 1u);
    const std::vector<std::string>* source = request->user.FindExtra("example.com/source");
    ASSERT_NE(source, nullptr);
    EXPECT_EQ(*source, std::vector<std::string>{"test-webhook"});

    const value::Value* res = spec.Find("resourceAttributes");
    const AccessAttributes& attributes = request->attributes;
    EXPECT_EQ(attributes.resource_request, res != nullptr);
    if (res != nullptr) {
      ++resource;
      EXPECT_EQ(attributes.resource.verb, SpecString(res, "verb"));
      EXPECT_FALSE(attributes.resource.verb.empty());
      EXPECT_EQ(attributes.resource.namespace_name, SpecString(res, "namespace"));
      EXPECT_FALSE(attributes.resource.namespace_name.empty());
      EXPECT_EQ(attributes.resource.version, "v1");
      EXPECT_EQ(attributes.resource.resource, SpecString(res, "resource"));
      EXPECT_EQ(attributes.resource.group, "");
      EXPECT_EQ(attributes.resource.subresource, "");
      EXPECT_EQ(attributes.resource.name, "");
    } else {
      ++nonresource;
      EXPECT_EQ(attributes.nonresource.verb, "get");
      EXPECT_EQ(attributes.nonresource.path, "/version");
    }
  }
  EXPECT_GT(resource, 0);
  EXPECT_GT(nonresource, 0);
}

TEST(DecodeSubjectAccessReviewTest, ReadsAllResourceAttributes) {
  Result<SubjectAccessReviewRequest> request =
      Decode(Sar("v1", R"({"user":"u","resourceAttributes":{"verb":"patch","namespace":"ns",
          "group":"apps","version":"v1","resource":"deployments","subresource":"scale",
          "name":"web"}})"));
  ASSERT_TRUE(request) << request.error().ToString();
  const ResourceAttributes& r = request->attributes.resource;
  EXPECT_TRUE(request->attributes.resource_request);
  EXPECT_EQ(r.verb, "patch");
  EXPECT_EQ(r.namespace_name, "ns");
  EXPECT_EQ(r.group, "apps");
  EXPECT_EQ(r.version, "v1");
  EXPECT_EQ(r.resource, "deployments");
  EXPECT_EQ(r.subresource, "scale");
  EXPECT_EQ(r.name, "web");
}

TEST(DecodeSubjectAccessReviewTest, AbsentOrNullStringsAreEmpty) {
  Result<SubjectAccessReviewRequest> request =
      Decode(Sar("v1beta1", R"({"user":null,"resourceAttributes":{"namespace":null}})"));
  ASSERT_TRUE(request) << request.error().ToString();
  EXPECT_EQ(request->api_version, "authorization.k8s.io/v1beta1");
  EXPECT_EQ(request->user.username, "");
  EXPECT_EQ(request->user.uid, "");
  EXPECT_TRUE(request->user.groups.empty());
  EXPECT_EQ(request->attributes.resource.verb, "");
  EXPECT_EQ(request->attributes.resource.namespace_name, "");
  EXPECT_TRUE(request->metadata.is_null());
}

struct GroupsCase {
  const char* version;
  const char* groups;
  std::vector<std::string> expected;
};

TEST(DecodeSubjectAccessReviewTest, ReadsGroupsByVersionWithFallback) {
  const GroupsCase cases[] = {
      {"v1", R"("groups":["a"])", {"a"}},
      {"v1beta1", R"("group":["b"])", {"b"}},
      {"v1", R"("group":["b"])", {"b"}},                      // fallback
      {"v1beta1", R"("groups":["a"])", {"a"}},                // fallback
      {"v1", R"("groups":["a"],"group":["b"])", {"a"}},       // expected name wins
      {"v1beta1", R"("groups":["a"],"group":["b"])", {"b"}},  // expected name wins
      {"v1", R"("groups":null,"group":["b"])", {"b"}},        // null is absent
      {"v1beta1", R"("other":1)", {}},
  };
  for (const GroupsCase& c : cases) {
    const std::string text = Sar(c.version, std::string("{") + c.groups + "," + kResource + "}");
    Result<SubjectAccessReviewRequest> request = Decode(text);
    ASSERT_TRUE(request) << text << ": " << request.error().ToString();
    EXPECT_EQ(request->user.groups, c.expected) << text;
  }
}

TEST(DecodeSubjectAccessReviewTest, RefusesNonStringGroupNamingThePath) {
  Error error = DecodeError(Sar("v1", std::string(R"({"groups":["a",2],)") + kResource + "}"));
  EXPECT_EQ(error.code, K8sError::kInvalidField);
  EXPECT_EQ(error.message, "spec.groups[1] must be a string");
  Error beta = DecodeError(Sar("v1beta1", std::string(R"({"group":{},)") + kResource + "}"));
  EXPECT_EQ(beta.message, "spec.group must be an array of strings");
}

TEST(DecodeSubjectAccessReviewTest, DistinguishesAbsentFromEmptyExtra) {
  Result<SubjectAccessReviewRequest> absent = Decode(Sar("v1", std::string("{") + kResource + "}"));
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->user.extra.has_value());

  Result<SubjectAccessReviewRequest> null_extra =
      Decode(Sar("v1", std::string(R"({"extra":null,)") + kResource + "}"));
  ASSERT_TRUE(null_extra);
  EXPECT_FALSE(null_extra->user.extra.has_value());

  Result<SubjectAccessReviewRequest> empty =
      Decode(Sar("v1", std::string(R"({"extra":{},)") + kResource + "}"));
  ASSERT_TRUE(empty);
  ASSERT_TRUE(empty->user.extra.has_value());
  EXPECT_TRUE(empty->user.extra->empty());
}

TEST(DecodeSubjectAccessReviewTest, ReadsExtraInOrderWithNullAsEmptyList) {
  Result<SubjectAccessReviewRequest> request =
      Decode(Sar("v1", std::string(R"({"extra":{"z":["1","2"],"a":null},)") + kResource + "}"));
  ASSERT_TRUE(request) << request.error().ToString();
  ASSERT_TRUE(request->user.extra.has_value());
  const Extra expected = {{"z", {"1", "2"}}, {"a", {}}};
  EXPECT_EQ(*request->user.extra, expected);
}

TEST(DecodeSubjectAccessReviewTest, RefusesMistypedExtra) {
  Error object = DecodeError(Sar("v1", std::string(R"({"extra":[],)") + kResource + "}"));
  EXPECT_EQ(object.code, K8sError::kInvalidField);
  EXPECT_EQ(object.message, "spec.extra must be an object");
  Error item = DecodeError(Sar("v1", std::string(R"({"extra":{"k":[true]},)") + kResource + "}"));
  EXPECT_EQ(item.message, R"(spec.extra["k"][0] must be a string)");
}

TEST(DecodeSubjectAccessReviewTest, RefusesMistypedStrings) {
  EXPECT_EQ(DecodeError(Sar("v1", std::string(R"({"user":1,)") + kResource + "}")).message,
            "spec.user must be a string");
  EXPECT_EQ(DecodeError(Sar("v1", std::string(R"({"uid":[],)") + kResource + "}")).message,
            "spec.uid must be a string");
  EXPECT_EQ(DecodeError(Sar("v1", R"({"resourceAttributes":{"verb":5}})")).message,
            "spec.resourceAttributes.verb must be a string");
  EXPECT_EQ(DecodeError(Sar("v1", R"({"nonResourceAttributes":{"path":false}})")).message,
            "spec.nonResourceAttributes.path must be a string");
  EXPECT_EQ(DecodeError(Sar("v1", R"({"resourceAttributes":"get"})")).message,
            "spec.resourceAttributes must be an object");
}

TEST(DecodeSubjectAccessReviewTest, NeedsAttributes) {
  EXPECT_EQ(DecodeError(Sar("v1beta1", R"({"user":"u","group":["g"]})")).code,
            K8sError::kMissingAttributes);
  EXPECT_EQ(DecodeError(Sar("v1", R"({"resourceAttributes":null})")).code,
            K8sError::kMissingAttributes);
}

TEST(DecodeSubjectAccessReviewTest, ResourceAttributesWinOverNonResource) {
  Result<SubjectAccessReviewRequest> request =
      Decode(Sar("v1", R"({"nonResourceAttributes":{"verb":"get","path":"/healthz"},
                           "resourceAttributes":{"verb":"list","resource":"pods"}})"));
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->attributes.resource_request);
  EXPECT_EQ(request->attributes.resource.verb, "list");
}

TEST(DecodeSubjectAccessReviewTest, ReadsNonResourceAttributes) {
  Result<SubjectAccessReviewRequest> request =
      Decode(Sar("v1beta1", R"({"nonResourceAttributes":{"verb":"get","path":"/healthz"}})"));
  ASSERT_TRUE(request);
  EXPECT_FALSE(request->attributes.resource_request);
  EXPECT_EQ(request->attributes.nonresource.verb, "get");
  EXPECT_EQ(request->attributes.nonresource.path, "/healthz");
}

TEST(DecodeSubjectAccessReviewTest, RefusesEnvelopeAndSpecErrors) {
  EXPECT_EQ(
      DecodeError(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview"})").code,
      K8sError::kMissingSpec);
  EXPECT_EQ(DecodeError(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",
                            "spec":{"token":"t"}})")
                .code,
            K8sError::kUnknownKind);
  EXPECT_EQ(DecodeError(R"({"apiVersion":"authorization.k8s.io/v2","kind":"SubjectAccessReview",
                            "spec":{}})")
                .code,
            K8sError::kUnknownApiVersion);
  EXPECT_EQ(DecodeError(R"("SubjectAccessReview")").code, K8sError::kNotAnObject);
  EXPECT_EQ(DecodeError(Sar("v1", "[]")).message, "spec must be an object");
}

value::Value EncodeFor(const SubjectAccessReviewRequest& request, const Decision& decision) {
  // Through text, as the server sends it.
  Result<value::Value> reparsed =
      value::ParseJson(value::ToJson(EncodeSubjectAccessReviewResponse(request, decision)));
  EXPECT_TRUE(reparsed);
  return reparsed ? *reparsed : value::Value();
}

TEST(EncodeSubjectAccessReviewResponseTest, RoundTripsEveryCapturedRequest) {
  for (const samples::Sample& sample : samples::SamplesOfKind("SubjectAccessReview")) {
    SCOPED_TRACE(sample.name);
    Result<SubjectAccessReviewRequest> request = DecodeSubjectAccessReview(sample.body);
    ASSERT_TRUE(request);
    value::Value response = EncodeFor(*request, Decision::Allow("policy 0"));
    EXPECT_EQ(*response.Find("apiVersion"), *sample.body.Find("apiVersion"));
    EXPECT_EQ(*response.Find("kind"), value::Value("SubjectAccessReview"));
    EXPECT_EQ(*response.Find("metadata"), *sample.body.Find("metadata"));
    EXPECT_EQ(response.Find("spec"), nullptr);
    EXPECT_EQ(*response.Find("status"), Json(R"({"allowed":true,"reason":"policy 0"})"));
  }
}

TEST(EncodeSubjectAccessReviewResponseTest, MapsEachDecisionKind) {
  SubjectAccessReviewRequest request;
  request.api_version = "authorization.k8s.io/v1beta1";
  value::Value deny = EncodeFor(request, Decision::Deny("no policy matched"));
  EXPECT_EQ(deny, Json(R"({"apiVersion":"authorization.k8s.io/v1beta1",
                           "kind":"SubjectAccessReview",
                           "status":{"allowed":false,"denied":true,
                                     "reason":"no policy matched"}})"));
  value::Value no_opinion = EncodeFor(request, Decision::NoOpinion(""));
  EXPECT_EQ(*no_opinion.Find("status"), Json(R"({"allowed":false})"));
  Decision failed = Decision::NoOpinion("");
  failed.evaluation_error = "policy_unavailable";
  EXPECT_EQ(*EncodeFor(request, failed).Find("status"),
            Json(R"({"allowed":false,"evaluationError":"policy_unavailable"})"));
  EXPECT_EQ(*EncodeFor(request, Decision::Allow("")).Find("status"), Json(R"({"allowed":true})"));
}

}  // namespace
}  // namespace gatehouse::k8s
