// Who may call what on /api/v2.0: project administrators manage their own project (by direct
// or group membership), members read, everyone else sees only public projects, and a project
// the caller may not see answers like a missing one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "registry_test_env.h"

namespace gatehouse::adapters::registry_service {
namespace {

using registry::MemberKind;
using registry::Role;
using testing_env::RegistryFixture;

// Projects: team-a (private; alice projectAdmin as a user), team-b (private; group builders
// developer, group leads projectAdmin), team-c (private; nobody), pub (public; nobody).
class RegistryProjectAdminTest : public RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    identity_->Add("carol-token", "carol", {"leads"});
    identity_->Add("dave-token", "dave", {"builders"});
    team_a_ = NewProject("team-a", false);
    team_b_ = NewProject("team-b", false);
    team_c_ = NewProject("team-c", false);
    pub_ = NewProject("pub", true);
    AddMember(team_a_, MemberKind::kUser, "alice", Role::kProjectAdmin);
    team_b_devs_ = AddMember(team_b_, MemberKind::kGroup, "builders", Role::kDeveloper);
    AddMember(team_b_, MemberKind::kGroup, "leads", Role::kProjectAdmin);
  }

  std::int64_t NewProject(const std::string& name, bool is_public) {
    auto project = store().CreateProject("test", name, is_public);
    EXPECT_TRUE(project) << project.error().ToString();
    return project ? project->id : 0;
  }
  std::int64_t AddMember(std::int64_t project, MemberKind kind, const std::string& name,
                         Role role) {
    auto member = store().AddMember("test", project, kind, name, role);
    EXPECT_TRUE(member) << member.error().ToString();
    return member ? member->id : 0;
  }
  std::set<std::string> ProjectNames(const std::string& authorization) {
    ServerResponse list = Api("GET", "/api/v2.0/projects", "", authorization);
    EXPECT_EQ(list.status, 200) << list.body;
    std::set<std::string> names;
    value::Value body = JsonOf(list);
    if (!body.is_array()) return names;
    for (const value::Value& project : *body.AsArray()) {
      names.insert(*project.Find("name")->AsString());
    }
    EXPECT_EQ(*Header(list, "X-Total-Count"), std::to_string(names.size()));
    return names;
  }
  static std::string RobotBody(const std::string& name, const std::vector<std::string>& projects,
                               const std::string& level = "project") {
    std::string permissions;
    for (const std::string& project : projects) {
      if (!permissions.empty()) permissions += ",";
      permissions += R"({"kind":"project","namespace":")" + project +
                     R"(","access":[{"resource":"repository","action":"push"}]})";
    }
    return R"({"name":")" + name + R"(","level":")" + level + R"(","permissions":[)" + permissions +
           "]}";
  }
  std::int64_t RobotCount() {
    auto robots = store().ListRobots({});
    EXPECT_TRUE(robots);
    return robots ? robots->total : -1;
  }

  std::int64_t team_a_ = 0, team_b_ = 0, team_c_ = 0, pub_ = 0, team_b_devs_ = 0;
};

TEST_F(RegistryProjectAdminTest, ListShowsPublicAndOwnProjects) {
  EXPECT_EQ(ProjectNames("Bearer admin-token"),
            (std::set<std::string>{"pub", "team-a", "team-b", "team-c"}));
  EXPECT_EQ(ProjectNames("Bearer alice-token"), (std::set<std::string>{"pub", "team-a"}));
  EXPECT_EQ(ProjectNames("Bearer carol-token"), (std::set<std::string>{"pub", "team-b"}));
  EXPECT_EQ(ProjectNames("Bearer dave-token"), (std::set<std::string>{"pub", "team-b"}));
  EXPECT_EQ(ProjectNames("Bearer bob-token"), (std::set<std::string>{"pub"}));
  // Filters still apply within what the caller may see.
  ServerResponse filtered =
      Api("GET", "/api/v2.0/projects", "", "Bearer alice-token", {{"public", "false"}});
  ASSERT_EQ(filtered.status, 200);
  EXPECT_EQ(*Header(filtered, "X-Total-Count"), "1");
}

TEST_F(RegistryProjectAdminTest, HiddenProjectsAnswerLikeMissingOnes) {
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/team-a", "", "Bearer alice-token").status, 200);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/pub", "", "Bearer bob-token").status, 200);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/team-b", "", "Bearer dave-token").status, 200);
  ServerResponse hidden = Api("GET", "/api/v2.0/projects/team-c", "", "Bearer alice-token");
  ServerResponse missing = Api("GET", "/api/v2.0/projects/team-z", "", "Bearer alice-token");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(hidden.body,
            std::string(missing.body).replace(missing.body.find("team-z"), 6, "team-c"));
  ServerResponse hidden_id =
      Api("GET", "/api/v2.0/projects/" + std::to_string(team_c_), "", "Bearer alice-token");
  ServerResponse missing_id = Api("GET", "/api/v2.0/projects/99999", "", "Bearer alice-token");
  EXPECT_EQ(hidden_id.status, 404);
  EXPECT_EQ(missing_id.status, 404);
  EXPECT_EQ(ErrorCode(hidden_id), "NOT_FOUND");
  EXPECT_EQ(Api("HEAD", "/api/v2.0/projects", "", "Bearer bob-token", {{"project_name", "team-a"}})
                .status,
            404);
  EXPECT_EQ(
      Api("HEAD", "/api/v2.0/projects", "", "Bearer bob-token", {{"project_name", "pub"}}).status,
      200);
  EXPECT_EQ(
      Api("HEAD", "/api/v2.0/projects", "", "Bearer admin-token", {{"project_name", "team-c"}})
          .status,
      200);
  // Every other verb on a hidden project is a 404 too, never a 403.
  EXPECT_EQ(
      Api("PUT", "/api/v2.0/projects/team-c", R"({"public":true})", "Bearer alice-token").status,
      404);
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/team-c", "", "Bearer alice-token").status, 404);
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/team-c/members", "", "Bearer alice-token").status, 404);
}

TEST_F(RegistryProjectAdminTest, ProjectAdminUpdatesOnlyItsProject) {
  ServerResponse own =
      Api("PUT", "/api/v2.0/projects/team-a", R"({"public":true})", "Bearer alice-token");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(store().LoadProject("team-a")->is_public);
  // Through a group's projectAdmin role.
  ASSERT_EQ(
      Api("PUT", "/api/v2.0/projects/team-b", R"({"public":true})", "Bearer carol-token").status,
      200);
  EXPECT_TRUE(store().LoadProject("team-b")->is_public);
  // A developer (through a group) and a stranger on a public project are refused.
  ServerResponse developer =
      Api("PUT", "/api/v2.0/projects/team-b", R"({"public":false})", "Bearer dave-token");
  EXPECT_EQ(developer.status, 403);
  EXPECT_EQ(ErrorCode(developer), "FORBIDDEN");
  EXPECT_EQ(
      Api("PUT", "/api/v2.0/projects/pub", R"({"public":false})", "Bearer alice-token").status,
      403);
  EXPECT_TRUE(store().LoadProject("team-b")->is_public);
  EXPECT_TRUE(store().LoadProject("pub")->is_public);
}

TEST_F(RegistryProjectAdminTest, CreateAndDeleteProjectsNeedASystemAdministrator) {
  ServerResponse create =
      Api("POST", "/api/v2.0/projects", R"({"project_name":"mine"})", "Bearer alice-token");
  EXPECT_EQ(create.status, 403);
  EXPECT_EQ(ErrorCode(create), "FORBIDDEN");
  EXPECT_FALSE(store().LoadProject("mine"));
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/team-a", "", "Bearer alice-token").status, 403);
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/team-b", "", "Bearer carol-token").status, 403);
  EXPECT_TRUE(store().LoadProject("team-a"));
  EXPECT_EQ(Api("DELETE", "/api/v2.0/projects/team-c").status, 200);
  EXPECT_EQ(Api("POST", "/api/v2.0/projects", R"({"project_name":"mine"})").status, 201);
}

TEST_F(RegistryProjectAdminTest, MembersReadByMembersManagedByProjectAdmins) {
  // Any member reads: alice (user admin), dave (group developer).
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/team-a/members", "", "Bearer alice-token").status, 200);
  ServerResponse dave = Api("GET", "/api/v2.0/projects/team-b/members", "", "Bearer dave-token");
  ASSERT_EQ(dave.status, 200);
  EXPECT_EQ(*Header(dave, "X-Total-Count"), "2");
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/team-b/members/" + std::to_string(team_b_devs_), "",
                "Bearer dave-token")
                .status,
            200);
  // A non-member of a public project sees the project but not its members.
  EXPECT_EQ(Api("GET", "/api/v2.0/projects/pub/members", "", "Bearer bob-token").status, 403);

  const std::string add = R"({"role_id":2,"member_user":{"username":"erin"}})";
  ASSERT_EQ(Api("POST", "/api/v2.0/projects/team-a/members", add, "Bearer alice-token").status,
            201);
  ASSERT_EQ(Api("POST", "/api/v2.0/projects/team-b/members", add, "Bearer carol-token").status,
            201);
  ServerResponse developer =
      Api("POST", "/api/v2.0/projects/team-b/members",
          R"({"role_id":1,"member_user":{"username":"dave"}})", "Bearer dave-token");
  EXPECT_EQ(developer.status, 403);
  EXPECT_EQ(ErrorCode(developer), "FORBIDDEN");
  const std::string path = "/api/v2.0/projects/team-b/members/" + std::to_string(team_b_devs_);
  EXPECT_EQ(Api("PUT", path, R"({"role_id":1})", "Bearer dave-token").status, 403);
  EXPECT_EQ(Api("DELETE", path, "", "Bearer dave-token").status, 403);
  auto devs = store().LoadMember(team_b_, team_b_devs_);
  ASSERT_TRUE(devs);
  EXPECT_EQ(devs->role, Role::kDeveloper);
  ASSERT_EQ(Api("PUT", path, R"({"role_id":4})", "Bearer carol-token").status, 200);
  EXPECT_EQ(store().LoadMember(team_b_, team_b_devs_)->role, Role::kMaintainer);
}

TEST_F(RegistryProjectAdminTest, ProjectAdminCannotReachAnotherProjectsMembers) {
  // alice administers team-a; the devs member belongs to team-b. Its id through team-a's path
  // is not found, and nothing changes.
  const std::string through_a = "/api/v2.0/projects/team-a/members/" + std::to_string(team_b_devs_);
  EXPECT_EQ(Api("GET", through_a, "", "Bearer alice-token").status, 404);
  EXPECT_EQ(Api("PUT", through_a, R"({"role_id":1})", "Bearer alice-token").status, 404);
  EXPECT_EQ(Api("DELETE", through_a, "", "Bearer alice-token").status, 404);
  // Directly on team-b, where alice is no member: hidden.
  const std::string direct = "/api/v2.0/projects/team-b/members/" + std::to_string(team_b_devs_);
  EXPECT_EQ(Api("PUT", direct, R"({"role_id":1})", "Bearer alice-token").status, 404);
  auto devs = store().LoadMember(team_b_, team_b_devs_);
  ASSERT_TRUE(devs);
  EXPECT_EQ(devs->role, Role::kDeveloper);
}

TEST_F(RegistryProjectAdminTest, ProjectAdminCreatesRobotsOfItsProjectOnly) {
  ServerResponse own =
      Api("POST", "/api/v2.0/robots", RobotBody("ci", {"team-a"}), "Bearer alice-token");
  ASSERT_EQ(own.status, 201) << own.body;
  const std::string secret = *JsonOf(own).Find("secret")->AsString();
  EXPECT_EQ(Token({"repository:team-a/app:push"}, Basic("robot+team-a+ci", secret)).status, 200);
  // Through the group's projectAdmin role.
  ASSERT_EQ(
      Api("POST", "/api/v2.0/robots", RobotBody("ci", {"team-b"}), "Bearer carol-token").status,
      201);
  EXPECT_EQ(RobotCount(), 2);

  struct Case {
    std::string body;
    std::string authorization;
    int status;
  };
  const std::vector<Case> refused = {
      {RobotBody("x", {"team-b"}), "Bearer dave-token", 403},   // developer only
      {RobotBody("x", {"team-b"}), "Bearer alice-token", 404},  // hidden from alice
      {RobotBody("x", {"team-c"}), "Bearer alice-token", 404},
      {RobotBody("x", {"pub"}), "Bearer alice-token", 403},  // visible, not a member
      {RobotBody("x", {"team-a", "pub"}), "Bearer alice-token", 403},
      {RobotBody("x", {"pub", "team-a"}), "Bearer alice-token", 403},
      {RobotBody("x", {"team-a", "team-c"}), "Bearer alice-token", 404},
      {RobotBody("x", {"*"}), "Bearer alice-token", 403},
      {RobotBody("x", {"team-a"}, "system"), "Bearer alice-token", 403},
  };
  for (const Case& c : refused) {
    ServerResponse response = Api("POST", "/api/v2.0/robots", c.body, c.authorization);
    EXPECT_EQ(response.status, c.status)
        << c.authorization << " " << c.body << " → " << response.body;
  }
  EXPECT_EQ(RobotCount(), 2);
  // An administrator may create a system robot.
  EXPECT_EQ(Api("POST", "/api/v2.0/robots", RobotBody("sys", {"team-a", "pub"}, "system")).status,
            201);
}

TEST_F(RegistryProjectAdminTest, ProjectAdminManagesRobotsOfItsProjectOnly) {
  RobotWithSecret a = MakeRobot("team-a", "ci", "push");
  RobotWithSecret b = MakeRobot("team-b", "ci", "push");
  ASSERT_EQ(Api("POST", "/api/v2.0/robots", RobotBody("sys", {"team-a"}, "system")).status, 201);
  const std::string a_path = "/api/v2.0/robots/" + std::to_string(a.robot.id);
  const std::string b_path = "/api/v2.0/robots/" + std::to_string(b.robot.id);

  ServerResponse list = Api("GET", "/api/v2.0/robots", "", "Bearer alice-token",
                            {{"q", "Level=project,ProjectID=" + std::to_string(team_a_)}});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(*Header(list, "X-Total-Count"), "1");
  EXPECT_EQ(Api("GET", "/api/v2.0/robots", "", "Bearer alice-token").status, 403);
  EXPECT_EQ(
      Api("GET", "/api/v2.0/robots", "", "Bearer alice-token", {{"q", "Level=system"}}).status,
      403);
  EXPECT_EQ(Api("GET", "/api/v2.0/robots", "", "Bearer alice-token",
                {{"q", "ProjectID=" + std::to_string(team_b_)}})
                .status,
            404);
  EXPECT_EQ(Api("GET", "/api/v2.0/robots", "", "Bearer dave-token",
                {{"q", "ProjectID=" + std::to_string(team_b_)}})
                .status,
            403);
  ServerResponse carol = Api("GET", "/api/v2.0/robots", "", "Bearer carol-token",
                             {{"q", "ProjectID=" + std::to_string(team_b_)}});
  ASSERT_EQ(carol.status, 200);
  EXPECT_EQ(*Header(carol, "X-Total-Count"), "1");  // the system robot is not listed

  EXPECT_EQ(Api("GET", a_path, "", "Bearer alice-token").status, 200);
  EXPECT_EQ(Api("GET", b_path, "", "Bearer alice-token").status, 404);
  EXPECT_EQ(Api("GET", b_path, "", "Bearer dave-token").status, 403);
  EXPECT_EQ(Api("PATCH", b_path, "", "Bearer dave-token").status, 403);
  EXPECT_EQ(Token({}, Basic(b.login, b.secret)).status, 200);  // not rotated
  auto system = store().LoadRobot("sys");
  ASSERT_TRUE(system);
  EXPECT_EQ(
      Api("GET", "/api/v2.0/robots/" + std::to_string(system->id), "", "Bearer alice-token").status,
      404);

  // alice's own robot: update, refuse a permission on another project, rotate, delete.
  ASSERT_EQ(Api("PUT", a_path, R"({"description":"ci of team-a"})", "Bearer alice-token").status,
            200);
  const std::string widen =
      R"({"permissions":[{"kind":"project","namespace":"pub","access":[{"resource":"repository","action":"push"}]}]})";
  ServerResponse widened = Api("PUT", a_path, widen, "Bearer alice-token");
  EXPECT_EQ(widened.status, 403);
  EXPECT_EQ(ErrorCode(widened), "FORBIDDEN");
  EXPECT_EQ(store().LoadRobotById(a.robot.id)->permissions[0].project, "team-a");
  ServerResponse rotated = Api("PATCH", a_path, "", "Bearer alice-token");
  ASSERT_EQ(rotated.status, 200);
  const std::string fresh = *JsonOf(rotated).Find("secret")->AsString();
  EXPECT_EQ(Token({}, Basic(a.login, fresh)).status, 200);
  EXPECT_EQ(Api("DELETE", b_path, "", "Bearer dave-token").status, 403);
  EXPECT_EQ(Api("DELETE", a_path, "", "Bearer alice-token").status, 200);
  EXPECT_EQ(Token({}, Basic(a.login, fresh)).status, 401);
  EXPECT_EQ(Api("DELETE", b_path, "", "Bearer carol-token").status, 200);
}

// Refusals that must look like "not found" are compared in full (status, headers, body) with
// what the same request answers once the object is really gone, and with a never-used id.
class RegistryNotFoundTest : public RegistryProjectAdminTest {
 protected:
  struct Call {
    std::string method, path, body;
    std::vector<std::pair<std::string, std::string>> query = {};
    bool by_name = false;  // X-Is-Resource-Name: true
  };
  ServerResponse Send(const Call& call, const std::string& authorization = "Bearer alice-token") {
    ServerRequest request = Request(call.method, call.path, call.query, authorization, call.body);
    if (call.by_name) request.headers.emplace_back("X-Is-Resource-Name", "true");
    return service_->Handle(request);
  }
  static void ExpectIdentical404(const ServerResponse& a, const ServerResponse& b) {
    EXPECT_EQ(a.status, 404) << a.body;
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.headers, b.headers);
    EXPECT_EQ(a.body, b.body);
  }
  // Every call while the object exists (hidden from alice), then `remove`, then again.
  void ExpectHiddenAnswersAsMissing(const std::vector<Call>& calls,
                                    const std::function<void()>& remove) {
    std::vector<ServerResponse> hidden;
    for (const Call& call : calls) hidden.push_back(Send(call));
    remove();
    for (std::size_t i = 0; i < calls.size(); ++i) {
      SCOPED_TRACE(calls[i].method + " " + calls[i].path + " " + calls[i].body);
      ExpectIdentical404(hidden[i], Send(calls[i]));
    }
  }
  static std::vector<Call> RobotCalls(const std::string& path) {
    return {{"GET", path, ""},
            {"PUT", path, R"({"description":"x"})"},
            {"PUT", path, R"({"no_such_field":1})"},
            {"PATCH", path, ""},
            {"PATCH", path, R"({"secret":"Aa345678901"})"},
            {"DELETE", path, ""},
            {"POST", path, "{}"}};
  }
  std::int64_t SystemRobot(const std::string& name) {
    const std::string body = RobotBody(name, {"team-a"}, "system");
    ServerResponse created = Api("POST", "/api/v2.0/robots", body);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? *JsonOf(created).Find("id")->AsInt() : 0;
  }
};

// The finding of issue 10: a system robot's id answered "no such robot account" while a
// missing id answered "robot N not found".
TEST_F(RegistryNotFoundTest, SystemRobotIdAnswersAsAMissingId) {
  const std::int64_t system = SystemRobot("sys");
  const std::string path = "/api/v2.0/robots/" + std::to_string(system);
  for (const Call& call : RobotCalls(path)) {
    SCOPED_TRACE(call.method + " " + call.body);
    Call missing = call;
    missing.path = "/api/v2.0/robots/999999";
    ExpectIdentical404(Send(call), Send(missing));
    missing.path = "/api/v2.0/robots/abc";
    ExpectIdentical404(Send(call), Send(missing));
  }
  EXPECT_EQ(Api("GET", path).status, 200);  // an administrator sees it
  ExpectHiddenAnswersAsMissing(RobotCalls(path),
                               [&] { ASSERT_TRUE(store().DeleteRobot("test", system)); });
  ExpectIdentical404(Api("GET", path), Send({"GET", path, ""}));
}

TEST_F(RegistryNotFoundTest, RobotOfAProjectTheCallerIsNoMemberOfAnswersAsAMissingId) {
  // team-b is private and hidden from alice; pub is public, but its robots are not.
  for (const std::string project : {"team-b", "pub"}) {
    SCOPED_TRACE(project);
    RobotWithSecret robot = MakeRobot(project, "ci", "push");
    const std::string path = "/api/v2.0/robots/" + std::to_string(robot.robot.id);
    for (const Call& call : RobotCalls(path)) {
      Call missing = call;
      missing.path = "/api/v2.0/robots/999999";
      ExpectIdentical404(Send(call), Send(missing));
    }
    ExpectHiddenAnswersAsMissing(RobotCalls(path),
                                 [&] { ASSERT_TRUE(store().DeleteRobot("test", robot.robot.id)); });
  }
  // A member without projectAdmin sees that the robot exists: 403, not 404.
  RobotWithSecret b = MakeRobot("team-b", "ci", "push");
  EXPECT_EQ(Send({"GET", "/api/v2.0/robots/" + std::to_string(b.robot.id), ""}, "Bearer dave-token")
                .status,
            403);
}

TEST_F(RegistryNotFoundTest, HiddenProjectAnswersAsAMissingOne) {
  const std::string id = std::to_string(team_c_);
  const std::string member = R"({"role_id":2,"member_user":{"username":"x"}})";
  const std::vector<Call> calls = {
      {"GET", "/api/v2.0/projects/team-c", ""},
      {"GET", "/api/v2.0/projects/" + id, ""},
      {"GET", "/api/v2.0/projects/team-c", "", {}, true},
      {"GET", "/api/v2.0/projects/" + id, "", {}, true},  // the digits as a name
      {"HEAD", "/api/v2.0/projects/team-c", ""},
      {"PUT", "/api/v2.0/projects/team-c", R"({"public":true})"},
      {"PUT", "/api/v2.0/projects/team-c", "not json"},
      {"DELETE", "/api/v2.0/projects/" + id, ""},
      {"POST", "/api/v2.0/projects/team-c", "{}"},
      {"GET", "/api/v2.0/projects/team-c/members", ""},
      {"POST", "/api/v2.0/projects/team-c/members", member},
      {"POST", "/api/v2.0/projects/team-c/members", R"({"role_id":"2"})"},
      {"GET", "/api/v2.0/projects/team-c/members/1", ""},
      {"PUT", "/api/v2.0/projects/" + id + "/members/1", R"({"role_id":1})"},
      {"DELETE", "/api/v2.0/projects/team-c/members/1", ""},
      {"HEAD", "/api/v2.0/projects", "", {{"project_name", "team-c"}}},
      {"GET", "/api/v2.0/robots", "", {{"project", "team-c"}}},
      {"GET", "/api/v2.0/robots", "", {{"project", id}}},
      {"GET", "/api/v2.0/robots", "", {{"q", "ProjectID=" + id}}},
      {"GET", "/api/v2.0/robots", "", {{"q", "Level=project,ProjectID=" + id}}},
      // Level=system was refused (403) before the project was checked (404 when missing).
      {"GET", "/api/v2.0/robots", "", {{"q", "Level=system,ProjectID=" + id}}},
      {"POST", "/api/v2.0/robots", RobotBody("x", {"team-c"})},
      {"POST", "/api/v2.0/robots", RobotBody("x", {"team-a", "team-c"})},
  };
  std::vector<ServerResponse> hidden;
  for (const Call& call : calls) hidden.push_back(Send(call));
  ASSERT_TRUE(store().DeleteProject("test", team_c_));
  for (std::size_t i = 0; i < calls.size(); ++i) {
    SCOPED_TRACE(calls[i].method + " " + calls[i].path + " " + calls[i].body);
    ExpectIdentical404(hidden[i], Send(calls[i]));
  }
  EXPECT_EQ(RobotCount(), 0);
}

TEST_F(RegistryNotFoundTest, MemberOfAnotherProjectAnswersAsAMissingId) {
  // alice administers team-a; team_b_devs_ is a member id of team-b.
  const std::string path = "/api/v2.0/projects/team-a/members/" + std::to_string(team_b_devs_);
  const std::vector<Call> calls = {
      {"GET", path, ""}, {"PUT", path, R"({"role_id":1})"}, {"DELETE", path, ""}};
  for (const Call& call : calls) {
    Call missing = call;
    missing.path = "/api/v2.0/projects/team-a/members/999999";
    ExpectIdentical404(Send(call), Send(missing));
    missing.path = "/api/v2.0/projects/team-a/members/abc";
    ExpectIdentical404(Send(call), Send(missing));
  }
  ExpectHiddenAnswersAsMissing(
      calls, [&] { ASSERT_TRUE(store().RemoveMember("test", team_b_, team_b_devs_)); });
}

TEST_F(RegistryNotFoundTest, AnotherPersonsTokenAnswersAsAMissingId) {
  ServerResponse created =
      Api("POST", "/api/v2.0/users/current/tokens", R"({"name":"laptop"})", "Bearer bob-token");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = *JsonOf(created).Find("id")->AsInt();
  const std::string path = "/api/v2.0/users/current/tokens/" + std::to_string(id);
  ExpectIdentical404(Send({"DELETE", path, ""}),
                     Send({"DELETE", "/api/v2.0/users/current/tokens/999999", ""}));
  ExpectHiddenAnswersAsMissing({{"DELETE", path, ""}}, [&] {
    ASSERT_EQ(Api("DELETE", path, "", "Bearer bob-token").status, 200);
  });
}

// /users/{id} is for administrators: everyone else gets the same 403 whatever the id.
TEST_F(RegistryNotFoundTest, UserIdsAreNotProbedByOthers) {
  ASSERT_EQ(Api("GET", "/api/v2.0/users/current", "", "Bearer bob-token").status, 200);
  const std::string bob = std::to_string(store().LoadUser("bob")->id);
  for (const std::string method : {"GET", "DELETE"}) {
    ServerResponse existing = Send({method, "/api/v2.0/users/" + bob, ""});
    ServerResponse missing = Send({method, "/api/v2.0/users/999999", ""});
    EXPECT_EQ(existing.status, 403);
    EXPECT_EQ(existing.headers, missing.headers);
    EXPECT_EQ(existing.body, missing.body);
  }
}

TEST_F(RegistryProjectAdminTest, RobotsAndPeopleWithoutRoleStayOut) {
  RobotWithSecret robot = MakeRobot("team-a", "ci", "admin");
  const std::string as_robot = Basic(robot.login, robot.secret);
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v2.0/projects"},
           {"GET", "/api/v2.0/projects/team-a"},
           {"GET", "/api/v2.0/projects/team-a/members"},
           {"GET", "/api/v2.0/robots"},
           {"GET", "/api/v2.0/users"},
           {"GET", "/api/v2.0/users/current"}}) {
    ServerResponse response = Api(method, path, "", as_robot);
    EXPECT_EQ(response.status, 403) << path;
    EXPECT_EQ(ErrorCode(response), "FORBIDDEN") << path;
  }
  ServerResponse users = Api("GET", "/api/v2.0/users", "", "Bearer alice-token");
  EXPECT_EQ(users.status, 403);
  EXPECT_EQ(ErrorCode(users), "FORBIDDEN");
}

}  // namespace
}  // namespace gatehouse::adapters::registry_service
