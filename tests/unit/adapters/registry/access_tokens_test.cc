// Personal access tokens: IssueAccessToken, and the /users/current/tokens endpoints end to end
// (a token minted through the API works as a Basic password until it is revoked).
#include "adapters/registry/access_tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/common_errors.h"
#include "registry/registry_errors.h"
#include "registry_test_env.h"

namespace gatehouse::adapters::registry_service {
namespace {

using testing_env::RegistryFixture;

class RegistryAccessTokenTest : public RegistryFixture {
 protected:
  std::int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }
  std::int64_t UserId(const std::string& username) {
    auto user = store().LoadUser(username);
    EXPECT_TRUE(user) << username;
    return user ? user->id : 0;
  }
  // alice signs in with her ID token (so she exists) and creates a token through the API.
  value::Value CreateThroughApi(const std::string& body,
                                const std::string& authorization = "Bearer alice-token") {
    ServerResponse created = Api("POST", "/api/v2.0/users/current/tokens", body, authorization);
    EXPECT_EQ(created.status, 201) << created.body;
    return JsonOf(created);
  }
};

TEST(AccessTokenNameTest, FollowsTheDocumentedRule) {
  for (const char* good : {"a", "laptop", "ci-2024.1", "0day", "x_y"}) {
    EXPECT_TRUE(ValidateAccessTokenName(good)) << good;
  }
  EXPECT_TRUE(ValidateAccessTokenName(std::string(64, 'a')));
  for (const std::string& bad : {std::string(), std::string(65, 'a'), std::string("-lead"),
                                 std::string(".x"), std::string("Laptop"), std::string("a b"),
                                 std::string("a'--"), std::string("a/b"), std::string("a\nb")}) {
    Status status = ValidateAccessTokenName(bad);
    ASSERT_FALSE(status) << bad;
    EXPECT_EQ(status.error().code, registry::RegistryError::kInvalidName);
  }
}

TEST_F(RegistryAccessTokenTest, IssueStoresOnlyTheHashWithTheGroups) {
  ASSERT_EQ(Api("GET", "/api/v2.0/users/current", "", "Bearer alice-token").status, 200);
  AccessTokenRequest request;
  request.user_id = UserId("alice");
  request.name = "laptop";
  request.expires_days = 30;
  request.groups = {"devs", "ops"};
  auto issued = IssueAccessToken(store(), "alice", request, Now(), options_.hashing);
  ASSERT_TRUE(issued) << issued.error().ToString();
  EXPECT_GE(issued->secret.size(), registry::kGeneratedSecretLength);
  EXPECT_EQ(issued->token.expires_at, Now() + 30 * 86400);
  auto stored = store().LoadAccessToken(request.user_id, "laptop");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->secret_hash.find(issued->secret), std::string::npos);
  EXPECT_TRUE(registry::VerifySecret(issued->secret, stored->secret_hash));
  EXPECT_FALSE(registry::VerifySecret(issued->secret + "x", stored->secret_hash));
  EXPECT_THAT(stored->groups, ::testing::ElementsAre("devs", "ops"));

  request.expires_days = -1;
  request.name = "forever";
  auto forever = IssueAccessToken(store(), "alice", request, Now(), options_.hashing);
  ASSERT_TRUE(forever);
  EXPECT_EQ(forever->token.expires_at, registry::kNever);
  EXPECT_NE(forever->secret, issued->secret);
}

TEST_F(RegistryAccessTokenTest, IssueRefusesBadRequestsAndStoresNothing) {
  ASSERT_EQ(Api("GET", "/api/v2.0/users/current", "", "Bearer alice-token").status, 200);
  const std::int64_t user_id = UserId("alice");
  auto issue = [&](AccessTokenRequest request) {
    return IssueAccessToken(store(), "alice", request, Now(), options_.hashing);
  };
  AccessTokenRequest base;
  base.user_id = user_id;
  base.name = "ok";
  for (std::int64_t days : {std::int64_t{0}, std::int64_t{-2}, kMaxAccessTokenDays + 1}) {
    AccessTokenRequest request = base;
    request.expires_days = days;
    auto refused = issue(request);
    ASSERT_FALSE(refused) << days;
    EXPECT_EQ(refused.error().code, CommonError::kInvalidArgument);
  }
  AccessTokenRequest bad_name = base;
  bad_name.name = "Bad Name";
  ASSERT_FALSE(issue(bad_name));
  EXPECT_EQ(issue(bad_name).error().code, registry::RegistryError::kInvalidName);
  AccessTokenRequest many = base;
  many.groups.assign(1001, "g");
  ASSERT_FALSE(issue(many));
  EXPECT_EQ(issue(many).error().code, CommonError::kInvalidArgument);
  AccessTokenRequest nobody = base;
  nobody.user_id = 424242;
  ASSERT_FALSE(issue(nobody));
  EXPECT_EQ(issue(nobody).error().code, CommonError::kNotFound);
  auto tokens = store().ListAccessTokens(user_id);
  ASSERT_TRUE(tokens);
  EXPECT_TRUE(tokens->empty());
  ASSERT_TRUE(issue(base));
  auto duplicate = issue(base);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, CommonError::kConflict);
}

TEST_F(RegistryAccessTokenTest, CreatedThroughTheApiItWorksUntilRevoked) {
  ASSERT_TRUE(store().CreateProject("test", "team-a", false));
  auto project = store().LoadProject("team-a");
  ASSERT_TRUE(project);
  // alice reaches team-a only through her group: the token must carry it.
  ASSERT_TRUE(store().AddMember("test", project->id, registry::MemberKind::kGroup, "devs",
                                registry::Role::kDeveloper));

  value::Value created = CreateThroughApi(R"({"name":"laptop","expires_days":30})");
  const std::string secret = *created.Find("secret")->AsString();
  const std::int64_t id = *created.Find("id")->AsInt();
  EXPECT_EQ(*created.Find("name")->AsString(), "laptop");
  EXPECT_EQ(*created.Find("expires_at")->AsInt(), Now() + 30 * 86400);
  ASSERT_NE(created.Find("creation_time"), nullptr);

  ServerResponse list = Api("GET", "/api/v2.0/users/current/tokens", "", "Bearer alice-token");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(*Header(list, "X-Total-Count"), "1");
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(list.body.find("pbkdf2"), std::string::npos);
  EXPECT_EQ(list.body.find("\"secret"), std::string::npos);
  const value::Value listed = JsonOf(list);
  ASSERT_TRUE(listed.is_array());
  const value::Value& entry = (*listed.AsArray())[0];
  EXPECT_EQ(*entry.Find("id")->AsInt(), id);
  EXPECT_EQ(*entry.Find("name")->AsString(), "laptop");
  ASSERT_NE(entry.Find("last_used"), nullptr);

  // As a Basic password: at the token endpoint (with the group's role) and at the API.
  ServerResponse token = Token({"repository:team-a/app:pull,push"}, Basic("alice", secret));
  ASSERT_EQ(token.status, 200) << token.body;
  EXPECT_THAT(Granted(token), ::testing::ElementsAre("pull", "push"));
  ServerResponse me = Api("GET", "/api/v2.0/users/current", "", Basic("alice", secret));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(*JsonOf(me).Find("username")->AsString(), "alice");
  EXPECT_EQ(Token({}, Basic("alice", secret + "x")).status, 401);
  EXPECT_EQ(Token({}, Basic("bob", secret)).status, 401);

  // Someone else cannot revoke it; its owner can, and then it stops working everywhere.
  EXPECT_EQ(
      Api("DELETE", "/api/v2.0/users/current/tokens/" + std::to_string(id), "", "Bearer bob-token")
          .status,
      404);
  EXPECT_EQ(Token({}, Basic("alice", secret)).status, 200);
  ServerResponse revoked = Api("DELETE", "/api/v2.0/users/current/tokens/" + std::to_string(id), "",
                               Basic("alice", secret));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(Token({"repository:team-a/app:pull"}, Basic("alice", secret)).status, 401);
  EXPECT_EQ(Api("GET", "/api/v2.0/users/current", "", Basic("alice", secret)).status, 401);
  EXPECT_EQ(Api("DELETE", "/api/v2.0/users/current/tokens/" + std::to_string(id), "",
                "Bearer alice-token")
                .status,
            404);
}

TEST_F(RegistryAccessTokenTest, OnlyAnIdentityTokenMintsTokens) {
  value::Value created = CreateThroughApi(R"({"name":"first","expires_days":-1})");
  const std::string secret = *created.Find("secret")->AsString();
  EXPECT_EQ(*created.Find("expires_at")->AsInt(), registry::kNever);
  ServerResponse by_token =
      Api("POST", "/api/v2.0/users/current/tokens", R"({"name":"second"})", Basic("alice", secret));
  EXPECT_EQ(by_token.status, 403);
  EXPECT_EQ(ErrorCode(by_token), "FORBIDDEN");
  // Listing with an access token is fine.
  EXPECT_EQ(Api("GET", "/api/v2.0/users/current/tokens", "", Basic("alice", secret)).status, 200);

  ASSERT_TRUE(store().CreateProject("test", "team-a", false));
  RobotWithSecret robot = MakeRobot("team-a", "ci", "push");
  for (const char* method : {"GET", "POST"}) {
    ServerResponse response = Api(method, "/api/v2.0/users/current/tokens", R"({"name":"r"})",
                                  Basic(robot.login, robot.secret));
    EXPECT_EQ(response.status, 403) << method;
    EXPECT_EQ(ErrorCode(response), "FORBIDDEN");
  }
  EXPECT_EQ(Api("POST", "/api/v2.0/users/current/tokens", R"({"name":"x"})", "").status, 401);
  auto tokens = store().ListAccessTokens(UserId("alice"));
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->size(), 1u);
}

TEST_F(RegistryAccessTokenTest, AnIdTokenAsBasicPasswordMintsTokens) {
  // skopeo and docker send only Basic: an ID token as the password is still an identity token.
  identity_->Add("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "alice", {"devs"});
  ServerResponse created = Api("POST", "/api/v2.0/users/current/tokens", R"({"name":"ci"})",
                               Basic("alice", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = *JsonOf(created).Find("secret")->AsString();
  EXPECT_EQ(Api("GET", "/api/v2.0/users/current", "", Basic("alice", secret)).status, 200);
}

TEST_F(RegistryAccessTokenTest, ApiRefusesBadTokenRequests) {
  for (const char* body :
       {R"({"name":"Bad Name"})", R"({"name":"x","expires_days":0})",
        R"({"name":"x","expires_days":99999})", R"({"name":"x","expires_days":"soon"})",
        R"({"expires_days":3})", R"(nope)"}) {
    ServerResponse response =
        Api("POST", "/api/v2.0/users/current/tokens", body, "Bearer alice-token");
    EXPECT_EQ(response.status, 400) << body << " → " << response.body;
    EXPECT_EQ(ErrorCode(response), "BAD_REQUEST");
  }
  CreateThroughApi(R"({"name":"same"})");
  ServerResponse duplicate =
      Api("POST", "/api/v2.0/users/current/tokens", R"({"name":"same"})", "Bearer alice-token");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(Api("DELETE", "/api/v2.0/users/current/tokens/abc", "", "Bearer alice-token").status,
            404);
  EXPECT_EQ(Api("PUT", "/api/v2.0/users/current/tokens", "{}", "Bearer alice-token").status, 405);
}

TEST_F(RegistryAccessTokenTest, ExpiredTokenIsRefused) {
  value::Value created = CreateThroughApi(R"({"name":"short","expires_days":1})");
  const std::string secret = *created.Find("secret")->AsString();
  EXPECT_EQ(Token({}, Basic("alice", secret)).status, 200);
  clock_.Advance(std::chrono::hours(25));
  EXPECT_EQ(Token({}, Basic("alice", secret)).status, 401);
}

TEST(AccessTokenSecretTest, NamesItsToken) {
  EXPECT_EQ(AccessTokenNameOfSecret("gpat_laptop_Abc123"),
            std::optional<std::string_view>("laptop"));
  EXPECT_EQ(AccessTokenNameOfSecret("gpat_ci_2024.1_Abc123"),
            std::optional<std::string_view>("ci_2024.1"));
  for (const char* bad : {"", "laptop_Abc123", "gpat_", "gpat_laptop", "gpat__Abc", "gpat_Bad_x",
                          "gpat_-x_Abc", "GPAT_laptop_Abc"}) {
    EXPECT_FALSE(AccessTokenNameOfSecret(bad).has_value()) << bad;
  }
}

TEST_F(RegistryAccessTokenTest, IssuedSecretNamesItsTokenAndOneCheckDecides) {
  value::Value created = CreateThroughApi(R"({"name":"laptop"})");
  const std::string secret = *created.Find("secret")->AsString();
  ASSERT_EQ(secret.rfind("gpat_laptop_", 0), 0u) << secret;
  EXPECT_GE(secret.size(), std::string("gpat_laptop_").size() + registry::kGeneratedSecretLength);
  EXPECT_EQ(AccessTokenNameOfSecret(secret), std::optional<std::string_view>("laptop"));
  // The same random part under another token's name is refused.
  CreateThroughApi(R"({"name":"desktop"})");
  const std::string swapped = "gpat_desktop_" + secret.substr(std::string("gpat_laptop_").size());
  EXPECT_EQ(Token({}, Basic("alice", swapped)).status, 401);
  EXPECT_EQ(Token({}, Basic("alice", secret)).status, 200);
}

TEST_F(RegistryAccessTokenTest, TokensReadButNeverAdministerOrChange) {
  ServerResponse created =
      Api("POST", "/api/v2.0/users/current/tokens", R"({"name":"root-pat"})", "Bearer admin-token");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = *JsonOf(created).Find("secret")->AsString();
  ASSERT_TRUE(store().CreateProject("test", "team-a", false));
  // root is in the administrator group, but a token is a registry password, not an admin login.
  ServerResponse catalog = Token({"registry:catalog:*"}, Basic("root", secret));
  ASSERT_EQ(catalog.status, 200) << catalog.body;
  EXPECT_THAT(Granted(catalog), ::testing::IsEmpty());
  EXPECT_EQ(Api("GET", "/api/v2.0/projects", "", Basic("root", secret)).status, 200);
  for (const auto& [method, path, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"POST", "/api/v2.0/projects", R"({"project_name":"x"})"},
           {"POST", "/api/v2.0/robots",
            R"({"name":"r","level":"project","duration":-1,"permissions":[{"kind":"project",)"
            R"("namespace":"team-a","access":[{"resource":"repository","action":"push"}]}]})"},
           {"DELETE", "/api/v2.0/projects/team-a", ""}}) {
    ServerResponse response = Api(method, path, body, Basic("root", secret));
    EXPECT_EQ(response.status, 403) << method << " " << path << ": " << response.body;
  }
  EXPECT_TRUE(store().LoadProject("team-a"));
  auto robots = store().ListRobots({});
  ASSERT_TRUE(robots);
  EXPECT_EQ(robots->total, 0);
}

TEST_F(RegistryAccessTokenTest, TokensFollowTheGroupsOfTheLatestLogin) {
  ASSERT_TRUE(store().CreateProject("test", "team-a", false));
  auto project = store().LoadProject("team-a");
  ASSERT_TRUE(store().AddMember("test", project->id, registry::MemberKind::kGroup, "devs",
                                registry::Role::kDeveloper));
  const std::string secret = *CreateThroughApi(R"({"name":"laptop"})").Find("secret")->AsString();
  ServerResponse before = Token({"repository:team-a/app:push"}, Basic("alice", secret));
  ASSERT_EQ(before.status, 200);
  EXPECT_THAT(Granted(before), ::testing::ElementsAre("push"));
  // The identity provider takes alice out of devs; her next login updates her tokens.
  identity_->Add("alice-token", "alice", {"others"});
  ASSERT_EQ(Api("GET", "/api/v2.0/users/current", "", "Bearer alice-token").status, 200);
  ServerResponse after = Token({"repository:team-a/app:push"}, Basic("alice", secret));
  ASSERT_EQ(after.status, 200);
  EXPECT_THAT(Granted(after), ::testing::IsEmpty());
  auto stored = store().LoadAccessToken(UserId("alice"), "laptop");
  ASSERT_TRUE(stored);
  EXPECT_THAT(stored->groups, ::testing::ElementsAre("others"));
}

}  // namespace
}  // namespace gatehouse::adapters::registry_service
