#include "authz/keystone/authorizer.h"

#include <algorithm>
#include <span>
#include <string>

namespace gatehouse::authz::keystone {
namespace {

using Strings = std::span<const std::string>;

// The Keystone part of a user, read once per request. Go decodes `extra` into a map, so a
// repeated key keeps its last value.
struct Identity {
  const k8s::UserInfo& user;
  Strings roles;
  Strings project_ids;
  Strings project_names;
};

Identity ReadIdentity(const k8s::UserInfo& user) {
  Identity identity{user, {}, {}, {}};
  for (const k8s::ExtraField& field : *user.extra) {
    if (field.first == kExtraRoles) {
      identity.roles = field.second;
    } else if (field.first == kExtraProjectId) {
      identity.project_ids = field.second;
    } else if (field.first == kExtraProjectName) {
      identity.project_names = field.second;
    }
  }
  return identity;
}

bool AnyIn(Strings candidates, const StringSet& set) {
  return std::any_of(candidates.begin(), candidates.end(),
                     [&](const std::string& candidate) { return set.Contains(candidate); });
}

// roles ⊆ user roles AND projects ∩ (user project names ∪ ids) ≠ ∅.
bool UsersAllow(const UsersFilter& users, const Identity& identity) {
  for (const std::string& role : users.roles.items()) {
    if (std::find(identity.roles.begin(), identity.roles.end(), role) == identity.roles.end()) {
      return false;
    }
  }
  return AnyIn(identity.project_names, users.projects) ||
         AnyIn(identity.project_ids, users.projects);
}

bool MatchEntryAllows(const MatchEntry& entry, const Identity& identity) {
  if (entry.any_value) return true;
  switch (entry.type) {
    case MatchType::kGroup:
      return AnyIn(identity.user.groups, entry.values);
    case MatchType::kUser:
      return entry.values.Contains(identity.user.username) ||
             entry.values.Contains(identity.user.uid);
    case MatchType::kProject:
      return AnyIn(identity.project_ids, entry.values) ||
             AnyIn(identity.project_names, entry.values);
    case MatchType::kRole:
      return AnyIn(identity.roles, entry.values);
    case MatchType::kUnknown:
      return false;
  }
  return false;
}

bool MatchAllows(const std::vector<MatchEntry>& match, const Identity& identity) {
  // An unknown type fails the element even when an earlier entry would fail it too, and even
  // when its values contain "*": the reference checks the type first.
  for (const MatchEntry& entry : match) {
    if (entry.type == MatchType::kUnknown || !MatchEntryAllows(entry, identity)) return false;
  }
  return true;
}

bool V1ResourceAllows(const V1ResourceRule& rule, const k8s::ResourceAttributes& request) {
  if (!rule.api_group || !rule.namespace_name) return false;  // the reference panics here
  if (*rule.api_group != "*" && *rule.api_group != request.group) return false;
  if (*rule.namespace_name != "*" && *rule.namespace_name != request.namespace_name) return false;
  if (!rule.resources.Contains("*")) {
    if (request.subresource.empty()) {
      if (!rule.resources.Contains(request.resource)) return false;
    } else if (!rule.resources.ContainsJoined(request.resource, "*") &&
               !rule.resources.ContainsJoined(request.resource, request.subresource)) {
      return false;
    }
  }
  return rule.verbs.Contains("*") || rule.verbs.Contains(request.verb);
}

bool V1NonResourceAllows(const V1NonResourceRule& rule, const k8s::NonResourceAttributes& request) {
  if (rule.verbs.Contains("") || !rule.path) return false;
  if (!rule.verbs.Contains("*") && !rule.verbs.Contains(request.verb)) return false;
  const std::string_view path = *rule.path;
  if (path == "*" || path == request.path) return true;
  if (!path.ends_with('*')) return false;
  // strings.TrimRight(path, "*"): "/api/*" matches "/api/" and below, not "/api".
  const std::string_view prefix = path.substr(0, path.find_last_not_of('*') + 1);
  return std::string_view(request.path).starts_with(prefix);
}

// The reference's getAllowed(definition, value) followed by allowed.Has(value).
bool PatternAllows(const NamePattern& pattern, std::string_view value) {
  if (value.empty() || pattern.text == value) return true;
  switch (pattern.kind) {
    case NamePattern::Kind::kAny:
      return true;
    case NamePattern::Kind::kNot:
      return std::string_view(pattern.text).substr(1) != value;
    case NamePattern::Kind::kList:
      return pattern.items_any || pattern.items.Contains(value);
    case NamePattern::Kind::kNotList:
      return !pattern.items_any && !pattern.items.Contains(value);
    case NamePattern::Kind::kNotAny:
    case NamePattern::Kind::kLiteral:
    case NamePattern::Kind::kInvalid:
      return false;
  }
  return false;
}

const ResourcePermission* FindResourcePermission(const std::vector<ResourcePermission>& permissions,
                                                 const k8s::ResourceAttributes& request) {
  for (const ResourcePermission& permission : permissions) {
    if (!permission.usable) continue;
    if (!permission.any_verb && !permission.verbs.Contains(request.verb)) continue;
    // Cluster-scoped requests are only for "*/..." keys (upstream PR #1292).
    if (request.namespace_name.empty() && permission.namespace_pattern.text != "*") continue;
    if (!PatternAllows(permission.namespace_pattern, request.namespace_name)) continue;
    if (!PatternAllows(permission.resource_pattern, request.resource)) continue;
    return &permission;
  }
  return nullptr;
}

const NonResourcePermission* FindNonResourcePermission(
    const std::vector<NonResourcePermission>& permissions,
    const k8s::NonResourceAttributes& request) {
  for (const NonResourcePermission& permission : permissions) {
    if (permission.path == request.path &&
        (permission.any_verb || permission.verbs.Contains(request.verb))) {
      return &permission;
    }
  }
  return nullptr;
}

std::string AllowReason(std::size_t index, std::string_view what, std::string_view key) {
  std::string reason = "allowed by keystone policy[" + std::to_string(index) + "] ";
  reason += what;
  if (!key.empty()) {
    constexpr std::size_t kMaxKey = 120;
    reason += " \"";
    reason += key.substr(0, kMaxKey);
    if (key.size() > kMaxKey) reason += "...";
    reason += "\"";
  }
  return reason;
}

}  // namespace

k8s::Decision AuthorizeKeystone(const Policy& policy, const k8s::UserInfo& user,
                                const k8s::AccessAttributes& attributes,
                                const KeystoneAuthorizeOptions& options) {
  auto refuse = [&](const char* why) {
    return options.deny_on_no_match ? k8s::Decision::Deny(why) : k8s::Decision::NoOpinion(why);
  };
  // The reference checks for an empty list before evaluating anything.
  if (policy.empty()) return refuse("no keystone policy is configured");
  if (!user.extra) return refuse("No auth info found.");

  const Identity identity = ReadIdentity(user);
  for (std::size_t i = 0; i < policy.elements.size(); ++i) {
    const PolicyElement& element = policy.elements[i];
    if (element.is_null) continue;
    if (element.users && !UsersAllow(*element.users, identity)) continue;
    if (attributes.resource_request) {
      if (element.resource_permissions) {
        if (const ResourcePermission* permission =
                FindResourcePermission(*element.resource_permissions, attributes.resource)) {
          return k8s::Decision::Allow(AllowReason(i, "resource_permissions", permission->key));
        }
      } else if (element.resource && V1ResourceAllows(*element.resource, attributes.resource) &&
                 MatchAllows(element.match, identity)) {
        return k8s::Decision::Allow(AllowReason(i, "resource rule", {}));
      }
    } else {
      if (element.nonresource_permissions) {
        if (const NonResourcePermission* permission = FindNonResourcePermission(
                *element.nonresource_permissions, attributes.nonresource)) {
          return k8s::Decision::Allow(AllowReason(i, "nonresource_permissions", permission->path));
        }
      } else if (element.nonresource &&
                 V1NonResourceAllows(*element.nonresource, attributes.nonresource) &&
                 MatchAllows(element.match, identity)) {
        return k8s::Decision::Allow(AllowReason(i, "nonresource rule", {}));
      }
    }
  }
  return refuse("no keystone policy element allows this request");
}

}  // namespace gatehouse::authz::keystone
