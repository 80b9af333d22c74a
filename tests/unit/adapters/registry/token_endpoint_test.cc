#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "registry_test_env.h"

namespace gatehouse::adapters::registry_service {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing_env::RegistryFixture;

class TokenEndpointTest : public RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    ASSERT_TRUE(store().CreateProject("test", "team-a", false));
    ASSERT_TRUE(store().CreateProject("test", "team-b", false));
    ASSERT_TRUE(store().CreateProject("test", "public-lib", true));
  }
};

TEST_F(TokenEndpointTest, RobotGetsRequestedIntersectAllowedAndResponseShape) {
  RobotWithSecret ci = MakeRobot("team-a", "ci", "push");
  EXPECT_EQ(ci.login, "robot+team-a+ci");
  ServerResponse response =
      Token({"repository:team-a/app:pull,push,delete"}, Basic(ci.login, ci.secret));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(Granted(response), ElementsAre("pull", "push"));
  auto body = value::ParseJson(response.body);
  ASSERT_TRUE(body);
  ASSERT_NE(body->Find("token"), nullptr);
  ASSERT_NE(body->Find("access_token"), nullptr);
  EXPECT_EQ(*body->Find("token"), *body->Find("access_token"));
  EXPECT_EQ(body->Find("expires_in")->AsInt(), 300);
  ASSERT_NE(body->Find("issued_at"), nullptr);
  value::Value claims = Claims(response);
  EXPECT_EQ(*claims.Find("sub")->AsString(), "robot+team-a+ci");
  EXPECT_EQ(*claims.Find("aud")->AsString(), "registry");  // a string, never an array
  EXPECT_EQ(*claims.Find("iss")->AsString(), "gatehouse");
}

TEST_F(TokenEndpointTest, PartialGrantIsNotAnError) {
  RobotWithSecret pull = MakeRobot("team-a", "pull", "pull");
  ServerResponse response = Token({"repository:team-a/app:pull,push repository:team-b/x:pull"},
                                  Basic(pull.login, pull.secret));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(Granted(response, 0), ElementsAre("pull"));
  EXPECT_THAT(Granted(response, 1), IsEmpty());
}

TEST_F(TokenEndpointTest, WrongSecretIs401WithChallengeAlsoAtLogin) {
  RobotWithSecret ci = MakeRobot("team-a", "ci", "push");
  for (const std::vector<std::string>& scopes :
       {std::vector<std::string>{"repository:team-a/app:pull"}, std::vector<std::string>{}}) {
    ServerResponse response = Token(scopes, Basic(ci.login, ci.secret + "x"));
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(ErrorCode(response), "UNAUTHORIZED");
    const std::string* challenge = Header(response, "WWW-Authenticate");
    ASSERT_NE(challenge, nullptr);
    EXPECT_EQ(challenge->rfind("Basic realm=", 0), 0u);
    EXPECT_EQ(response.body.find(ci.secret), std::string::npos);
  }
  EXPECT_EQ(Token({}, Basic("robot+team-a+nobody", "Secret123456")).status, 401);
  EXPECT_EQ(Token({}, Basic("nobody", "Secret123456")).status, 401);
  EXPECT_EQ(Token({}, "Basic !!!").status, 401);
  EXPECT_EQ(Token({}, "Digest abc").status, 401);
  // The right secret logs in (no scope: skopeo login).
  EXPECT_EQ(Token({}, Basic(ci.login, ci.secret)).status, 200);
}

TEST_F(TokenEndpointTest, DisabledAndExpiredRobotsAreRefusedAtLogin) {
  RobotWithSecret ci = MakeRobot("team-a", "ci", "push");
  RobotWithSecret temp = MakeRobot("team-a", "temp", "pull", 1);
  ASSERT_EQ(Token({}, Basic(ci.login, ci.secret)).status, 200);
  ASSERT_EQ(Token({}, Basic(temp.login, temp.secret)).status, 200);
  ASSERT_TRUE(store().SetRobotDisabled("test", ci.robot.id, true));
  ServerResponse disabled = Token({}, Basic(ci.login, ci.secret));
  EXPECT_EQ(disabled.status, 401);
  EXPECT_NE(disabled.body.find("disabled"), std::string::npos);
  clock_.Advance(std::chrono::hours(25));
  ServerResponse expired = Token({"repository:team-a/app:pull"}, Basic(temp.login, temp.secret));
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.body.find("expired"), std::string::npos);
}

TEST_F(TokenEndpointTest, RotationRefusesTheOldSecretEvenWhenCached) {
  RobotWithSecret ci = MakeRobot("team-a", "ci", "push");
  ASSERT_EQ(Token({}, Basic(ci.login, ci.secret)).status, 200);
  ASSERT_EQ(Token({}, Basic(ci.login, ci.secret)).status, 200);
  EXPECT_GE(service_->cache().stats().hits, 1u);
  auto rotated = RotateRobotAccount(store(), "test", "robot+", ci.robot.id, {}, options_.hashing);
  ASSERT_TRUE(rotated);
  EXPECT_EQ(Token({}, Basic(ci.login, ci.secret)).status, 401);
  EXPECT_EQ(Token({}, Basic(ci.login, rotated->secret)).status, 200);
}

TEST_F(TokenEndpointTest, UnknownOrMissingServiceIs400) {
  ServerResponse unknown = Token({"repository:team-a/app:pull"}, "", "other-registry");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorCode(unknown), "INVALID_REQUEST");
  ServerResponse missing =
      service_->Handle(Request("GET", "/service/token", {{"scope", "repository:a/b:pull"}}));
  EXPECT_EQ(missing.status, 400);
}

TEST_F(TokenEndpointTest, MalformedScopesAre400) {
  for (const char* scope : {"repository:team-a/app", "repository::pull", "repository:Team/App:pull",
                            "repository:team-a/app:pull;drop", "repository:team-a/app:pu ll:x",
                            "repository:a'/b:pull"}) {
    ServerResponse response = Token({scope});
    EXPECT_EQ(response.status, 400) << scope << " → " << response.body;
    EXPECT_EQ(ErrorCode(response), "INVALID_REQUEST") << scope;
  }
}

TEST_F(TokenEndpointTest, HugeQueryIsRefused) {
  ServerResponse response = Token({std::string(20000, 'a')});
  EXPECT_EQ(response.status, 414);
  std::vector<std::string> many(100, "repository:team-a/app:pull");
  EXPECT_EQ(Token(many).status, 400);
  ServerResponse long_scope = Token({"repository:team-a/" + std::string(600, 'a') + ":pull"});
  EXPECT_EQ(long_scope.status, 400);
}

TEST_F(TokenEndpointTest, AnonymousPullsPublicProjectsOnly) {
  ServerResponse response =
      Token({"repository:public-lib/base:pull,push repository:team-a/app:pull"});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(Granted(response, 0), ElementsAre("pull"));
  EXPECT_THAT(Granted(response, 1), IsEmpty());
  EXPECT_EQ(*Claims(response).Find("sub")->AsString(), "");
}

TEST_F(TokenEndpointTest, AnonymousLoginWithoutScopeIsRefused) {
  ServerResponse response = Token({});
  EXPECT_EQ(response.status, 401) << response.body;
  EXPECT_THAT(response.body, HasSubstr("UNAUTHORIZED"));
  bool challenged = false;
  for (const auto& [name, value] : response.headers) challenged |= name == "WWW-Authenticate";
  EXPECT_TRUE(challenged);
}

TEST_F(TokenEndpointTest, OidcGroupMemberPushesAndIsUpsertedByIssuerAndSubject) {
  auto project = store().LoadProject("team-a");
  ASSERT_TRUE(project);
  ASSERT_TRUE(store().AddMember("test", project->id, registry::MemberKind::kGroup, "devs",
                                registry::Role::kDeveloper));
  ServerResponse bearer = Token({"repository:team-a/app:pull,push,delete"}, "Bearer alice-token");
  ASSERT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_THAT(Granted(bearer), ElementsAre("pull", "push"));
  auto user = store().LoadUserBySubject("https://idp.example", "sub-alice");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->username, "alice");
  // skopeo can only send Basic: an ID token as the password works the same way.
  ServerResponse basic = Token({"repository:team-a/app:push"}, Basic("alice", "a.b.c"));
  EXPECT_EQ(basic.status, 401);  // not a token the identity provider issued
  ServerResponse other = Token({"repository:team-a/app:pull"}, "Bearer bob-token");
  ASSERT_EQ(other.status, 200);
  EXPECT_THAT(Granted(other), IsEmpty());
  EXPECT_EQ(Token({}, "Bearer forged-token").status, 401);
}

TEST_F(TokenEndpointTest, CatalogOnlyForAdministrators) {
  ServerResponse admin = Token({"registry:catalog:*"}, "Bearer admin-token");
  ASSERT_EQ(admin.status, 200);
  EXPECT_THAT(Granted(admin), ElementsAre("*"));
  ServerResponse user = Token({"registry:catalog:*"}, "Bearer alice-token");
  ASSERT_EQ(user.status, 200);
  EXPECT_THAT(Granted(user), IsEmpty());
  RobotWithSecret ci = MakeRobot("team-a", "ci", "admin");
  ServerResponse robot = Token({"registry:catalog:*"}, Basic(ci.login, ci.secret));
  ASSERT_EQ(robot.status, 200);
  EXPECT_THAT(Granted(robot), IsEmpty());
}

TEST_F(TokenEndpointTest, PersonalAccessTokenCarriesItsGroups) {
  auto user = store().UpsertUserAtLogin({"https://idp.example", "sub-carol", "carol", "", false});
  ASSERT_TRUE(user);
  auto hash = registry::HashSecret("gpat_laptop_PatSecret123", options_.hashing);
  ASSERT_TRUE(hash);
  ASSERT_TRUE(
      store().CreateAccessToken("test", {user->id, "laptop", *hash, {"devs"}, registry::kNever}));
  auto project = store().LoadProject("team-b");
  ASSERT_TRUE(store().AddMember("test", project->id, registry::MemberKind::kGroup, "devs",
                                registry::Role::kGuest));
  ServerResponse ok =
      Token({"repository:team-b/app:pull,push"}, Basic("carol", "gpat_laptop_PatSecret123"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_THAT(Granted(ok), ElementsAre("pull"));
  EXPECT_EQ(Token({}, Basic("carol", "gpat_laptop_WrongSecret123")).status, 401);
}

TEST_F(TokenEndpointTest, OAuthPostFormPasswordGrant) {
  RobotWithSecret ci = MakeRobot("team-a", "ci", "push");
  std::string form = "grant_type=password&service=registry&client_id=skopeo&username=" +
                     std::string("robot%2Bteam-a%2Bci") + "&password=" + ci.secret +
                     "&scope=repository%3Ateam-a%2Fapp%3Apush";
  ServerResponse ok = service_->Handle(Request("POST", "/service/token", {}, "", form));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_THAT(Granted(ok), ElementsAre("push"));
  ServerResponse refresh =
      service_->Handle(Request("POST", "/service/token", {}, "",
                               "grant_type=refresh_token&service=registry&refresh_token=x"));
  EXPECT_EQ(refresh.status, 400);
  ServerResponse bad = service_->Handle(Request("POST", "/service/token", {}, "", "a=%zz"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(service_->Handle(Request("DELETE", "/service/token")).status, 405);
}

TEST_F(TokenEndpointTest, ExpiringRobotsGauge) {
  MakeRobot("team-a", "soon", "pull", 3);
  MakeRobot("team-a", "later", "pull", 30);
  MakeRobot("team-a", "never", "pull");
  service_->RefreshMetrics();
  const std::string text = metrics_->RenderPrometheusText();
  EXPECT_NE(text.find("gatehouse_registry_robots_expiring 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace gatehouse::adapters::registry_service
