// The RegistryStore contract, run against every backend: SQLite always, PostgreSQL when
// GATEHOUSE_TEST_POSTGRES_URL names a server (skipped otherwise).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/registry_store/postgres_store.h"
#include "adapters/registry_store/sqlite_store.h"
#include "common/common_errors.h"
#include "registry/store.h"
#include "registry/store_errors.h"
#include "store_test_env.h"

namespace gatehouse::adapters {
namespace {

using registry::AuditEvent;
using registry::AuditFilter;
using registry::kNever;
using registry::MemberKind;
using registry::NewAccessToken;
using registry::NewRobot;
using registry::PageRequest;
using registry::ProjectFilter;
using registry::RegistryStore;
using registry::Robot;
using registry::RobotFilter;
using registry::RobotLevel;
using registry::RobotPermission;
using registry::RobotUpdate;
using registry::Role;
using registry::UserLogin;
using registry_store_testing::kSkipReason;
using registry_store_testing::PostgresSchema;
using registry_store_testing::PostgresTestUrl;
using registry_store_testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kInjection[] = "x'; DROP TABLE project;--";
constexpr char kHash[] = "pbkdf2-sha256$4096$c2FsdA$SECRETHASHVALUE";

class RegistryStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      path_ = dir_.Sub("registry.db");
      auto opened = OpenSqliteRegistryStore(path_, clock_);
      ASSERT_TRUE(opened) << opened.error().ToString();
      store_ = std::move(*opened);
    } else {
      const std::string base = PostgresTestUrl();
      if (base.empty()) GTEST_SKIP() << kSkipReason;
      schema_ = std::make_unique<PostgresSchema>(base);
      ASSERT_EQ(schema_->error(), "");
      auto opened = OpenPostgresRegistryStore(schema_->url(), clock_);
      ASSERT_TRUE(opened) << opened.error().ToString();
      store_ = std::move(*opened);
    }
  }

  // A second, independent store on the same database (another process or replica).
  std::unique_ptr<RegistryStore> OpenAgain() {
    auto opened = GetParam() == "sqlite" ? OpenSqliteRegistryStore(path_, clock_)
                                         : OpenPostgresRegistryStore(schema_->url(), clock_);
    EXPECT_TRUE(opened) << opened.error().ToString();
    return opened ? std::move(*opened) : nullptr;
  }

  std::int64_t NewProject(const std::string& name, bool is_public = false) {
    auto p = store_->CreateProject("cli", name, is_public);
    EXPECT_TRUE(p) << p.error().ToString();
    return p ? p->id : 0;
  }

  std::vector<AuditEvent> Audit(const std::string& prefix = "") {
    AuditFilter filter;
    filter.resource_prefix = prefix;
    filter.page.page_size = registry::kMaxPageSize;
    auto events = store_->ListAuditEvents(filter);
    EXPECT_TRUE(events) << events.error().ToString();
    return events ? events->items : std::vector<AuditEvent>{};
  }

  std::vector<std::string> Operations(const std::string& prefix = "") {
    std::vector<std::string> ops;
    for (const AuditEvent& e : Audit(prefix)) ops.push_back(e.operation);
    return ops;
  }

  NewRobot ProjectRobot(std::int64_t project_id, const std::string& project,
                        const std::string& name, std::vector<std::string> actions) {
    NewRobot r;
    r.name = project + "+" + name;
    r.level = RobotLevel::kProject;
    r.project_id = project_id;
    r.permissions = {RobotPermission{project, std::move(actions)}};
    r.secret_hash = kHash;
    return r;
  }

  std::int64_t NewUser(const std::string& username, const std::string& subject) {
    auto u = store_->UpsertUserAtLogin(
        UserLogin{"https://idp.example", subject, username, username + "@example.org", false});
    EXPECT_TRUE(u) << u.error().ToString();
    return u ? u->id : 0;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<PostgresSchema> schema_;
  ManualClock clock_;
  std::unique_ptr<RegistryStore> store_;
};

// ---- Projects ------------------------------------------------------------------------

TEST_P(RegistryStoreContract, CreateProjectAssignsIdTimesAndAudits) {
  auto p = store_->CreateProject("alice", "team-a", true);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_GT(p->id, 0);
  EXPECT_EQ(p->name, "team-a");
  EXPECT_TRUE(p->is_public);
  EXPECT_EQ(p->creation_time, 1700000000);
  EXPECT_EQ(p->update_time, 1700000000);
  auto events = Audit();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "alice");
  EXPECT_EQ(events[0].operation, "project.create");
  EXPECT_EQ(events[0].resource, "project/team-a");
  EXPECT_EQ(events[0].time, 1700000000);
}

TEST_P(RegistryStoreContract, DuplicateProjectIsConflictAndStoresNothing) {
  NewProject("team-a");
  auto again = store_->CreateProject("cli", "team-a", true);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, CommonError::kConflict);
  EXPECT_THAT(again.error().message, HasSubstr("team-a"));
  EXPECT_THAT(again.error().message, Not(HasSubstr("INSERT")));
  EXPECT_EQ(Audit().size(), 1u);
  auto loaded = store_->LoadProject("team-a");
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->is_public);
}

TEST_P(RegistryStoreContract, SqlMeaningfulNamesAreOnlyData) {
  const std::vector<std::string> names = {kInjection, "a\"b", "100%",        "a_b",
                                          "q?",       "$1",   "back\\slash", "ünï"};
  for (const std::string& name : names) {
    auto p = store_->CreateProject("cli", name, false);
    ASSERT_TRUE(p) << name << ": " << p.error().ToString();
    auto loaded = store_->LoadProject(name);
    ASSERT_TRUE(loaded) << name;
    EXPECT_EQ(loaded->name, name);
    EXPECT_EQ(loaded->id, p->id);
  }
  auto all = store_->ListProjects({});
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(all->total, static_cast<std::int64_t>(names.size()));
  // The table survived, and LIKE wildcards in a filter match only themselves.
  ProjectFilter percent;
  percent.name_contains = "%";
  auto matched = store_->ListProjects(percent);
  ASSERT_TRUE(matched);
  ASSERT_EQ(matched->items.size(), 1u);
  EXPECT_EQ(matched->items[0].name, "100%");
  ProjectFilter underscore;
  underscore.name_contains = "_";
  matched = store_->ListProjects(underscore);
  ASSERT_TRUE(matched);
  ASSERT_EQ(matched->items.size(), 1u);
  EXPECT_EQ(matched->items[0].name, "a_b");
  EXPECT_FALSE(store_->LoadProject("x").has_value());
}

TEST_P(RegistryStoreContract, LoadProjectNotFound) {
  auto by_name = store_->LoadProject("nope");
  ASSERT_FALSE(by_name);
  EXPECT_EQ(by_name.error().code, CommonError::kNotFound);
  auto by_id = store_->LoadProjectById(4242);
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().code, CommonError::kNotFound);
  const std::int64_t id = NewProject("team-a");
  auto found = store_->LoadProjectById(id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "team-a");
}

TEST_P(RegistryStoreContract, EmptyOrOverlongNamesAreInvalid) {
  auto empty = store_->CreateProject("cli", "", false);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, CommonError::kInvalidArgument);
  auto long_name = store_->CreateProject("cli", std::string(256, 'a'), false);
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error().code, CommonError::kInvalidArgument);
  EXPECT_TRUE(Audit().empty());
}

TEST_P(RegistryStoreContract, NulInANameIsRefusedNotTruncated) {
  auto created = store_->CreateProject("cli", std::string("team\0evil", 9), false);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, CommonError::kInvalidArgument);
  EXPECT_EQ(store_->LoadProject("team").error().code, CommonError::kNotFound);
  EXPECT_TRUE(Audit().empty());
}

TEST_P(RegistryStoreContract, ListProjectsPagesInNameOrderWithTotal) {
  for (const char* name : {"delta", "alpha", "echo", "charlie", "bravo"}) NewProject(name);
  ProjectFilter filter;
  filter.page = PageRequest{2, 2};
  auto page = store_->ListProjects(filter);
  ASSERT_TRUE(page) << page.error().ToString();
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].name, "charlie");
  EXPECT_EQ(page->items[1].name, "delta");
  filter.page = PageRequest{3, 2};
  page = store_->ListProjects(filter);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "echo");
  filter.page = PageRequest{9, 2};
  page = store_->ListProjects(filter);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(page->total, 5);
}

TEST_P(RegistryStoreContract, ListProjectsFiltersByVisibilityAndName) {
  NewProject("team-a", true);
  NewProject("team-b", false);
  NewProject("other", true);
  ProjectFilter filter;
  filter.is_public = true;
  filter.name_contains = "team";
  auto page = store_->ListProjects(filter);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "team-a");
  EXPECT_EQ(page->total, 1);
}

// The names of the projects a viewer may see (visible_to), over every page.
std::vector<std::string> VisibleNames(RegistryStore& store, const std::string& username,
                                      std::vector<std::string> groups,
                                      std::int64_t* total = nullptr) {
  ProjectFilter filter;
  filter.visible_to = registry::ProjectViewer{username, std::move(groups)};
  filter.page.page_size = registry::kMaxPageSize;
  auto page = store.ListProjects(filter);
  EXPECT_TRUE(page) << page.error().ToString();
  std::vector<std::string> names;
  if (!page) return names;
  for (const registry::Project& project : page->items) names.push_back(project.name);
  if (total != nullptr) *total = page->total;
  return names;
}

TEST_P(RegistryStoreContract, ListProjectsVisibleToUserAndGroups) {
  NewProject("pub", true);
  const std::int64_t a = NewProject("team-a");
  const std::int64_t b = NewProject("team-b");
  const std::int64_t c = NewProject("team-c");
  NewProject("team-d");
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kUser, "alice", Role::kGuest));
  ASSERT_TRUE(store_->AddMember("cli", b, MemberKind::kGroup, "devs", Role::kDeveloper));
  ASSERT_TRUE(store_->AddMember("cli", c, MemberKind::kGroup, "ops", Role::kProjectAdmin));
  // A user named like a group (and a group named like a user) is not the same member.
  ASSERT_TRUE(store_->AddMember("cli", c, MemberKind::kUser, "devs", Role::kGuest));
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kGroup, "bob", Role::kGuest));

  std::int64_t total = 0;
  EXPECT_THAT(VisibleNames(*store_, "alice", {}, &total), ElementsAre("pub", "team-a"));
  EXPECT_EQ(total, 2);
  EXPECT_THAT(VisibleNames(*store_, "alice", {"devs"}), ElementsAre("pub", "team-a", "team-b"));
  EXPECT_THAT(VisibleNames(*store_, "carol", {"devs", "ops"}),
              ElementsAre("pub", "team-b", "team-c"));
  EXPECT_THAT(VisibleNames(*store_, "bob", {}), ElementsAre("pub"));
  EXPECT_THAT(VisibleNames(*store_, "devs", {}), ElementsAre("pub", "team-c"));
  EXPECT_THAT(VisibleNames(*store_, "", {}), ElementsAre("pub"));
  EXPECT_THAT(VisibleNames(*store_, kInjection, {kInjection, "%"}), ElementsAre("pub"));

  // Combined with the other filters and paging; the total counts the visible rows only.
  ProjectFilter filter;
  filter.visible_to = registry::ProjectViewer{"alice", {"devs"}};
  filter.is_public = false;
  filter.page = PageRequest{2, 1};
  auto page = store_->ListProjects(filter);
  ASSERT_TRUE(page) << page.error().ToString();
  EXPECT_EQ(page->total, 2);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "team-b");
  filter.name_contains = "-a";
  filter.page = PageRequest{};
  page = store_->ListProjects(filter);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "team-a");

  ProjectFilter many;
  many.visible_to = registry::ProjectViewer{"alice", std::vector<std::string>(1001, "g")};
  auto refused = store_->ListProjects(many);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, CommonError::kInvalidArgument);
  // Removing the membership hides the project again.
  auto members = store_->ListMembers(a, "alice", PageRequest{});
  ASSERT_TRUE(members);
  ASSERT_EQ(members->items.size(), 1u);
  ASSERT_TRUE(store_->RemoveMember("cli", a, members->items[0].id));
  EXPECT_THAT(VisibleNames(*store_, "alice", {}), ElementsAre("pub"));
}

TEST_P(RegistryStoreContract, BadPagesAreInvalid) {
  for (PageRequest bad : {PageRequest{0, 10}, PageRequest{1, 0}, PageRequest{1, 1001},
                          PageRequest{INT64_MAX, 1000}}) {
    ProjectFilter filter;
    filter.page = bad;
    auto page = store_->ListProjects(filter);
    ASSERT_FALSE(page) << bad.page << "/" << bad.page_size;
    EXPECT_EQ(page.error().code, CommonError::kInvalidArgument);
  }
}

TEST_P(RegistryStoreContract, UpdateProjectPublic) {
  const std::int64_t id = NewProject("team-a");
  clock_.Advance(std::chrono::seconds(10));
  auto updated = store_->UpdateProjectPublic("bob", id, true);
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_TRUE(updated->is_public);
  EXPECT_EQ(updated->update_time, 1700000010);
  EXPECT_EQ(updated->creation_time, 1700000000);
  EXPECT_TRUE(store_->LoadProject("team-a")->is_public);
  EXPECT_THAT(Operations(), ElementsAre("project.update", "project.create"));
  auto missing = store_->UpdateProjectPublic("bob", id + 100, true);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, CommonError::kNotFound);
}

TEST_P(RegistryStoreContract, DeleteProjectRemovesMembers) {
  const std::int64_t id = NewProject("team-a");
  ASSERT_TRUE(store_->AddMember("cli", id, MemberKind::kGroup, "devs", Role::kDeveloper));
  ASSERT_TRUE(store_->DeleteProject("cli", id));
  EXPECT_EQ(store_->LoadProject("team-a").error().code, CommonError::kNotFound);
  // A new project of the same name starts empty.
  const std::int64_t again = NewProject("team-a");
  EXPECT_NE(again, id);
  auto members = store_->ListMembers(again, "", {});
  ASSERT_TRUE(members);
  EXPECT_EQ(members->total, 0);
  auto access = store_->LoadProjectAccess("", {"devs"}, {"team-a"});
  ASSERT_TRUE(access);
  ASSERT_EQ(access->size(), 1u);
  EXPECT_TRUE((*access)[0].roles.empty());
  EXPECT_EQ(store_->DeleteProject("cli", 99999).error().code, CommonError::kNotFound);
}

TEST_P(RegistryStoreContract, DeleteProjectRefusedWhileRobotsRemain) {
  const std::int64_t a = NewProject("team-a");
  const std::int64_t b = NewProject("team-b");
  auto project_robot = store_->CreateRobot("cli", ProjectRobot(a, "team-a", "ci", {"push"}));
  ASSERT_TRUE(project_robot) << project_robot.error().ToString();
  NewRobot system;
  system.name = "mirror";
  system.level = RobotLevel::kSystem;
  system.permissions = {RobotPermission{"team-b", {"pull"}}};
  system.secret_hash = kHash;
  auto system_robot = store_->CreateRobot("cli", system);
  ASSERT_TRUE(system_robot) << system_robot.error().ToString();

  auto refused = store_->DeleteProject("cli", a);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, registry::StoreError::kPreconditionFailed);
  EXPECT_THAT(refused.error().message, HasSubstr("team-a"));
  refused = store_->DeleteProject("cli", b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, registry::StoreError::kPreconditionFailed);
  EXPECT_TRUE(store_->LoadProject("team-b"));
  EXPECT_THAT(Operations("project/"), ElementsAre("project.create", "project.create"));

  ASSERT_TRUE(store_->DeleteRobot("cli", project_robot->id));
  ASSERT_TRUE(store_->DeleteRobot("cli", system_robot->id));
  EXPECT_TRUE(store_->DeleteProject("cli", a));
  EXPECT_TRUE(store_->DeleteProject("cli", b));
}

// ---- Members -------------------------------------------------------------------------

TEST_P(RegistryStoreContract, MembersAddListUpdateRemove) {
  const std::int64_t id = NewProject("team-a");
  auto group = store_->AddMember("cli", id, MemberKind::kGroup, "devs", Role::kDeveloper);
  ASSERT_TRUE(group) << group.error().ToString();
  EXPECT_GT(group->id, 0);
  EXPECT_EQ(group->project_id, id);
  EXPECT_EQ(group->kind, MemberKind::kGroup);
  auto user = store_->AddMember("cli", id, MemberKind::kUser, "alice", Role::kProjectAdmin);
  ASSERT_TRUE(user);
  // The same name as a user and as a group are two different members.
  ASSERT_TRUE(store_->AddMember("cli", id, MemberKind::kUser, "devs", Role::kGuest));

  auto list = store_->ListMembers(id, "", {});
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_EQ(list->total, 3);
  ASSERT_EQ(list->items.size(), 3u);
  EXPECT_EQ(list->items[0].entity_name, "alice");
  EXPECT_EQ(list->items[0].role, Role::kProjectAdmin);
  auto filtered = store_->ListMembers(id, "dev", {});
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->total, 2);

  auto updated = store_->UpdateMemberRole("cli", id, group->id, Role::kMaintainer);
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_EQ(updated->role, Role::kMaintainer);
  EXPECT_EQ(store_->LoadMember(id, group->id)->role, Role::kMaintainer);

  ASSERT_TRUE(store_->RemoveMember("cli", id, group->id));
  EXPECT_EQ(store_->LoadMember(id, group->id).error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->RemoveMember("cli", id, group->id).error().code, CommonError::kNotFound);
  EXPECT_THAT(Operations("project/team-a"),
              ElementsAre("member.remove", "member.update", "member.add", "member.add",
                          "member.add", "project.create"));
}

TEST_P(RegistryStoreContract, DuplicateMemberIsConflictWithoutAudit) {
  const std::int64_t id = NewProject("team-a");
  ASSERT_TRUE(store_->AddMember("cli", id, MemberKind::kGroup, kInjection, Role::kGuest));
  auto again = store_->AddMember("cli", id, MemberKind::kGroup, kInjection, Role::kDeveloper);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, CommonError::kConflict);
  EXPECT_EQ(Audit().size(), 2u);
  auto list = store_->ListMembers(id, "", {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].entity_name, kInjection);
  EXPECT_EQ(list->items[0].role, Role::kGuest);
}

TEST_P(RegistryStoreContract, MemberErrors) {
  const std::int64_t id = NewProject("team-a");
  EXPECT_EQ(store_->AddMember("cli", id + 77, MemberKind::kUser, "a", Role::kGuest).error().code,
            CommonError::kNotFound);
  EXPECT_EQ(store_->AddMember("cli", id, MemberKind::kUser, "", Role::kGuest).error().code,
            CommonError::kInvalidArgument);
  EXPECT_EQ(store_->AddMember("cli", id, MemberKind::kUser, "a", static_cast<Role>(9)).error().code,
            CommonError::kInvalidArgument);
  EXPECT_EQ(store_->UpdateMemberRole("cli", id, 12345, Role::kGuest).error().code,
            CommonError::kNotFound);
  EXPECT_EQ(store_->ListMembers(id + 77, "", {}).error().code, CommonError::kNotFound);
  // A member id from another project is not found through this one.
  const std::int64_t other = NewProject("team-b");
  auto m = store_->AddMember("cli", other, MemberKind::kUser, "bob", Role::kGuest);
  ASSERT_TRUE(m);
  EXPECT_EQ(store_->LoadMember(id, m->id).error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->RemoveMember("cli", id, m->id).error().code, CommonError::kNotFound);
  EXPECT_TRUE(store_->LoadMember(other, m->id));
}

TEST_P(RegistryStoreContract, ProjectAccessUnitesUserAndGroupRoles) {
  const std::int64_t a = NewProject("team-a");
  const std::int64_t b = NewProject("team-b", true);
  const std::int64_t c = NewProject("team-c");
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kUser, "alice", Role::kGuest));
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kGroup, "devs", Role::kDeveloper));
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kGroup, "ops", Role::kMaintainer));
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kGroup, "admins", Role::kGuest));
  ASSERT_TRUE(store_->AddMember("cli", c, MemberKind::kGroup, "others", Role::kProjectAdmin));
  // A user member named like one of alice's groups must not match through the group.
  ASSERT_TRUE(store_->AddMember("cli", c, MemberKind::kUser, "devs", Role::kProjectAdmin));
  (void)b;

  auto access = store_->LoadProjectAccess("alice", {"devs", "ops", "admins"},
                                          {"team-a", "team-b", "team-c", "missing"});
  ASSERT_TRUE(access) << access.error().ToString();
  ASSERT_EQ(access->size(), 3u);
  std::map<std::string, registry::ProjectRoles> by_name;
  for (const auto& pa : *access) by_name[pa.project_name] = pa;
  EXPECT_THAT(by_name["team-a"].roles,
              UnorderedElementsAre(Role::kGuest, Role::kDeveloper, Role::kMaintainer));
  EXPECT_EQ(by_name["team-a"].project_id, a);
  EXPECT_FALSE(by_name["team-a"].is_public);
  EXPECT_TRUE(by_name["team-b"].is_public);
  EXPECT_TRUE(by_name["team-b"].roles.empty());
  EXPECT_TRUE(by_name["team-c"].roles.empty());
  EXPECT_EQ(by_name.count("missing"), 0u);

  // Without groups, only the direct membership counts; anonymous gets none.
  access = store_->LoadProjectAccess("alice", {}, {"team-a"});
  ASSERT_TRUE(access);
  ASSERT_EQ(access->size(), 1u);
  EXPECT_THAT((*access)[0].roles, ElementsAre(Role::kGuest));
  access = store_->LoadProjectAccess("", {}, {"team-a", "team-b"});
  ASSERT_TRUE(access);
  ASSERT_EQ(access->size(), 2u);
  for (const auto& pa : *access) EXPECT_TRUE(pa.roles.empty());
  access = store_->LoadProjectAccess("alice", {"devs"}, {});
  ASSERT_TRUE(access);
  EXPECT_TRUE(access->empty());
}

TEST_P(RegistryStoreContract, ProjectAccessTreatsNamesAsData) {
  const std::int64_t a = NewProject("team-a");
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kGroup, "g", Role::kDeveloper));
  auto access = store_->LoadProjectAccess(kInjection, {"' OR 1=1 --", "%"}, {"team-a", "%"});
  ASSERT_TRUE(access) << access.error().ToString();
  ASSERT_EQ(access->size(), 1u);
  EXPECT_TRUE((*access)[0].roles.empty());
  std::vector<std::string> many(1001, "g");
  auto refused = store_->LoadProjectAccess("alice", many, {"team-a"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, CommonError::kInvalidArgument);
  // 1000 groups (the limit) are accepted, bound one by one.
  std::vector<std::string> limit(1000);
  for (std::size_t i = 0; i < limit.size(); ++i) limit[i] = "grp-" + std::to_string(i);
  limit.back() = "g";
  access = store_->LoadProjectAccess("alice", limit, {"team-a"});
  ASSERT_TRUE(access) << access.error().ToString();
  ASSERT_EQ(access->size(), 1u);
  EXPECT_THAT((*access)[0].roles, ElementsAre(Role::kDeveloper));
}

TEST_P(RegistryStoreContract, ManyDifferentGroupCountsStayCorrect) {
  const std::int64_t a = NewProject("team-a");
  ASSERT_TRUE(store_->AddMember("cli", a, MemberKind::kGroup, "needle", Role::kMaintainer));
  // Each group count is a different statement: more than any statement cache holds.
  std::vector<std::string> groups;
  for (int n = 1; n <= 300; ++n) {
    groups.push_back("g" + std::to_string(n));
    std::vector<std::string> with_needle = groups;
    if (n % 2 == 0) with_needle.back() = "needle";
    auto access = store_->LoadProjectAccess("alice", with_needle, {"team-a"});
    ASSERT_TRUE(access) << n << ": " << access.error().ToString();
    ASSERT_EQ(access->size(), 1u);
    if (n % 2 == 0) {
      EXPECT_THAT((*access)[0].roles, ElementsAre(Role::kMaintainer)) << n;
    } else {
      EXPECT_TRUE((*access)[0].roles.empty()) << n;
    }
  }
}

// ---- Robots --------------------------------------------------------------------------

TEST_P(RegistryStoreContract, CreateAndLoadProjectRobot) {
  const std::int64_t a = NewProject("team-a");
  NewRobot r = ProjectRobot(a, "team-a", "ci", {"pull", "push"});
  r.description = "CI pushes";
  r.expires_at = 1800000000;
  auto created = store_->CreateRobot("alice", r);
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->name, "team-a+ci");
  EXPECT_EQ(created->description, "CI pushes");
  EXPECT_EQ(created->level, RobotLevel::kProject);
  EXPECT_EQ(created->project_id, a);
  EXPECT_EQ(created->secret_hash, kHash);
  EXPECT_FALSE(created->disabled);
  EXPECT_EQ(created->expires_at, 1800000000);
  EXPECT_EQ(created->creation_time, 1700000000);
  ASSERT_EQ(created->permissions.size(), 1u);
  EXPECT_EQ(created->permissions[0].project, "team-a");
  EXPECT_THAT(created->permissions[0].actions, ElementsAre("pull", "push"));

  auto by_name = store_->LoadRobot("team-a+ci");
  ASSERT_TRUE(by_name) << by_name.error().ToString();
  EXPECT_EQ(by_name->id, created->id);
  EXPECT_EQ(by_name->permissions.size(), 1u);
  auto by_id = store_->LoadRobotById(created->id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->name, "team-a+ci");
  EXPECT_EQ(store_->LoadRobot("team-a+nope").error().code, CommonError::kNotFound);

  auto events = Audit("robot/");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].operation, "robot.create");
  EXPECT_EQ(events[0].actor, "alice");
  EXPECT_THAT(events[0].detail, HasSubstr("team-a:pull,push"));
  EXPECT_THAT(events[0].detail, Not(HasSubstr("SECRETHASH")));
}

TEST_P(RegistryStoreContract, DuplicateRobotLeavesNoTrace) {
  const std::int64_t a = NewProject("team-a");
  ASSERT_TRUE(store_->CreateRobot("cli", ProjectRobot(a, "team-a", "ci", {"push"})));
  NewRobot again = ProjectRobot(a, "team-a", "ci", {"pull"});
  again.secret_hash = "pbkdf2-sha256$4096$c2FsdA$OTHERSECRETHASH";
  auto dup = store_->CreateRobot("cli", again);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, CommonError::kConflict);
  EXPECT_THAT(dup.error().message, HasSubstr("team-a+ci"));
  EXPECT_THAT(dup.error().message, Not(HasSubstr("SECRETHASH")));
  EXPECT_THAT(Operations("robot/"), ElementsAre("robot.create"));
  auto robot = store_->LoadRobot("team-a+ci");
  ASSERT_TRUE(robot);
  EXPECT_EQ(robot->secret_hash, kHash);
  ASSERT_EQ(robot->permissions.size(), 1u);
  EXPECT_THAT(robot->permissions[0].actions, ElementsAre("push"));
}

TEST_P(RegistryStoreContract, RobotWithUnknownProjectIsNotStored) {
  NewProject("team-a");
  NewRobot system;
  system.name = "mirror";
  system.level = RobotLevel::kSystem;
  system.permissions = {RobotPermission{"team-a", {"pull"}}, RobotPermission{"ghost", {"pull"}}};
  system.secret_hash = kHash;
  auto refused = store_->CreateRobot("cli", system);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, CommonError::kNotFound);
  EXPECT_THAT(refused.error().message, HasSubstr("ghost"));
  EXPECT_EQ(store_->LoadRobot("mirror").error().code, CommonError::kNotFound);
  EXPECT_TRUE(Operations("robot/").empty());
  auto none = store_->ListRobots({});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->total, 0);
}

TEST_P(RegistryStoreContract, InconsistentRobotsAreInvalid) {
  const std::int64_t a = NewProject("team-a");
  NewProject("team-b");
  auto other_project = store_->CreateRobot("cli", ProjectRobot(a, "team-b", "x", {"pull"}));
  ASSERT_FALSE(other_project);
  EXPECT_EQ(other_project.error().code, CommonError::kInvalidArgument);
  NewRobot star = ProjectRobot(a, "team-a", "x", {"pull"});
  star.permissions = {RobotPermission{"*", {"pull"}}};
  EXPECT_EQ(store_->CreateRobot("cli", star).error().code, CommonError::kInvalidArgument);
  NewRobot no_project = ProjectRobot(0, "team-a", "x", {"pull"});
  EXPECT_EQ(store_->CreateRobot("cli", no_project).error().code, CommonError::kInvalidArgument);
  NewRobot missing_project = ProjectRobot(a + 50, "team-a", "x", {"pull"});
  EXPECT_EQ(store_->CreateRobot("cli", missing_project).error().code, CommonError::kNotFound);
  NewRobot no_hash = ProjectRobot(a, "team-a", "x", {"pull"});
  no_hash.secret_hash.clear();
  EXPECT_EQ(store_->CreateRobot("cli", no_hash).error().code, CommonError::kInvalidArgument);
  NewRobot twice = ProjectRobot(a, "team-a", "x", {"pull"});
  twice.permissions.push_back(RobotPermission{"team-a", {"push"}});
  EXPECT_EQ(store_->CreateRobot("cli", twice).error().code, CommonError::kInvalidArgument);
  NewRobot system_with_project = ProjectRobot(a, "team-a", "x", {"pull"});
  system_with_project.level = RobotLevel::kSystem;
  EXPECT_EQ(store_->CreateRobot("cli", system_with_project).error().code,
            CommonError::kInvalidArgument);
  EXPECT_TRUE(Operations("robot/").empty());
}

TEST_P(RegistryStoreContract, SystemRobotSpansProjects) {
  NewProject("team-a");
  NewProject("team-b");
  NewRobot system;
  system.name = "mirror";
  system.level = RobotLevel::kSystem;
  system.permissions = {RobotPermission{"team-b", {"pull"}}, RobotPermission{"*", {"pull"}},
                        RobotPermission{"team-a", {"pull", "push"}}};
  system.secret_hash = kHash;
  auto created = store_->CreateRobot("cli", system);
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->project_id, 0);
  ASSERT_EQ(created->permissions.size(), 3u);
  EXPECT_EQ(created->permissions[0].project, "team-b");
  EXPECT_EQ(created->permissions[1].project, "*");
  EXPECT_EQ(created->permissions[2].project, "team-a");
  EXPECT_THAT(created->permissions[2].actions, ElementsAre("pull", "push"));
}

TEST_P(RegistryStoreContract, ListRobotsByLevelProjectAndExpiry) {
  const std::int64_t a = NewProject("team-a");
  const std::int64_t b = NewProject("team-b");
  NewRobot pull = ProjectRobot(a, "team-a", "pull", {"pull"});
  NewRobot ci = ProjectRobot(a, "team-a", "ci", {"pull", "push"});
  ci.expires_at = 1700000500;
  NewRobot other = ProjectRobot(b, "team-b", "ci", {"push"});
  other.expires_at = 1700009000;
  NewRobot system;
  system.name = "mirror";
  system.level = RobotLevel::kSystem;
  system.permissions = {RobotPermission{"*", {"pull"}}};
  system.secret_hash = kHash;
  system.expires_at = 1600000000;  // already expired
  for (const NewRobot& r : {pull, ci, other, system}) ASSERT_TRUE(store_->CreateRobot("cli", r));

  RobotFilter of_a;
  of_a.project_id = a;
  auto list = store_->ListRobots(of_a);
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[0].name, "team-a+ci");
  EXPECT_EQ(list->items[1].name, "team-a+pull");
  EXPECT_EQ(list->items[1].permissions.size(), 1u);

  RobotFilter systems;
  systems.level = RobotLevel::kSystem;
  list = store_->ListRobots(systems);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].permissions[0].project, "*");

  RobotFilter soon;
  soon.expiring_before = 1700001000;
  list = store_->ListRobots(soon);
  ASSERT_TRUE(list);
  std::vector<std::string> names;
  for (const Robot& r : list->items) names.push_back(r.name);
  EXPECT_THAT(names, ElementsAre("mirror", "team-a+ci"));

  RobotFilter paged;
  paged.page = PageRequest{2, 3};
  list = store_->ListRobots(paged);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->total, 4);
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].name, "team-b+ci");
}

TEST_P(RegistryStoreContract, RotateDisableUpdateDeleteRobot) {
  const std::int64_t a = NewProject("team-a");
  auto robot = store_->CreateRobot("cli", ProjectRobot(a, "team-a", "ci", {"pull"}));
  ASSERT_TRUE(robot);
  clock_.Advance(std::chrono::seconds(60));

  auto rotated = store_->UpdateRobotSecret("alice", robot->id, "pbkdf2-sha256$4096$bmV3$NEWHASH");
  ASSERT_TRUE(rotated) << rotated.error().ToString();
  EXPECT_EQ(rotated->secret_hash, "pbkdf2-sha256$4096$bmV3$NEWHASH");
  EXPECT_EQ(rotated->update_time, 1700000060);
  EXPECT_EQ(store_->LoadRobot("team-a+ci")->secret_hash, "pbkdf2-sha256$4096$bmV3$NEWHASH");
  EXPECT_EQ(store_->UpdateRobotSecret("alice", robot->id, "").error().code,
            CommonError::kInvalidArgument);

  auto disabled = store_->SetRobotDisabled("alice", robot->id, true);
  ASSERT_TRUE(disabled);
  EXPECT_TRUE(disabled->disabled);
  EXPECT_TRUE(store_->LoadRobotById(robot->id)->disabled);
  auto enabled = store_->SetRobotDisabled("alice", robot->id, false);
  ASSERT_TRUE(enabled);
  EXPECT_FALSE(enabled->disabled);

  RobotUpdate update;
  update.description = "now pushes";
  update.permissions = {RobotPermission{"team-a", {"pull", "push"}}};
  update.expires_at = 1750000000;
  auto updated = store_->UpdateRobot("alice", robot->id, update);
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_EQ(updated->description, "now pushes");
  EXPECT_EQ(updated->expires_at, 1750000000);
  ASSERT_EQ(updated->permissions.size(), 1u);
  EXPECT_THAT(updated->permissions[0].actions, ElementsAre("pull", "push"));
  EXPECT_EQ(updated->secret_hash, "pbkdf2-sha256$4096$bmV3$NEWHASH");
  RobotUpdate bad = update;
  bad.permissions = {RobotPermission{"*", {"pull"}}};
  EXPECT_EQ(store_->UpdateRobot("alice", robot->id, bad).error().code,
            CommonError::kInvalidArgument);
  EXPECT_EQ(store_->LoadRobotById(robot->id)->permissions.size(), 1u);

  ASSERT_TRUE(store_->DeleteRobot("alice", robot->id));
  EXPECT_EQ(store_->LoadRobotById(robot->id).error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->DeleteRobot("alice", robot->id).error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->UpdateRobotSecret("alice", robot->id, "h").error().code,
            CommonError::kNotFound);
  EXPECT_EQ(store_->SetRobotDisabled("alice", robot->id, true).error().code,
            CommonError::kNotFound);
  EXPECT_EQ(store_->UpdateRobot("alice", robot->id, update).error().code, CommonError::kNotFound);
  EXPECT_THAT(Operations("robot/"), ElementsAre("robot.delete", "robot.update", "robot.enable",
                                                "robot.disable", "robot.rotate", "robot.create"));
  for (const AuditEvent& e : Audit()) EXPECT_THAT(e.detail, Not(HasSubstr("HASH")));
}

// The lost update of a read-modify-write outside the transaction: a caller read the robot
// (enabled, pull), another replica then disabled it and rotated its secret, and the caller's
// update names only the description. Unset fields keep what is stored when the update runs.
TEST_P(RegistryStoreContract, UpdateRobotChangesOnlyTheFieldsItSets) {
  const std::int64_t a = NewProject("team-a");
  auto robot = store_->CreateRobot("cli", ProjectRobot(a, "team-a", "ci", {"pull"}));
  ASSERT_TRUE(robot);
  std::unique_ptr<RegistryStore> other = OpenAgain();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->SetRobotDisabled("bob", robot->id, true));
  ASSERT_TRUE(other->UpdateRobotSecret("bob", robot->id, "pbkdf2-sha256$4096$bmV3$ROTATED"));

  RobotUpdate description;
  description.description = "only this";
  auto updated = store_->UpdateRobot("alice", robot->id, description);
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_EQ(updated->description, "only this");
  EXPECT_TRUE(updated->disabled);
  EXPECT_EQ(updated->expires_at, kNever);
  EXPECT_EQ(updated->secret_hash, "pbkdf2-sha256$4096$bmV3$ROTATED");
  ASSERT_EQ(updated->permissions.size(), 1u);
  EXPECT_THAT(updated->permissions[0].actions, ElementsAre("pull"));

  RobotUpdate expiry;
  expiry.expires_at = 1750000000;
  ASSERT_TRUE(store_->UpdateRobot("alice", robot->id, expiry));
  RobotUpdate enable;
  enable.disabled = false;
  ASSERT_TRUE(store_->UpdateRobot("alice", robot->id, enable));
  RobotUpdate permissions;
  permissions.permissions = std::vector<RobotPermission>{{"team-a", {"pull", "push"}}};
  ASSERT_TRUE(store_->UpdateRobot("alice", robot->id, permissions));
  auto loaded = other->LoadRobotById(robot->id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->description, "only this");
  EXPECT_EQ(loaded->expires_at, 1750000000);
  EXPECT_FALSE(loaded->disabled);
  ASSERT_EQ(loaded->permissions.size(), 1u);
  EXPECT_THAT(loaded->permissions[0].actions, ElementsAre("pull", "push"));

  // Nothing set: a valid no-op that still finds a missing robot missing.
  EXPECT_TRUE(store_->UpdateRobot("alice", robot->id, RobotUpdate{}));
  EXPECT_EQ(store_->UpdateRobot("alice", robot->id + 1000, RobotUpdate{}).error().code,
            CommonError::kNotFound);
  // A refused permission change leaves the fields set beside it unchanged too.
  RobotUpdate refused;
  refused.description = "not stored";
  refused.permissions = std::vector<RobotPermission>{{"*", {"pull"}}};
  EXPECT_EQ(store_->UpdateRobot("alice", robot->id, refused).error().code,
            CommonError::kInvalidArgument);
  EXPECT_EQ(store_->LoadRobotById(robot->id)->description, "only this");
}

TEST_P(RegistryStoreContract, RobotIdsAreNeverReused) {
  const std::int64_t a = NewProject("team-a");
  auto first = store_->CreateRobot("cli", ProjectRobot(a, "team-a", "ci", {"pull"}));
  ASSERT_TRUE(first);
  ASSERT_TRUE(store_->DeleteRobot("cli", first->id));
  auto second = store_->CreateRobot("cli", ProjectRobot(a, "team-a", "ci", {"pull"}));
  ASSERT_TRUE(second);
  EXPECT_GT(second->id, first->id);
}

// ---- Users ---------------------------------------------------------------------------

TEST_P(RegistryStoreContract, LoginCreatesThenRefreshesUser) {
  UserLogin login{"https://idp.example", "sub-1", "alice", "", false};
  auto created = store_->UpsertUserAtLogin(login);
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->email, "");
  // A second user with an empty email is fine (Harbor #9600).
  ASSERT_TRUE(
      store_->UpsertUserAtLogin(UserLogin{"https://idp.example", "sub-2", "bob", "", false}));

  auto same = store_->UpsertUserAtLogin(login);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->id, created->id);
  EXPECT_THAT(Operations("user/alice"), ElementsAre("user.create"));

  clock_.Advance(std::chrono::seconds(5));
  login.email = "alice@example.org";
  login.sysadmin = true;
  login.username = "alice2";
  auto refreshed = store_->UpsertUserAtLogin(login);
  ASSERT_TRUE(refreshed) << refreshed.error().ToString();
  EXPECT_EQ(refreshed->id, created->id);
  EXPECT_EQ(refreshed->username, "alice2");
  EXPECT_EQ(refreshed->email, "alice@example.org");
  EXPECT_TRUE(refreshed->sysadmin);
  EXPECT_EQ(refreshed->update_time, 1700000005);
  EXPECT_EQ(refreshed->creation_time, 1700000000);
  auto events = Audit("user/alice2");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].operation, "user.update");
  EXPECT_THAT(events[0].detail, HasSubstr("sysadmin granted"));

  EXPECT_EQ(store_->LoadUser("alice2")->id, created->id);
  EXPECT_EQ(store_->LoadUser("alice").error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->LoadUserById(created->id)->username, "alice2");
  EXPECT_EQ(store_->LoadUserBySubject("https://idp.example", "sub-1")->username, "alice2");
  EXPECT_EQ(store_->LoadUserBySubject("https://other", "sub-1").error().code,
            CommonError::kNotFound);
  auto users = store_->ListUsers({});
  ASSERT_TRUE(users);
  EXPECT_EQ(users->total, 2);
  EXPECT_EQ(users->items[0].username, "alice2");
}

TEST_P(RegistryStoreContract, UsernameOfAnotherIdentityIsConflict) {
  NewUser("alice", "sub-1");
  auto taken = store_->UpsertUserAtLogin(
      UserLogin{"https://new-idp.example", "sub-9", "alice", "alice@example.org", true});
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, CommonError::kConflict);
  EXPECT_THAT(taken.error().message, HasSubstr("re-link"));
  EXPECT_EQ(store_->LoadUser("alice")->subject, "sub-1");
  EXPECT_FALSE(store_->LoadUser("alice")->sysadmin);
  EXPECT_THAT(Operations("user/"), ElementsAre("user.create"));
}

TEST_P(RegistryStoreContract, RelinkMovesUserToNewIdentityAndIsAudited) {
  const std::int64_t alice = NewUser("alice", "sub-1");
  NewUser("bob", "sub-2");
  auto relinked = store_->RelinkUser("admin", "alice", "https://new-idp.example", "sub-9");
  ASSERT_TRUE(relinked) << relinked.error().ToString();
  EXPECT_EQ(relinked->id, alice);
  EXPECT_EQ(relinked->issuer, "https://new-idp.example");
  EXPECT_EQ(relinked->subject, "sub-9");
  // The next login from the new identity provider finds alice.
  auto login = store_->UpsertUserAtLogin(
      UserLogin{"https://new-idp.example", "sub-9", "alice", "alice@example.org", false});
  ASSERT_TRUE(login) << login.error().ToString();
  EXPECT_EQ(login->id, alice);
  auto events = Audit("user/alice");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].operation, "user.relink");
  EXPECT_EQ(events[0].actor, "admin");
  EXPECT_THAT(events[0].detail, HasSubstr("sub-1"));
  EXPECT_THAT(events[0].detail, HasSubstr("sub-9"));

  auto clash = store_->RelinkUser("admin", "alice", "https://idp.example", "sub-2");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, CommonError::kConflict);
  EXPECT_EQ(store_->LoadUser("alice")->subject, "sub-9");
  EXPECT_EQ(store_->RelinkUser("admin", "nobody", "i", "s").error().code, CommonError::kNotFound);
  EXPECT_EQ(Audit("user/alice")[0].operation, "user.relink");
}

TEST_P(RegistryStoreContract, DeleteUserDeletesItsTokens) {
  const std::int64_t alice = NewUser("alice", "sub-1");
  auto token =
      store_->CreateAccessToken("alice", NewAccessToken{alice, "laptop", kHash, {}, kNever});
  ASSERT_TRUE(token);
  ASSERT_TRUE(store_->DeleteUser("admin", alice));
  EXPECT_EQ(store_->LoadUserById(alice).error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->LoadAccessTokenById(token->id).error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->DeleteUser("admin", alice).error().code, CommonError::kNotFound);
  EXPECT_EQ(Audit("user/alice")[0].operation, "user.delete");
}

TEST_P(RegistryStoreContract, DeleteUserTakesItsMembershipsButNotOthers) {
  const std::int64_t project = NewProject("team-a");
  const std::int64_t alice = NewUser("alice", "sub-1");
  ASSERT_TRUE(store_->AddMember("admin", project, MemberKind::kUser, "alice", Role::kMaintainer));
  ASSERT_TRUE(store_->AddMember("admin", project, MemberKind::kGroup, "alice", Role::kGuest));
  ASSERT_TRUE(store_->AddMember("admin", project, MemberKind::kUser, "carol", Role::kGuest));
  ASSERT_TRUE(store_->DeleteUser("admin", alice));
  // A new account named alice inherits nothing; a group of that name and a member prepared
  // for a first login stay.
  ASSERT_TRUE(
      store_->UpsertUserAtLogin(UserLogin{"https://idp.example", "sub-7", "alice", "", false}));
  auto access = store_->LoadProjectAccess("alice", {}, {"team-a"});
  ASSERT_TRUE(access);
  ASSERT_EQ(access->size(), 1u);
  EXPECT_TRUE(access->front().roles.empty());
  auto members = store_->ListMembers(project, "", PageRequest{});
  ASSERT_TRUE(members);
  EXPECT_EQ(members->total, 2);
}

TEST_P(RegistryStoreContract, RenamedUserTakesItsMembershipsAlong) {
  const std::int64_t a = NewProject("team-a");
  const std::int64_t b = NewProject("team-b");
  NewUser("alice", "sub-1");
  ASSERT_TRUE(store_->AddMember("admin", a, MemberKind::kUser, "alice", Role::kDeveloper));
  ASSERT_TRUE(store_->AddMember("admin", b, MemberKind::kUser, "alice", Role::kGuest));
  // Prepared for the new name in team-b: kept over the moved one.
  ASSERT_TRUE(store_->AddMember("admin", b, MemberKind::kUser, "alice.smith", Role::kMaintainer));
  ASSERT_TRUE(store_->UpsertUserAtLogin(
      UserLogin{"https://idp.example", "sub-1", "alice.smith", "", false}));
  auto renamed = store_->LoadProjectAccess("alice.smith", {}, {"team-a", "team-b"});
  ASSERT_TRUE(renamed);
  std::map<std::string, std::vector<Role>> roles;
  for (const registry::ProjectRoles& item : *renamed) roles[item.project_name] = item.roles;
  EXPECT_EQ(roles["team-a"], std::vector<Role>{Role::kDeveloper});
  EXPECT_EQ(roles["team-b"], std::vector<Role>{Role::kMaintainer});
  // Someone else now signing in as "alice" gets none of it.
  ASSERT_TRUE(
      store_->UpsertUserAtLogin(UserLogin{"https://idp.example", "sub-2", "alice", "", false}));
  auto newcomer = store_->LoadProjectAccess("alice", {}, {"team-a", "team-b"});
  ASSERT_TRUE(newcomer);
  for (const registry::ProjectRoles& item : *newcomer)
    EXPECT_TRUE(item.roles.empty()) << item.project_name;
}

TEST_P(RegistryStoreContract, SimultaneousFirstLoginsMakeOneUser) {
  auto replica = OpenAgain();
  ASSERT_NE(replica, nullptr);
  constexpr int kThreads = 6;
  std::vector<std::thread> threads;
  std::vector<std::int64_t> ids(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RegistryStore& store = t % 2 == 0 ? *store_ : *replica;
      auto user = store.UpsertUserAtLogin(
          UserLogin{"https://idp.example", "sub-race", "racer", "r@example.org", false});
      if (user) {
        ids[t] = user->id;
      } else {
        errors[t] = user.error().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    EXPECT_EQ(ids[t], ids[0]) << "thread " << t;
  }
  EXPECT_THAT(Operations("user/"), ElementsAre("user.create"));
}

// ---- Personal access tokens ----------------------------------------------------------

TEST_P(RegistryStoreContract, AccessTokensCreateListFindUseRevoke) {
  const std::int64_t alice = NewUser("alice", "sub-1");
  const std::int64_t bob = NewUser("bob", "sub-2");
  auto laptop = store_->CreateAccessToken(
      "alice", NewAccessToken{alice, "laptop", kHash, {"devs", "ops"}, 1800000000});
  ASSERT_TRUE(laptop) << laptop.error().ToString();
  EXPECT_GT(laptop->id, 0);
  EXPECT_EQ(laptop->user_id, alice);
  EXPECT_THAT(laptop->groups, ElementsAre("devs", "ops"));
  EXPECT_EQ(laptop->expires_at, 1800000000);
  EXPECT_EQ(laptop->last_used, 0);
  ASSERT_TRUE(store_->CreateAccessToken("alice", NewAccessToken{alice, "ci", kHash, {}, kNever}));
  // Token names are per user.
  ASSERT_TRUE(store_->CreateAccessToken("bob", NewAccessToken{bob, "laptop", kHash, {}, kNever}));

  auto dup = store_->CreateAccessToken("alice", NewAccessToken{alice, "laptop", kHash, {}, kNever});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, CommonError::kConflict);
  EXPECT_THAT(dup.error().message, Not(HasSubstr("SECRETHASH")));
  auto orphan = store_->CreateAccessToken("x", NewAccessToken{9999, "t", kHash, {}, kNever});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, CommonError::kNotFound);

  auto list = store_->ListAccessTokens(alice);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "ci");
  EXPECT_EQ(store_->LoadAccessToken(alice, "laptop")->id, laptop->id);
  EXPECT_EQ(store_->LoadAccessToken(alice, "nope").error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->LoadAccessTokenById(laptop->id)->secret_hash, kHash);

  ASSERT_TRUE(store_->RecordAccessTokenUse(laptop->id, 1700000100, std::nullopt));
  auto used = store_->LoadAccessTokenById(laptop->id);
  EXPECT_EQ(used->last_used, 1700000100);
  EXPECT_THAT(used->groups, ElementsAre("devs", "ops"));
  ASSERT_TRUE(
      store_->RecordAccessTokenUse(laptop->id, 1700000200, std::vector<std::string>{"admins"}));
  EXPECT_THAT(store_->LoadAccessTokenById(laptop->id)->groups, ElementsAre("admins"));
  EXPECT_EQ(store_->RecordAccessTokenUse(424242, 1, std::nullopt).error().code,
            CommonError::kNotFound);

  ASSERT_TRUE(store_->RevokeAccessToken("alice", laptop->id));
  EXPECT_EQ(store_->LoadAccessTokenById(laptop->id).error().code, CommonError::kNotFound);
  EXPECT_EQ(store_->RevokeAccessToken("alice", laptop->id).error().code, CommonError::kNotFound);
  EXPECT_THAT(Operations("user/alice"),
              ElementsAre("token.revoke", "token.create", "token.create", "user.create"));
}

// ---- Audit ---------------------------------------------------------------------------

TEST_P(RegistryStoreContract, AuditListsNewestFirstAndFiltersLiterally) {
  NewProject("a_b");
  NewProject("axb");
  ASSERT_TRUE(store_->AppendAuditEvent(
      AuditEvent{0, 0, "robot$x", "login.refused", "robot/x", "disabled"}));
  auto events = Audit();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].operation, "login.refused");
  EXPECT_GT(events[0].id, events[1].id);
  EXPECT_EQ(Audit("project/a_").size(), 1u);
  AuditFilter paged;
  paged.page = PageRequest{2, 2};
  auto page = store_->ListAuditEvents(paged);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].resource, "project/a_b");
  EXPECT_EQ(store_->AppendAuditEvent(AuditEvent{}).error().code, CommonError::kInvalidArgument);
}

// ---- Migrations, replicas, threads ---------------------------------------------------

TEST_P(RegistryStoreContract, ReopeningIsIdempotentAndSeesTheSameData) {
  NewProject("team-a");
  auto again = OpenAgain();
  ASSERT_NE(again, nullptr);
  auto loaded = again->LoadProject("team-a");
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  auto dup = again->CreateProject("cli", "team-a", false);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, CommonError::kConflict);
}

TEST_P(RegistryStoreContract, ConcurrentWritersFromThreadsAndReplicas) {
  auto replica = OpenAgain();
  ASSERT_NE(replica, nullptr);
  constexpr int kThreads = 6;
  constexpr int kPerThread = 15;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RegistryStore& store = t % 2 == 0 ? *store_ : *replica;
      for (int i = 0; i < kPerThread; ++i) {
        auto p =
            store.CreateProject("t", "p-" + std::to_string(t) + "-" + std::to_string(i), false);
        if (!p) {
          ++failures[t];
          continue;
        }
        ids[t].push_back(p->id);
        // Everyone also races for one shared name: exactly one wins.
        auto shared = store.CreateProject("t", "shared", false);
        if (!shared && shared.error().code != CommonError::kConflict) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::int64_t> distinct;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    distinct.insert(ids[t].begin(), ids[t].end());
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kPerThread));
  auto all = store_->ListProjects({});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, kThreads * kPerThread + 1);
  EXPECT_EQ(Audit("project/shared").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, RegistryStoreContract, ::testing::Values("sqlite"));
INSTANTIATE_TEST_SUITE_P(Postgres, RegistryStoreContract, ::testing::Values("postgres"));

}  // namespace
}  // namespace gatehouse::adapters
