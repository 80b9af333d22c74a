// Fuzzes the k8s-keystone-auth sync config: YAML text → ParseKeystoneSyncConfig → Validate →
// ApplyRoleMappings and FormatKeystoneNamespaceName. Any input must give a config or an Error,
// never a crash. Oracles: mappings only ever append groups, and a namespace name is never longer
// than 63 characters unless it is the project id itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "authn/keystone/keystone_errors.h"
#include "authn/keystone/sync_config.h"
#include "k8s/user_info.h"

namespace {}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace authn = gatehouse::authn;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.size() > (1 << 16)) return 0;
  gatehouse::Result<authn::KeystoneSyncConfig> config = authn::ParseKeystoneSyncConfig(text);
  if (!config) {
    if (config.error().code.wire().empty()) std::abort();
    return 0;
  }
  gatehouse::Status valid = config->Validate();
  if (!valid && valid.error().code != authn::KeystoneError::kInvalidSyncConfig) std::abort();

  static const std::vector<std::vector<std::string>> role_sets = {
      {}, {"member"}, {"admin", "member", "reader"}, {""}};
  for (const std::vector<std::string>& roles : role_sets) {
    gatehouse::k8s::UserInfo user;
    user.username = "alice";
    user.groups = {"p-1234"};
    authn::ApplyRoleMappings(*config, roles, user);
    if (user.groups.empty() || user.groups.front() != "p-1234") std::abort();
    if (roles.empty() && (user.username != "alice" || user.groups.size() != 1)) std::abort();
  }
  const std::string project_id = "0123456789abcdef0123456789abcdef";
  const std::string name =
      authn::FormatKeystoneNamespaceName(*config, project_id, "demo-project", "default");
  if (name.size() > 63 && name != project_id) std::abort();
  return 0;
}
