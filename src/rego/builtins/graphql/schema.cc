#include "rego/builtins/graphql/schema.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "rego/builtins/graphql/graphql_errors.h"
#include "rego/builtins/graphql/parser.h"

namespace gatehouse::rego::graphql {
namespace {

constexpr std::string_view kPrelude = R"(
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
type __Schema {
  description: String
  types: [__Type!]!
  queryType: __Type!
  mutationType: __Type
  subscriptionType: __Type
  directives: [__Directive!]!
}
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields: [__InputValue!]
  ofType: __Type
  specifiedByURL: String
}
type __Field {
  name: String!
  description: String
  args: [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}
type __InputValue {
  name: String!
  description: String
  type: __Type!
  defaultValue: String
}
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Directive {
  name: String!
  description: String
  locations: [__DirectiveLocation!]!
  args: [__InputValue!]!
  isRepeatable: Boolean!
}
enum __DirectiveLocation {
  QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT
  VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE
  UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION
}
)";

Error SchemaError(const Pos& pos, const std::string& message) {
  std::string text = "input";
  if (pos.line > 0) text += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  return MakeError(GraphqlError::kSchema, text + ": " + message);
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class SchemaValidator {
 public:
  explicit SchemaValidator(Schema& s) : s_(s) {}

  std::optional<Error> CheckDefinition(const Definition& def);
  std::optional<Error> DirectiveDef(const DirectiveDefinition& def) {
    if (auto e = Name(def.pos, def.name)) return e;
    return Args(def.arguments, &def);
  }

 private:
  static std::optional<Error> Name(const Pos& pos, const std::string& name) {
    if (name.rfind("__", 0) == 0) {
      return SchemaError(pos, "Name \"" + name +
                                  "\" must not begin with \"__\", which is reserved by GraphQL "
                                  "introspection.");
    }
    return std::nullopt;
  }
  std::optional<Error> TypeRef(const Type* t, const Pos& at) {
    if (t == nullptr) return SchemaError(at, "Undefined type .");
    if (s_.FindType(t->Name()) == nullptr)
      return SchemaError(t->pos, "Undefined type " + t->Name() + ".");
    return std::nullopt;
  }
  std::optional<Error> Args(const std::vector<ArgumentDefinition>& args,
                            const DirectiveDefinition* current) {
    for (const auto& arg : args) {
      if (auto e = Name(arg.pos, arg.name)) return e;
      if (auto e = TypeRef(arg.type.get(), arg.pos)) return e;
      const Definition* def = s_.FindType(arg.type->Name());
      if (!IsInputKind(def->kind)) {
        return SchemaError(arg.pos, "cannot use " + arg.type->ToString() + " as argument " +
                                        arg.name + " because " + def->kind +
                                        " is not a valid input type");
      }
      if (auto e = Directives(arg.directives, "ARGUMENT_DEFINITION", current)) return e;
    }
    return std::nullopt;
  }
  std::optional<Error> Directives(const std::vector<Directive>& dirs, const std::string& location,
                                  const DirectiveDefinition* current) {
    for (const auto& dir : dirs) {
      if (auto e = Name(dir.pos, dir.name)) return e;
      if (current != nullptr && dir.name == current->name) {
        return SchemaError(dir.pos, "Directive " + current->name + " cannot refer to itself.");
      }
      auto it = s_.directives.find(dir.name);
      if (it == s_.directives.end()) {
        return SchemaError(dir.pos, "Undefined directive " + dir.name + ".");
      }
      if (!Contains(it->second->locations, location)) {
        return SchemaError(dir.pos,
                           "Directive " + dir.name + " is not applicable on " + location + ".");
      }
    }
    return std::nullopt;
  }
  bool Covariant(const Type& required, const Type& actual) {
    if (required.non_null && !actual.non_null) return false;
    if (!required.named_type.empty()) {
      if (required.named_type == actual.named_type) return true;
      auto it = s_.possible_types.find(required.named_type);
      if (it == s_.possible_types.end()) return false;
      for (const Definition* pt : it->second) {
        if (pt != nullptr && pt->name == actual.named_type) return true;
      }
      return false;
    }
    if (!required.elem || !actual.elem) return false;
    return Covariant(*required.elem, *actual.elem);
  }
  std::optional<Error> Implements(const Definition& def, const std::string& intf_name);

  Schema& s_;
};

std::optional<Error> SchemaValidator::Implements(const Definition& def,
                                                 const std::string& intf_name) {
  const Definition* intf = s_.FindType(intf_name);
  if (intf == nullptr) return SchemaError(def.pos, "Undefined type " + Quote(intf_name) + ".");
  if (intf->kind != "INTERFACE") {
    return SchemaError(def.pos, Quote(intf_name) + " is a non interface type " + intf->kind + ".");
  }
  std::map<std::string_view, const FieldDefinition*> by_name;
  for (const auto& f : def.fields) by_name.emplace(f.name, &f);
  for (const auto& required : intf->fields) {
    auto found_it = by_name.find(required.name);
    const FieldDefinition* found = found_it == by_name.end() ? nullptr : found_it->second;
    if (found == nullptr) {
      return SchemaError(def.pos, "For " + def.name + " to implement " + intf->name +
                                      " it must have a field called " + required.name + ".");
    }
    if (!required.type || !found->type || !Covariant(*required.type, *found->type)) {
      return SchemaError(found->pos, "For " + def.name + " to implement " + intf->name +
                                         " the field " + required.name + " must have type " +
                                         (required.type ? required.type->ToString() : "") + ".");
    }
    std::map<std::string_view, const ArgumentDefinition*> found_args, required_args;
    for (const auto& a : found->arguments) found_args.emplace(a.name, &a);
    for (const auto& a : required.arguments) required_args.emplace(a.name, &a);
    for (const auto& rarg : required.arguments) {
      auto fit = found_args.find(rarg.name);
      const ArgumentDefinition* farg = fit == found_args.end() ? nullptr : fit->second;
      if (farg == nullptr) {
        return SchemaError(found->pos, "For " + def.name + " to implement " + intf->name +
                                           " the field " + required.name +
                                           " must have the same arguments but it is missing " +
                                           rarg.name + ".");
      }
      if (!rarg.type || !farg->type || !rarg.type->IsCompatible(*farg->type)) {
        return SchemaError(farg->pos, "For " + def.name + " to implement " + intf->name +
                                          " the field " + required.name +
                                          " must have the same arguments but " + rarg.name +
                                          " has the wrong type.");
      }
    }
    for (const auto& farg : found->arguments) {
      if (required_args.count(farg.name) == 0 && farg.type && farg.type->non_null &&
          !farg.default_value) {
        return SchemaError(farg.pos, "For " + def.name + " to implement " + intf->name +
                                         " any additional arguments on " + found->name +
                                         " must be optional or have a default value but " +
                                         farg.name + " is required.");
      }
    }
  }
  for (const auto& transitive : intf->interfaces) {
    if (!Contains(def.interfaces, transitive)) {
      if (transitive == def.name) {
        return SchemaError(def.pos, "Type " + def.name + " cannot implement " + intf_name +
                                        " because it would create a circular reference.");
      }
      return SchemaError(def.pos, "Type " + def.name + " must implement " + transitive +
                                      " because it is implemented by " + intf_name + ".");
    }
  }
  return std::nullopt;
}

std::optional<Error> SchemaValidator::CheckDefinition(const Definition& def) {
  for (const auto& field : def.fields) {
    if (auto e = Name(field.pos, field.name)) return e;
    if (auto e = TypeRef(field.type.get(), field.pos)) return e;
    if (auto e = Args(field.arguments, nullptr)) return e;
    const std::string loc =
        def.kind == "INPUT_OBJECT" ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION";
    if (auto e = Directives(field.directives, loc, nullptr)) return e;
  }
  for (const auto& t : def.types) {
    const Definition* td = s_.FindType(t);
    if (td == nullptr) return SchemaError(def.pos, "Undefined type " + Quote(t) + ".");
    if (td->kind != "OBJECT") {
      return SchemaError(def.pos, def.kind + " type " + Quote(t) + " must be OBJECT.");
    }
  }
  for (const auto& intf : def.interfaces) {
    if (auto e = Implements(def, intf)) return e;
  }
  if (def.kind == "OBJECT" || def.kind == "INTERFACE") {
    if (def.fields.empty()) {
      return SchemaError(def.pos, def.kind + " " + def.name + ": must define one or more fields.");
    }
    for (const auto& field : def.fields) {
      const Definition* t = s_.FindType(field.type->Name());
      if (t != nullptr && !IsCompositeKind(t->kind) && !IsLeafKind(t->kind)) {
        return SchemaError(field.pos, def.kind + " " + def.name +
                                          ": field must be one of SCALAR, OBJECT, INTERFACE, "
                                          "UNION, ENUM.");
      }
    }
  } else if (def.kind == "ENUM") {
    if (def.enum_values.empty()) {
      return SchemaError(
          def.pos, def.kind + " " + def.name + ": must define one or more unique enum values.");
    }
    for (const auto& v : def.enum_values) {
      if (v.name == "true" || v.name == "false" || v.name == "null") {
        return SchemaError(def.pos, def.kind + " " + def.name + ": non-enum value " + v.name + ".");
      }
    }
  } else if (def.kind == "INPUT_OBJECT") {
    if (def.fields.empty()) {
      return SchemaError(def.pos,
                         def.kind + " " + def.name + ": must define one or more input fields.");
    }
    for (const auto& field : def.fields) {
      const Definition* t = s_.FindType(field.type->Name());
      if (t != nullptr && !IsInputKind(t->kind)) {
        return SchemaError(field.pos, t->kind + " " + field.name +
                                          ": field must be one of SCALAR, ENUM, INPUT_OBJECT.");
      }
    }
  }
  // gqlparser reports the second field of the first duplicated pair (in order of the first).
  std::map<std::string_view, std::size_t> first_index;
  std::optional<std::pair<std::size_t, std::size_t>> dup;
  for (std::size_t j = 0; j < def.fields.size(); ++j) {
    auto [it, inserted] = first_index.emplace(def.fields[j].name, j);
    if (!inserted && (!dup || it->second < dup->first)) dup = {it->second, j};
  }
  if (dup) {
    const FieldDefinition& f = def.fields[dup->second];
    return SchemaError(f.pos, "Field " + def.name + "." + f.name + " can only be defined once.");
  }
  if (!def.built_in) {
    if (auto e = Name(def.pos, def.name)) return e;
  }
  return Directives(def.directives, def.kind, nullptr);
}

void AddPossible(Schema& s, const std::string& name, const Definition* def) {
  s.possible_types[name].push_back(def);
}

}  // namespace

bool IsInputKind(const std::string& kind) {
  return kind == "SCALAR" || kind == "ENUM" || kind == "INPUT_OBJECT";
}
bool IsLeafKind(const std::string& kind) { return kind == "SCALAR" || kind == "ENUM"; }
bool IsCompositeKind(const std::string& kind) {
  return kind == "OBJECT" || kind == "INTERFACE" || kind == "UNION";
}

const FieldDefinition* FindField(const std::vector<FieldDefinition>& fields,
                                 const std::string& name) {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const ArgumentDefinition* FindArgument(const std::vector<ArgumentDefinition>& args,
                                       const std::string& name) {
  for (const auto& a : args) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const Definition* Schema::FindType(const std::string& name) const {
  auto it = types.find(name);
  return it == types.end() ? nullptr : it->second;
}

std::vector<const Definition*> Schema::PossibleTypes(const Definition& def) const {
  if (def.kind == "OBJECT") return {&def};
  if (def.kind == "INTERFACE" || def.kind == "UNION") {
    auto it = possible_types.find(def.name);
    if (it != possible_types.end()) return it->second;
  }
  return {};
}

Result<std::unique_ptr<Schema>> LoadSchema(SchemaDocument user) {
  auto prelude = ParseBuiltinSchema(kPrelude);
  if (!prelude) return prelude.error();
  auto s = std::make_unique<Schema>();
  s->docs.push_back(std::make_unique<SchemaDocument>(std::move(*prelude)));
  s->docs.push_back(std::make_unique<SchemaDocument>(std::move(user)));
  SchemaDocument& pre = *s->docs[0];
  SchemaDocument& doc = *s->docs[1];

  // Definitions in merge order (prelude first), then types created by extensions.
  std::vector<Definition*> defs;
  for (SchemaDocument* d : {&pre, &doc}) {
    for (auto& def : d->definitions) {
      if (s->types.count(def.name) != 0) {
        return SchemaError(def.pos, "Cannot redeclare type " + def.name + ".");
      }
      s->types[def.name] = &def;
      defs.push_back(&def);
    }
  }
  for (SchemaDocument* d : {&pre, &doc}) {
    for (auto& ext : d->extensions) {
      Definition* def = s->types.count(ext.name) ? s->types[ext.name] : nullptr;
      if (def == nullptr) {
        auto created = std::make_unique<Definition>();
        created->kind = ext.kind;
        created->name = ext.name;
        created->pos = ext.pos;
        def = created.get();
        s->types[ext.name] = def;
        defs.push_back(def);
        s->synthesized.push_back(std::move(created));
      }
      if (def->kind != ext.kind) {
        return SchemaError(ext.pos, "Cannot extend type " + ext.name +
                                        " because the base type is a " + def->kind + ", not " +
                                        ext.kind + ".");
      }
      for (auto& x : ext.directives) def->directives.push_back(std::move(x));
      for (auto& x : ext.interfaces) def->interfaces.push_back(std::move(x));
      for (auto& x : ext.fields) def->fields.push_back(std::move(x));
      for (auto& x : ext.types) def->types.push_back(std::move(x));
      for (auto& x : ext.enum_values) def->enum_values.push_back(std::move(x));
    }
  }
  for (const Definition* def : defs) {
    if (def->kind == "UNION") {
      for (const auto& t : def->types) AddPossible(*s, def->name, s->FindType(t));
    } else if (def->kind == "INPUT_OBJECT" || def->kind == "OBJECT") {
      for (const auto& intf : def->interfaces) AddPossible(*s, intf, def);
      AddPossible(*s, def->name, def);
    } else if (def->kind == "INTERFACE") {
      for (const auto& intf : def->interfaces) AddPossible(*s, intf, def);
    }
  }
  for (SchemaDocument* d : {&pre, &doc}) {
    for (const auto& dir : d->directives) {
      if (s->directives.count(dir.name) != 0) {
        if (dir.name != "include" && dir.name != "skip" && dir.name != "deprecated" &&
            dir.name != "specifiedBy") {
          return SchemaError(dir.pos, "Cannot redeclare directive " + dir.name + ".");
        }
      }
      s->directives[dir.name] = &dir;
    }
  }
  std::vector<const SchemaDefinition*> schemas;
  for (SchemaDocument* d : {&pre, &doc}) {
    for (const auto& sd : d->schema) schemas.push_back(&sd);
  }
  if (schemas.size() > 1) {
    return SchemaError(schemas[1]->pos,
                       "Cannot have multiple schema entry points, consider schema extensions "
                       "instead.");
  }
  auto assign_roots = [&](const SchemaDefinition& sd) -> std::optional<Error> {
    for (const auto& ep : sd.operation_types) {
      const Definition* def = s->FindType(ep.type);
      if (def == nullptr) {
        return SchemaError(ep.pos, "Schema root " + ep.operation + " refers to a type " + ep.type +
                                       " that does not exist.");
      }
      if (ep.operation == "query") s->query = def;
      if (ep.operation == "mutation") s->mutation = def;
      if (ep.operation == "subscription") s->subscription = def;
    }
    return std::nullopt;
  };
  if (!schemas.empty()) {
    if (auto e = assign_roots(*schemas[0])) return *e;
  }
  for (SchemaDocument* d : {&pre, &doc}) {
    for (const auto& ext : d->schema_extension) {
      if (auto e = assign_roots(ext)) return *e;
    }
  }
  SchemaValidator v(*s);
  for (const auto& [name, def] : s->types) {  // std::map: sorted by name, as gqlparser sorts
    if (auto e = v.CheckDefinition(*def)) return *e;
  }
  for (const auto& [name, dir] : s->directives) {
    if (auto e = v.DirectiveDef(*dir)) return *e;
  }
  if (schemas.empty()) {
    if (s->query == nullptr) s->query = s->FindType("Query");
    if (s->mutation == nullptr) s->mutation = s->FindType("Mutation");
    if (s->subscription == nullptr) s->subscription = s->FindType("Subscription");
  }
  if (s->query != nullptr) {
    Definition* q = s->types[s->query->name];
    FieldDefinition schema_field;
    schema_field.name = "__schema";
    schema_field.type = std::make_unique<Type>();
    schema_field.type->named_type = "__Schema";
    schema_field.type->non_null = true;
    q->fields.push_back(std::move(schema_field));
    FieldDefinition type_field;
    type_field.name = "__type";
    type_field.type = std::make_unique<Type>();
    type_field.type->named_type = "__Type";
    ArgumentDefinition name_arg;
    name_arg.name = "name";
    name_arg.type = std::make_unique<Type>();
    name_arg.type->named_type = "String";
    name_arg.type->non_null = true;
    type_field.arguments.push_back(std::move(name_arg));
    q->fields.push_back(std::move(type_field));
  }
  return s;
}

}  // namespace gatehouse::rego::graphql
