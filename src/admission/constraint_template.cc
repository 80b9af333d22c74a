#include "admission/constraint_template.h"

#include <algorithm>
#include <cctype>

#include "admission/admission_errors.h"
#include "admission/document_fields.h"
#include "rego/parser.h"

namespace gatehouse::admission {
namespace {

constexpr std::string_view kInvalid = "invalid ConstraintTemplate: ";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Error Invalid(std::string message) {
  return MakeError(AdmissionError::kInvalidTemplate, std::string(kInvalid) + message);
}

Error InvalidTargets(const std::string& name, std::string message) {
  return MakeError(
      AdmissionError::kInvalidTemplate,
      "failed to validate targets for template " + name + ": " + std::string(kInvalid) + message);
}

}  // namespace

Result<ConstraintTemplate> ParseConstraintTemplate(const value::Value& doc,
                                                   std::string_view source) {
  if (!doc.is_object()) return Invalid("the document is not an object");
  ConstraintTemplate t;
  t.api_version = StringAt(doc, {"apiVersion"});
  if (t.api_version != "templates.gatekeeper.sh/v1" &&
      t.api_version != "templates.gatekeeper.sh/v1beta1" &&
      t.api_version != "templates.gatekeeper.sh/v1alpha1") {
    return Invalid("unsupported apiVersion \"" + t.api_version +
                   "\" (templates.gatekeeper.sh/v1, v1beta1 or v1alpha1)");
  }
  if (StringAt(doc, {"kind"}) != "ConstraintTemplate") {
    return Invalid("kind is \"" + StringAt(doc, {"kind"}) + "\", not ConstraintTemplate");
  }
  t.name = StringAt(doc, {"metadata", "name"});
  if (t.name.empty()) return Invalid("missing name");
  // Gatekeeper's own checks and words (frameworks/constraint, ValidateConstraintTemplateBasic).
  t.kind = StringAt(doc, {"spec", "crd", "spec", "names", "kind"});
  if (t.kind.empty()) {
    return Invalid("ConstraintTemplate \"" + t.name + "\" does not specify CRD Kind");
  }
  if (Lower(t.name) != Lower(t.kind)) {
    return Invalid("the ConstraintTemplate's name \"" + t.name +
                   "\" is not equal to the lowercase of CRD's Kind: \"" + Lower(t.kind) + "\"");
  }
  const value::Value* targets = FieldAt(doc, {"spec", "targets"});
  if (targets == nullptr || targets->is_null()) {
    return InvalidTargets(t.name, "field \"targets\" not specified in ConstraintTemplate spec");
  }
  if (!targets->is_array() || targets->AsArray()->empty()) {
    return InvalidTargets(t.name,
                          "no targets specified: ConstraintTemplate must specify one target");
  }
  if (targets->AsArray()->size() > 1) {
    return InvalidTargets(t.name, "multi-target templates are not currently supported");
  }
  const value::Value& target = targets->AsArray()->front();
  if (std::string name = StringAt(target, {"target"}); name != kAdmissionTarget) {
    return InvalidTargets(t.name, "target \"" + name + "\" not recognized, known targets [" +
                                      std::string(kAdmissionTarget) + "]");
  }
  if (const value::Value* ops = target.Find("operations"); ops != nullptr && ops->is_array()) {
    for (const value::Value& op : *ops->AsArray()) {
      if (op.is_string()) t.operations.push_back(*op.AsString());
    }
  }
  // The `code` list's Rego engine wins over the older `rego` + `libs` fields.
  const value::Value* code_source = &target;
  if (const value::Value* code = target.Find("code"); code != nullptr && code->is_array()) {
    for (const value::Value& engine : *code->AsArray()) {
      if (StringAt(engine, {"engine"}) == "Rego" && engine.Find("source") != nullptr) {
        code_source = engine.Find("source");
      }
    }
  }
  std::string rego = StringAt(*code_source, {"rego"});
  if (rego.empty()) return Invalid("ConstraintTemplate \"" + t.name + "\" has no Rego source");
  const std::string module_name(source);
  t.modules.push_back({module_name, std::move(rego)});
  if (const value::Value* libs = code_source->Find("libs"); libs != nullptr) {
    if (!libs->is_array()) return Invalid("libs must be a list of Rego sources");
    for (std::size_t i = 0; i < libs->AsArray()->size(); ++i) {
      const value::Value& lib = (*libs->AsArray())[i];
      if (!lib.is_string()) return Invalid("libs must be a list of Rego sources");
      t.modules.push_back({module_name + ":libs[" + std::to_string(i) + "]", *lib.AsString()});
    }
  }
  // The package, as the parser reads it (a comment or a string cannot fool it).
  auto parsed =
      rego::ParseModule(t.modules.front().filename, t.modules.front().text, rego::RegoVersion::kV0);
  if (!parsed) {
    return MakeError(AdmissionError::kTemplateCompile,
                     std::string(kInvalid) + parsed.error().ToString());
  }
  const bool has_violation =
      std::any_of(parsed->rules.begin(), parsed->rules.end(), [&](const rego::Rule& r) {
        const rego::Term& ref = parsed->ast.term(r.ref);
        const auto parts = parsed->ast.Children(ref);
        return !parts.empty() && parsed->ast.term(parts[0]).kind == rego::TermKind::kVar &&
               parsed->ast.VarName(parsed->ast.term(parts[0])) == "violation";
      });
  if (!has_violation) {
    return Invalid("invalid rego: invalid module: missing required rules: [violation]");
  }
  for (const std::string& segment : parsed->package.segments) {
    if (!t.package.empty()) t.package += '.';
    t.package += segment;
  }
  if (const value::Value* schema =
          FieldAt(doc, {"spec", "crd", "spec", "validation", "openAPIV3Schema"})) {
    t.parameters_schema = *schema;
  }
  return t;
}

Result<std::shared_ptr<const rego::CompiledPolicy>> CompileTemplate(const ConstraintTemplate& t,
                                                                    const rego::Value& data) {
  rego::CompileOptions options;
  options.version = rego::RegoVersion::kV0;
  auto policy = rego::ParseAndCompilePolicy(t.modules, data, options);
  if (!policy) {
    return MakeError(AdmissionError::kTemplateCompile,
                     "unable to compile modules: " + policy.error().ToString());
  }
  return policy;
}

}  // namespace gatehouse::admission
