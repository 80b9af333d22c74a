#include "admission/constraint.h"

#include "admission/admission_errors.h"
#include "rego/builtins/json_schema.h"

namespace gatehouse::admission {
namespace {

std::string StringAt(const value::Value& v, std::initializer_list<std::string_view> path) {
  const value::Value* at = &v;
  for (std::string_view key : path) {
    at = at->Find(key);
    if (at == nullptr) return {};
  }
  return at->is_string() ? *at->AsString() : std::string();
}

}  // namespace

std::string_view EnforcementActionName(EnforcementAction a) {
  switch (a) {
    case EnforcementAction::kDeny:
      return "deny";
    case EnforcementAction::kDryRun:
      return "dryrun";
    case EnforcementAction::kWarn:
      return "warn";
  }
  return {};
}

bool IsConstraintDocument(const value::Value& doc) {
  const std::string api_version = StringAt(doc, {"apiVersion"});
  return api_version.starts_with(std::string(kConstraintsGroup) + "/");
}

Result<Constraint> ParseConstraint(const value::Value& doc, std::string_view source) {
  const std::string where(source);
  auto invalid = [&](const std::string& what) {
    return MakeError(AdmissionError::kInvalidConstraint, where + ": " + what);
  };
  if (!doc.is_object()) return invalid("the document is not an object");
  Constraint c;
  c.api_version = StringAt(doc, {"apiVersion"});
  c.kind = StringAt(doc, {"kind"});
  c.name = StringAt(doc, {"metadata", "name"});
  if (!IsConstraintDocument(doc)) {
    return invalid("apiVersion \"" + c.api_version + "\" is not in " +
                   std::string(kConstraintsGroup));
  }
  if (c.kind.empty()) return invalid("kind: Required value");
  if (c.name.empty()) return invalid(c.kind + ": metadata.name: Required value");
  const std::string label = c.kind + " " + c.name;
  const value::Value* spec = doc.Find("spec");
  if (spec != nullptr && !spec->is_null() && !spec->is_object()) {
    return invalid(label + ": spec must be an object");
  }
  static const value::Value kNoSpec = value::Value::MakeObject();
  if (spec == nullptr || spec->is_null()) spec = &kNoSpec;
  if (const value::Value* action = spec->Find("enforcementAction"); action && !action->is_null()) {
    const std::string* a = action->AsString();
    if (a == nullptr) return invalid(label + ": spec.enforcementAction must be a string");
    if (a->empty() || *a == "deny") {
      c.action = EnforcementAction::kDeny;
    } else if (*a == "dryrun") {
      c.action = EnforcementAction::kDryRun;
    } else if (*a == "warn") {
      c.action = EnforcementAction::kWarn;
    } else {
      return invalid(label +
                     ": could not find the provided enforcementAction value within the "
                     "supported list [deny dryrun warn]: \"" +
                     *a + "\"");
    }
  }
  auto match = Match::Parse(spec->Find("match"), "spec.match");
  if (!match) return invalid(label + ": " + match.error().message);
  c.match = std::move(*match);
  c.parameters_value = rego::Value::EmptyObject();
  if (const value::Value* p = spec->Find("parameters"); p && !p->is_null()) {
    c.parameters = *p;
    c.parameters_value = rego::FromJson(*p);
  }
  return c;
}

Status ValidateParameters(const Constraint& c, const ConstraintTemplate& t) {
  if (t.parameters_schema.is_null()) return {};
  const value::Value parameters =
      c.parameters.is_null() ? value::Value::MakeObject() : c.parameters;
  auto errors = rego::builtins::ValidateSchema(rego::FromJson(parameters),
                                               rego::FromJson(t.parameters_schema));
  if (!errors) {
    return MakeError(
        AdmissionError::kInvalidTemplate,
        "template " + t.name + ": the parameters schema is unusable: " + errors.error().message);
  }
  if (errors->empty()) return {};
  std::string message = c.kind + " " + c.name + " is invalid:";
  for (const rego::builtins::SchemaError& e : *errors) {
    message += " spec.parameters";
    if (e.field != "(root)") message += "." + e.field;
    message += ": " + e.desc + ";";
  }
  message.pop_back();
  return MakeError(AdmissionError::kInvalidParameters, message);
}

}  // namespace gatehouse::admission
