// MemberStore: who holds which role in a project (users by name, identity-provider groups by
// name), and the token endpoint's one-query view of a principal's roles in several projects.
//
// Part of RegistryStore (store.h), whose contract holds here: implementations are thread-safe,
// every method is one transaction in which a change and its audit event are committed together.
// Errors (Error::code): "not_found", "conflict", "invalid_argument", "store_unavailable",
// "store_error"; messages name the object. `actor` is recorded in the audit log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/listing.h"
#include "registry/model.h"

namespace gatehouse::registry {

// One project as the token endpoint sees it for a principal: does it exist, is it public, and
// which roles (direct user membership plus every group membership) does the principal hold.
struct ProjectRoles {
  std::int64_t project_id = 0;
  std::string project_name;
  bool is_public = false;
  std::vector<Role> roles;  // distinct, unordered; empty = not a member
};

class MemberStore {
 public:
  virtual ~MemberStore() = default;

  // "not_found" if the project does not exist; "conflict" if the same user/group is already a
  // member of the project.
  virtual Result<Member> AddMember(std::string_view actor, std::int64_t project_id, MemberKind kind,
                                   std::string_view entity_name, Role role) = 0;
  // "not_found" also for a member id of another project.
  virtual Result<Member> LoadMember(std::int64_t project_id, std::int64_t member_id) = 0;
  // Ordered by kind, then name. entity_name_contains: substring filter ("" = all).
  virtual Result<Listing<Member>> ListMembers(std::int64_t project_id,
                                              std::string_view entity_name_contains,
                                              const PageRequest& page) = 0;
  // One UPDATE scoped to the project, in one transaction. "not_found".
  virtual Result<Member> UpdateMemberRole(std::string_view actor, std::int64_t project_id,
                                          std::int64_t member_id, Role role) = 0;
  virtual Status RemoveMember(std::string_view actor, std::int64_t project_id,
                              std::int64_t member_id) = 0;  // "not_found"
  // The token endpoint's hot path, in one query: for each named project that exists, its
  // visibility and the roles `username` holds directly or through any of `groups`. Unknown
  // projects are left out. An empty username matches no user membership (anonymous).
  // "invalid_argument" beyond 1000 project names or 1000 groups.
  virtual Result<std::vector<ProjectRoles>> LoadProjectAccess(
      std::string_view username, const std::vector<std::string>& groups,
      const std::vector<std::string>& project_names) = 0;
};

}  // namespace gatehouse::registry
