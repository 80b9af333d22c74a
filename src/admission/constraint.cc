#include "admission/constraint.h"

#include "admission/admission_errors.h"
#include "admission/document_fields.h"
#include "rego/builtins/json_schema.h"

namespace gatehouse::admission {
namespace {

// The JSON type name the API server's schema errors use.
std::string TypeName(const value::Value& v) {
  if (v.is_null()) return "null";
  if (v.is_bool()) return "boolean";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return v.AsInt() ? "integer" : "number";
}

const value::Value* AtField(const value::Value& root, std::string_view field) {
  const value::Value* at = &root;
  if (field == "(root)") return at;
  std::size_t start = 0;
  while (at != nullptr && start <= field.size()) {
    const std::size_t dot = field.find('.', start);
    const std::string_view part = field.substr(start, dot - start);
    if (at->is_array()) {
      std::size_t i = 0;
      for (char ch : part) i = i * 10 + static_cast<std::size_t>(ch - '0');
      at = i < at->AsArray()->size() ? &(*at->AsArray())[i] : nullptr;
    } else {
      at = at->Find(part);
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return at;
}

// One schema error in the API server's field-error form:
// `spec.parameters.labels: Invalid value: "string": spec.parameters.labels in body must be of
// type array: "string"`.
std::string FieldError(const rego::builtins::SchemaError& e, const value::Value& parameters) {
  std::string path = "spec.parameters";
  if (e.field != "(root)") path += "." + e.field;
  if (e.type == "invalid_type") {
    const value::Value* v = AtField(parameters, e.field);
    const std::string given = v != nullptr ? TypeName(*v) : "null";
    const auto expected_at = e.desc.find("Expected: ");
    std::string expected = expected_at == std::string::npos ? "" : e.desc.substr(expected_at + 10);
    expected = expected.substr(0, expected.find(','));
    return path + ": Invalid value: \"" + given + "\": " + path + " in body must be of type " +
           expected + ": \"" + given + "\"";
  }
  if (e.type == "required") {
    const auto quote = e.desc.find(' ');
    std::string property = e.desc.substr(0, quote);
    return path + "." + property + ": Required value";
  }
  return path + ": Invalid value: " + e.desc;
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

Result<Constraint> ParseConstraint(const value::Value& doc) {
  auto invalid = [&](const std::string& what) {
    return MakeError(AdmissionError::kInvalidConstraint, "invalid Constraint: " + what);
  };
  if (!doc.is_object()) return invalid("the document is not an object");
  Constraint c;
  c.api_version = StringAt(doc, {"apiVersion"});
  c.kind = StringAt(doc, {"kind"});
  c.name = StringAt(doc, {"metadata", "name"});
  if (c.name.empty()) return invalid("missing metadata.name");
  if (c.kind.empty()) return invalid("missing kind");
  const auto slash = c.api_version.find('/');
  const std::string group = c.api_version.substr(0, slash);
  if (group != kConstraintsGroup) {
    return invalid("wrong API Group for Constraint \"" + c.name + "\", got \"" + group +
                   "\" but need \"" + std::string(kConstraintsGroup) + "\"");
  }
  const std::string version = slash == std::string::npos ? "" : c.api_version.substr(slash + 1);
  if (version != "v1beta1" && version != "v1alpha1") {
    return invalid("unsupported version \"" + version + "\" for Constraint \"" + c.name +
                   "\"; supported versions: map[v1alpha1:true v1beta1:true]");
  }
  const value::Value* spec = doc.Find("spec");
  if (spec != nullptr && !spec->is_null() && !spec->is_object()) {
    return invalid("spec must be an object");
  }
  static const value::Value kNoSpec = value::Value::MakeObject();
  if (spec == nullptr || spec->is_null()) spec = &kNoSpec;
  if (const value::Value* action = spec->Find("enforcementAction"); action && !action->is_null()) {
    const std::string* a = action->AsString();
    if (a == nullptr) return invalid("invalid spec.enforcementAction");
    if (a->empty() || *a == "deny") {
      c.action = EnforcementAction::kDeny;
    } else if (*a == "dryrun") {
      c.action = EnforcementAction::kDryRun;
    } else if (*a == "warn") {
      c.action = EnforcementAction::kWarn;
    } else {
      return MakeError(AdmissionError::kInvalidConstraint,
                       "unrecognized enforcementAction: \"" + *a +
                           "\" is not within the supported list [deny dryrun warn]");
    }
  }
  auto match = Match::Parse(spec->Find("match"), "spec.match");
  if (!match) return invalid(match.error().message);
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
  std::vector<std::string> lines;
  for (const rego::builtins::SchemaError& e : *errors) {
    lines.push_back(FieldError(e, parameters));
  }
  std::string message = "schema validation failed: ";
  if (lines.size() == 1) {
    message += lines.front();
  } else {
    message += "[";
    for (std::size_t i = 0; i < lines.size(); ++i) message += (i ? ", " : "") + lines[i];
    message += "]";
  }
  return MakeError(AdmissionError::kInvalidParameters, message);
}

}  // namespace gatehouse::admission
