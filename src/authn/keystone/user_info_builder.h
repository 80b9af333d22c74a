// The Kubernetes identity k8s-keystone-auth derives from a validated Keystone token.
//
// BuildKeystoneUserInfo() reproduces the reference output exactly (SPEC §3.2): username = user
// name, uid = user id, groups = Keystone group names in API order followed by the project id,
// and five `alpha.kubernetes.io/identity/...` extra keys (roles is [] when the token has none;
// the domain keys are the USER's domain, not the project's). Role mappings (sync config) are a
// separate step, ApplyRoleMappings(). Pure and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "authn/keystone/token_info.h"
#include "k8s/user_info.h"

namespace gatehouse::authn {

inline constexpr char kKeystoneExtraRoles[] = "alpha.kubernetes.io/identity/roles";
inline constexpr char kKeystoneExtraProjectId[] = "alpha.kubernetes.io/identity/project/id";
inline constexpr char kKeystoneExtraProjectName[] = "alpha.kubernetes.io/identity/project/name";
inline constexpr char kKeystoneExtraUserDomainId[] = "alpha.kubernetes.io/identity/user/domain/id";
inline constexpr char kKeystoneExtraUserDomainName[] =
    "alpha.kubernetes.io/identity/user/domain/name";

// `token.project` should be set (callers reject other scopes first); without it the project
// group and the project extra values are omitted rather than invented.
k8s::UserInfo BuildKeystoneUserInfo(const KeystoneTokenInfo& token,
                                    const std::vector<std::string>& group_names);

}  // namespace gatehouse::authn
