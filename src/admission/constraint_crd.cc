#include "admission/constraint_crd.h"

#include <cctype>

#include "admission/constraint.h"
#include "admission/document_fields.h"

namespace gatehouse::admission {
namespace {

value::Value StringType() { return value::Value(value::Object{{"type", "string"}}); }

value::Value StringArray() {
  return value::Value(value::Object{{"type", "array"}, {"items", StringType()}});
}

// The labelSelector schema Gatekeeper writes for labelSelector and namespaceSelector.
value::Value SelectorSchema() {
  value::Value expression(value::Object{
      {"type", "object"},
      {"properties",
       value::Object{
           {"key", StringType()},
           {"operator", value::Object{{"type", "string"},
                                      {"enum", value::FromStringList(
                                                   {"In", "NotIn", "Exists", "DoesNotExist"})}}},
           {"values", StringArray()}}}});
  return value::Value(value::Object{
      {"type", "object"},
      {"properties",
       value::Object{
           {"matchLabels",
            value::Object{{"type", "object"}, {"additionalProperties", StringType()}}},
           {"matchExpressions", value::Object{{"type", "array"}, {"items", expression}}}}}});
}

value::Value MatchSchema() {
  value::Value kinds(value::Object{
      {"type", "array"},
      {"items", value::Object{{"type", "object"},
                              {"properties", value::Object{{"apiGroups", StringArray()},
                                                           {"kinds", StringArray()}}}}}});
  return value::Value(value::Object{
      {"type", "object"},
      {"properties",
       value::Object{{"kinds", kinds},
                     {"scope", value::Object{{"type", "string"},
                                             {"enum", value::FromStringList(
                                                          {"*", "Cluster", "Namespaced"})}}},
                     {"namespaces", StringArray()},
                     {"excludedNamespaces", StringArray()},
                     {"labelSelector", SelectorSchema()},
                     {"namespaceSelector", SelectorSchema()},
                     {"name", StringType()}}}});
}

// spec.parameters: the template's schema as an object whose unknown fields the API server keeps.
value::Value ParametersSchema(const ConstraintTemplate& t) {
  value::Value schema =
      t.parameters_schema.is_object() ? t.parameters_schema : value::Value::MakeObject();
  value::Value out = value::Value::MakeObject();
  out.Set("type", "object");
  out.Set("x-kubernetes-preserve-unknown-fields", true);
  for (const value::Member& m : *schema.AsObject()) {
    if (m.key == "type" || m.key == "x-kubernetes-preserve-unknown-fields") continue;
    out.Set(m.key, m.value);
  }
  return out;
}

value::Value VersionEntry(const char* name, bool storage, const value::Value& schema) {
  value::Value columns = value::Value::MakeArray();
  columns.Append(value::Object{
      {"name", "enforcement-action"}, {"type", "string"}, {"jsonPath", ".spec.enforcementAction"}});
  columns.Append(value::Object{
      {"name", "total-violations"}, {"type", "integer"}, {"jsonPath", ".status.totalViolations"}});
  return value::Value(value::Object{{"name", name},
                                    {"served", true},
                                    {"storage", storage},
                                    {"schema", value::Object{{"openAPIV3Schema", schema}}},
                                    {"subresources", value::Object{{"status", value::Object{}}}},
                                    {"additionalPrinterColumns", columns}});
}

}  // namespace

std::string ConstraintResourceName(const ConstraintTemplate& t) {
  return ConstraintResourceName(t.kind);
}

std::string ConstraintResourceName(std::string_view kind) {
  std::string out(kind);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ConstraintCrdName(const ConstraintTemplate& t) {
  return ConstraintResourceName(t) + "." + std::string(kConstraintsGroup);
}

value::Value ConstraintCrd(const ConstraintTemplate& t) {
  const std::string plural = ConstraintResourceName(t);
  value::Value schema(value::Object{
      {"type", "object"},
      {"properties",
       value::Object{
           {"metadata", value::Object{{"type", "object"},
                                      {"properties",
                                       value::Object{{"name", value::Object{{"type", "string"},
                                                                            {"maxLength", 63}}}}}}},
           {"spec",
            value::Object{{"type", "object"},
                          {"properties",
                           value::Object{{"enforcementAction",
                                          value::Object{{"type", "string"}, {"default", "deny"}}},
                                         {"match", MatchSchema()},
                                         {"parameters", ParametersSchema(t)}}}}},
           {"status",
            value::Object{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}});
  value::Value versions = value::Value::MakeArray();
  versions.Append(VersionEntry("v1beta1", true, schema));
  versions.Append(VersionEntry("v1alpha1", false, schema));
  return value::Value(value::Object{
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", value::Object{{"name", ConstraintCrdName(t)},
                                 {"labels", value::Object{{"gatekeeper.sh/constraint", "yes"}}}}},
      {"spec", value::Object{
                   {"group", std::string(kConstraintsGroup)},
                   {"names", value::Object{{"kind", t.kind},
                                           {"listKind", t.kind + "List"},
                                           {"plural", plural},
                                           {"singular", plural},
                                           {"categories",
                                            value::FromStringList({"constraint", "constraints"})}}},
                   {"scope", "Cluster"},
                   {"preserveUnknownFields", false},
                   {"versions", versions}}}});
}

bool CrdSpecMatches(const value::Value& existing, const value::Value& wanted) {
  const value::Value* es = existing.Find("spec");
  const value::Value* ws = wanted.Find("spec");
  if (es == nullptr || ws == nullptr) return false;
  for (const char* field : {"group", "names", "scope"}) {
    const value::Value* a = es->Find(field);
    const value::Value* b = ws->Find(field);
    if (a == nullptr || b == nullptr || !(*a == *b)) return false;
  }
  const value::Value* ev = es->Find("versions");
  const value::Value* wv = ws->Find("versions");
  if (ev == nullptr || wv == nullptr || !ev->AsArray() || !wv->AsArray() ||
      ev->AsArray()->size() != wv->AsArray()->size()) {
    return false;
  }
  for (std::size_t i = 0; i < ev->AsArray()->size(); ++i) {
    const value::Value& x = (*ev->AsArray())[i];
    const value::Value& y = (*wv->AsArray())[i];
    for (const char* field : {"name", "served", "storage", "schema", "subresources"}) {
      const value::Value* fx = x.Find(field);
      const value::Value* fy = y.Find(field);
      if ((fx == nullptr) != (fy == nullptr) || (fx && !(*fx == *fy))) return false;
    }
  }
  return true;
}

bool CrdEstablished(const value::Value& crd) {
  const value::Value* status = crd.Find("status");
  const value::Value* conditions = status ? status->Find("conditions") : nullptr;
  if (conditions == nullptr || !conditions->AsArray()) return false;
  for (const value::Value& c : *conditions->AsArray()) {
    if (StringAt(c, {"type"}) == "Established" && StringAt(c, {"status"}) == "True") return true;
  }
  return false;
}

}  // namespace gatehouse::admission
