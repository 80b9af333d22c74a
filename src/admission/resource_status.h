// The `status` Gatekeeper's controller writes on its resources, so `kubectl get` and
// `kubectl describe` show what they show under Gatekeeper:
// - a ConstraintTemplate: `created` (its constraint CRD exists) and `byPod[]` entries
//   {id, observedGeneration, operations, templateUID, errors[{code, message}]} — code
//   "ingest_error" for a template that does not compile, "create_error" for a CRD the API
//   server refused;
// - a constraint: `byPod[]` {id, constraintUID, enforced, observedGeneration, operations,
//   errors} and the audit's `auditTimestamp`, `totalViolations` and `violations[]`
//   {enforcementAction, group, version, kind, namespace, name, message}.
// And the JSON merge patch (RFC 7386) that turns an object's status into the wanted one, or
// nothing when it already is. Pure: no I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "admission/audit.h"
#include "value/value.h"

namespace gatehouse::admission {

// What a pod does, as byPod[].operations lists it.
inline const std::vector<std::string>& ControllerOperations() {
  static const std::vector<std::string> kOperations{"audit", "status", "webhook"};
  return kOperations;
}

struct StatusError {
  std::string code;  // "ingest_error", "create_error", "invalid_constraint"
  std::string message;
};

// `object` is the template as the API server has it (metadata.uid and .generation are read).
value::Value TemplateStatus(const value::Value& object, const std::string& pod_id, bool created,
                            const std::vector<StatusError>& errors);

// The audit results a constraint's status carries.
struct AuditStatus {
  std::chrono::system_clock::time_point timestamp;
  std::size_t total_violations = 0;
  std::vector<AuditEntry> violations;  // already capped
};

// `object` is the constraint as the API server has it. Without `audit` the audit fields are
// left as they are (another writer's, or none yet).
value::Value ConstraintStatus(const value::Value& object, const std::string& pod_id, bool enforced,
                              const std::vector<StatusError>& errors,
                              const std::optional<AuditStatus>& audit);

// The merge patch body {"status": {...}} making `object`'s status equal to `wanted`: fields of
// `wanted` that differ are set, top-level status fields named in `owned` but absent from
// `wanted` are removed (null). nullopt when nothing would change.
std::optional<value::Value> StatusPatch(const value::Value& object, const value::Value& wanted,
                                        const std::vector<std::string>& owned);

// The status fields each writer owns (for StatusPatch).
inline const std::vector<std::string>& TemplateStatusFields() {
  static const std::vector<std::string> kFields{"created", "byPod"};
  return kFields;
}
inline const std::vector<std::string>& ConstraintStatusFields() {
  static const std::vector<std::string> kFields{"byPod", "auditTimestamp", "totalViolations",
                                                "violations"};
  return kFields;
}

}  // namespace gatehouse::admission
