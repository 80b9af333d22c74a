#include "k8s/review.h"

#include <gtest/gtest.h>

#include "k8s/k8s_errors.h"
#include "k8s/review_fields.h"
#include "samples.h"

namespace gatehouse::k8s {
namespace {

using samples::Json;
using samples::SamplesOfKind;

Error ClassifyError(const std::string& text) {
  Result<ReviewKind> kind = ClassifyReview(Json(text));
  EXPECT_FALSE(kind) << text;
  return kind ? Error{} : kind.error();
}

TEST(ClassifyReviewTest, ClassifiesEveryCapturedTokenReview) {
  std::vector<samples::Sample> captured = SamplesOfKind("TokenReview");
  ASSERT_GE(captured.size(), 2u);
  for (const samples::Sample& sample : captured) {
    Result<ReviewKind> kind = ClassifyReview(sample.body);
    ASSERT_TRUE(kind) << sample.name << ": " << kind.error().ToString();
    EXPECT_EQ(*kind, ReviewKind::kTokenReview) << sample.name;
  }
}

TEST(ClassifyReviewTest, ClassifiesEveryCapturedSubjectAccessReview) {
  std::vector<samples::Sample> captured = SamplesOfKind("SubjectAccessReview");
  ASSERT_GE(captured.size(), 2u);
  for (const samples::Sample& sample : captured) {
    Result<ReviewKind> kind = ClassifyReview(sample.body);
    ASSERT_TRUE(kind) << sample.name << ": " << kind.error().ToString();
    EXPECT_EQ(*kind, ReviewKind::kSubjectAccessReview) << sample.name;
  }
}

TEST(ClassifyReviewTest, RefusesCapturedAdmissionReviews) {
  std::vector<samples::Sample> captured = SamplesOfKind("AdmissionReview");
  ASSERT_FALSE(captured.empty());
  for (const samples::Sample& sample : captured) {
    Result<ReviewKind> kind = ClassifyReview(sample.body);
    ASSERT_FALSE(kind) << sample.name;
    EXPECT_EQ(kind.error().code, K8sError::kUnknownApiVersion) << sample.name;
  }
}

TEST(ClassifyReviewTest, AcceptsV1AndV1beta1OfEachGroup) {
  const std::pair<const char*, ReviewKind> cases[] = {
      {R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview"})",
       ReviewKind::kTokenReview},
      {R"({"apiVersion":"authentication.k8s.io/v1beta1","kind":"TokenReview"})",
       ReviewKind::kTokenReview},
      {R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview"})",
       ReviewKind::kSubjectAccessReview},
      {R"({"apiVersion":"authorization.k8s.io/v1beta1","kind":"SubjectAccessReview"})",
       ReviewKind::kSubjectAccessReview},
  };
  for (const auto& [text, expected] : cases) {
    Result<ReviewKind> kind = ClassifyReview(Json(text));
    ASSERT_TRUE(kind) << text << ": " << kind.error().ToString();
    EXPECT_EQ(*kind, expected) << text;
  }
}

TEST(ClassifyReviewTest, RefusesNonObjects) {
  for (const char* text : {"[]", "null", "\"TokenReview\"", "7", "true"}) {
    EXPECT_EQ(ClassifyError(text).code, K8sError::kNotAnObject) << text;
  }
}

TEST(ClassifyReviewTest, RefusesMissingOrMistypedApiVersion) {
  EXPECT_EQ(ClassifyError(R"({"kind":"TokenReview"})").code, K8sError::kMissingApiVersion);
  EXPECT_EQ(ClassifyError(R"({"apiVersion":null,"kind":"TokenReview"})").code,
            K8sError::kMissingApiVersion);
  Error error =
      ClassifyError(R"({"apiVersion":["authentication.k8s.io/v1"],"kind":"TokenReview"})");
  EXPECT_EQ(error.code, K8sError::kInvalidField);
  EXPECT_EQ(error.message, "apiVersion must be a string");
}

TEST(ClassifyReviewTest, RefusesMissingOrMistypedKind) {
  EXPECT_EQ(ClassifyError(R"({"apiVersion":"authentication.k8s.io/v1"})").code,
            K8sError::kMissingKind);
  Error error = ClassifyError(R"({"apiVersion":"authentication.k8s.io/v1","kind":{}})");
  EXPECT_EQ(error.code, K8sError::kInvalidField);
  EXPECT_EQ(error.message, "kind must be a string");
}

TEST(ClassifyReviewTest, RefusesUnknownApiVersionNamingIt) {
  Error error = ClassifyError(R"({"apiVersion":"authentication.k8s.io/v2","kind":"TokenReview"})");
  EXPECT_EQ(error.code, K8sError::kUnknownApiVersion);
  EXPECT_EQ(error.message, R"(unknown apiVersion "authentication.k8s.io/v2")");
}

TEST(ClassifyReviewTest, ChecksApiVersionBeforeKindLikeTheReference) {
  EXPECT_EQ(ClassifyError(R"({"apiVersion":"v1","kind":"Pod"})").code,
            K8sError::kUnknownApiVersion);
}

TEST(ClassifyReviewTest, RefusesUnknownKind) {
  Error error = ClassifyError(R"({"apiVersion":"authorization.k8s.io/v1beta1","kind":"Foo"})");
  EXPECT_EQ(error.code, K8sError::kUnknownKind);
  EXPECT_EQ(error.message, R"(unknown kind "Foo")");
}

// SPEC H12: the reference accepts these; we do not.
TEST(ClassifyReviewTest, RefusesKindFromTheOtherApiGroup) {
  Error token =
      ClassifyError(R"({"apiVersion":"authorization.k8s.io/v1beta1","kind":"TokenReview"})");
  EXPECT_EQ(token.code, K8sError::kUnknownApiVersion);
  EXPECT_EQ(token.message,
            R"(unknown apiVersion "authorization.k8s.io/v1beta1" for kind "TokenReview")");
  Error sar =
      ClassifyError(R"({"apiVersion":"authentication.k8s.io/v1","kind":"SubjectAccessReview"})");
  EXPECT_EQ(sar.code, K8sError::kUnknownApiVersion);
}

TEST(ClassifyReviewTest, QuotesHostileNamesEscapedAndShort) {
  std::string long_version(500, 'x');
  Error error = ClassifyError(R"({"apiVersion":")" + long_version + R"(","kind":"TokenReview"})");
  EXPECT_EQ(error.code, K8sError::kUnknownApiVersion);
  EXPECT_LT(error.message.size(), 120u);
  Error control = ClassifyError(R"({"apiVersion":"a\nb\"c","kind":"TokenReview"})");
  EXPECT_EQ(control.message, R"(unknown apiVersion "a\nb\"c")");
}

TEST(CheckReviewEnvelopeTest, ReturnsApiVersionOrRefusesOtherKind) {
  value::Value sar =
      Json(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview"})");
  Result<std::string> ok = CheckReviewEnvelope(sar, ReviewKind::kSubjectAccessReview);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "authorization.k8s.io/v1");
  Result<std::string> wrong = CheckReviewEnvelope(sar, ReviewKind::kTokenReview);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, K8sError::kUnknownKind);
}

TEST(QuoteForMessageTest, CutsOnUtf8Boundary) {
  // "é" is two bytes: a cut after 3 bytes would split the second one.
  EXPECT_EQ(QuoteForMessage("\xC3\xA9\xC3\xA9", 3), "\"\xC3\xA9...\"");
  EXPECT_EQ(QuoteForMessage("abcd", 4), "\"abcd\"");
  EXPECT_EQ(QuoteForMessage("abcde", 4), "\"abcd...\"");
}

}  // namespace
}  // namespace gatehouse::k8s
