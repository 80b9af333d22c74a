#include "authz/keystone/policy.h"

#include <algorithm>
#include <utility>

#include "authz/keystone/policy_errors.h"
#include "common/go_text.h"
#include "value/value.h"

namespace gatehouse::authz::keystone {
namespace {

using value::Value;

std::string Quote(std::string_view s) {
  constexpr std::size_t kMax = 120;
  std::string out = "\"";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  out += "\"";
  return out;
}

// ---- Decoding, mirroring the reference's Go structs ------------------------------------------

struct RawResource {
  std::vector<std::string> verbs;
  std::vector<std::string> resources;
  std::optional<std::string> version;
  std::optional<std::string> namespace_name;
};

struct RawNonResource {
  std::vector<std::string> verbs;
  std::optional<std::string> path;
};

struct RawMatch {
  std::string type;
  std::vector<std::string> values;
};

// map[string][]string: insertion order kept for stable warnings; keys unique, last one wins.
using RawMap = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct RawElement {
  bool is_null = false;
  std::optional<RawResource> resource;
  std::optional<RawNonResource> nonresource;
  std::vector<RawMatch> match;
  std::optional<RawMap> users;
  std::optional<RawMap> resource_permissions;
  std::optional<RawMap> nonresource_permissions;
};

Error TypeError(const std::string& path, std::string_view want, const Value& got) {
  return MakeError(PolicyError::kInvalidPolicy, path + ": expected " + std::string(want) +
                                                    ", got " +
                                                    std::string(value::KindName(got.kind())));
}

std::string FieldPath(const std::string& parent, std::string_view key) {
  return parent + "." + std::string(key);
}

// The keys each object knows, for messages.
constexpr std::string_view kElementKeys =
    "users, resource_permissions, nonresource_permissions, resource, nonresource, match";
constexpr std::string_view kResourceKeys = "verbs, resources, version, namespace";
constexpr std::string_view kNonResourceKeys = "verbs, path";
constexpr std::string_view kMatchKeys = "type, values";
constexpr std::string_view kUsersKeys = "roles, projects (exact spelling)";

// Where keys no field knows end up: an error refusing the policy, or (lenient) a warning. A
// misspelt key must not pass silently: an element whose "users" is misspelt applies to everyone.
class UnknownKeys {
 public:
  UnknownKeys(bool lenient, std::vector<std::string>& warnings)
      : lenient_(lenient), warnings_(warnings) {}

  Status Report(const std::string& object_path, std::string_view key, std::string_view known) {
    const std::string what = object_path + ": unknown key " + Quote(key);
    if (!lenient_) {
      return MakeError(PolicyError::kInvalidPolicy, what + " (known: " + std::string(known) + ")");
    }
    warnings_.push_back(what + " is ignored (known: " + std::string(known) + ")");
    return Ok();
  }

 private:
  bool lenient_;
  std::vector<std::string>& warnings_;
};

// []string: null is nil; a null item is "" (Go leaves the zero value).
Status DecodeStringList(const Value& v, const std::string& path, std::vector<std::string>& out) {
  out.clear();
  if (v.is_null()) return Ok();
  const value::Array* array = v.AsArray();
  if (array == nullptr) return TypeError(path, "array of strings", v);
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const Value& item = (*array)[i];
    if (item.is_null()) {
      out.emplace_back();
    } else if (const std::string* s = item.AsString()) {
      out.push_back(*s);
    } else {
      return TypeError(path + "[" + std::to_string(i) + "]", "string", item);
    }
  }
  return Ok();
}

// *string: null resets to nil.
Status DecodeOptionalString(const Value& v, const std::string& path,
                            std::optional<std::string>& out) {
  if (v.is_null()) {
    out.reset();
    return Ok();
  }
  const std::string* s = v.AsString();
  if (s == nullptr) return TypeError(path, "string", v);
  out = *s;
  return Ok();
}

// string: null leaves the field as it was.
Status DecodeString(const Value& v, const std::string& path, std::string& out) {
  if (v.is_null()) return Ok();
  const std::string* s = v.AsString();
  if (s == nullptr) return TypeError(path, "string", v);
  out = *s;
  return Ok();
}

// map[string][]string: null resets to nil; an object adds to (or replaces keys of) the map.
Status DecodeMap(const Value& v, const std::string& path, std::optional<RawMap>& out) {
  if (v.is_null()) {
    out.reset();
    return Ok();
  }
  const value::Object* object = v.AsObject();
  if (object == nullptr) return TypeError(path, "object", v);
  if (!out) out.emplace();
  for (const value::Member& member : *object) {
    std::vector<std::string> list;
    Status decoded = DecodeStringList(member.value, path + "[" + Quote(member.key) + "]", list);
    if (!decoded) return decoded;
    auto existing = std::find_if(out->begin(), out->end(),
                                 [&](const auto& entry) { return entry.first == member.key; });
    if (existing != out->end()) {
      existing->second = std::move(list);
    } else {
      out->emplace_back(member.key, std::move(list));
    }
  }
  return Ok();
}

// The keys of a `users` map are exact (a Go map, not struct fields). Checked after the values
// decoded, so a value of the wrong type stays a type error, as under the reference.
Status CheckUsersKeys(const Value& v, const std::string& path, UnknownKeys& unknown) {
  const value::Object* object = v.AsObject();
  if (object == nullptr) return Ok();
  for (const value::Member& member : *object) {
    if (member.key == "roles" || member.key == "projects") continue;
    if (Status reported = unknown.Report(path, member.key, kUsersKeys); !reported) return reported;
  }
  return Ok();
}

// *struct: null resets to nil; an object decodes into the existing struct (Go reuses it).
// `decode_field` returns nullopt for a key it does not know.
template <typename T, typename FieldFn>
Status DecodeStruct(const Value& v, const std::string& path, std::optional<T>& out,
                    std::string_view known, UnknownKeys& unknown, FieldFn decode_field) {
  if (v.is_null()) {
    out.reset();
    return Ok();
  }
  const value::Object* object = v.AsObject();
  if (object == nullptr) return TypeError(path, "object", v);
  if (!out) out.emplace();
  for (const value::Member& member : *object) {
    std::optional<Status> decoded = decode_field(member, FieldPath(path, member.key), *out);
    if (!decoded) decoded = unknown.Report(path, member.key, known);
    if (!*decoded) return *decoded;
  }
  return Ok();
}

std::optional<Status> DecodeResourceField(const value::Member& m, const std::string& path,
                                          RawResource& out) {
  if (GoFieldNameIs(m.key, "verbs")) return DecodeStringList(m.value, path, out.verbs);
  if (GoFieldNameIs(m.key, "resources")) return DecodeStringList(m.value, path, out.resources);
  if (GoFieldNameIs(m.key, "version")) return DecodeOptionalString(m.value, path, out.version);
  if (GoFieldNameIs(m.key, "namespace"))
    return DecodeOptionalString(m.value, path, out.namespace_name);
  return std::nullopt;
}

std::optional<Status> DecodeNonResourceField(const value::Member& m, const std::string& path,
                                             RawNonResource& out) {
  if (GoFieldNameIs(m.key, "verbs")) return DecodeStringList(m.value, path, out.verbs);
  if (GoFieldNameIs(m.key, "path")) return DecodeOptionalString(m.value, path, out.path);
  return std::nullopt;
}

Status DecodeMatchList(const Value& v, const std::string& path, std::vector<RawMatch>& out,
                       UnknownKeys& unknown) {
  out.clear();
  if (v.is_null()) return Ok();
  const value::Array* array = v.AsArray();
  if (array == nullptr) return TypeError(path, "array", v);
  out.resize(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const Value& item = (*array)[i];
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (item.is_null()) continue;  // zero value: type "" is unknown, the element fails
    const value::Object* object = item.AsObject();
    if (object == nullptr) return TypeError(item_path, "object", item);
    for (const value::Member& m : *object) {
      Status decoded = Ok();
      if (GoFieldNameIs(m.key, "type")) {
        decoded = DecodeString(m.value, FieldPath(item_path, m.key), out[i].type);
      } else if (GoFieldNameIs(m.key, "values")) {
        decoded = DecodeStringList(m.value, FieldPath(item_path, m.key), out[i].values);
      } else {
        decoded = unknown.Report(item_path, m.key, kMatchKeys);
      }
      if (!decoded) return decoded;
    }
  }
  return Ok();
}

Status DecodeElement(const Value& v, const std::string& path, RawElement& out,
                     UnknownKeys& unknown) {
  if (v.is_null()) {
    out.is_null = true;
    return Ok();
  }
  const value::Object* object = v.AsObject();
  if (object == nullptr) return TypeError(path, "object", v);
  for (const value::Member& m : *object) {
    const std::string field_path = FieldPath(path, m.key);
    Status decoded = Ok();
    if (GoFieldNameIs(m.key, "resource")) {
      decoded = DecodeStruct(m.value, field_path, out.resource, kResourceKeys, unknown,
                             DecodeResourceField);
    } else if (GoFieldNameIs(m.key, "nonresource")) {
      decoded = DecodeStruct(m.value, field_path, out.nonresource, kNonResourceKeys, unknown,
                             DecodeNonResourceField);
    } else if (GoFieldNameIs(m.key, "match")) {
      decoded = DecodeMatchList(m.value, field_path, out.match, unknown);
    } else if (GoFieldNameIs(m.key, "users")) {
      decoded = DecodeMap(m.value, field_path, out.users);
      if (decoded) decoded = CheckUsersKeys(m.value, field_path, unknown);
    } else if (GoFieldNameIs(m.key, "resource_permissions")) {
      decoded = DecodeMap(m.value, field_path, out.resource_permissions);
    } else if (GoFieldNameIs(m.key, "nonresource_permissions")) {
      decoded = DecodeMap(m.value, field_path, out.nonresource_permissions);
    } else {
      decoded = unknown.Report(path, m.key, kElementKeys);
    }
    if (!decoded) return decoded;
  }
  return Ok();
}

// ---- Compilation -----------------------------------------------------------------------------

const std::vector<std::string>* FindMapEntry(const RawMap& map, std::string_view key) {
  for (const auto& entry : map) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

StringSet SetOf(const std::vector<std::string>* items) {
  return items == nullptr ? StringSet() : StringSet(*items);
}

// The reference's json.Unmarshal(strings.ReplaceAll(def, "'", "\"")) into []string.
std::optional<std::vector<std::string>> ParseQuotedList(std::string_view text) {
  std::string json(text);
  std::replace(json.begin(), json.end(), '\'', '"');
  value::JsonLimits limits;
  limits.max_bytes = json.size() + 1;
  limits.max_depth = 8;
  Result<Value> parsed = value::ParseJson(json, limits);
  if (!parsed) return std::nullopt;
  std::vector<std::string> items;
  if (!DecodeStringList(*parsed, "", items) || !parsed->is_array()) return std::nullopt;
  return items;
}

NamePattern CompilePattern(std::string definition) {
  NamePattern pattern;
  pattern.text = std::move(definition);
  std::string_view d = pattern.text;
  auto compile_list = [&](std::string_view list_text, NamePattern::Kind kind) {
    std::optional<std::vector<std::string>> items = ParseQuotedList(list_text);
    if (!items) {
      pattern.kind = NamePattern::Kind::kInvalid;
      return;
    }
    pattern.kind = kind;
    pattern.items = StringSet(std::move(*items));
    pattern.items_any = pattern.items.Contains("*");
  };
  if (d == "*") {
    pattern.kind = NamePattern::Kind::kAny;
  } else if (d.starts_with('!') && d.find('[') != 1) {
    pattern.kind = d.substr(1) == "*" ? NamePattern::Kind::kNotAny : NamePattern::Kind::kNot;
  } else if (d.starts_with('[') && d.find(']') == d.size() - 1) {
    compile_list(d, NamePattern::Kind::kList);
  } else if (d.starts_with("![") && d.find(']') == d.size() - 1) {
    compile_list(d.substr(1), NamePattern::Kind::kNotList);
  } else {
    pattern.kind = NamePattern::Kind::kLiteral;
  }
  return pattern;
}

ResourcePermission CompileResourcePermission(const std::string& key,
                                             const std::vector<std::string>& verbs,
                                             const std::string& where,
                                             std::vector<std::string>& warnings) {
  ResourcePermission permission;
  permission.key = key;
  std::vector<std::string> lowered;
  lowered.reserve(verbs.size());
  for (const std::string& verb : verbs) lowered.push_back(GoToLower(verb));
  permission.verbs = StringSet(std::move(lowered));
  permission.any_verb = permission.verbs.Contains("*");

  const std::size_t slash = key.find('/');
  permission.usable = slash != std::string::npos && key.find('/', slash + 1) == std::string::npos;
  if (!permission.usable) {
    warnings.push_back(where + ": key " + Quote(key) +
                       " is ignored: it must be <namespace>/<resource> "
                       "(subresources cannot be expressed in version 2)");
    return permission;
  }
  const std::string_view view = key;
  permission.namespace_pattern = CompilePattern(GoToLower(GoTrimSpace(view.substr(0, slash))));
  permission.resource_pattern = CompilePattern(GoToLower(GoTrimSpace(view.substr(slash + 1))));
  for (const NamePattern* pattern : {&permission.namespace_pattern, &permission.resource_pattern}) {
    if (pattern->kind == NamePattern::Kind::kInvalid) {
      warnings.push_back(where + ": in key " + Quote(key) + ", " + Quote(pattern->text) +
                         " is not a list of quoted names; it matches nothing");
    }
  }
  return permission;
}

MatchEntry CompileMatch(const RawMatch& raw) {
  MatchEntry entry;
  entry.type_name = raw.type;
  if (raw.type == "user") {
    entry.type = MatchType::kUser;
  } else if (raw.type == "group") {
    entry.type = MatchType::kGroup;
  } else if (raw.type == "project") {
    entry.type = MatchType::kProject;
  } else if (raw.type == "role") {
    entry.type = MatchType::kRole;
  }
  entry.values = StringSet(raw.values);
  entry.any_value = entry.values.Contains("*");
  return entry;
}

PolicyElement CompileElement(RawElement raw, const std::string& where,
                             std::vector<std::string>& warnings) {
  PolicyElement element;
  if (raw.is_null) {
    element.is_null = true;
    warnings.push_back(where + " is null; it never matches");
    return element;
  }
  if (raw.users) {
    UsersFilter users;
    users.roles = SetOf(FindMapEntry(*raw.users, "roles"));
    users.projects = SetOf(FindMapEntry(*raw.users, "projects"));
    if (users.projects.empty()) {
      warnings.push_back(where + ".users lists no projects; the element never applies");
    }
    element.users = std::move(users);
  }
  bool has_unknown_type = false;
  for (const RawMatch& raw_match : raw.match) {
    element.match.push_back(CompileMatch(raw_match));
    if (element.match.back().type == MatchType::kUnknown && !has_unknown_type) {
      has_unknown_type = true;
      warnings.push_back(where + ".match has unknown type " + Quote(raw_match.type) +
                         " (known: user, group, project, role); the element never matches");
    }
  }
  if (raw.resource_permissions) {
    std::vector<ResourcePermission> permissions;
    permissions.reserve(raw.resource_permissions->size());
    for (const auto& [key, verbs] : *raw.resource_permissions) {
      permissions.push_back(
          CompileResourcePermission(key, verbs, where + ".resource_permissions", warnings));
    }
    element.resource_permissions = std::move(permissions);
  }
  if (raw.nonresource_permissions) {
    std::vector<NonResourcePermission> permissions;
    permissions.reserve(raw.nonresource_permissions->size());
    for (const auto& [path, verbs] : *raw.nonresource_permissions) {
      NonResourcePermission permission;
      permission.path = path;
      permission.verbs = StringSet(verbs);
      permission.any_verb = permission.verbs.Contains("*");
      permissions.push_back(std::move(permission));
    }
    element.nonresource_permissions = std::move(permissions);
  }
  if (raw.resource) {
    V1ResourceRule rule;
    rule.verbs = StringSet(std::move(raw.resource->verbs));
    rule.resources = StringSet(std::move(raw.resource->resources));
    rule.api_group = std::move(raw.resource->version);
    rule.namespace_name = std::move(raw.resource->namespace_name);
    if ((!rule.api_group || !rule.namespace_name) && !element.resource_permissions) {
      warnings.push_back(where + ".resource lacks " +
                         (rule.api_group ? "\"namespace\"" : "\"version\"") +
                         " (use \"*\" for any); it never matches");
    }
    element.resource = std::move(rule);
  }
  if (raw.nonresource) {
    V1NonResourceRule rule;
    rule.verbs = StringSet(std::move(raw.nonresource->verbs));
    rule.path = std::move(raw.nonresource->path);
    if (!rule.path && !element.nonresource_permissions) {
      warnings.push_back(where + ".nonresource lacks \"path\"; it never matches");
    }
    element.nonresource = std::move(rule);
  }
  return element;
}

// <0, 0 or >0 as `item` sorts before, equal to or after head + "/" + tail (byte order).
int CompareJoined(std::string_view item, std::string_view head, std::string_view tail) {
  const std::size_t n = std::min(item.size(), head.size());
  if (const int c = item.substr(0, n).compare(head.substr(0, n)); c != 0) return c;
  if (item.size() <= head.size()) return -1;
  item.remove_prefix(head.size());
  if (item.front() != '/') return static_cast<unsigned char>(item.front()) < '/' ? -1 : 1;
  item.remove_prefix(1);
  return item.compare(tail);
}

}  // namespace

StringSet::StringSet(std::vector<std::string> items) : items_(std::move(items)) {
  std::sort(items_.begin(), items_.end());
  items_.erase(std::unique(items_.begin(), items_.end()), items_.end());
}

bool StringSet::Contains(std::string_view item) const {
  return std::binary_search(items_.begin(), items_.end(), item,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

bool StringSet::ContainsJoined(std::string_view head, std::string_view tail) const {
  auto it = std::partition_point(items_.begin(), items_.end(), [&](const std::string& item) {
    return CompareJoined(item, head, tail) < 0;
  });
  return it != items_.end() && CompareJoined(*it, head, tail) == 0;
}

Result<Policy> ParseKeystonePolicy(std::string_view json_text) {
  return ParseKeystonePolicy(json_text, PolicyParseOptions());
}

Result<Policy> ParseKeystonePolicy(std::string_view json_text, const PolicyParseOptions& options) {
  Result<Value> parsed = value::ParseJson(json_text, options.limits);
  if (!parsed) return parsed.error();
  Policy policy;
  if (parsed->is_null()) return policy;
  const value::Array* list = parsed->AsArray();
  if (list == nullptr) return TypeError("policy", "array of policy elements", *parsed);
  policy.elements.reserve(list->size());
  UnknownKeys unknown(options.lenient, policy.warnings);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "policy[" + std::to_string(i) + "]";
    RawElement raw;
    Status decoded = DecodeElement((*list)[i], where, raw, unknown);
    if (!decoded) return decoded.error();
    policy.elements.push_back(CompileElement(std::move(raw), where, policy.warnings));
  }
  return policy;
}

}  // namespace gatehouse::authz::keystone
