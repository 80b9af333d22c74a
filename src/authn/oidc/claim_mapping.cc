#include "authn/oidc/claim_mapping.h"

#include <algorithm>
#include <utility>

#include "authn/oidc/oidc_errors.h"

namespace gatehouse::authn::oidc {
namespace {

// Groups from one claim: kube-apiserver accepts an array of strings or a single string.
Result<std::vector<std::string>> StringsOf(const value::Value& v, const std::string& what) {
  if (const std::string* s = v.AsString()) return std::vector<std::string>{*s};
  if (std::optional<std::vector<std::string>> list = value::AsStringList(v)) return *list;
  return MakeError(OidcError::kGroupsInvalid,
                   "claim " + what + " is neither a string nor an array of strings");
}

std::string NormaliseGroupPath(const std::string& group, GroupPathRule rule) {
  switch (rule) {
    case GroupPathRule::kKeep:
      return group;
    case GroupPathRule::kStripLeadingSlash:
      return !group.empty() && group.front() == '/' ? group.substr(1) : group;
    case GroupPathRule::kLastSegment: {
      std::string_view g = group;
      while (!g.empty() && g.back() == '/') g.remove_suffix(1);
      const std::size_t slash = g.rfind('/');
      return std::string(slash == std::string_view::npos ? g : g.substr(slash + 1));
    }
  }
  return group;
}

void AddUnique(std::vector<std::string>& groups, std::string group) {
  if (group.empty()) return;
  if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
    groups.push_back(std::move(group));
  }
}

const value::Value* FindPath(const value::Value& root,
                             std::initializer_list<std::string_view> path) {
  const value::Value* at = &root;
  for (std::string_view key : path) {
    at = at->Find(key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

}  // namespace

Result<GroupPathRule> ParseGroupPathRule(std::string_view text) {
  if (text == "keep") return GroupPathRule::kKeep;
  if (text == "strip-leading-slash") return GroupPathRule::kStripLeadingSlash;
  if (text == "last-segment") return GroupPathRule::kLastSegment;
  return MakeError(OidcError::kInvalidOption, "\"" + std::string(text) +
                                                  "\" is not one of: keep, strip-leading-slash, "
                                                  "last-segment");
}

std::string EffectiveUsernamePrefix(const ClaimMapping& mapping) {
  if (mapping.username_prefix) {
    return *mapping.username_prefix == "-" ? std::string() : *mapping.username_prefix;
  }
  if (mapping.username_claim == "email") return "";
  return mapping.issuer + "#";
}

Result<k8s::UserInfo> BuildOidcUserInfo(const value::Value& claims, const ClaimMapping& mapping) {
  const value::Value* username = claims.Find(mapping.username_claim);
  if (username == nullptr || username->AsString() == nullptr || username->AsString()->empty()) {
    return MakeError(OidcError::kUsernameMissing,
                     "the token has no non-empty string claim " + mapping.username_claim);
  }
  if (mapping.username_claim == "email") {
    // OIDC Core §5.1: an unverified address may belong to someone else.
    const value::Value* verified = claims.Find("email_verified");
    if (verified == nullptr || verified->AsBool() != std::optional<bool>(true)) {
      return MakeError(OidcError::kEmailNotVerified, "the token's email is not verified");
    }
  }
  k8s::UserInfo user;
  user.username = EffectiveUsernamePrefix(mapping) + *username->AsString();

  if (!mapping.groups_claim.empty()) {
    if (const value::Value* groups = claims.Find(mapping.groups_claim)) {
      Result<std::vector<std::string>> names = StringsOf(*groups, mapping.groups_claim);
      if (!names) return names.error();
      for (const std::string& name : *names) {
        std::string normalised = NormaliseGroupPath(name, mapping.group_path_rule);
        if (!normalised.empty()) AddUnique(user.groups, mapping.groups_prefix + normalised);
      }
    }
  }
  if (mapping.realm_roles) {
    if (const value::Value* roles = FindPath(claims, {"realm_access", "roles"})) {
      Result<std::vector<std::string>> names = StringsOf(*roles, "realm_access.roles");
      if (!names) return names.error();
      for (const std::string& role : *names) {
        if (!role.empty()) AddUnique(user.groups, mapping.realm_roles_prefix + role);
      }
    }
  }
  for (const std::string& client : mapping.client_roles) {
    if (const value::Value* roles = FindPath(claims, {"resource_access", client, "roles"})) {
      Result<std::vector<std::string>> names =
          StringsOf(*roles, "resource_access." + client + ".roles");
      if (!names) return names.error();
      for (const std::string& role : *names) {
        if (!role.empty())
          AddUnique(user.groups, mapping.client_roles_prefix + client + ":" + role);
      }
    }
  }

  k8s::Extra extra;
  extra.emplace_back(kOidcExtraIssuer, std::vector<std::string>{mapping.issuer});
  if (const value::Value* sub = claims.Find("sub"); sub != nullptr && sub->AsString() != nullptr) {
    extra.emplace_back(kOidcExtraSubject, std::vector<std::string>{*sub->AsString()});
  }
  user.extra = std::move(extra);
  return user;
}

}  // namespace gatehouse::authn::oidc
