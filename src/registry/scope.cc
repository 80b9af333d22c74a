#include "registry/scope.h"

#include <algorithm>
#include <utility>

#include "registry/registry_errors.h"

namespace gatehouse::registry {
namespace {

constexpr std::size_t kExcerptBytes = 64;

// A short printable excerpt of hostile input for an error message.
std::string Excerpt(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kExcerptBytes; ++i) {
    const char c = text[i];
    out += (c > 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '?';
  }
  if (text.size() > kExcerptBytes) out += "...";
  out += '"';
  return out;
}

Error InvalidScope(std::string message) {
  return MakeError(RegistryError::kInvalidScope, std::move(message));
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

bool IsTypeValue(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsLowerAlnum);
}

// "*" or a lower-case word with dashes ("pull", "scanner-pull").
bool IsAction(std::string_view action) {
  if (action == "*") return true;
  if (action.empty() || action.front() < 'a' || action.front() > 'z') return false;
  return std::all_of(action.begin(), action.end(),
                     [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// domain-component ('.' domain-component)* [':' port]
bool IsDomain(std::string_view domain) {
  std::string_view host = domain;
  if (auto colon = domain.find(':'); colon != std::string_view::npos) {
    std::string_view port = domain.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    host = domain.substr(0, colon);
  }
  if (host.empty()) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t dot = host.find('.', start);
    std::string_view label =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || !IsAlnum(label.front()) || !IsAlnum(label.back())) {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) { return IsAlnum(c) || c == '-'; })) {
      return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

// Only a port makes a first part a host: "team.demo" is a project, and "Team" is invalid rather
// than a host whose path would then start at the second component.
bool LooksLikeDomain(std::string_view first) { return first.find(':') != std::string_view::npos; }

void AddAction(std::vector<std::string>& actions, std::string_view action) {
  if (std::find(actions.begin(), actions.end(), action) == actions.end()) {
    actions.emplace_back(action);
  }
}

}  // namespace

bool IsRepositoryPathComponent(std::string_view component) {
  std::size_t i = 0;
  const std::size_t n = component.size();
  auto alnum_run = [&] {
    const std::size_t start = i;
    while (i < n && IsLowerAlnum(component[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < n) {
    const char sep = component[i];
    if (sep == '.') {
      ++i;
    } else if (sep == '_') {
      ++i;
      if (i < n && component[i] == '_') ++i;  // "__" is one separator
    } else if (sep == '-') {
      while (i < n && component[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

Result<RepositoryName> ParseRepositoryName(std::string_view name, std::size_t max_bytes) {
  if (name.empty()) return InvalidScope("empty repository name");
  if (name.size() > max_bytes) {
    return InvalidScope("repository name longer than " + std::to_string(max_bytes) + " bytes");
  }
  RepositoryName out;
  std::string_view path = name;
  if (auto slash = name.find('/');
      slash != std::string_view::npos && LooksLikeDomain(name.substr(0, slash))) {
    std::string_view domain = name.substr(0, slash);
    if (!IsDomain(domain)) {
      return InvalidScope("invalid registry host in repository name " + Excerpt(name));
    }
    out.domain = std::string(domain);
    path = name.substr(slash + 1);
  }
  std::size_t start = 0;
  std::size_t components = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    std::string_view component = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!IsRepositoryPathComponent(component)) {
      return InvalidScope("invalid repository name " + Excerpt(name) +
                          ": path components are lower-case letters and digits separated by "
                          "'.', '_', '__' or dashes, joined by '/'");
    }
    if (components++ == 0) out.project = std::string(component);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (components < 2) {
    return InvalidScope("repository name " + Excerpt(name) +
                        " has no project: names are <project>/<repository>");
  }
  out.path = std::string(path);
  return out;
}

Result<ResourceScope> ParseResourceScope(std::string_view text, const ScopeLimits& limits) {
  if (text.size() > limits.max_scope_bytes) {
    return InvalidScope("a scope is longer than " + std::to_string(limits.max_scope_bytes) +
                        " bytes");
  }
  const std::size_t first = text.find(':');
  const std::size_t last = text.rfind(':');
  if (first == std::string_view::npos || first == last) {
    return InvalidScope("scope " + Excerpt(text) + " is not of the form type:name:actions");
  }
  ResourceScope scope;
  std::string_view type = text.substr(0, first);
  if (auto open = type.find('('); open != std::string_view::npos) {
    if (type.back() != ')') return InvalidScope("bad resource type in scope " + Excerpt(text));
    std::string_view resource_class = type.substr(open + 1, type.size() - open - 2);
    if (!IsTypeValue(resource_class)) {
      return InvalidScope("bad resource class in scope " + Excerpt(text));
    }
    scope.resource_class = std::string(resource_class);
    type = type.substr(0, open);
  }
  if (!IsTypeValue(type)) return InvalidScope("bad resource type in scope " + Excerpt(text));
  scope.type = std::string(type);

  std::string_view name = text.substr(first + 1, last - first - 1);
  if (name.empty()) return InvalidScope("empty resource name in scope " + Excerpt(text));
  if (name.size() > limits.max_name_bytes) {
    return InvalidScope("resource name longer than " + std::to_string(limits.max_name_bytes) +
                        " bytes");
  }
  if (type == kRepositoryType) {
    if (auto parsed = ParseRepositoryName(name, limits.max_name_bytes); !parsed) {
      return parsed.error();
    }
  } else if (type == kRegistryType) {
    if (!IsTypeValue(name)) return InvalidScope("bad registry resource in scope " + Excerpt(text));
  } else if (!std::all_of(name.begin(), name.end(), [](char c) {
               return IsAlnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == ':';
             })) {
    return InvalidScope("bad resource name in scope " + Excerpt(text));
  }
  scope.name = std::string(name);

  std::string_view actions = text.substr(last + 1);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = actions.find(',', start);
    std::string_view action = actions.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (action.size() > limits.max_action_bytes || !IsAction(action)) {
      return InvalidScope("bad action in scope " + Excerpt(text) +
                          ": actions are lower-case words or '*', separated by ','");
    }
    AddAction(scope.actions, action);
    if (scope.actions.size() > limits.max_actions) {
      return InvalidScope("more than " + std::to_string(limits.max_actions) + " actions in scope " +
                          Excerpt(text));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return scope;
}

Result<std::vector<ResourceScope>> ParseScopes(const std::vector<std::string>& params,
                                               const ScopeLimits& limits) {
  std::size_t total = 0;
  for (const std::string& param : params) {
    total += param.size();
    if (total > limits.max_total_bytes) {
      return InvalidScope("scope parameters longer than " + std::to_string(limits.max_total_bytes) +
                          " bytes in all");
    }
  }
  std::vector<ResourceScope> scopes;
  std::size_t count = 0;
  for (const std::string& param : params) {
    std::string_view rest = param;
    while (!rest.empty()) {
      const std::size_t space = rest.find(' ');
      std::string_view piece = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (piece.empty()) continue;
      if (++count > limits.max_scopes) {
        return InvalidScope("more than " + std::to_string(limits.max_scopes) + " scopes");
      }
      Result<ResourceScope> scope = ParseResourceScope(piece, limits);
      if (!scope) return scope.error();
      auto same = std::find_if(scopes.begin(), scopes.end(), [&](const ResourceScope& s) {
        return s.type == scope->type && s.resource_class == scope->resource_class &&
               s.name == scope->name;
      });
      if (same == scopes.end()) {
        scopes.push_back(std::move(*scope));
        continue;
      }
      for (const std::string& action : scope->actions) AddAction(same->actions, action);
      if (same->actions.size() > limits.max_actions) {
        return InvalidScope("more than " + std::to_string(limits.max_actions) +
                            " actions requested for " + Excerpt(same->name));
      }
    }
  }
  return scopes;
}

std::string FormatScope(const ResourceScope& scope) {
  std::string out = scope.type;
  if (!scope.resource_class.empty()) out += "(" + scope.resource_class + ")";
  out += ':';
  out += scope.name;
  out += ':';
  for (std::size_t i = 0; i < scope.actions.size(); ++i) {
    if (i > 0) out += ',';
    out += scope.actions[i];
  }
  return out;
}

}  // namespace gatehouse::registry
