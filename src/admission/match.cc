#include "admission/match.h"

#include <algorithm>

#include "admission/admission_errors.h"

namespace gatehouse::admission {
namespace {

Error Invalid(std::string_view field, const std::string& what) {
  return MakeError(AdmissionError::kInvalidConstraint, std::string(field) + ": " + what);
}

Result<std::vector<std::string>> Strings(const value::Value* list, const std::string& field) {
  std::vector<std::string> out;
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) return Invalid(field, "must be a list of strings");
  for (const value::Value& v : *list->AsArray()) {
    if (!v.is_string()) return Invalid(field, "must be a list of strings");
    out.push_back(*v.AsString());
  }
  return out;
}

bool ListedOrAny(const std::vector<std::string>& list, std::string_view v) {
  return list.empty() || std::any_of(list.begin(), list.end(),
                                     [&](const std::string& s) { return s == "*" || s == v; });
}

bool AnyWildcard(const std::vector<std::string>& patterns, std::string_view candidate) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return WildcardMatches(p, candidate); });
}

const value::Value& LabelsOf(const value::Value* object) {
  static const value::Value kNone;
  if (object == nullptr) return kNone;
  const value::Value* metadata = object->Find("metadata");
  const value::Value* labels = metadata != nullptr ? metadata->Find("labels") : nullptr;
  return labels != nullptr ? *labels : kNone;
}

}  // namespace

bool WildcardMatches(std::string_view pattern, std::string_view candidate) {
  const bool leading = !pattern.empty() && pattern.front() == '*';
  const bool trailing = pattern.size() > static_cast<std::size_t>(leading) && pattern.back() == '*';
  if (leading && trailing) {
    return candidate.find(pattern.substr(1, pattern.size() - 2)) != std::string_view::npos;
  }
  if (leading) return candidate.ends_with(pattern.substr(1));
  if (trailing) return candidate.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == candidate;
}

Result<Match> Match::Parse(const value::Value* doc, std::string_view field) {
  Match m;
  if (doc == nullptr || doc->is_null()) return m;
  const std::string at(field);
  if (!doc->is_object()) return Invalid(at, "must be an object");
  if (const value::Value* kinds = doc->Find("kinds"); kinds && !kinds->is_null()) {
    if (!kinds->is_array()) return Invalid(at + ".kinds", "must be a list");
    for (std::size_t i = 0; i < kinds->AsArray()->size(); ++i) {
      const value::Value& k = (*kinds->AsArray())[i];
      const std::string item = at + ".kinds[" + std::to_string(i) + "]";
      Kinds entry;
      auto groups = Strings(k.Find("apiGroups"), item + ".apiGroups");
      if (!groups) return groups.error();
      auto names = Strings(k.Find("kinds"), item + ".kinds");
      if (!names) return names.error();
      entry.api_groups = std::move(*groups);
      entry.kinds = std::move(*names);
      m.kinds_.push_back(std::move(entry));
    }
  }
  if (const value::Value* scope = doc->Find("scope"); scope && !scope->is_null()) {
    const std::string* s = scope->AsString();
    if (s == nullptr) return Invalid(at + ".scope", "must be a string");
    if (*s == "*" || s->empty()) {
      m.scope_ = Scope::kAny;
    } else if (*s == "Cluster") {
      m.scope_ = Scope::kCluster;
    } else if (*s == "Namespaced") {
      m.scope_ = Scope::kNamespaced;
    } else {
      return Invalid(at + ".scope", "Unsupported value: \"" + *s +
                                        "\": supported values: \"*\", \"Cluster\", \"Namespaced\"");
    }
  }
  auto namespaces = Strings(doc->Find("namespaces"), at + ".namespaces");
  if (!namespaces) return namespaces.error();
  m.namespaces_ = std::move(*namespaces);
  auto excluded = Strings(doc->Find("excludedNamespaces"), at + ".excludedNamespaces");
  if (!excluded) return excluded.error();
  m.excluded_namespaces_ = std::move(*excluded);
  if (const value::Value* s = doc->Find("labelSelector"); s && !s->is_null()) {
    auto selector = LabelSelector::Parse(*s, at + ".labelSelector");
    if (!selector) return selector.error();
    m.label_selector_ = std::move(*selector);
  }
  if (const value::Value* s = doc->Find("namespaceSelector"); s && !s->is_null()) {
    auto selector = LabelSelector::Parse(*s, at + ".namespaceSelector");
    if (!selector) return selector.error();
    m.namespace_selector_ = std::move(*selector);
  }
  if (const value::Value* source = doc->Find("source"); source && !source->is_null()) {
    const std::string* v = source->AsString();
    if (v == nullptr || (*v != "All" && *v != "Original" && *v != "Generated" && !v->empty())) {
      return Invalid(at + ".source", "invalid source field \"" + (v ? *v : std::string()) + "\"");
    }
    m.source_ = *v;
  }
  if (const value::Value* name = doc->Find("name"); name && !name->is_null()) {
    if (!name->is_string()) return Invalid(at + ".name", "must be a string");
    m.name_ = *name->AsString();
  }
  return m;
}

bool Match::KindMatches(const MatchTarget& t) const {
  if (kinds_.empty()) return true;
  return std::any_of(kinds_.begin(), kinds_.end(), [&](const Kinds& k) {
    return ListedOrAny(k.kinds, t.kind) && ListedOrAny(k.api_groups, t.group);
  });
}

// A Namespace is cluster-scoped whatever namespace the request names.
bool Match::ScopeMatches(const MatchTarget& t) const {
  const bool namespaced = !t.IsNamespace() && !t.namespace_name.empty();
  switch (scope_) {
    case Scope::kAny:
      return true;
    case Scope::kCluster:
      return !namespaced;
    case Scope::kNamespaced:
      return namespaced;
  }
  return false;
}

// The name wildcard also accepts an object that has only a generateName, when the pattern is a
// prefix ("x*") or a substring ("*x*") the generated name is sure to keep.
bool Match::NameMatches(const MatchTarget& t) const {
  if (name_.empty() || WildcardMatches(name_, t.name)) return true;
  if (t.generate_name.empty() || name_.size() < 2 || name_.back() != '*') return false;
  if (name_.front() == '*') {
    return t.generate_name.find(std::string_view(name_).substr(1, name_.size() - 2)) !=
           std::string_view::npos;
  }
  return t.generate_name.starts_with(std::string_view(name_).substr(0, name_.size() - 1));
}

// A Namespace is matched by its own name; other cluster-scoped objects are not namespace-bound,
// so namespace lists neither select nor exclude them.
bool Match::NamespacesMatch(const MatchTarget& t) const {
  if (namespaces_.empty()) return true;
  if (t.IsNamespace()) return AnyWildcard(namespaces_, t.name);
  if (t.namespace_name.empty()) return true;
  return AnyWildcard(namespaces_, t.namespace_name);
}

bool Match::ExcludedNamespacesMatch(const MatchTarget& t) const {
  if (excluded_namespaces_.empty()) return true;
  if (t.IsNamespace()) return !AnyWildcard(excluded_namespaces_, t.name);
  if (t.namespace_name.empty()) return true;
  return !AnyWildcard(excluded_namespaces_, t.namespace_name);
}

MatchOutcome Match::NamespaceSelectorMatches(const MatchTarget& t) const {
  if (!namespace_selector_) return MatchOutcome::kMatches;
  bool ok = false;
  if (t.IsNamespace()) {
    ok = namespace_selector_->Matches(t.labels != nullptr ? *t.labels : value::Value());
  } else if (t.namespace_name.empty()) {
    ok = true;
  } else if (t.namespace_object == nullptr) {
    return MatchOutcome::kNamespaceUnknown;
  } else {
    ok = namespace_selector_->Matches(LabelsOf(t.namespace_object));
  }
  return ok ? MatchOutcome::kMatches : MatchOutcome::kNoMatch;
}

MatchOutcome Match::Evaluate(const MatchTarget& t) const {
  // Gatekeeper's order: the first criterion that fails decides, and a namespaceSelector that
  // cannot be evaluated is an outcome of its own.
  const bool before = KindMatches(t) && ScopeMatches(t) && NamespacesMatch(t) &&
                      ExcludedNamespacesMatch(t) &&
                      (!label_selector_ ||
                       label_selector_->Matches(t.labels != nullptr ? *t.labels : value::Value()));
  if (!before) return MatchOutcome::kNoMatch;
  const MatchOutcome ns = NamespaceSelectorMatches(t);
  if (ns != MatchOutcome::kMatches) return ns;
  const bool source_ok =
      NameMatches(t) && (source_.empty() || source_ == "All" || source_ == t.source);
  return source_ok ? MatchOutcome::kMatches : MatchOutcome::kNoMatch;
}

}  // namespace gatehouse::admission
