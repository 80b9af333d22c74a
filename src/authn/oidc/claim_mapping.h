// OIDC claim mapping: the Kubernetes identity derived from the claims of a verified JWT.
//
// Follows kube-apiserver's --oidc-* semantics: the username is `username_claim` (default `sub`)
// prefixed with "<issuer>#" unless a prefix is configured ("-" means no prefix; with the `email`
// claim the default is no prefix and `email_verified` must be present and true — stricter than
// kube-apiserver, which accepts a missing `email_verified`). Groups come from `groups_claim` (an
// array of strings or one string) with `groups_prefix`, plus Keycloak specifics: `full.path`
// groups normalised by a GroupPathRule, realm roles (`realm_access.roles`) and client roles
// (`resource_access.<client>.roles`) mapped to groups with their own prefixes. The extra field
// carries the issuer and subject. Signature, audience, expiry and required claims are the JOSE
// verifier's business, not this file's. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "k8s/user_info.h"
#include "value/value.h"

namespace gatehouse::authn::oidc {

inline constexpr char kOidcExtraIssuer[] = "gatehouse.io/oidc/issuer";
inline constexpr char kOidcExtraSubject[] = "gatehouse.io/oidc/subject";

// How Keycloak group paths ("/org/team-demo") become group names.
enum class GroupPathRule {
  kKeep,               // "/org/team-demo"
  kStripLeadingSlash,  // "org/team-demo"
  kLastSegment,        // "team-demo"
};

// Parses "keep", "strip-leading-slash", "last-segment". Errors: "oidc_invalid_option".
Result<GroupPathRule> ParseGroupPathRule(std::string_view text);

struct ClaimMapping {
  std::string issuer;  // the configured issuer URL (for the default prefix and the extra field)
  std::string username_claim = "sub";
  // nullopt: kube-apiserver's default ("<issuer>#", or none for `email`); "-": no prefix.
  std::optional<std::string> username_prefix;
  std::string groups_claim;  // empty: no groups from a claim
  std::string groups_prefix;
  GroupPathRule group_path_rule = GroupPathRule::kKeep;
  bool realm_roles = false;  // map realm_access.roles to groups
  std::string realm_roles_prefix;
  // Clients whose resource_access.<client>.roles become groups "<prefix><client>:<role>".
  std::vector<std::string> client_roles;
  std::string client_roles_prefix;
};

// The prefix put before usernames under `mapping` (kube-apiserver's rule).
std::string EffectiveUsernamePrefix(const ClaimMapping& mapping);

// Builds the user from verified claims. Errors (never containing claim values):
// "oidc_username_missing" (claim absent, not a string, or empty), "oidc_email_not_verified",
// "oidc_groups_invalid" (groups claim or roles neither a string nor an array of strings).
Result<k8s::UserInfo> BuildOidcUserInfo(const value::Value& claims, const ClaimMapping& mapping);

}  // namespace gatehouse::authn::oidc
