// Scopes of the Docker Registry v2 token protocol (distribution docs/spec/auth/scope.md):
// `GET <realm>?service=...&scope=<s>&scope=<s>`, each `scope` parameter holding one or more
// space-separated resource scopes `type[(class)]:name:action[,action...]`.
//
// The resource name may itself contain ':' (a `host:port` domain), so the type ends at the FIRST
// ':' and the actions start after the LAST one. Parsing is strict and bounded: every limit in
// ScopeLimits is checked before any work grows with the input, and every refusal is the Error
// code "invalid_scope" whose message quotes at most a short, sanitised excerpt of the input.
// Requests for the same resource are merged (actions united), so a client cannot inflate a
// token by repeating a scope.
//
// Types other than `repository` and `registry` are parsed (with a conservative name alphabet)
// and left for the access rules to grant nothing, as the registry and Harbor do. Pure functions,
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace gatehouse::registry {

inline constexpr std::string_view kRepositoryType = "repository";
inline constexpr std::string_view kRegistryType = "registry";
inline constexpr std::string_view kCatalogName = "catalog";

struct ScopeLimits {
  std::size_t max_total_bytes = 8192;  // all scope parameters together
  std::size_t max_scopes = 32;         // resource scopes after splitting on spaces
  std::size_t max_scope_bytes = 512;   // one resource scope
  std::size_t max_name_bytes = 255;    // distribution's limit on a repository name
  std::size_t max_actions = 8;         // distinct actions in one resource scope
  std::size_t max_action_bytes = 32;
};

// One requested (or granted) resource. Also the shape of one item of a token's "access" claim.
struct ResourceScope {
  std::string type;                  // "repository", "registry", ...
  std::string resource_class;        // "plugin" for "repository(plugin)", else empty
  std::string name;                  // "team-demo/app", "catalog", "localhost:5000/team/app"
  std::vector<std::string> actions;  // distinct, in the order first requested

  friend bool operator==(const ResourceScope&, const ResourceScope&) = default;
};

// A repository name split into an optional domain and the path. The project is the first path
// component (Harbor's rule), so the path has at least two components: Harbor's token service
// cannot place a single-component name ("alpine") in a project either (its parseImg fails, and
// it answers 500; we answer "invalid_scope"). A first part is a domain only when it holds ':'
// (`host:port`), which a project name cannot: unlike docker's client-side rule, neither a '.'
// nor an upper-case letter makes a domain, since "team.demo" is a valid project name, the
// registry sends scopes without a host, and an upper-case first part is simply invalid.
struct RepositoryName {
  std::string domain;   // empty for the usual "team-demo/app"
  std::string path;     // "team-demo/app"
  std::string project;  // "team-demo"
};

// Parses every `scope` query parameter. Empty parameters (and runs of spaces) are skipped, so
// `docker login` (no scope) yields an empty list. Errors: "invalid_scope".
Result<std::vector<ResourceScope>> ParseScopes(const std::vector<std::string>& params,
                                               const ScopeLimits& limits = {});

// One resource scope (no spaces). Errors: "invalid_scope".
Result<ResourceScope> ParseResourceScope(std::string_view text, const ScopeLimits& limits = {});

// Validates a repository name: an optional `host:port/` domain as above, then at least two path
// components (project and repository), each `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*` (the
// distribution spec's grammar: lower case only), joined by single '/'; at most `max_bytes` in
// all (distribution's NameTotalLengthMax, 255). Errors: "invalid_scope".
Result<RepositoryName> ParseRepositoryName(std::string_view name, std::size_t max_bytes = 255);

// True when `component` is one path component of the distribution grammar.
bool IsRepositoryPathComponent(std::string_view component);

// The canonical text of a scope, `type[(class)]:name:a,b`, as a registry challenge carries it.
std::string FormatScope(const ResourceScope& scope);

}  // namespace gatehouse::registry
