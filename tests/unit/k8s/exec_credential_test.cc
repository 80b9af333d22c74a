#include "k8s/exec_credential.h"

#include <gtest/gtest.h>

#include "k8s/k8s_errors.h"
#include "samples.h"
#include "value/json.h"
#include "value/value_errors.h"

namespace gatehouse::k8s {
namespace {

using std::chrono::system_clock;
using namespace std::chrono_literals;

system_clock::time_point At(std::chrono::sys_days day, std::chrono::seconds time) {
  return system_clock::time_point(day) + time;
}

Error ParseError(const std::string& text) {
  Result<ExecInfo> info = ParseExecInfo(text);
  EXPECT_FALSE(info) << text;
  return info ? Error{} : info.error();
}

TEST(ParseExecInfoTest, ParsesWhatKubectlSends) {
  const std::string env =
      samples::ReadFile(samples::SampleDir() / "exec-credential-KUBERNETES_EXEC_INFO.json");
  ASSERT_FALSE(env.empty());
  Result<ExecInfo> info = ParseExecInfo(env);
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->api_version, "client.authentication.k8s.io/v1");
  EXPECT_FALSE(info->interactive);
}

TEST(ParseExecInfoTest, EmptyMeansV1beta1) {
  Result<ExecInfo> info = ParseExecInfo("");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_FALSE(info->interactive);
}

TEST(ParseExecInfoTest, ReadsInteractiveAndV1beta1) {
  Result<ExecInfo> info = ParseExecInfo(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
          "spec":{"interactive":true}})");
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_TRUE(info->interactive);
  Result<ExecInfo> no_spec = ParseExecInfo(R"({"apiVersion":"client.authentication.k8s.io/v1"})");
  ASSERT_TRUE(no_spec);
  EXPECT_FALSE(no_spec->interactive);
}

TEST(ParseExecInfoTest, RefusesMalformedInfo) {
  EXPECT_EQ(ParseError("{").code, value::ValueError::kInvalidJson);
  EXPECT_EQ(ParseError("[]").code, K8sError::kNotAnObject);
  Error version = ParseError(R"({"apiVersion":"client.authentication.k8s.io/v1alpha1"})");
  EXPECT_EQ(version.code, K8sError::kUnknownApiVersion);
  EXPECT_EQ(version.message, R"(unknown apiVersion "client.authentication.k8s.io/v1alpha1")");
  EXPECT_EQ(ParseError(R"({"kind":"ExecCredential"})").code, K8sError::kUnknownApiVersion);
  EXPECT_EQ(ParseError(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Pod"})").code,
            K8sError::kUnknownKind);
  Error interactive = ParseError(
      R"({"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":"yes"}})");
  EXPECT_EQ(interactive.code, K8sError::kInvalidField);
  EXPECT_EQ(interactive.message, "spec.interactive must be a boolean");
  EXPECT_EQ(ParseError(R"({"apiVersion":"client.authentication.k8s.io/v1","spec":1})").message,
            "spec must be an object");
}

TEST(EncodeExecCredentialTest, MatchesWhatKubectlExpects) {
  value::Value expected = samples::ParseFile(samples::SampleDir() / "exec-credential-output.json");
  const std::string& token = *expected.Find("status")->Find("token")->AsString();
  using std::chrono::November;
  const auto expiry = At(2026y / November / 24, 11h + 14min + 36s);
  Result<value::Value> produced =
      value::ParseJson(EncodeExecCredential("client.authentication.k8s.io/v1", token, expiry));
  ASSERT_TRUE(produced);
  EXPECT_EQ(*produced, expected);
}

TEST(EncodeExecCredentialTest, TruncatesToWholeSecondsInUtc) {
  using std::chrono::December;
  using std::chrono::January;
  EXPECT_EQ(EncodeExecCredential("v", "t", At(2030y / January / 2, 3h + 4min + 5s) + 999ms),
            R"({"apiVersion":"v","kind":"ExecCredential","status":{"token":"t",)"
            R"("expirationTimestamp":"2030-01-02T03:04:05Z"}})");
  EXPECT_NE(EncodeExecCredential("v", "t", system_clock::time_point{} - 1s)
                .find(R"("1969-12-31T23:59:59Z")"),
            std::string::npos);
  EXPECT_NE(EncodeExecCredential("v", "t", At(2024y / December / 31, 23h + 59min + 59s))
                .find(R"("2024-12-31T23:59:59Z")"),
            std::string::npos);
}

TEST(EncodeExecCredentialTest, OmitsExpiryWhenUnknownAndEscapesToken) {
  const std::string json =
      EncodeExecCredential("client.authentication.k8s.io/v1beta1", "a\"b\\c", std::nullopt);
  Result<value::Value> parsed = value::ParseJson(json);
  ASSERT_TRUE(parsed) << json;
  EXPECT_EQ(*parsed, samples::Json(R"({"apiVersion":"client.authentication.k8s.io/v1beta1",
                                       "kind":"ExecCredential","status":{"token":"a\"b\\c"}})"));
}

}  // namespace
}  // namespace gatehouse::k8s
