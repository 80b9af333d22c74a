// LabelSelector: a Kubernetes metav1.LabelSelector (`matchLabels` and `matchExpressions` with
// In, NotIn, Exists, DoesNotExist), read from its document and matched against a label map.
//
// All requirements must hold; an empty selector matches everything. Reading refuses what the API
// server's validation refuses (an unknown operator, values with Exists/DoesNotExist, no values
// with In/NotIn), naming the field. Pure; thread-safe once built.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::admission {

class LabelSelector {
 public:
  enum class Operator { kIn, kNotIn, kExists, kDoesNotExist };
  struct Requirement {
    std::string key;
    Operator op = Operator::kExists;
    std::vector<std::string> values;
  };

  // `doc` is the selector object; `field` names it in errors ("spec.match.labelSelector").
  static Result<LabelSelector> Parse(const value::Value& doc, std::string_view field);

  // `labels` is an object of string values (metadata.labels) or null.
  bool Matches(const value::Value& labels) const;

  bool empty() const { return requirements_.empty(); }

 private:
  std::vector<Requirement> requirements_;  // matchLabels as In with one value, then expressions
};

}  // namespace gatehouse::admission
