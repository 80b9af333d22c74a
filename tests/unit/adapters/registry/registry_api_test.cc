#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/registry/basic_auth.h"
#include "forwarding_store.h"
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
                R"({"role_id":3,"member_user":{"username":"alice"}})")
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

// The first error's message, for the field a 400 must name.
std::string ErrorMessage(const ServerResponse& response) {
  auto body = value::ParseJson(response.body);
  if (!body || body->Find("errors") == nullptr || !body->Find("errors")->is_array() ||
      body->Find("errors")->AsArray()->empty()) {
    return "<no error>";
  }
  const value::Value* message = (*body->Find("errors")->AsArray())[0].Find("message");
  return message != nullptr && message->is_string() ? *message->AsString() : "<no message>";
}

class RegistryStrictBodyTest : public RegistryApiTest {
 protected:
  void SetUp() override {
    RegistryApiTest::SetUp();
    ASSERT_EQ(Api("POST", "/api/v2.0/projects", R"({"project_name":"team-a"})").status, 201);
    project_id_ = store().LoadProject("team-a")->id;
  }
  // Each body is a 400 BAD_REQUEST whose message names `field`.
  void ExpectRefused(const std::string& method, const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& bodies) {
    for (const auto& [body, field] : bodies) {
      SCOPED_TRACE(method + " " + path + " " + body);
      ServerResponse response = Api(method, path, body);
      EXPECT_EQ(response.status, 400) << response.body;
      EXPECT_EQ(ErrorCode(response), "BAD_REQUEST");
      EXPECT_NE(ErrorMessage(response).find(field), std::string::npos) << ErrorMessage(response);
    }
  }
  static std::string Permissions(const std::string& access_extra = "",
                                 const std::string& permission_extra = "") {
    return R"([{"kind":"project","namespace":"team-a",)" + permission_extra +
           R"("access":[{"resource":"repository","action":"pull",)" + access_extra +
           R"("effect":"allow"}]}])";
  }
  std::int64_t project_id_ = 0;
};

TEST_F(RegistryStrictBodyTest, RobotUpdateRefusesUnknownAndMistypedFields) {
  RobotWithSecret robot = MakeRobot("team-a", "ci", "pull");
  const std::string path = "/api/v2.0/robots/" + std::to_string(robot.robot.id);
  ExpectRefused(
      "PUT", path,
      {
          {R"({"descripton":"typo"})", "\"descripton\""},
          {R"({"description":"x","disabled":true})", "\"disabled\""},
          {R"({"expires_days":30})", "\"expires_days\""},
          {R"({"disable":"true"})", "\"disable\" must be true or false"},
          {R"({"disable":1})", "\"disable\""},
          {R"({"duration":"30"})", "\"duration\" must be an integer"},
          {R"({"duration":1.5})", "\"duration\""},
          {R"({"description":7})", "\"description\" must be a string"},
          {R"({"permissions":{}})", "\"permissions\" must be a list"},
          {R"({"permissions":[1]})", "permissions must be objects"},
          {R"({"permissions":)" + Permissions("", R"("scope":"x",)") + "}",
           "\"permissions.scope\""},
          {R"({"permissions":)" + Permissions(R"("verb":"get",)") + "}",
           "\"permissions.access.verb\""},
          {R"({"permissions":[{"kind":"project","namespace":"team-a","access":{}}]})",
           "\"permissions.access\" must be a list"},
          // Harbor: name and level are as GET shows them, or absent; a secret is PATCH's.
          {R"({"name":"robot+team-a+other"})", "cannot update the level or name of robot"},
          {R"({"name":"team-a+ci"})", "cannot update the level or name of robot"},
          {R"({"level":"system"})", "cannot update the level or name of robot"},
          {R"({"secret":"Abcdefgh12345"})", "PATCH"},
      });
  // Nothing changed.
  auto stored = store().LoadRobotById(robot.robot.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->description, "");
  EXPECT_FALSE(stored->disabled);
  EXPECT_EQ(stored->expires_at, registry::kNever);
  EXPECT_EQ(stored->secret_hash, robot.robot.secret_hash);
  ASSERT_EQ(stored->permissions.size(), 1u);
  EXPECT_THAT(stored->permissions[0].actions, ::testing::ElementsAre("pull"));

  // What GET returns may be sent back whole (Harbor's UI does): the read-only fields are
  // accepted and ignored, the rest applies.
  ServerResponse got = Api("GET", path);
  ASSERT_EQ(got.status, 200);
  value::Value body = JsonOf(got);
  body.Set("description", value::Value("round trip"));
  body.Set("disable", value::Value(true));
  body.Set("secret", value::Value(""));
  body.Set("creator_type", value::Value("local"));
  body.Set("creator_ref", value::Value(1));
  ServerResponse put = Api("PUT", path, value::ToJson(body));
  ASSERT_EQ(put.status, 200) << put.body;
  stored = store().LoadRobotById(robot.robot.id);
  EXPECT_EQ(stored->description, "round trip");
  EXPECT_TRUE(stored->disabled);
  EXPECT_EQ(stored->secret_hash, robot.robot.secret_hash);
  // null counts as absent.
  ASSERT_EQ(Api("PUT", path, R"({"description":null,"disable":false})").status, 200);
  EXPECT_EQ(store().LoadRobotById(robot.robot.id)->description, "round trip");
}

TEST_F(RegistryStrictBodyTest, RobotCreateAndRotateRefuseUnknownAndMistypedFields) {
  const std::string permissions = Permissions();
  ExpectRefused(
      "POST", "/api/v2.0/robots",
      {
          {R"({"name":"ci","permissions":)" + permissions + R"(,"expires_at":5})",
           "\"expires_at\""},
          {R"({"name":"ci","permissions":)" + permissions + R"(,"disable":"no"})", "\"disable\""},
          {R"({"name":"ci","permissions":)" + permissions + R"(,"duration":"-1"})", "\"duration\""},
          {R"({"name":"ci","permission":)" + permissions + "}", "\"permission\""},
          {R"({"name":"ci","permissions":)" + Permissions(R"("x":1,)") + "}",
           "\"permissions.access.x\""},
          {R"({"name":7,"permissions":)" + permissions + "}", "\"name\""},
      });
  auto robots = store().ListRobots({});
  ASSERT_TRUE(robots);
  EXPECT_EQ(robots->total, 0);

  RobotWithSecret robot = MakeRobot("team-a", "ci", "pull");
  const std::string path = "/api/v2.0/robots/" + std::to_string(robot.robot.id);
  ExpectRefused("PATCH", path,
                {{R"({"secret":12345678})", "\"secret\" must be a string"},
                 {R"({"secrets":"Abcdefgh12345"})", "\"secrets\""}});
  // Not rotated by a refused body.
  EXPECT_EQ(Token({}, Basic(robot.login, robot.secret)).status, 200);
  EXPECT_EQ(store().LoadRobotById(robot.robot.id)->secret_hash, robot.robot.secret_hash);
}

TEST_F(RegistryStrictBodyTest, MemberBodiesRefuseUnknownAndMistypedFields) {
  const std::string members = "/api/v2.0/projects/team-a/members";
  ExpectRefused("POST", members,
                {
                    {R"({"role_id":"2","member_user":{"username":"erin"}})",
                     "\"role_id\" must be an integer"},
                    {R"({"role_id":"developer","member_user":{"username":"erin"}})", "\"role_id\""},
                    {R"({"role_id":2.5,"member_user":{"username":"erin"}})", "\"role_id\""},
                    {R"({"role_id":2,"member_user":{"username":"erin"},"role":1})", "\"role\""},
                    {R"({"role_id":2,"member_user":{"username":"erin","email":"e@x"}})",
                     "\"member_user.email\""},
                    {R"({"role_id":2,"member_user":"erin"})", "\"member_user\" must be an object"},
                    {R"({"role_id":2,"member_group":{"group_name":"g","group_type":"3"}})",
                     "\"member_group.group_type\" must be an integer"},
                    {R"({"role_id":2,"member_group":{"name":"g"}})", "\"member_group.name\""},
                });
  auto listing = store().ListMembers(project_id_, "", {});
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->total, 0);
  // Fields Harbor defines that we do not keep are accepted.
  ServerResponse user =
      Api("POST", members, R"({"role_id":2,"member_user":{"user_id":7,"username":"erin"}})");
  ASSERT_EQ(user.status, 201) << user.body;
  ASSERT_EQ(Api("POST", members,
                R"({"role_id":3,"member_group":{"id":0,"group_name":"devs","group_type":3,)"
                R"("ldap_group_dn":""}})")
                .status,
            201);

  const std::string location = *Header(user, "Location");
  const std::string member = members + location.substr(location.rfind('/'));
  ExpectRefused("PUT", member,
                {
                    {R"({"role_id":"1"})", "\"role_id\" must be an integer"},
                    {R"({"role_id":1.0})", "\"role_id\""},
                    {R"({"role_id":true})", "\"role_id\""},
                    {R"({"role":1})", "\"role\""},
                    {R"({"role_id":1,"entity_name":"x"})", "\"entity_name\""},
                    {R"({})", "role_id is required"},
                    {R"({"role_id":0})", "role_id must be"},
                });
  auto erin = store().ListMembers(project_id_, "erin", {});
  ASSERT_TRUE(erin);
  ASSERT_EQ(erin->items.size(), 1u);
  EXPECT_EQ(erin->items[0].role, registry::Role::kDeveloper);
  ASSERT_EQ(Api("PUT", member, R"({"role_id":1})").status, 200);
  EXPECT_EQ(store().ListMembers(project_id_, "erin", {})->items[0].role,
            registry::Role::kProjectAdmin);
}

// The API's robot PUT used to build the whole update from a read outside the store's write
// transaction, so a change committed in between (here: another replica disabling the robot
// right after the API read it) was undone. Only the fields the body names reach the store.
class RacingRobotStore final : public testing_env::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::function<void(std::int64_t)> after_robot_read;  // runs once
  Result<registry::Robot> LoadRobotById(std::int64_t id) override {
    Result<registry::Robot> robot = inner().LoadRobotById(id);
    if (after_robot_read) std::exchange(after_robot_read, nullptr)(id);
    return robot;
  }
};

class RegistryRobotRaceTest : public RegistryApiTest {
 protected:
  std::unique_ptr<registry::RegistryStore> WrapStore(
      std::unique_ptr<registry::RegistryStore> store) override {
    auto racing = std::make_unique<RacingRobotStore>(std::move(store));
    racing_ = racing.get();
    return racing;
  }
  RacingRobotStore* racing_ = nullptr;
};

TEST_F(RegistryRobotRaceTest, RobotUpdateDoesNotUndoAConcurrentChange) {
  ASSERT_TRUE(store().CreateProject("test", "team-a", false));
  RobotWithSecret robot = MakeRobot("team-a", "ci", "pull");
  racing_->after_robot_read = [this](std::int64_t id) {
    ASSERT_TRUE(racing_->inner().SetRobotDisabled("other-replica", id, true));
  };
  const std::string path = "/api/v2.0/robots/" + std::to_string(robot.robot.id);
  ServerResponse put = Api("PUT", path, R"({"description":"renamed pipeline"})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto stored = store().LoadRobotById(robot.robot.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->description, "renamed pipeline");
  EXPECT_TRUE(stored->disabled) << "the concurrent disable was undone";
  EXPECT_EQ(Token({}, Basic(robot.login, robot.secret)).status, 401);

  // The same for a permission change racing a rotation: the rotated secret stays.
  racing_->after_robot_read = [this](std::int64_t id) {
    ASSERT_TRUE(racing_->inner().UpdateRobotSecret("other-replica", id, "pbkdf2-sha256$1$AA$BB"));
  };
  const std::string push =
      R"({"permissions":[{"kind":"project","namespace":"team-a","access":[{"action":"push"}]}]})";
  ASSERT_EQ(Api("PUT", path, push).status, 200);
  stored = store().LoadRobotById(robot.robot.id);
  EXPECT_EQ(stored->secret_hash, "pbkdf2-sha256$1$AA$BB");
  EXPECT_TRUE(stored->disabled);
  EXPECT_THAT(stored->permissions[0].actions, ::testing::ElementsAre("pull", "push"));
}

TEST(BasicAuthTest, ParsesBasicAndBearerStrictly) {
  const std::string basic = "Basic " + codec::EncodeBase64("robot+team-a+ci:pa:ss");
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
       {std::string("Basic"), std::string("Basic @@@"), "Basic " + codec::EncodeBase64("nocolon"),
        "Basic " + codec::EncodeBase64(":x"), "Basic " + codec::EncodeBase64("a:b\nc"),
        std::string("Bearer "), std::string("Negotiate abc")}) {
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
