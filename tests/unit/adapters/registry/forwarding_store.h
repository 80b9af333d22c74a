// ForwardingStore: a RegistryStore that passes every call to another one, for tests that need
// to act between two of the API's store calls (a concurrent change by another replica) by
// overriding one method. Owns the inner store; as thread-safe as it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/store.h"

namespace gatehouse::adapters::registry_service::testing_env {

class ForwardingStore : public registry::RegistryStore {
 public:
  explicit ForwardingStore(std::unique_ptr<registry::RegistryStore> inner)
      : inner_(std::move(inner)) {}

  registry::RegistryStore& inner() { return *inner_; }

  Result<registry::Project> CreateProject(std::string_view actor, std::string_view name,
                                          bool is_public) override {
    return inner_->CreateProject(actor, name, is_public);
  }
  Result<registry::Project> LoadProject(std::string_view name) override {
    return inner_->LoadProject(name);
  }
  Result<registry::Project> LoadProjectById(std::int64_t id) override {
    return inner_->LoadProjectById(id);
  }
  Result<registry::Listing<registry::Project>> ListProjects(
      const registry::ProjectFilter& filter) override {
    return inner_->ListProjects(filter);
  }
  Result<registry::Project> UpdateProjectPublic(std::string_view actor, std::int64_t id,
                                                bool is_public) override {
    return inner_->UpdateProjectPublic(actor, id, is_public);
  }
  Status DeleteProject(std::string_view actor, std::int64_t id) override {
    return inner_->DeleteProject(actor, id);
  }
  Result<registry::Member> AddMember(std::string_view actor, std::int64_t project_id,
                                     registry::MemberKind kind, std::string_view entity_name,
                                     registry::Role role) override {
    return inner_->AddMember(actor, project_id, kind, entity_name, role);
  }
  Result<registry::Member> LoadMember(std::int64_t project_id, std::int64_t member_id) override {
    return inner_->LoadMember(project_id, member_id);
  }
  Result<registry::Listing<registry::Member>> ListMembers(
      std::int64_t project_id, std::string_view entity_name_contains,
      const registry::PageRequest& page) override {
    return inner_->ListMembers(project_id, entity_name_contains, page);
  }
  Result<registry::Member> UpdateMemberRole(std::string_view actor, std::int64_t project_id,
                                            std::int64_t member_id, registry::Role role) override {
    return inner_->UpdateMemberRole(actor, project_id, member_id, role);
  }
  Status RemoveMember(std::string_view actor, std::int64_t project_id,
                      std::int64_t member_id) override {
    return inner_->RemoveMember(actor, project_id, member_id);
  }
  Result<std::vector<registry::ProjectRoles>> LoadProjectAccess(
      std::string_view username, const std::vector<std::string>& groups,
      const std::vector<std::string>& project_names) override {
    return inner_->LoadProjectAccess(username, groups, project_names);
  }
  Result<registry::Robot> CreateRobot(std::string_view actor,
                                      const registry::NewRobot& robot) override {
    return inner_->CreateRobot(actor, robot);
  }
  Result<registry::Robot> LoadRobot(std::string_view name) override {
    return inner_->LoadRobot(name);
  }
  Result<registry::Robot> LoadRobotById(std::int64_t id) override {
    return inner_->LoadRobotById(id);
  }
  Result<registry::Listing<registry::Robot>> ListRobots(
      const registry::RobotFilter& filter) override {
    return inner_->ListRobots(filter);
  }
  Result<registry::Robot> UpdateRobot(std::string_view actor, std::int64_t id,
                                      const registry::RobotUpdate& update) override {
    return inner_->UpdateRobot(actor, id, update);
  }
  Result<registry::Robot> UpdateRobotSecret(std::string_view actor, std::int64_t id,
                                            std::string_view secret_hash) override {
    return inner_->UpdateRobotSecret(actor, id, secret_hash);
  }
  Result<registry::Robot> SetRobotDisabled(std::string_view actor, std::int64_t id,
                                           bool disabled) override {
    return inner_->SetRobotDisabled(actor, id, disabled);
  }
  Status DeleteRobot(std::string_view actor, std::int64_t id) override {
    return inner_->DeleteRobot(actor, id);
  }
  Result<registry::User> UpsertUserAtLogin(const registry::UserLogin& login) override {
    return inner_->UpsertUserAtLogin(login);
  }
  Result<registry::User> LoadUser(std::string_view username) override {
    return inner_->LoadUser(username);
  }
  Result<registry::User> LoadUserById(std::int64_t id) override { return inner_->LoadUserById(id); }
  Result<registry::User> LoadUserBySubject(std::string_view issuer,
                                           std::string_view subject) override {
    return inner_->LoadUserBySubject(issuer, subject);
  }
  Result<registry::Listing<registry::User>> ListUsers(const registry::PageRequest& page) override {
    return inner_->ListUsers(page);
  }
  Result<registry::User> RelinkUser(std::string_view actor, std::string_view username,
                                    std::string_view issuer, std::string_view subject) override {
    return inner_->RelinkUser(actor, username, issuer, subject);
  }
  Status DeleteUser(std::string_view actor, std::int64_t id) override {
    return inner_->DeleteUser(actor, id);
  }
  Result<registry::PersonalAccessToken> CreateAccessToken(
      std::string_view actor, const registry::NewAccessToken& token) override {
    return inner_->CreateAccessToken(actor, token);
  }
  Result<registry::PersonalAccessToken> LoadAccessTokenById(std::int64_t id) override {
    return inner_->LoadAccessTokenById(id);
  }
  Result<registry::PersonalAccessToken> LoadAccessToken(std::int64_t user_id,
                                                        std::string_view name) override {
    return inner_->LoadAccessToken(user_id, name);
  }
  Result<std::vector<registry::PersonalAccessToken>> ListAccessTokens(
      std::int64_t user_id) override {
    return inner_->ListAccessTokens(user_id);
  }
  Status RecordAccessTokenUse(std::int64_t id, std::int64_t when,
                              const std::optional<std::vector<std::string>>& groups) override {
    return inner_->RecordAccessTokenUse(id, when, groups);
  }
  Status RevokeAccessToken(std::string_view actor, std::int64_t id) override {
    return inner_->RevokeAccessToken(actor, id);
  }
  Status AppendAuditEvent(const registry::AuditEvent& event) override {
    return inner_->AppendAuditEvent(event);
  }
  Result<registry::Listing<registry::AuditEvent>> ListAuditEvents(
      const registry::AuditFilter& filter) override {
    return inner_->ListAuditEvents(filter);
  }

 private:
  std::unique_ptr<registry::RegistryStore> inner_;
};

}  // namespace gatehouse::adapters::registry_service::testing_env
