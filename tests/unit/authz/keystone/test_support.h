// Test support for the keystone policy tests: file reading, the upstream vector loader
// (tests/data/keystone-auth/vectors_upstream.json) and small builders.
// Test-only; a loading problem is described in the `error` out-parameter.
#pragma once

#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "k8s/access_attributes.h"
#include "k8s/user_info.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::authz::keystone::test_support {

inline const std::string kCompatDir = std::string(GATEHOUSE_TEST_DATA_DIR) + "/keystone-auth";

inline std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct VectorCase {
  std::string suite;
  std::string id;
  std::string policy_json;
  k8s::UserInfo user;
  k8s::AccessAttributes attributes;
  std::string expect;  // "allow", "deny" or "panic"
};

inline std::string StringField(const value::Value& object, std::string_view key) {
  const value::Value* v = object.Find(key);
  return (v != nullptr && v->AsString() != nullptr) ? *v->AsString() : std::string();
}

inline k8s::UserInfo UserFromVector(const value::Value& u) {
  k8s::UserInfo user;
  user.username = StringField(u, "name");
  user.uid = StringField(u, "uid");
  if (const value::Value* groups = u.Find("groups")) {
    user.groups = value::AsStringList(*groups).value_or(std::vector<std::string>{});
  }
  if (const value::Value* extra = u.Find("extra"); extra != nullptr && extra->is_object()) {
    user.extra.emplace();
    for (const value::Member& m : *extra->AsObject()) {
      user.extra->emplace_back(m.key,
                               value::AsStringList(m.value).value_or(std::vector<std::string>{}));
    }
  }
  return user;
}

inline k8s::AccessAttributes AttributesFromVector(const value::Value& a) {
  k8s::AccessAttributes attributes;
  const value::Value* resource_request = a.Find("resourceRequest");
  attributes.resource_request =
      resource_request != nullptr && resource_request->AsBool().value_or(false);
  if (attributes.resource_request) {
    attributes.resource.verb = StringField(a, "verb");
    attributes.resource.namespace_name = StringField(a, "namespace");
    attributes.resource.group = StringField(a, "group");
    attributes.resource.version = StringField(a, "version");
    attributes.resource.resource = StringField(a, "resource");
    attributes.resource.subresource = StringField(a, "subresource");
    attributes.resource.name = StringField(a, "name");
  } else {
    attributes.nonresource.verb = StringField(a, "verb");
    attributes.nonresource.path = StringField(a, "path");
  }
  return attributes;
}

// Every case of every suite; on a loading problem returns what went wrong in `error`.
inline std::vector<VectorCase> LoadUpstreamVectors(std::string& error) {
  std::vector<VectorCase> cases;
  std::optional<std::string> text = ReadFile(kCompatDir + "/vectors_upstream.json");
  if (!text) {
    error = "cannot read vectors_upstream.json";
    return cases;
  }
  Result<value::Value> doc = value::ParseJson(*text);
  if (!doc) {
    error = doc.error().ToString();
    return cases;
  }
  const value::Value* suites = doc->Find("suites");
  if (suites == nullptr || !suites->is_array()) {
    error = "no suites";
    return cases;
  }
  for (const value::Value& suite : *suites->AsArray()) {
    const std::string suite_name = StringField(suite, "name");
    std::string policy_json;
    const value::Value* policy = suite.Find("policy");
    if (policy != nullptr && policy->AsString() != nullptr) {
      std::optional<std::string> file = ReadFile(kCompatDir + "/" + *policy->AsString());
      if (!file) {
        error = "cannot read policy file " + *policy->AsString();
        return {};
      }
      policy_json = *file;
    } else if (policy != nullptr) {
      policy_json = value::ToJson(*policy);
    }
    const value::Value* users = suite.Find("users");
    const value::Value* suite_cases = suite.Find("cases");
    if (users == nullptr || suite_cases == nullptr || !suite_cases->is_array()) {
      error = "suite " + suite_name + " lacks users or cases";
      return {};
    }
    for (const value::Value& c : *suite_cases->AsArray()) {
      VectorCase vector_case;
      vector_case.suite = suite_name;
      vector_case.id = StringField(c, "id");
      vector_case.policy_json = policy_json;
      const value::Value* user = users->Find(StringField(c, "user"));
      const value::Value* attrs = c.Find("attrs");
      if (user == nullptr || attrs == nullptr) {
        error = "case " + vector_case.id + " names an unknown user or lacks attrs";
        return {};
      }
      vector_case.user = UserFromVector(*user);
      vector_case.attributes = AttributesFromVector(*attrs);
      vector_case.expect = StringField(c, "expect");
      for (char& ch : vector_case.expect) ch = static_cast<char>(std::tolower(ch));
      cases.push_back(std::move(vector_case));
    }
  }
  return cases;
}

// Builders for hand-written cases.
inline k8s::UserInfo KeystoneUser(std::string name, std::vector<std::string> roles,
                                  std::vector<std::string> project_names,
                                  std::vector<std::string> project_ids = {},
                                  std::vector<std::string> groups = {}) {
  k8s::UserInfo user;
  user.username = std::move(name);
  user.groups = std::move(groups);
  user.extra.emplace();
  user.extra->emplace_back("alpha.kubernetes.io/identity/roles", std::move(roles));
  user.extra->emplace_back("alpha.kubernetes.io/identity/project/name", std::move(project_names));
  user.extra->emplace_back("alpha.kubernetes.io/identity/project/id", std::move(project_ids));
  return user;
}

inline k8s::AccessAttributes ResourceRequest(std::string verb, std::string ns, std::string resource,
                                             std::string subresource = "", std::string group = "") {
  k8s::AccessAttributes attributes;
  attributes.resource_request = true;
  attributes.resource.verb = std::move(verb);
  attributes.resource.namespace_name = std::move(ns);
  attributes.resource.resource = std::move(resource);
  attributes.resource.subresource = std::move(subresource);
  attributes.resource.group = std::move(group);
  return attributes;
}

inline k8s::AccessAttributes NonResourceRequest(std::string verb, std::string path) {
  k8s::AccessAttributes attributes;
  attributes.resource_request = false;
  attributes.nonresource.verb = std::move(verb);
  attributes.nonresource.path = std::move(path);
  return attributes;
}

}  // namespace gatehouse::authz::keystone::test_support
