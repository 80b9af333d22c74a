// Match: a constraint's `spec.match` (Gatekeeper's match criteria) and whether an object under
// review meets it.
//
// Criteria, all of which must hold: `kinds` (apiGroups × kinds, "*" for any), `scope` ("*",
// "Cluster", "Namespaced"), `namespaces` and `excludedNamespaces` (Gatekeeper wildcards: a
// leading or trailing "*" for a suffix or prefix), `labelSelector` (the object's labels),
// `namespaceSelector` (the labels of the object's namespace, or of the object itself when it is a
// Namespace), `name` (a wildcard over the name, or a prefix of `generateName`) and `source`
// ("All", "Original", "Generated"). Absent criteria match everything. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/label_selector.h"
#include "common/result.h"
#include "value/value.h"

namespace gatehouse::admission {

// Gatekeeper's wildcard: "*x" ends with x, "x*" starts with x, "*x*" contains x, else equal.
bool WildcardMatches(std::string_view pattern, std::string_view candidate);

// What matching looks at in the object under review.
struct MatchTarget {
  std::string_view group;  // the review's kind.group ("" for the core group)
  std::string_view kind;   // kind.kind
  std::string_view name;
  std::string_view namespace_name;                 // "" for a cluster-scoped object
  std::string_view generate_name;                  // metadata.generateName
  std::string_view source = "Original";            // "Generated" for objects an expansion made
  const value::Value* labels = nullptr;            // metadata.labels (may be null)
  const value::Value* namespace_object = nullptr;  // the object's Namespace, when known
  bool IsNamespace() const { return group.empty() && kind == "Namespace"; }
};

// Why an object did not match, or that it did.
enum class MatchOutcome {
  kMatches,
  kNoMatch,
  // a namespaceSelector needs the namespace object and it is not known: Gatekeeper refuses the
  // review rather than guess (autoreject)
  kNamespaceUnknown,
};

// Gatekeeper's words for kNamespaceUnknown.
inline constexpr std::string_view kMissingNamespaceText =
    "namespace selector for namespace-scoped object but missing Namespace";

class Match {
 public:
  struct Kinds {
    std::vector<std::string> api_groups;
    std::vector<std::string> kinds;
  };
  enum class Scope { kAny, kCluster, kNamespaced };

  // `doc` is `spec.match` (null or absent: match everything); errors name `field`.
  static Result<Match> Parse(const value::Value* doc, std::string_view field);

  MatchOutcome Evaluate(const MatchTarget& target) const;

  bool has_namespace_selector() const { return namespace_selector_.has_value(); }
  // `kinds` as written (empty: every kind).
  const std::vector<Kinds>& kinds() const { return kinds_; }

 private:
  bool KindMatches(const MatchTarget& t) const;
  bool ScopeMatches(const MatchTarget& t) const;
  bool NamespacesMatch(const MatchTarget& t) const;
  bool ExcludedNamespacesMatch(const MatchTarget& t) const;
  bool NameMatches(const MatchTarget& t) const;
  MatchOutcome NamespaceSelectorMatches(const MatchTarget& t) const;

  std::vector<Kinds> kinds_;
  Scope scope_ = Scope::kAny;
  std::vector<std::string> namespaces_;
  std::vector<std::string> excluded_namespaces_;
  std::optional<LabelSelector> label_selector_;
  std::optional<LabelSelector> namespace_selector_;
  std::string name_;
  std::string source_;  // "" or "All": any
};

}  // namespace gatehouse::admission
