#include "registry/model.h"

#include <array>
#include <utility>

namespace gatehouse::registry {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoleNames{{
    {Role::kProjectAdmin, "projectAdmin"},
    {Role::kDeveloper, "developer"},
    {Role::kGuest, "guest"},
    {Role::kMaintainer, "maintainer"},
    {Role::kLimitedGuest, "limitedGuest"},
}};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view text) {
  for (const auto& [role, name] : kRoleNames) {
    if (text == name) return role;
    if (text.size() == 1 && text[0] - '0' == static_cast<int>(role)) return role;
  }
  return std::nullopt;
}

}  // namespace gatehouse::registry
