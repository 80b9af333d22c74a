// The access a token grants, computed by the pure core (registry/access.h) for a Caller and the
// projects the store resolved. A thin bridge so that callers need not include access.h (see
// caller.h for why). Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "adapters/registry/caller.h"
#include "registry/model.h"
#include "registry/scope.h"

namespace gatehouse::adapters::registry_service {

// A project named by a requested scope and the caller's roles in it.
struct ResolvedProject {
  registry::Project project;
  std::vector<registry::Role> roles;
};

// The project names to resolve for `requested` (registry::ReferencedProjects).
std::vector<std::string> ReferencedProjectNames(
    const std::vector<registry::ResourceScope>& requested);

// registry::GrantAccess for `caller`: one entry per requested resource, requested ∩ allowed.
std::vector<registry::ResourceScope> GrantFor(
    const Caller& caller, const std::vector<ResolvedProject>& projects,
    const std::vector<registry::ResourceScope>& requested);

}  // namespace gatehouse::adapters::registry_service
