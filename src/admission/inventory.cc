#include "admission/inventory.h"

#include "admission/document_fields.h"

namespace gatehouse::admission {
namespace {

value::Value& Child(value::Value& parent, const std::string& key) {
  if (value::Value* v = parent.FindMutable(key)) return *v;
  return parent.Set(key, value::Value::MakeObject());
}

}  // namespace

Inventory::Inventory() : tree_(rego::Value::EmptyObject()) {}

std::shared_ptr<const Inventory> Inventory::Build(const std::vector<value::Value>& objects,
                                                  const std::vector<value::Value>& namespaces) {
  auto inv = std::make_shared<Inventory>();
  for (const value::Value& ns : namespaces) {
    const std::string name = StringAt(ns, {"metadata", "name"});
    if (!name.empty()) inv->namespaces_.insert_or_assign(name, ns);
  }
  value::Value tree = value::Value::MakeObject();
  for (const value::Value& object : objects) {
    const std::string api_version = StringAt(object, {"apiVersion"});
    const std::string kind = StringAt(object, {"kind"});
    const std::string name = StringAt(object, {"metadata", "name"});
    const std::string ns = StringAt(object, {"metadata", "namespace"});
    if (api_version.empty() || kind.empty() || name.empty()) continue;
    value::Value* at = ns.empty() ? &Child(tree, "cluster") : &Child(Child(tree, "namespace"), ns);
    Child(Child(*at, api_version), kind).Set(name, object);
    ++inv->size_;
    if (ns.empty() && kind == "Namespace" && api_version == "v1") {
      inv->namespaces_.insert_or_assign(name, object);
    }
  }
  inv->tree_ = rego::FromJson(tree);
  return inv;
}

const value::Value* Inventory::FindNamespace(std::string_view name) const {
  auto it = namespaces_.find(name);
  return it == namespaces_.end() ? nullptr : &it->second;
}

}  // namespace gatehouse::admission
