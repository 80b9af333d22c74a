// Who may do what to which project through the registry API (Harbor's REST API v2.0 roles), as a
// pure function of the caller, the project and the action. The HTTP handlers
// (adapters/registry/registry_api.cc) load the facts, call it, and turn the decision into their
// answer; the token endpoint's pull/push rules are access.h.
//
// Rules, in this order (the first that applies decides):
//   anonymous caller                     kUnauthorized (401)
//   robot account                        kForbidden   (the API is for people)
//   personal access token, a change      kForbidden   (it reads only: every change needs a login
//                                                      through the identity provider, even for a
//                                                      system administrator)
//   project does not exist               kNotFound
//   system administrator                 kAllow
//   not a member, and the project is private or the action is about one project robot
//                                        kNotFound, exactly as a missing project (a robot id
//                                        must not tell a non-member that it exists)
//   kReadProject                         kAllow (public project, or a member)
//   kListMembers                         a member (any role), else kForbidden
//   kDeleteProject                       kForbidden (system administrators only)
//   every other action                   projectAdmin, else kForbidden
// Roles add up (user membership plus group memberships); developer, maintainer, guest and
// limitedGuest are all "a member" here and none of them administers the project.
//
// Pure function over plain values; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "registry/access.h"
#include "registry/model.h"

namespace gatehouse::registry {

struct ApiCaller {
  PrincipalKind kind = PrincipalKind::kAnonymous;
  bool sysadmin = false;      // people only
  bool access_token = false;  // a person signed in with a personal access token
  std::vector<Role> roles;    // the caller's roles in the project; empty = not a member
};

struct ProjectFacts {
  bool exists = false;
  bool is_public = false;
};

enum class ProjectAction {
  kReadProject,    // GET/HEAD the project
  kUpdateProject,  // PUT the project
  kDeleteProject,  // DELETE the project
  kListMembers,    // GET its members, or one of them
  kManageMembers,  // add, change the role of, remove a member
  kListRobots,     // GET /robots?q=ProjectID=<id>
  kCreateRobot,    // POST /robots with a permission naming the project
  kReadRobot,      // GET one of its project robots by id
  kManageRobot,    // update, rotate, delete one of its project robots
};

// Whether the action changes anything (what a personal access token may not do).
bool IsChange(ProjectAction action);

enum class PermissionOutcome {
  kAllow,
  kForbidden,     // 403: the caller may know the project exists
  kNotFound,      // 404: must answer exactly as a missing project (or robot)
  kUnauthorized,  // 401: nobody signed in
};

// Why a refusal was made, so the handler can word its answer.
enum class RefusalReason {
  kNone,                 // kAllow
  kNotSignedIn,          // kUnauthorized
  kRobot,                // kForbidden
  kAccessTokenReadOnly,  // kForbidden
  kHidden,               // kNotFound: missing, or not to be shown to this caller
  kNotMember,            // kForbidden
  kNotProjectAdmin,      // kForbidden
  kSysadminOnly,         // kForbidden
};

struct PermissionDecision {
  PermissionOutcome outcome = PermissionOutcome::kForbidden;
  RefusalReason reason = RefusalReason::kNone;
  bool operator==(const PermissionDecision&) const = default;
};

PermissionDecision DecideProjectAction(const ApiCaller& caller, const ProjectFacts& project,
                                       ProjectAction action);

// "read", "update", ... for test names and logs.
std::string_view ProjectActionName(ProjectAction action);

}  // namespace gatehouse::registry
