#include "admission/resource_status.h"

#include "admission/document_fields.h"
#include "common/codec/rfc3339.h"

namespace gatehouse::admission {
namespace {

value::Value Operations() { return value::FromStringList(ControllerOperations()); }

std::int64_t Generation(const value::Value& object) {
  const value::Value* g = FieldAt(object, {"metadata", "generation"});
  return g != nullptr && g->AsInt() ? *g->AsInt() : 0;
}

value::Value Errors(const std::vector<StatusError>& errors) {
  value::Value list = value::Value::MakeArray();
  for (const StatusError& e : errors) {
    list.Append(value::Value(value::Object{{"code", e.code}, {"message", e.message}}));
  }
  return list;
}

}  // namespace

value::Value TemplateStatus(const value::Value& object, const std::string& pod_id, bool created,
                            const std::vector<StatusError>& errors) {
  value::Value pod = value::Value::MakeObject();
  pod.Set("id", pod_id);
  pod.Set("observedGeneration", Generation(object));
  pod.Set("operations", Operations());
  pod.Set("templateUID", StringAt(object, {"metadata", "uid"}));
  if (!errors.empty()) pod.Set("errors", Errors(errors));
  value::Value status = value::Value::MakeObject();
  status.Set("created", created);
  value::Value by_pod = value::Value::MakeArray();
  by_pod.Append(std::move(pod));
  status.Set("byPod", std::move(by_pod));
  return status;
}

value::Value ConstraintStatus(const value::Value& object, const std::string& pod_id, bool enforced,
                              const std::vector<StatusError>& errors,
                              const std::optional<AuditStatus>& audit) {
  value::Value status = value::Value::MakeObject();
  if (const value::Value* current = object.Find("status"); current && current->AsObject()) {
    status = *current;
  }
  value::Value pod = value::Value::MakeObject();
  pod.Set("id", pod_id);
  pod.Set("constraintUID", StringAt(object, {"metadata", "uid"}));
  pod.Set("enforced", enforced);
  pod.Set("observedGeneration", Generation(object));
  pod.Set("operations", Operations());
  if (!errors.empty()) pod.Set("errors", Errors(errors));
  value::Value by_pod = value::Value::MakeArray();
  by_pod.Append(std::move(pod));
  status.Set("byPod", std::move(by_pod));
  if (audit) {
    status.Set("auditTimestamp", codec::FormatRfc3339Utc(audit->timestamp));
    status.Set("totalViolations", static_cast<std::int64_t>(audit->total_violations));
    value::Value violations = value::Value::MakeArray();
    for (const AuditEntry& e : audit->violations) {
      value::Value v = value::Value::MakeObject();
      v.Set("enforcementAction", e.enforcement_action);
      v.Set("group", e.group);
      v.Set("version", e.version);
      v.Set("kind", e.kind);
      if (!e.namespace_name.empty()) v.Set("namespace", e.namespace_name);
      v.Set("name", e.name);
      v.Set("message", e.message);
      violations.Append(std::move(v));
    }
    if (violations.AsArray()->empty()) {
      status.Erase("violations");
    } else {
      status.Set("violations", std::move(violations));
    }
  }
  return status;
}

std::optional<value::Value> StatusPatch(const value::Value& object, const value::Value& wanted,
                                        const std::vector<std::string>& owned) {
  static const value::Value kNone = value::Value::MakeObject();
  const value::Value* current = object.Find("status");
  if (current == nullptr || !current->AsObject()) current = &kNone;
  value::Value changes = value::Value::MakeObject();
  for (const value::Member& m : *wanted.AsObject()) {
    const value::Value* now = current->Find(m.key);
    if (now == nullptr || !(*now == m.value)) changes.Set(m.key, m.value);
  }
  for (const std::string& field : owned) {
    if (wanted.Find(field) == nullptr && current->Find(field) != nullptr) {
      changes.Set(field, value::Value());
    }
  }
  if (changes.AsObject()->empty()) return std::nullopt;
  value::Value patch = value::Value::MakeObject();
  patch.Set("status", std::move(changes));
  return patch;
}

}  // namespace gatehouse::admission
