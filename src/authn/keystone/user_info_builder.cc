#include "authn/keystone/user_info_builder.h"

namespace gatehouse::authn {

k8s::UserInfo BuildKeystoneUserInfo(const KeystoneTokenInfo& token,
                                    const std::vector<std::string>& group_names) {
  k8s::UserInfo user;
  user.username = token.user_name;
  user.uid = token.user_id;
  user.groups = group_names;
  k8s::Extra extra;
  extra.emplace_back(kKeystoneExtraRoles, token.roles);
  if (token.project) {
    // The reference appends the project id last, after the Keystone groups (authenticator.go).
    user.groups.push_back(token.project->id);
    extra.emplace_back(kKeystoneExtraProjectId, std::vector<std::string>{token.project->id});
    extra.emplace_back(kKeystoneExtraProjectName, std::vector<std::string>{token.project->name});
  }
  extra.emplace_back(kKeystoneExtraUserDomainId, std::vector<std::string>{token.user_domain_id});
  extra.emplace_back(kKeystoneExtraUserDomainName,
                     std::vector<std::string>{token.user_domain_name});
  user.extra = std::move(extra);
  return user;
}

}  // namespace gatehouse::authn
