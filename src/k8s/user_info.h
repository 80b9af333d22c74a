// UserInfo: who a request is from, as Kubernetes' authentication.k8s.io UserInfo says it.
//
// Produced by authenticators (TokenReview status.user) and consumed by authorizers
// (SubjectAccessReview spec). `extra` keeps key order; a key holds a list of strings. Plain data.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::k8s {

using ExtraField = std::pair<std::string, std::vector<std::string>>;
using Extra = std::vector<ExtraField>;

struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
  // nullopt: the request carried no `extra` at all (keystone policy: deny); {} is "present".
  std::optional<Extra> extra;

  // The values of one extra key; nullptr when absent.
  const std::vector<std::string>* FindExtra(const std::string& key) const {
    if (!extra) return nullptr;
    for (const ExtraField& field : *extra) {
      if (field.first == key) return &field.second;
    }
    return nullptr;
  }
};

}  // namespace gatehouse::k8s
