// Caller: who is asking the token endpoint or the registry API, once their credentials have been
// checked (a robot account, a person, or nobody). Plain data; copy freely.
//
// It mirrors registry::Principal (access.h) in the adapters' terms; grant.cc turns one into the
// other for registry::GrantAccess.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/model.h"

namespace gatehouse::adapters::registry_service {

enum class CallerKind { kAnonymous, kUser, kRobot };

// How the caller proved who it is. Only an identity token (a fresh statement of the identity
// provider) may mint personal access tokens: a leaked access token must not breed new ones.
enum class CallerCredential { kNone, kIdToken, kAccessToken, kRobotSecret };

struct Caller {
  CallerKind kind = CallerKind::kAnonymous;
  CallerCredential credential = CallerCredential::kNone;
  std::string name;                 // username or robot login name; "" when anonymous
  std::vector<std::string> groups;  // users only
  bool sysadmin = false;            // users only
  std::int64_t user_id = 0;         // users only (store id)
  registry::RobotLevel robot_level = registry::RobotLevel::kProject;
  std::vector<registry::RobotPermission> robot_permissions;
};

}  // namespace gatehouse::adapters::registry_service
