// ProjectStore: the durable projects of the registry tenancy model (model.h): create, find, list
// (optionally only what one person may see), change visibility, delete.
//
// Part of RegistryStore (store.h), whose contract holds here: implementations are thread-safe,
// every method is one transaction in which a change and its audit event are committed together,
// timestamps come from the store's Clock. Errors (Error::code): "not_found", "conflict",
// "precondition_failed", "invalid_argument", "store_unavailable", "store_error"; messages name
// the object and never contain a secret or SQL text. `actor` is recorded in the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/listing.h"
#include "registry/model.h"

namespace gatehouse::registry {

// Who is looking at the project list: a person by username and identity-provider groups.
struct ProjectViewer {
  std::string username;  // "" matches no user membership
  std::vector<std::string> groups;
};

struct ProjectFilter {
  std::string name_contains;      // substring match; "" = any ('%' and '_' are literal)
  std::optional<bool> is_public;  // nullopt = both
  // Only projects the viewer may see: public ones, and private ones where the username (a user
  // member) or one of the groups (a group member) holds any role. nullopt = every project.
  // "invalid_argument" beyond 1000 groups.
  std::optional<ProjectViewer> visible_to;
  PageRequest page;
};

class ProjectStore {
 public:
  virtual ~ProjectStore() = default;

  // "conflict" if the name is taken; "invalid_argument" for an empty name.
  virtual Result<Project> CreateProject(std::string_view actor, std::string_view name,
                                        bool is_public) = 0;
  virtual Result<Project> LoadProject(std::string_view name) = 0;  // "not_found"
  virtual Result<Project> LoadProjectById(std::int64_t id) = 0;    // "not_found"
  // Ordered by name. "invalid_argument" for a bad page (listing.h).
  virtual Result<Listing<Project>> ListProjects(const ProjectFilter& filter) = 0;
  // One UPDATE in one transaction. "not_found".
  virtual Result<Project> UpdateProjectPublic(std::string_view actor, std::int64_t id,
                                              bool is_public) = 0;
  // Deletes the project and its members. "not_found"; "precondition_failed" while any robot (a
  // project robot of it, or a system robot with a permission naming it) remains: robots hold
  // credentials people use, so they are deleted explicitly, never as a side effect.
  virtual Status DeleteProject(std::string_view actor, std::int64_t id) = 0;
};

}  // namespace gatehouse::registry
