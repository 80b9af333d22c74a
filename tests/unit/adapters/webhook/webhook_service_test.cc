#include "adapters/webhook/webhook_service.h"

#include <gtest/gtest.h>

#include "adapters/keystone/keystone_auth_errors.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

// Accepts "good-token" as alice; remembers the deadline it was given.
class FakeAuthenticator : public authn::TokenAuthenticator {
 public:
  Result<k8s::UserInfo> Authenticate(std::string_view token) override {
    return AuthenticateWithin(token, std::chrono::steady_clock::time_point::max());
  }
  Result<k8s::UserInfo> AuthenticateWithin(
      std::string_view token, std::chrono::steady_clock::time_point deadline) override {
    last_deadline = deadline;
    if (token != "good-token")
      return MakeError(KeystoneAuthError::kTokenInvalid, "Keystone does not know it");
    k8s::UserInfo user;
    user.username = "alice";
    user.uid = "u-1";
    user.groups = {"team-a"};
    user.extra = k8s::Extra{{"alpha.kubernetes.io/identity/project/name", {"demo"}},
                            {"alpha.kubernetes.io/identity/roles", {"member"}}};
    return user;
  }
  std::chrono::steady_clock::time_point last_deadline;
};

class WebhookServiceTest : public ::testing::Test {
 protected:
  WebhookServiceTest() { Build({}); }

  void Build(WebhookOptions options) {
    service_ = std::make_unique<WebhookService>(options, authenticator_, policy_, metrics_);
  }
  void LoadPolicy(const std::string& json) {
    Result<authz::keystone::Policy> parsed = authz::keystone::ParseKeystonePolicy(json);
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    policy_->Publish(std::make_shared<const authz::keystone::Policy>(std::move(parsed).value()));
  }
  ServerResponse Post(const std::string& path, const std::string& body) {
    ServerRequest request;
    request.method = "POST";
    request.path = path;
    request.body = body;
    request.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    return service_->Handle(request);
  }
  static value::Value Json(const ServerResponse& response) {
    Result<value::Value> parsed = value::ParseJson(response.body);
    EXPECT_TRUE(parsed) << response.body;
    return parsed ? *parsed : value::Value();
  }

  std::shared_ptr<FakeAuthenticator> authenticator_ = std::make_shared<FakeAuthenticator>();
  std::shared_ptr<Snapshot<authz::keystone::Policy>> policy_ =
      std::make_shared<Snapshot<authz::keystone::Policy>>();
  std::shared_ptr<MetricsRegistry> metrics_ = std::make_shared<MetricsRegistry>();
  std::unique_ptr<WebhookService> service_;
};

constexpr char kTokenReview[] =
    R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"TOKEN"}})";

std::string TokenReviewFor(const std::string& token) {
  std::string body = kTokenReview;
  body.replace(body.find("TOKEN"), 5, token);
  return body;
}

constexpr char kSar[] =
    R"({"apiVersion":"authorization.k8s.io/v1beta1","kind":"SubjectAccessReview",
  "spec":{"user":"alice","group":["team-a"],"extra":{
    "alpha.kubernetes.io/identity/project/name":["demo"],
    "alpha.kubernetes.io/identity/roles":["member"]},
  "resourceAttributes":{"namespace":"demo","verb":"list","resource":"pods"}}})";

TEST_F(WebhookServiceTest, AuthenticatesThroughWebhookAndAuthenticateRoutes) {
  for (const char* path : {"/webhook", "/authenticate"}) {
    ServerResponse response = Post(path, TokenReviewFor("good-token"));
    ASSERT_EQ(response.status, 200) << response.body;
    value::Value body = Json(response);
    EXPECT_EQ(body.Find("status")->Find("authenticated")->AsBool(), true);
    EXPECT_EQ(*body.Find("status")->Find("user")->Find("username")->AsString(), "alice");
    EXPECT_EQ(response.body.find("good-token"), std::string::npos) << "token echoed";
  }
}

TEST_F(WebhookServiceTest, PassesTheCallersDeadlineToTheIdentitySource) {
  ServerRequest request;
  request.method = "POST";
  request.path = "/webhook";
  request.body = TokenReviewFor("good-token");
  request.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1234);
  service_->Handle(request);
  EXPECT_EQ(authenticator_->last_deadline, request.deadline);
}

TEST_F(WebhookServiceTest, FailedAuthenticationSaysWhyWithConfiguredStatus) {
  ServerResponse response = Post("/webhook", TokenReviewFor("bad-token"));
  EXPECT_EQ(response.status, 200);
  value::Value body = Json(response);
  EXPECT_EQ(body.Find("status")->Find("authenticated")->AsBool(), false);
  EXPECT_NE(body.Find("status")->Find("error")->AsString()->find("token_invalid"),
            std::string::npos);

  WebhookOptions reference;
  reference.authentication_failure_status = 401;
  Build(reference);
  EXPECT_EQ(Post("/webhook", TokenReviewFor("bad-token")).status, 401);
}

TEST_F(WebhookServiceTest, NoIdentitySourceRefusesEveryToken) {
  service_ = std::make_unique<WebhookService>(WebhookOptions{}, nullptr, policy_, metrics_);
  value::Value body = Json(Post("/webhook", TokenReviewFor("good-token")));
  EXPECT_EQ(body.Find("status")->Find("authenticated")->AsBool(), false);
}

TEST_F(WebhookServiceTest, AuthorizesWithThePublishedPolicy) {
  value::Value body = Json(Post("/authorize", kSar));
  EXPECT_EQ(body.Find("status")->Find("allowed")->AsBool(), false) << "no policy: no opinion";
  EXPECT_EQ(body.Find("status")->Find("denied"), nullptr);

  LoadPolicy(R"([{"users":{"projects":["demo"],"roles":["member"]},
                  "resource_permissions":{"demo/pods":["list"]}}])");
  body = Json(Post("/webhook", kSar));
  EXPECT_EQ(body.Find("status")->Find("allowed")->AsBool(), true);
  EXPECT_EQ(*body.Find("apiVersion")->AsString(), "authorization.k8s.io/v1beta1");

  LoadPolicy("[]");
  WebhookOptions deny;
  deny.authorize.deny_on_no_match = true;
  Build(deny);
  body = Json(Post("/authorize", kSar));
  EXPECT_EQ(body.Find("status")->Find("denied")->AsBool(), true);
}

TEST_F(WebhookServiceTest, KindSpecificRoutesRefuseTheOtherKind) {
  EXPECT_EQ(Post("/authorize", TokenReviewFor("good-token")).status, 400);
  EXPECT_EQ(Post("/authenticate", kSar).status, 400);
}

TEST_F(WebhookServiceTest, ReviewRoutesAnswerOtherMethodsWith405AndAllow) {
  for (const char* path : {"/webhook", "/authenticate", "/authorize"}) {
    for (const char* method : {"GET", "PUT", "DELETE", "HEAD"}) {
      ServerRequest request;
      request.method = method;
      request.path = path;
      request.body = kSar;
      ServerResponse response = service_->Handle(request);
      EXPECT_EQ(response.status, 405) << method << " " << path;
      ASSERT_EQ(response.headers.size(), 1u);
      EXPECT_EQ(response.headers[0].first, "Allow");
      EXPECT_EQ(response.headers[0].second, "POST");
      EXPECT_EQ(Json(response).Find("error")->AsString() != nullptr, true);
      EXPECT_EQ(*Json(response).Find("error")->AsString(), "method_not_allowed");
    }
  }
}

TEST_F(WebhookServiceTest, BadInputIs400WithAReason) {
  for (
      const char* body :
      {"not json", "[]", R"({"kind":"TokenReview"})",
       R"({"apiVersion":"authentication.k8s.io/v2","kind":"TokenReview","spec":{"token":"x"}})",
       R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview"})",
       R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":1}})"}) {
    ServerResponse response = Post("/webhook", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_NE(Json(response).Find("error"), nullptr) << response.body;
  }
  WebhookOptions shallow;
  shallow.limits.max_depth = 4;
  Build(shallow);
  ServerResponse deep = Post("/webhook", "[[[[[[[[[[]]]]]]]]]]");
  EXPECT_EQ(deep.status, 400);
  EXPECT_NE(deep.body.find("json_too_deep"), std::string::npos);
}

TEST_F(WebhookServiceTest, HealthReadinessMetricsAndUnknownPaths) {
  EXPECT_EQ(Post("/healthz", "").status, 200);
  EXPECT_EQ(Post("/nope", "").status, 404);
  EXPECT_EQ(Post("/readyz", "").status, 200);
  service_->SetReadinessProbe([] {
    return ReadinessFromChecks({{"policy", false, "policy not loaded"}});
  });
  ServerResponse not_ready = Post("/readyz", "");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.body.find("policy not loaded"), std::string::npos);

  Post("/webhook", TokenReviewFor("good-token"));
  Post("/webhook", TokenReviewFor("bad-token"));
  Post("/webhook", "garbage");
  const std::string text = Post("/metrics", "").body;
  EXPECT_NE(text.find(R"(gatehouse_requests_total{outcome="authenticated",route="/webhook"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(gatehouse_requests_total{outcome="bad_request",route="/webhook"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(reason="token_invalid")"), std::string::npos);
}

TEST_F(WebhookServiceTest, ReadyzVerboseListsEveryCheckAndShowsAFailedReload) {
  service_->SetReadinessProbe([] {
    return ReadinessFromChecks(
        {{"policy", true,
          "last reload failed: source_missing: file /p.json: not found; serving the version "
          "loaded before"},
         {"keystone", true, ""}});
  });
  ServerResponse plain = Post("/readyz", "");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "ok\n") << "plain /readyz is unchanged while a last good version serves";
  ServerRequest request;
  request.method = "GET";
  request.path = "/readyz";
  request.query = {{"verbose", ""}};
  ServerResponse verbose = service_->Handle(request);
  EXPECT_EQ(verbose.status, 200);
  EXPECT_EQ(verbose.body,
            "[+]policy ok (last reload failed: source_missing: file /p.json: not found; serving "
            "the version loaded before)\n"
            "[+]keystone ok\n"
            "readyz check passed\n");
}

}  // namespace
}  // namespace gatehouse::adapters
