// AuthorizeKeystone: evaluates a k8s-keystone-auth policy (policy.h) for one SubjectAccessReview,
// with the reference's semantics (cloud-provider-openstack, pkg/identity/keystone/authorizer.go):
//  - the user's Keystone identity is read from `extra`: roles
//    (alpha.kubernetes.io/identity/roles) and projects (…/project/name ∪ …/project/id);
//    a request without `extra` is never allowed ("No auth info found.");
//  - elements are tried in order and the first that allows wins; there is no explicit deny;
//  - `users` filters an element (all roles AND any project); v2 `*_permissions` shadow v1
//    `resource` / `nonresource` within an element; v1 `match` entries are AND-ed.
// The reference answers allowed:false when nothing allows, which the API server treats as "no
// opinion"; so by default every non-allow is kNoOpinion (RBAC still decides), and
// `deny_on_no_match` turns it into an explicit kDeny (for a chain where keystone is last).
//
// Pure and thread-safe: reads the const Policy only, allocates only the Decision's reason.
// Never fails: pieces the reference would crash on do not match (see policy.h).
#pragma once

#include <string_view>

#include "authz/keystone/policy.h"
#include "k8s/access_attributes.h"
#include "k8s/decision.h"
#include "k8s/user_info.h"

namespace gatehouse::authz::keystone {

inline constexpr std::string_view kExtraRoles = "alpha.kubernetes.io/identity/roles";
inline constexpr std::string_view kExtraProjectId = "alpha.kubernetes.io/identity/project/id";
inline constexpr std::string_view kExtraProjectName = "alpha.kubernetes.io/identity/project/name";

struct KeystoneAuthorizeOptions {
  bool deny_on_no_match = false;
};

// kAllow with a reason naming the element (and v2 key) that allowed; otherwise kNoOpinion (or
// kDeny, see above) with a short reason: "No auth info found." (no extra), "no keystone policy
// is configured" (empty policy) or "no keystone policy element allows this request".
k8s::Decision AuthorizeKeystone(const Policy& policy, const k8s::UserInfo& user,
                                const k8s::AccessAttributes& attributes,
                                const KeystoneAuthorizeOptions& options = {});

}  // namespace gatehouse::authz::keystone
