#include "adapters/registry_store/sql_registry_store.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/registry_store/sql_resource_stores.h"
#include "adapters/registry_store/sql_store_support.h"

namespace gatehouse::adapters {
namespace {

// The six per-resource stores over one shared database, as one RegistryStore.
class SqlRegistryStore final : public registry::RegistryStore {
 public:
  SqlRegistryStore(std::unique_ptr<SqlDatabase> db, const Clock& clock)
      : context_(std::move(db), clock),
        projects_(sql_store::MakeSqlProjectStore(context_)),
        members_(sql_store::MakeSqlMemberStore(context_)),
        robots_(sql_store::MakeSqlRobotStore(context_)),
        users_(sql_store::MakeSqlUserStore(context_)),
        tokens_(sql_store::MakeSqlAccessTokenStore(context_)),
        audit_(sql_store::MakeSqlAuditStore(context_)) {}

  Result<registry::Project> CreateProject(std::string_view actor, std::string_view name,
                                          bool is_public) override {
    return projects_->CreateProject(actor, name, is_public);
  }
  Result<registry::Project> LoadProject(std::string_view name) override {
    return projects_->LoadProject(name);
  }
  Result<registry::Project> LoadProjectById(std::int64_t id) override {
    return projects_->LoadProjectById(id);
  }
  Result<registry::Listing<registry::Project>> ListProjects(
      const registry::ProjectFilter& filter) override {
    return projects_->ListProjects(filter);
  }
  Result<registry::Project> UpdateProjectPublic(std::string_view actor, std::int64_t id,
                                                bool is_public) override {
    return projects_->UpdateProjectPublic(actor, id, is_public);
  }
  Status DeleteProject(std::string_view actor, std::int64_t id) override {
    return projects_->DeleteProject(actor, id);
  }
  Result<registry::Member> AddMember(std::string_view actor, std::int64_t project_id,
                                     registry::MemberKind kind, std::string_view entity_name,
                                     registry::Role role) override {
    return members_->AddMember(actor, project_id, kind, entity_name, role);
  }
  Result<registry::Member> LoadMember(std::int64_t project_id, std::int64_t member_id) override {
    return members_->LoadMember(project_id, member_id);
  }
  Result<registry::Listing<registry::Member>> ListMembers(
      std::int64_t project_id, std::string_view entity_name_contains,
      const registry::PageRequest& page) override {
    return members_->ListMembers(project_id, entity_name_contains, page);
  }
  Result<registry::Member> UpdateMemberRole(std::string_view actor, std::int64_t project_id,
                                            std::int64_t member_id, registry::Role role) override {
    return members_->UpdateMemberRole(actor, project_id, member_id, role);
  }
  Status RemoveMember(std::string_view actor, std::int64_t project_id,
                      std::int64_t member_id) override {
    return members_->RemoveMember(actor, project_id, member_id);
  }
  Result<std::vector<registry::ProjectRoles>> LoadProjectAccess(
      std::string_view username, const std::vector<std::string>& groups,
      const std::vector<std::string>& project_names) override {
    return members_->LoadProjectAccess(username, groups, project_names);
  }
  Result<registry::Robot> CreateRobot(std::string_view actor,
                                      const registry::NewRobot& robot) override {
    return robots_->CreateRobot(actor, robot);
  }
  Result<registry::Robot> LoadRobot(std::string_view name) override {
    return robots_->LoadRobot(name);
  }
  Result<registry::Robot> LoadRobotById(std::int64_t id) override {
    return robots_->LoadRobotById(id);
  }
  Result<registry::Listing<registry::Robot>> ListRobots(
      const registry::RobotFilter& filter) override {
    return robots_->ListRobots(filter);
  }
  Result<registry::Robot> UpdateRobot(std::string_view actor, std::int64_t id,
                                      const registry::RobotUpdate& update) override {
    return robots_->UpdateRobot(actor, id, update);
  }
  Result<registry::Robot> UpdateRobotSecret(std::string_view actor, std::int64_t id,
                                            std::string_view secret_hash) override {
    return robots_->UpdateRobotSecret(actor, id, secret_hash);
  }
  Result<registry::Robot> SetRobotDisabled(std::string_view actor, std::int64_t id,
                                           bool disabled) override {
    return robots_->SetRobotDisabled(actor, id, disabled);
  }
  Status DeleteRobot(std::string_view actor, std::int64_t id) override {
    return robots_->DeleteRobot(actor, id);
  }
  Result<registry::User> UpsertUserAtLogin(const registry::UserLogin& login) override {
    return users_->UpsertUserAtLogin(login);
  }
  Result<registry::User> LoadUser(std::string_view username) override {
    return users_->LoadUser(username);
  }
  Result<registry::User> LoadUserById(std::int64_t id) override { return users_->LoadUserById(id); }
  Result<registry::User> LoadUserBySubject(std::string_view issuer,
                                           std::string_view subject) override {
    return users_->LoadUserBySubject(issuer, subject);
  }
  Result<registry::Listing<registry::User>> ListUsers(const registry::PageRequest& page) override {
    return users_->ListUsers(page);
  }
  Result<registry::User> RelinkUser(std::string_view actor, std::string_view username,
                                    std::string_view issuer, std::string_view subject) override {
    return users_->RelinkUser(actor, username, issuer, subject);
  }
  Status DeleteUser(std::string_view actor, std::int64_t id) override {
    return users_->DeleteUser(actor, id);
  }
  Result<registry::PersonalAccessToken> CreateAccessToken(
      std::string_view actor, const registry::NewAccessToken& token) override {
    return tokens_->CreateAccessToken(actor, token);
  }
  Result<registry::PersonalAccessToken> LoadAccessTokenById(std::int64_t id) override {
    return tokens_->LoadAccessTokenById(id);
  }
  Result<registry::PersonalAccessToken> LoadAccessToken(std::int64_t user_id,
                                                        std::string_view name) override {
    return tokens_->LoadAccessToken(user_id, name);
  }
  Result<std::vector<registry::PersonalAccessToken>> ListAccessTokens(
      std::int64_t user_id) override {
    return tokens_->ListAccessTokens(user_id);
  }
  Status RecordAccessTokenUse(std::int64_t id, std::int64_t when,
                              const std::optional<std::vector<std::string>>& groups) override {
    return tokens_->RecordAccessTokenUse(id, when, groups);
  }
  Status RevokeAccessToken(std::string_view actor, std::int64_t id) override {
    return tokens_->RevokeAccessToken(actor, id);
  }
  Status AppendAuditEvent(const registry::AuditEvent& event) override {
    return audit_->AppendAuditEvent(event);
  }
  Result<registry::Listing<registry::AuditEvent>> ListAuditEvents(
      const registry::AuditFilter& filter) override {
    return audit_->ListAuditEvents(filter);
  }

 private:
  sql_store::SqlStoreContext context_;
  std::unique_ptr<registry::ProjectStore> projects_;
  std::unique_ptr<registry::MemberStore> members_;
  std::unique_ptr<registry::RobotStore> robots_;
  std::unique_ptr<registry::UserStore> users_;
  std::unique_ptr<registry::AccessTokenStore> tokens_;
  std::unique_ptr<registry::AuditStore> audit_;
};

}  // namespace

std::unique_ptr<registry::RegistryStore> MakeSqlRegistryStore(std::unique_ptr<SqlDatabase> database,
                                                              const Clock& clock) {
  return std::make_unique<SqlRegistryStore>(std::move(database), clock);
}

}  // namespace gatehouse::adapters
