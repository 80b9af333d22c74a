// Keystone policy: the authorization policy of OpenStack's k8s-keystone-auth (versions 1 and 2),
// decoded and precompiled for fast evaluation (see authorizer.h; behaviour: k8s-keystone-auth's
// docs/keystone-auth/using-keystone-webhook-authenticator-and-authorizer.md and
// pkg/identity/keystone/authorizer.go in kubernetes/cloud-provider-openstack).
//
// The text is the JSON list kept in the ConfigMap key `policies` or in a policy file. Decoding
// follows Go's encoding/json as the reference does: object field names match case-insensitively
// (with Go's folding, so "Resource" works), `null` means absent, a field repeated in another
// spelling decodes into what the earlier one built (objects merge, lists are replaced; exact
// duplicates are collapsed by the JSON reader, last wins), and v2 map keys (`users`,
// `*_permissions`) are exact with the last duplicate winning.
//
// Divergences from the reference, on purpose:
//  - A key no field knows refuses the WHOLE policy (code "invalid_policy", message naming the
//    element and the key: `policy[0]: unknown key "userz" (known: users, ...)`), at every level:
//    element keys, inside `resource`, `nonresource` and each `match` item, and the keys of the
//    `users` map (only `roles` and `projects`, exact spelling). The reference ignores them, so a
//    misspelt "users" makes the element apply to EVERY user. PolicyParseOptions::lenient keeps
//    the reference's reading; each ignored key is then named in Policy::warnings.
//  - A type error (`resource_permissions` as an array, a verb that is not a string, ...) refuses
//    the WHOLE policy (code "invalid_policy", message naming the element index and field path).
//    The reference logs it and installs the partially decoded list (or exits at start-up).
//  - Where the reference panics while evaluating, the piece concerned never matches and
//    Policy::warnings names it: a v1 `resource` without `version` or `namespace` (only when not
//    shadowed by `resource_permissions`), and a `null` element (the reference crashes on every
//    request that reaches it; we skip it).
//  - v2 text is lower-cased like Go's strings.ToLower for ASCII and for the two non-ASCII letters
//    whose lower case is ASCII (U+0130, U+212A); other non-ASCII letters are kept as written.
//    Kubernetes namespaces and resources are ASCII, so real requests cannot tell the difference.
//  - The JSON reader refuses invalid UTF-8 (Go replaces it with U+FFFD) and trailing data.
// Load-time work: v1 lists are sorted for binary search, v2 keys are split, trimmed,
// lower-cased and their ['a','b'] lists parsed, so evaluation does not allocate.
//
// A Policy is an immutable value once parsed: share it as std::shared_ptr<const Policy> and read
// it from any number of threads. ParseKeystonePolicy is pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/json.h"

namespace gatehouse::authz::keystone {

// A sorted, duplicate-free list of strings with exact (case-sensitive) membership.
class StringSet {
 public:
  StringSet() = default;
  explicit StringSet(std::vector<std::string> items);

  bool Contains(std::string_view item) const;
  // Contains(head + "/" + tail), without building that string.
  bool ContainsJoined(std::string_view head, std::string_view tail) const;
  bool empty() const { return items_.empty(); }
  const std::vector<std::string>& items() const { return items_; }

 private:
  std::vector<std::string> items_;
};

// ---- Version 1 -------------------------------------------------------------------------------

enum class MatchType { kUser, kGroup, kProject, kRole, kUnknown };

// One `match` entry; entries are AND-ed, values OR-ed. An unknown type (case-sensitive, so
// "Role" is unknown) makes the whole element fail, even with values ["*"].
struct MatchEntry {
  MatchType type = MatchType::kUnknown;
  std::string type_name;  // as written
  StringSet values;
  bool any_value = false;  // values contain "*"
};

struct V1ResourceRule {
  StringSet verbs;      // "*" = any verb
  StringSet resources;  // "*", "<res>", "<res>/*", "<res>/<sub>"; empty: never matches
  // JSON "version" is the API group: "*" any, "" the core group. nullopt: the reference
  // panics, so the rule never matches.
  std::optional<std::string> api_group;
  std::optional<std::string> namespace_name;  // "*" any (cluster-scoped included); nullopt as above
};

struct V1NonResourceRule {
  StringSet verbs;                  // "*" = any; containing "" disables the rule
  std::optional<std::string> path;  // "*" any, "p*" prefix "p", else exact; nullopt: never
};

// ---- Version 2 -------------------------------------------------------------------------------

// One side (namespace or resource) of a `resource_permissions` key, after TrimSpace+ToLower.
// Every kind also matches a value equal to `text`, and the empty value (reference rules).
struct NamePattern {
  enum class Kind {
    kAny,      // "*"
    kLiteral,  // anything else that is not one of the forms below: matches only itself
    kNot,      // "!name" (also bare "!"): anything but `text.substr(1)`
    kNotAny,   // "!*": nothing
    kList,     // "['a','b']": `items`; an item "*" is any
    kNotList,  // "!['a','b']": anything not in `items`; an item "*" excludes all
    kInvalid,  // a list form whose list is not a JSON string array: matches only itself
  };
  Kind kind = Kind::kLiteral;
  std::string text;  // trimmed and lower-cased definition
  StringSet items;
  bool items_any = false;  // items contain "*"
};

struct ResourcePermission {
  std::string key;      // as written, for reasons and warnings
  bool usable = false;  // the key has exactly one '/'; others are ignored (reference behaviour)
  NamePattern namespace_pattern;
  NamePattern resource_pattern;
  StringSet verbs;  // lower-cased
  bool any_verb = false;
};

struct NonResourcePermission {
  std::string path;  // exact match, no wildcard
  StringSet verbs;   // as written (not lower-cased, as the reference)
  bool any_verb = false;
};

// `users`: the element applies only to users with ALL `roles` and ANY of `projects` (by name or
// id). Without projects it never applies.
struct UsersFilter {
  StringSet roles;
  StringSet projects;
};

// ---- The policy ------------------------------------------------------------------------------

struct PolicyElement {
  bool is_null = false;  // a JSON null element: never matches (the reference panics)
  std::optional<UsersFilter> users;
  std::optional<V1ResourceRule> resource;
  std::optional<V1NonResourceRule> nonresource;
  std::vector<MatchEntry> match;  // empty: everyone
  // When present (even empty) these shadow `resource` / `nonresource`.
  std::optional<std::vector<ResourcePermission>> resource_permissions;
  std::optional<std::vector<NonResourcePermission>> nonresource_permissions;
};

struct Policy {
  std::vector<PolicyElement> elements;  // evaluated in order; first allow wins
  // For people: pieces that can never match, keys ignored in lenient mode. Never secrets; no
  // effect on results.
  std::vector<std::string> warnings;

  bool empty() const { return elements.empty(); }
};

// Default size limit: a ConfigMap holds at most 1 MiB, a file may hold more.
inline constexpr std::size_t kMaxPolicyBytes = 4u << 20;

// How ParseKeystonePolicy reads a policy. The defaults are the safe ones.
struct PolicyParseOptions {
  value::JsonLimits limits = [] {
    value::JsonLimits defaults;
    defaults.max_bytes = kMaxPolicyBytes;
    return defaults;
  }();
  // The reference's reading of unknown keys: ignored, each one named in Policy::warnings. Off,
  // an unknown key refuses the policy; keep it off unless old policies carry extra keys (e.g.
  // comments) that cannot be cleaned up yet.
  bool lenient = false;
};

// Decodes and compiles a policy list. `null` and `[]` give an empty policy (which allows nothing).
// Errors: the JSON codes of ParseJson ("invalid_json", "json_too_large", "json_too_deep") when
// the text is not JSON within `options.limits`; "invalid_policy" when a value has the wrong type,
// with a message like `policy[2].resource.verbs[0]: expected string, got number`, or (unless
// lenient) when a key is unknown: `policy[0].match[1]: unknown key "typo" (known: type, values)`.
Result<Policy> ParseKeystonePolicy(std::string_view json_text);
Result<Policy> ParseKeystonePolicy(std::string_view json_text, const PolicyParseOptions& options);

}  // namespace gatehouse::authz::keystone
