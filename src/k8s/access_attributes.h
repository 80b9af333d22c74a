// AccessAttributes: what a SubjectAccessReview asks about — a resource request
// (verb, namespace, API group, version, resource, subresource, name) or a non-resource request
// (verb, path). Absent fields are empty strings, never a crash. Plain data.
#pragma once

#include <string>

namespace gatehouse::k8s {

struct ResourceAttributes {
  std::string verb;
  std::string namespace_name;
  std::string group;  // API group; "" is the core group
  std::string version;
  std::string resource;
  std::string subresource;
  std::string name;
};

struct NonResourceAttributes {
  std::string verb;
  std::string path;
};

struct AccessAttributes {
  bool resource_request = true;
  ResourceAttributes resource;        // when resource_request
  NonResourceAttributes nonresource;  // otherwise
};

}  // namespace gatehouse::k8s
