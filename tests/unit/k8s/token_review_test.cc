#include "k8s/token_review.h"

#include <gtest/gtest.h>

#include "k8s/k8s_errors.h"
#include "samples.h"
#include "value/json.h"

namespace gatehouse::k8s {
namespace {

using samples::Json;

Error DecodeError(const std::string& text) {
  Result<TokenReviewRequest> request = DecodeTokenReview(Json(text));
  EXPECT_FALSE(request) << text;
  return request ? Error{} : request.error();
}

TEST(DecodeTokenReviewTest, DecodesEveryCapturedRequest) {
  std::vector<samples::Sample> captured = samples::SamplesOfKind("TokenReview");
  ASSERT_GE(captured.size(), 2u);
  for (const samples::Sample& sample : captured) {
    SCOPED_TRACE(sample.name);
    Result<TokenReviewRequest> request = DecodeTokenReview(sample.body);
    ASSERT_TRUE(request) << request.error().ToString();
    const value::Value& spec = *sample.body.Find("spec");
    EXPECT_EQ(request->api_version, *sample.body.Find("apiVersion")->AsString());
    EXPECT_EQ(request->api_version, "authentication.k8s.io/v1");
    EXPECT_EQ(request->token, *spec.Find("token")->AsString());
    EXPECT_TRUE(request->token == "good" || request->token == "bad") << request->token;
    EXPECT_EQ(request->audiences,
              std::vector<std::string>{"https://kubernetes.default.svc.cluster.local"});
    EXPECT_EQ(request->metadata, Json(R"({"creationTimestamp":null})"));
  }
}

TEST(DecodeTokenReviewTest, DecodesV1beta1WithoutAudiencesOrMetadata) {
  Result<TokenReviewRequest> request =
      DecodeTokenReview(Json(R"({"apiVersion":"authentication.k8s.io/v1beta1","kind":"TokenReview",
               "spec":{"token":"t0k","audiences":null}})"));
  ASSERT_TRUE(request) << request.error().ToString();
  EXPECT_EQ(request->api_version, "authentication.k8s.io/v1beta1");
  EXPECT_EQ(request->token, "t0k");
  EXPECT_TRUE(request->audiences.empty());
  EXPECT_TRUE(request->metadata.is_null());
}

TEST(DecodeTokenReviewTest, RefusesEnvelopeErrors) {
  EXPECT_EQ(DecodeError("[1]").code, K8sError::kNotAnObject);
  EXPECT_EQ(DecodeError(R"({"kind":"TokenReview","spec":{"token":"t"}})").code,
            K8sError::kMissingApiVersion);
  EXPECT_EQ(DecodeError(R"({"apiVersion":"authentication.k8s.io/v1","spec":{"token":"t"}})").code,
            K8sError::kMissingKind);
  EXPECT_EQ(DecodeError(R"({"apiVersion":"authentication.k8s.io/v2","kind":"TokenReview"})").code,
            K8sError::kUnknownApiVersion);
  EXPECT_EQ(
      DecodeError(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview"})").code,
      K8sError::kUnknownKind);
}

TEST(DecodeTokenReviewTest, RefusesMissingSpec) {
  EXPECT_EQ(DecodeError(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview"})").code,
            K8sError::kMissingSpec);
  EXPECT_EQ(
      DecodeError(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":null})")
          .code,
      K8sError::kMissingSpec);
  Error error =
      DecodeError(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":"t"})");
  EXPECT_EQ(error.code, K8sError::kInvalidField);
  EXPECT_EQ(error.message, "spec must be an object");
}

TEST(DecodeTokenReviewTest, RefusesBadTokenNamingThePath) {
  const std::string prefix = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",)";
  Error absent = DecodeError(prefix + R"("spec":{}})");
  EXPECT_EQ(absent.code, K8sError::kInvalidField);
  EXPECT_EQ(absent.message, "spec.token must be a non-empty string");
  EXPECT_EQ(DecodeError(prefix + R"("spec":{"token":""}})").message,
            "spec.token must be a non-empty string");
  Error number = DecodeError(prefix + R"("spec":{"token":12345}})");
  EXPECT_EQ(number.code, K8sError::kInvalidField);
  EXPECT_EQ(number.message, "spec.token must be a string");
}

TEST(DecodeTokenReviewTest, RefusesBadAudiencesWithoutLeakingTheToken) {
  const std::string prefix =
      R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"s3cr3t-t0ken",)";
  Error item = DecodeError(prefix + R"("audiences":["a",7]}})");
  EXPECT_EQ(item.code, K8sError::kInvalidField);
  EXPECT_EQ(item.message, "spec.audiences[1] must be a string");
  Error list = DecodeError(prefix + R"("audiences":"a"}})");
  EXPECT_EQ(list.message, "spec.audiences must be an array of strings");
  EXPECT_EQ(item.ToString().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(list.ToString().find("s3cr3t"), std::string::npos);
}

TEST(DecodeTokenReviewTest, RefusesNonObjectMetadata) {
  Error error = DecodeError(
      R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","metadata":[],"spec":{"token":"t"}})");
  EXPECT_EQ(error.code, K8sError::kInvalidField);
  EXPECT_EQ(error.message, "metadata must be an object");
}

UserInfo SampleUser() {
  UserInfo user;
  user.username = "demo";
  user.uid = "u-1";
  user.groups = {"mygroup", "project-id"};
  user.extra = Extra{{"alpha.kubernetes.io/identity/roles", {"reader", "member"}},
                     {"alpha.kubernetes.io/identity/project/id", {"project-id"}}};
  return user;
}

TEST(EncodeTokenReviewResponseTest, AuthenticatedRoundTripDoesNotEchoTheToken) {
  for (const samples::Sample& sample : samples::SamplesOfKind("TokenReview")) {
    SCOPED_TRACE(sample.name);
    Result<TokenReviewRequest> request = DecodeTokenReview(sample.body);
    ASSERT_TRUE(request);
    TokenReviewStatus status;
    status.authenticated = true;
    status.user = SampleUser();
    status.audiences = request->audiences;
    const std::string json = value::ToJson(EncodeTokenReviewResponse(*request, status));
    EXPECT_EQ(json.find("\"" + request->token + "\""), std::string::npos) << json;

    Result<value::Value> response = value::ParseJson(json);
    ASSERT_TRUE(response);
    EXPECT_EQ(*response->Find("apiVersion"), *sample.body.Find("apiVersion"));
    EXPECT_EQ(*response->Find("kind"), value::Value("TokenReview"));
    EXPECT_EQ(*response->Find("metadata"), *sample.body.Find("metadata"));
    EXPECT_EQ(response->Find("spec"), nullptr);
    EXPECT_EQ(*response->Find("status"), Json(R"({"authenticated":true,
                       "user":{"username":"demo","uid":"u-1","groups":["mygroup","project-id"],
                               "extra":{"alpha.kubernetes.io/identity/roles":["reader","member"],
                                        "alpha.kubernetes.io/identity/project/id":["project-id"]}},
                       "audiences":["https://kubernetes.default.svc.cluster.local"]})"));
  }
}

TEST(EncodeTokenReviewResponseTest, UnauthenticatedHasErrorAndNoUser) {
  Result<TokenReviewRequest> request =
      DecodeTokenReview(Json(R"({"apiVersion":"authentication.k8s.io/v1beta1","kind":"TokenReview",
               "spec":{"token":"bad"}})"));
  ASSERT_TRUE(request);
  TokenReviewStatus status;
  status.user = SampleUser();  // must not leak into an unauthenticated answer
  status.error = "keystone_rejected: token not valid";
  value::Value response = EncodeTokenReviewResponse(*request, status);
  EXPECT_EQ(response, Json(R"({"apiVersion":"authentication.k8s.io/v1beta1","kind":"TokenReview",
                               "status":{"authenticated":false,
                                         "error":"keystone_rejected: token not valid"}})"));
}

TEST(EncodeTokenReviewResponseTest, OmitsAbsentExtraButKeepsEmptyGroups) {
  TokenReviewRequest request;
  request.api_version = "authentication.k8s.io/v1";
  request.token = "t";
  TokenReviewStatus status;
  status.authenticated = true;
  status.user.username = "alice";
  value::Value response = EncodeTokenReviewResponse(request, status);
  EXPECT_EQ(*response.Find("status")->Find("user"),
            Json(R"({"username":"alice","uid":"","groups":[]})"));
  status.user.extra = Extra{};
  response = EncodeTokenReviewResponse(request, status);
  EXPECT_EQ(*response.Find("status")->Find("user")->Find("extra"), value::Value::MakeObject());
}

}  // namespace
}  // namespace gatehouse::k8s
