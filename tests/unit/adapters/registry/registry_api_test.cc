#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/registry/basic_auth.h"
#include "registry_test_env.h"

namespace gatehouse::adapters::registry_service {
namespace {

using testing_env::RegistryFixture;

class RegistryApiTest : public RegistryFixture {
 protected:
  std::int64_t ProjectCount() {
    registry::ProjectFilter filter;
    auto listing = store().ListProjects(filter);
    EXPECT_TRUE(listing);
    return listing ? listing->total : -1;
  }
};

TEST_F(RegistryApiTest, AuthenticationAndAdministratorsOnly) {
  ServerResponse anonymous = Api("GET", "/api/v2.0/projects", "", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(ErrorCode(anonymous), "UNAUTHORIZED");
  EXPECT_NE(Header(anonymous, "WWW-Authenticate"), nullptr);
  ServerResponse forged = Api("GET", "/api/v2.0/projects", "", "Bearer forged");
  EXPECT_EQ(forged.status, 401);
  EXPECT_NE(Header(forged, "WWW-Authenticate"), nullptr);
  // A person who is not an administrator lists only what it may see (here: nothing).
  ASSERT_TRUE(store().CreateProject("test", "team-a", false));
  ServerResponse user = Api("GET", "/api/v2.0/projects", "", "Bearer alice-token");
  EXPECT_EQ(user.status, 200);
  EXPECT_EQ(*Header(user, "X-Total-Count"), "0");
  RobotWithSecret robot = MakeRobot("team-a", "ci", "admin");
  EXPECT_EQ(Api("GET", "/api/v2.0/projects", "", Basic(robot.login, robot.secret)).status, 403);
  EXPECT_EQ(
      Api("POST", "/api/v2.0/projects", R"({"project_name":"x"})", "Bearer alice-token").status,
      403);
  EXPECT_EQ(ProjectCount(), 1);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects").status, 200);
  EXPECT_EQ(Api("GET", "/api/v2.0/nothing").status, 404);
}

TEST_F(RegistryApiTest, CurrentUser) {
  ServerResponse alice = Api("GET", "/api/v2.0/users/current", "", "Bearer alice-token");
  ASSERT_EQ(alice.status, 200) << alice.body;
  value::Value body = JsonOf(alice);
  EXPECT_EQ(*body.Find("username")->AsString(), "alice");
  EXPECT_EQ(body.Find("sysadmin_flag")->AsBool(), false);
  ServerResponse root = Api("GET", "/api/v2.0/users/current");
  ASSERT_EQ(root.status, 200);
  EXPECT_EQ(JsonOf(root).Find("sysadmin_flag")->AsBool(), true);
  EXPECT_EQ(Api("GET", "/api/v2.0/users/current", "", "").status, 401);
}

TEST_F(RegistryApiTest, ProjectsLifecycle) {
  ServerResponse created = Api("POST", "/api/v2.0/projects",
                               R"({"project_name":"team-a","metadata":{"public":"true"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string* location = Header(created, "Location");
  ASSERT_NE(location, nullptr);
  EXPECT_EQ(location->rfind("/api/v2.0/projects/", 0), 0u);

  ServerResponse duplicate = Api("POST", "/api/v2.0/projects", R"({"project_name":"team-a"})");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(ErrorCode(duplicate), "CONFLICT");

  ASSERT_EQ(Api("POST", "/api/v2.0/projects", R"({"project_name":"team-b"})").status, 201);
  ServerResponse list = Api("GET", "/api/v2.0/projects");
  ASSERT_EQ(list.status, 200);
  ASSERT_NE(Header(list, "X-Total-Count"), nullptr);
  EXPECT_EQ(*Header(list, "X-Total-Count"), "2");
  EXPECT_EQ(JsonOf(list).AsArray()->size(), 2u);
  ServerResponse only_public =
      Api("GET", "/api/v2.0/projects", "", "Bearer admin-token", {{"public", "true"}});
  EXPECT_EQ(*Header(only_public, "X-Total-Count"), "1");

  ServerResponse by_name = Api("GET", "/api/v2.0/projects/team-a");
  ASSERT_EQ(by_name.status, 200);
  value::Value project = JsonOf(by_name);
  EXPECT_EQ(*project.Find("name")->AsString(), "team-a");
  EXPECT_EQ(*project.Find("metadata")->Find("public")->AsString(), "true");
  const std::int64_t id = *project.Find("project_id")->AsInt();
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/" + std::to_string(id)).status, 200);

  ASSERT_EQ(Api("PUT", "/api/v2.0/projects/team-a", R"({"metadata":{"public":"false"}})").status,
            200);
  EXPECT_EQ(
      *JsonOf(Api("GET", "/api/v2.0/projects/team-a")).Find("metadata")->Find("public")->AsString(),
      "false");
  EXPECT_EQ(Api("PUT", "/api/v2.0/projects/team-a", R"({"public":"maybe"})").status, 400);

  ServerResponse missing = Api("GET", "/api/v2.0/projects/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "NOT_FOUND");
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/999999").status, 404);
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/nope").status, 404);

  ASSERT_EQ(Api("DELETE", "/api/v2.0/projects/team-b").status, 200);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/team-b").status, 404);
  EXPECT_EQ(ProjectCount(), 1);
}

TEST_F(RegistryApiTest, InvalidInputIsRefusedAndNothingIsStored) {
  for (const char* body :
       {R"({"project_name":"Team-A"})", R"({"project_name":"team a"})",
        R"({"project_name":"team'; DROP TABLE projects; --"})", R"({"project_name":"a/b"})",
        R"({"project_name":"robot$x"})", R"({"project_name":""})", R"({"project_name":7})",
        R"({"name":"x"})", R"(not json)", R"([1,2])", R"({"project_name":"ok","public":"yes"})"}) {
    ServerResponse response = Api("POST", "/api/v2.0/projects", body);
    EXPECT_EQ(response.status, 400) << body << " → " << response.body;
    EXPECT_EQ(ErrorCode(response), "BAD_REQUEST") << body;
  }
  EXPECT_EQ(ProjectCount(), 0);
  std::string huge = R"({"project_name":")" + std::string(70000, 'a') + R"("})";
  EXPECT_EQ(Api("POST", "/api/v2.0/projects", huge).status, 400);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/bad'name").status, 400);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects", "", "Bearer admin-token", {{"page_size", "0"}}).status,
            400);
  EXPECT_EQ(ProjectCount(), 0);
}

TEST_F(RegistryApiTest, MembersLifecycle) {
  ASSERT_EQ(Api("POST", "/api/v2.0/projects", R"({"project_name":"team-a"})").status, 201);
  ServerResponse added =
      Api("POST", "/api/v2.0/projects/team-a/members",
          R"({"role_id":2,"member_group":{"group_name":"devs","group_type":3}})");
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_NE(Header(added, "Location"), nullptr);
  const std::string location = *Header(added, "Location");
  const std::string member_id = location.substr(location.rfind('/') + 1);

  ServerResponse duplicate = Api("POST", "/api/v2.0/projects/team-a/members",
                                 R"({"role_id":3,"member_group":{"group_name":"devs"}})");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(ErrorCode(duplicate), "CONFLICT");
  ASSERT_EQ(Api("POST", "/api/v2.0/projects/team-a/members",
                R"({"role_id":"guest","member_user":{"username":"alice"}})")
                .status,
            201);

  ServerResponse list = Api("GET", "/api/v2.0/projects/team-a/members");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(*Header(list, "X-Total-Count"), "2");
  ServerResponse one = Api("GET", "/api/v2.0/projects/team-a/members/" + member_id);
  ASSERT_EQ(one.status, 200);
  value::Value member = JsonOf(one);
  EXPECT_EQ(*member.Find("entity_name")->AsString(), "devs");
  EXPECT_EQ(*member.Find("entity_type")->AsString(), "g");
  EXPECT_EQ(*member.Find("role_name")->AsString(), "developer");

  ASSERT_EQ(Api("PUT", "/api/v2.0/projects/team-a/members/" + member_id, R"({"role_id":4})").status,
            200);
  EXPECT_EQ(*JsonOf(Api("GET", "/api/v2.0/projects/team-a/members/" + member_id))
                 .Find("role_name")
                 ->AsString(),
            "maintainer");
  EXPECT_EQ(Api("PUT", "/api/v2.0/projects/team-a/members/" + member_id, R"({"role_id":9})").status,
            400);
  EXPECT_EQ(Api("POST", "/api/v2.0/projects/team-a/members", R"({"role_id":2})").status, 400);
  EXPECT_EQ(Api("POST", "/api/v2.0/projects/team-a/members",
                R"({"role_id":2,"member_user":{"username":"a"},"member_group":{"group_name":"b"}})")
                .status,
            400);
  EXPECT_EQ(Api("POST", "/api/v2.0/projects/nope/members",
                R"({"role_id":2,"member_user":{"username":"a"}})")
                .status,
            404);

  ASSERT_EQ(Api("DELETE", "/api/v2.0/projects/team-a/members/" + member_id).status, 200);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/team-a/members/" + member_id).status, 404);
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/team-a/members/" + member_id).status, 404);
}

TEST_F(RegistryApiTest, RobotsLifecycle) {
  ASSERT_EQ(Api("POST", "/api/v2.0/projects", R"({"project_name":"team-a"})").status, 201);
  const std::string body = R"({"name":"ci","level":"project","duration":-1,"permissions":[
      {"kind":"project","namespace":"team-a","access":[{"resource":"repository","action":"push"},
       {"resource":"artifact","action":"read"}]}]})";
  ServerResponse created = Api("POST", "/api/v2.0/robots", body);
  ASSERT_EQ(created.status, 201) << created.body;
  value::Value robot = JsonOf(created);
  EXPECT_EQ(*robot.Find("name")->AsString(), "robot+team-a+ci");
  EXPECT_EQ(robot.Find("expires_at")->AsInt(), -1);
  const std::string secret = *robot.Find("secret")->AsString();
  EXPECT_GE(secret.size(), 32u);
  const std::string id = std::to_string(*robot.Find("id")->AsInt());
  ASSERT_NE(Header(created, "Location"), nullptr);

  // The secret works at the token endpoint, with push implying pull.
  ServerResponse token =
      Token({"repository:team-a/app:pull,push"}, Basic("robot+team-a+ci", secret));
  ASSERT_EQ(token.status, 200);
  EXPECT_THAT(Granted(token), ::testing::ElementsAre("pull", "push"));

  ServerResponse duplicate = Api("POST", "/api/v2.0/robots", body);
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(ErrorCode(duplicate), "CONFLICT");

  ServerResponse list = Api("GET", "/api/v2.0/robots", "", "Bearer admin-token",
                            {{"q", "Level=project,ProjectID=1"}});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(*Header(list, "X-Total-Count"), "1");
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(list.body.find("\"secret\""), std::string::npos);
  ServerResponse one = Api("GET", "/api/v2.0/robots/" + id);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body.find(secret), std::string::npos);
  EXPECT_EQ(*JsonOf(one).Find("level")->AsString(), "project");

  ServerResponse rotated = Api("PATCH", "/api/v2.0/robots/" + id);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string fresh = *JsonOf(rotated).Find("secret")->AsString();
  EXPECT_NE(fresh, secret);
  EXPECT_EQ(Token({}, Basic("robot+team-a+ci", secret)).status, 401);
  EXPECT_EQ(Token({}, Basic("robot+team-a+ci", fresh)).status, 200);

  ASSERT_EQ(Api("PUT", "/api/v2.0/robots/" + id, R"({"disable":true})").status, 200);
  EXPECT_EQ(Token({}, Basic("robot+team-a+ci", fresh)).status, 401);
  ASSERT_EQ(Api("PUT", "/api/v2.0/robots/" + id, R"({"disable":false})").status, 200);
  EXPECT_EQ(Token({}, Basic("robot+team-a+ci", fresh)).status, 200);

  // A project with robots is not deleted behind their users' backs.
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/team-a").status, 412);
  ASSERT_EQ(Api("DELETE", "/api/v2.0/robots/" + id).status, 200);
  EXPECT_EQ(Api("GET", "/api/v2.0/robots/" + id).status, 404);
  EXPECT_EQ(Token({}, Basic("robot+team-a+ci", fresh)).status, 401);
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/team-a").status, 200);
}

TEST_F(RegistryApiTest, RobotInputIsValidated) {
  ASSERT_EQ(Api("POST", "/api/v2.0/projects", R"({"project_name":"team-a"})").status, 201);
  auto robot_body = [](const std::string& name, const std::string& ns, const std::string& action,
                       const std::string& extra = "") {
    return R"({"name":")" + name + R"(",)" + extra +
           R"("permissions":[{"kind":"project","namespace":")" + ns +
           R"(","access":[{"resource":"repository","action":")" + action + R"("}]}]})";
  };
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", robot_body("CI", "team-a", "pull")).status, 400);
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", robot_body("a+b", "team-a", "pull")).status, 400);
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", robot_body("x'--", "team-a", "pull")).status, 400);
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", robot_body("ci", "team-a", "destroy")).status, 400);
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", robot_body("ci", "team-a", "pull", R"("duration":0,)"))
                .status,
            400);
  EXPECT_EQ(
      Api("POST", "/api/v2.0/robots", robot_body("ci", "team-a", "pull", R"("secret":"weak",)"))
          .status,
      400);
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", robot_body("ci", "nope", "pull")).status, 404);
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", R"({"name":"ci"})").status, 400);
  // A deny cannot be expressed in a registry token: refused, never dropped (which would widen).
  ServerResponse deny = Api("POST", "/api/v2.0/robots",
                            R"({"name":"ci","permissions":[{"kind":"project","namespace":"team-a",)"
                            R"("access":[{"resource":"repository","action":"*"},)"
                            R"({"resource":"repository","action":"delete","effect":"deny"}]}]})");
  EXPECT_EQ(deny.status, 400) << deny.body;
  registry::RobotFilter filter;
  auto robots = store().ListRobots(filter);
  ASSERT_TRUE(robots);
  EXPECT_EQ(robots->total, 0);
  EXPECT_EQ(Api("GET", "/api/v2.0/robots/abc").status, 404);
  EXPECT_EQ(Api("GET", "/api/v2.0/robots", "", "Bearer admin-token", {{"q", "Name=x"}}).status,
            400);
}

TEST(BasicAuthTest, ParsesBasicAndBearerStrictly) {
  const std::string basic = "Basic " + registry::EncodeBase64("robot+team-a+ci:pa:ss");
  auto parsed = ParseAuthorization(&basic);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->username, "robot+team-a+ci");
  EXPECT_EQ(parsed->password, "pa:ss");
  const std::string bearer = "bearer abc.def.ghi";
  auto token = ParseAuthorization(&bearer);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->kind, Credentials::Kind::kBearer);
  EXPECT_EQ(token->token, "abc.def.ghi");
  auto none = ParseAuthorization(nullptr);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->kind, Credentials::Kind::kNone);
  for (const std::string& bad :
       {std::string("Basic"), std::string("Basic @@@"),
        "Basic " + registry::EncodeBase64("nocolon"), "Basic " + registry::EncodeBase64(":x"),
        "Basic " + registry::EncodeBase64("a:b\nc"), std::string("Bearer "),
        std::string("Negotiate abc")}) {
    EXPECT_FALSE(ParseAuthorization(&bad)) << bad;
  }
  auto decoded = DecodeFormComponent("robot%2Bteam+a%3A");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, "robot+team a:");
  EXPECT_FALSE(DecodeFormComponent("%4"));
  EXPECT_FALSE(DecodeFormComponent("%zz"));
}

}  // namespace
}  // namespace gatehouse::adapters::registry_service
