// Decision: the outcome of an authorization or admission check. A denial is data, not an error.
//
// kAllow and kDeny are explicit; kNoOpinion lets the next authorizer (RBAC) decide and is sent
// as allowed:false without denied. `reason` reaches status.reason and kubectl's Forbidden
// message; `evaluation_error` reaches status.evaluationError. Plain data.
#pragma once

#include <string>

namespace gatehouse::k8s {

struct Decision {
  enum class Kind { kAllow, kDeny, kNoOpinion };
  Kind kind = Kind::kNoOpinion;
  std::string reason;
  std::string evaluation_error;

  static Decision Allow(std::string why) { return {Kind::kAllow, std::move(why), {}}; }
  static Decision Deny(std::string why) { return {Kind::kDeny, std::move(why), {}}; }
  static Decision NoOpinion(std::string why) { return {Kind::kNoOpinion, std::move(why), {}}; }
};

}  // namespace gatehouse::k8s
