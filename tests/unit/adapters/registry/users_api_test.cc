// /api/v2.0/users and /users/{id}/relink: administrators list people and point an account at
// a new identity-provider identity (issuer + subject) when the provider changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "common/common_errors.h"
#include "registry_test_env.h"

namespace gatehouse::adapters::registry_service {
namespace {

using testing_env::RegistryFixture;

class RegistryUsersApiTest : public RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    // The same person after the identity provider moved: new issuer and subject.
    identity_->Add("alice-new-token", "alice", {"devs"}, "https://idp2.example", "s-42");
    for (const char* token : {"Bearer admin-token", "Bearer alice-token", "Bearer bob-token"}) {
      ASSERT_EQ(Api("GET", "/api/v2.0/users/current", "", token).status, 200) << token;
    }
  }
  std::int64_t UserId(const std::string& username) {
    auto user = store().LoadUser(username);
    EXPECT_TRUE(user) << username;
    return user ? user->id : 0;
  }
  ServerResponse Relink(std::int64_t id, const std::string& body,
                        const std::string& authorization = "Bearer admin-token") {
    return Api("PUT", "/api/v2.0/users/" + std::to_string(id) + "/relink", body, authorization);
  }
};

TEST_F(RegistryUsersApiTest, ListsUsersPaged) {
  ServerResponse all = Api("GET", "/api/v2.0/users");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(*Header(all, "X-Total-Count"), "3");
  const value::Value users = JsonOf(all);
  ASSERT_TRUE(users.is_array());
  std::vector<std::string> names;
  for (const value::Value& user : *users.AsArray()) {
    names.push_back(*user.Find("username")->AsString());
  }
  EXPECT_THAT(names, ::testing::ElementsAre("alice", "bob", "root"));
  const value::Value& alice = (*users.AsArray())[0];
  EXPECT_EQ(*alice.Find("issuer")->AsString(), "https://idp.example");
  EXPECT_EQ(*alice.Find("subject")->AsString(), "sub-alice");

  ServerResponse page =
      Api("GET", "/api/v2.0/users", "", "Bearer admin-token", {{"page", "2"}, {"page_size", "2"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(*Header(page, "X-Total-Count"), "3");
  const value::Value second = JsonOf(page);
  ASSERT_EQ(second.AsArray()->size(), 1u);
  EXPECT_EQ(*(*second.AsArray())[0].Find("username")->AsString(), "root");
  EXPECT_EQ(
      Api("GET", "/api/v2.0/users", "", "Bearer admin-token", {{"page_size", "100000"}}).status,
      400);
  EXPECT_EQ(Api("GET", "/api/v2.0/users", "", "Bearer alice-token").status, 403);
  EXPECT_EQ(Api("POST", "/api/v2.0/users", "{}").status, 405);
}

TEST_F(RegistryUsersApiTest, RelinkLetsTheNewIdentityLogInAsTheSameUser) {
  const std::int64_t alice = UserId("alice");
  // Before: the new identity may not take over the name.
  EXPECT_EQ(Api("GET", "/api/v2.0/users/current", "", "Bearer alice-new-token").status, 401);

  ServerResponse relinked = Relink(alice, R"({"issuer":"https://idp2.example","subject":"s-42"})");
  ASSERT_EQ(relinked.status, 200) << relinked.body;
  EXPECT_EQ(*JsonOf(relinked).Find("user_id")->AsInt(), alice);
  EXPECT_EQ(*JsonOf(relinked).Find("issuer")->AsString(), "https://idp2.example");

  ServerResponse me = Api("GET", "/api/v2.0/users/current", "", "Bearer alice-new-token");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(*JsonOf(me).Find("user_id")->AsInt(), alice);
  EXPECT_EQ(*JsonOf(me).Find("username")->AsString(), "alice");
  // The old identity no longer owns the name.
  EXPECT_EQ(Api("GET", "/api/v2.0/users/current", "", "Bearer alice-token").status, 401);

  registry::AuditFilter filter;
  auto events = store().ListAuditEvents(filter);
  ASSERT_TRUE(events);
  bool audited = false;
  for (const registry::AuditEvent& event : events->items) {
    if (event.operation == "user.relink") {
      audited = true;
      EXPECT_EQ(event.actor, "root");
    }
  }
  EXPECT_TRUE(audited);
}

TEST_F(RegistryUsersApiTest, RelinkRefusals) {
  const std::int64_t alice = UserId("alice");
  const std::int64_t bob = UserId("bob");
  // bob's identity belongs to bob: alice cannot be pointed at it.
  ServerResponse taken = Relink(alice, R"({"issuer":"https://idp.example","subject":"sub-bob"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(ErrorCode(taken), "CONFLICT");
  ServerResponse unknown = Relink(99999, R"({"issuer":"https://idp2.example","subject":"s-1"})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "NOT_FOUND");
  EXPECT_EQ(Api("PUT", "/api/v2.0/users/abc/relink", "{}").status, 404);
  for (const char* body : {R"({"issuer":"https://idp2.example"})", R"({"subject":"s"})",
                           R"({"issuer":"","subject":"s"})", R"({"issuer":"i","subject":7})",
                           R"({"issuer":"i\n","subject":"s"})", "nope"}) {
    ServerResponse response = Relink(alice, body);
    EXPECT_EQ(response.status, 400) << body << " → " << response.body;
  }
  EXPECT_EQ(
      Relink(bob, R"({"issuer":"https://idp2.example","subject":"s-42"})", "Bearer alice-token")
          .status,
      403);
  EXPECT_EQ(Api("GET", "/api/v2.0/users/" + std::to_string(alice) + "/relink").status, 405);
  auto unchanged = store().LoadUserById(alice);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->subject, "sub-alice");
  EXPECT_EQ(store().LoadUserById(bob)->issuer, "https://idp.example");
}

TEST_F(RegistryUsersApiTest, AdministratorsRevokeTokensAndDeletePeople) {
  ASSERT_TRUE(store().CreateProject("test", "team-a", false));
  auto project = store().LoadProject("team-a");
  ASSERT_TRUE(store().AddMember("test", project->id, registry::MemberKind::kUser, "alice",
                                registry::Role::kDeveloper));
  auto mint = [&](const std::string& name) {
    ServerResponse created = Api("POST", "/api/v2.0/users/current/tokens",
                                 R"({"name":")" + name + R"("})", "Bearer alice-token");
    EXPECT_EQ(created.status, 201) << created.body;
    value::Value body = JsonOf(created);
    return std::make_pair(*body.Find("id")->AsInt(), *body.Find("secret")->AsString());
  };
  auto [laptop_id, laptop] = mint("laptop");
  auto [ci_id, ci] = mint("ci");
  const std::string base = "/api/v2.0/users/" + std::to_string(UserId("alice"));

  ServerResponse listed = Api("GET", base + "/tokens");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(*Header(listed, "X-Total-Count"), "2");
  EXPECT_EQ(listed.body.find(laptop), std::string::npos);
  // Not for anyone else, and another person's token id is a 404 under this user.
  EXPECT_EQ(Api("GET", base + "/tokens", "", "Bearer bob-token").status, 403);
  EXPECT_EQ(
      Api("DELETE", base + "/tokens/" + std::to_string(laptop_id), "", "Bearer bob-token").status,
      403);
  const std::string bob_base = "/api/v2.0/users/" + std::to_string(UserId("bob"));
  EXPECT_EQ(Api("DELETE", bob_base + "/tokens/" + std::to_string(laptop_id)).status, 404);

  ASSERT_EQ(Token({}, Basic("alice", laptop)).status, 200);
  ASSERT_EQ(Api("DELETE", base + "/tokens/" + std::to_string(laptop_id)).status, 200);
  EXPECT_EQ(Token({}, Basic("alice", laptop)).status, 401);
  EXPECT_EQ(Token({}, Basic("alice", ci)).status, 200);

  // Deleting the person ends every token and membership at once.
  ASSERT_EQ(Api("DELETE", base).status, 200);
  EXPECT_EQ(Token({}, Basic("alice", ci)).status, 401);
  EXPECT_EQ(Api("GET", base).status, 404);
  EXPECT_EQ(store().LoadAccessTokenById(ci_id).error().code, CommonError::kNotFound);
  auto members = store().ListMembers(project->id, "", registry::PageRequest{});
  ASSERT_TRUE(members);
  EXPECT_EQ(members->total, 0);
}

}  // namespace
}  // namespace gatehouse::adapters::registry_service
