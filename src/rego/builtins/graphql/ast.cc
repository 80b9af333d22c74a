#include "rego/builtins/graphql/ast.h"

#include <cctype>
#include <string_view>
#include <utility>

#include "rego/builtins/graphql/graphql_errors.h"

namespace gatehouse::rego::graphql {
namespace {

constexpr int kMaxDecodeDepth = 256;

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// ---- encoding ----

class Obj {
 public:
  Obj& Str(const char* k, std::string_view v) {
    b_.Add(Value::String(k), Value::String(v));
    return *this;
  }
  Obj& Bool(const char* k, bool v) {
    b_.Add(Value::String(k), Value::Bool(v));
    return *this;
  }
  Obj& Int(const char* k, int v) {
    b_.Add(Value::String(k), Value::Int(v));
    return *this;
  }
  // Pruned: empty arrays and empty objects are left out, as OPA does.
  Obj& Put(const char* k, Value v) {
    if ((v.is_array() || v.is_object()) && v.size() == 0) return *this;
    b_.Add(Value::String(k), std::move(v));
    return *this;
  }
  Value Done() { return b_.Finish(); }

 private:
  ObjectBuilder b_;
};

template <typename T, typename F>
Value List(const std::vector<T>& items, F&& f) {
  std::vector<Value> out;
  out.reserve(items.size());
  for (const auto& it : items) {
    Value v = f(it);
    if ((v.is_array() || v.is_object()) && v.size() == 0) continue;
    out.push_back(std::move(v));
  }
  return Value::Array(std::move(out));
}

Value Strings(const std::vector<std::string>& items) {
  return List(items, [](const std::string& s) { return Value::String(s); });
}

Value Enc(const Type& t) {
  Obj o;
  o.Str("NamedType", t.named_type).Bool("NonNull", t.non_null);
  if (t.elem) o.Put("Elem", Enc(*t.elem));
  return o.Done();
}

Value Enc(const GqlValue& v);

Value Enc(const ChildValue& c) {
  Obj o;
  o.Str("Name", c.name);
  if (c.value) o.Put("Value", Enc(*c.value));
  return o.Done();
}

Value Enc(const GqlValue& v) {
  Obj o;
  o.Str("Raw", v.raw).Int("Kind", static_cast<int>(v.kind)).Bool("ExpectedTypeHasDefault", false);
  o.Put("Children", List(v.children, [](const ChildValue& c) { return Enc(c); }));
  return o.Done();
}

Value Enc(const Argument& a) {
  Obj o;
  o.Str("Name", a.name);
  if (a.value) o.Put("Value", Enc(*a.value));
  return o.Done();
}

Value Enc(const Directive& d) {
  Obj o;
  o.Str("Name", d.name).Str("Location", "");
  o.Put("Arguments", List(d.arguments, [](const Argument& a) { return Enc(a); }));
  return o.Done();
}

Value EncDirectives(const std::vector<Directive>& ds) {
  return List(ds, [](const Directive& d) { return Enc(d); });
}

Value EncSelections(const std::vector<Selection>& sels);

Value Enc(const Selection& s) {
  Obj o;
  switch (s.kind) {
    case SelectionKind::kField:
      o.Str("Alias", s.alias).Str("Name", s.name);
      o.Put("Arguments", List(s.arguments, [](const Argument& a) { return Enc(a); }));
      break;
    case SelectionKind::kFragmentSpread:
      o.Str("Name", s.name);
      break;
    case SelectionKind::kInlineFragment:
      o.Str("TypeCondition", s.type_condition);
      break;
  }
  o.Put("Directives", EncDirectives(s.directives));
  if (s.kind != SelectionKind::kFragmentSpread) {
    o.Put("SelectionSet", EncSelections(s.selection_set));
  }
  return o.Done();
}

Value EncSelections(const std::vector<Selection>& sels) {
  return List(sels, [](const Selection& s) { return Enc(s); });
}

Value Enc(const VariableDefinition& d) {
  Obj o;
  o.Str("Variable", d.variable).Bool("Used", false);
  if (d.type) o.Put("Type", Enc(*d.type));
  if (d.default_value) o.Put("DefaultValue", Enc(*d.default_value));
  o.Put("Directives", EncDirectives(d.directives));
  return o.Done();
}

Value EncVars(const std::vector<VariableDefinition>& vs) {
  return List(vs, [](const VariableDefinition& d) { return Enc(d); });
}

Value Enc(const ArgumentDefinition& a) {
  Obj o;
  o.Str("Description", a.description).Str("Name", a.name);
  if (a.default_value) o.Put("DefaultValue", Enc(*a.default_value));
  if (a.type) o.Put("Type", Enc(*a.type));
  o.Put("Directives", EncDirectives(a.directives));
  return o.Done();
}

Value EncArgDefs(const std::vector<ArgumentDefinition>& as) {
  return List(as, [](const ArgumentDefinition& a) { return Enc(a); });
}

Value Enc(const FieldDefinition& f) {
  Obj o;
  o.Str("Description", f.description).Str("Name", f.name);
  o.Put("Arguments", EncArgDefs(f.arguments));
  if (f.default_value) o.Put("DefaultValue", Enc(*f.default_value));
  if (f.type) o.Put("Type", Enc(*f.type));
  o.Put("Directives", EncDirectives(f.directives));
  return o.Done();
}

Value Enc(const Definition& d) {
  Obj o;
  o.Str("Kind", d.kind).Str("Description", d.description).Str("Name", d.name);
  o.Bool("BuiltIn", d.built_in);
  o.Put("Directives", EncDirectives(d.directives));
  o.Put("Interfaces", Strings(d.interfaces));
  o.Put("Fields", List(d.fields, [](const FieldDefinition& f) { return Enc(f); }));
  o.Put("Types", Strings(d.types));
  o.Put("EnumValues", List(d.enum_values, [](const EnumValueDefinition& e) {
          Obj eo;
          eo.Str("Description", e.description).Str("Name", e.name);
          eo.Put("Directives", EncDirectives(e.directives));
          return eo.Done();
        }));
  return o.Done();
}

Value Enc(const SchemaDefinition& s) {
  Obj o;
  o.Str("Description", s.description);
  o.Put("Directives", EncDirectives(s.directives));
  o.Put("OperationTypes", List(s.operation_types, [](const OperationTypeDefinition& t) {
          Obj to;
          to.Str("Operation", t.operation).Str("Type", t.type);
          return to.Done();
        }));
  return o.Done();
}

// ---- decoding ----

class Decoder {
 public:
  std::optional<Error> err;

  void Fail(std::string msg) {
    if (!err) err = MakeError(GraphqlError::kDecode, std::move(msg));
  }

  // Go's encoding/json: exact key first, then a case-insensitive match; null means absent.
  static const Value* Get(const Value& obj, std::string_view key) {
    if (const Value* v = obj.Find(key)) return v->is_null() ? nullptr : v;
    for (const auto& [k, v] : obj.Members()) {
      if (!k.is_string()) continue;
      const std::string_view ks = k.AsString();
      if (ks.size() != key.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < ks.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(ks[i])) ==
               std::tolower(static_cast<unsigned char>(key[i]));
      }
      if (same) return v.is_null() ? nullptr : &v;
    }
    return nullptr;
  }

  std::string Str(const Value& obj, std::string_view key) {
    const Value* v = Get(obj, key);
    if (v == nullptr) return "";
    if (!v->is_string()) {
      Fail("json: cannot unmarshal " + std::string(TypeName(v->kind())) +
           " into Go struct field ." + std::string(key) + " of type string");
      return "";
    }
    return std::string(v->AsString());
  }

  bool Bool(const Value& obj, std::string_view key) {
    const Value* v = Get(obj, key);
    if (v == nullptr) return false;
    if (!v->is_bool()) {
      Fail("json: cannot unmarshal " + std::string(TypeName(v->kind())) +
           " into Go struct field ." + std::string(key) + " of type bool");
      return false;
    }
    return *v->AsBool();
  }

  // Calls f(item) for each element of array field `key`.
  template <typename F>
  void Each(const Value& obj, std::string_view key, F&& f) {
    const Value* v = Get(obj, key);
    if (v == nullptr) return;
    if (!v->is_array()) {
      Fail("json: cannot unmarshal " + std::string(TypeName(v->kind())) +
           " into Go struct field ." + std::string(key) + " of type array");
      return;
    }
    for (const Value& item : v->Items()) {
      if (err) return;
      f(item);
    }
  }

  const Value* Object(const Value& obj, std::string_view key) {
    const Value* v = Get(obj, key);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      Fail("json: cannot unmarshal " + std::string(TypeName(v->kind())) +
           " into Go struct field ." + std::string(key) + " of type object");
      return nullptr;
    }
    return v;
  }

  bool Enter(int depth) {
    if (depth > kMaxDecodeDepth) {
      Fail("graphql AST nesting too deep");
      return false;
    }
    return !err;
  }

  std::unique_ptr<Type> DecType(const Value& v, int depth) {
    auto t = std::make_unique<Type>();
    if (!Enter(depth)) return t;
    t->named_type = Str(v, "NamedType");
    t->non_null = Bool(v, "NonNull");
    if (const Value* e = Object(v, "Elem")) t->elem = DecType(*e, depth + 1);
    return t;
  }

  std::unique_ptr<GqlValue> DecValue(const Value& v, int depth) {
    auto out = std::make_unique<GqlValue>();
    if (!Enter(depth)) return out;
    out->raw = Str(v, "Raw");
    if (const Value* k = Get(v, "Kind")) {
      const auto i = k->AsInt();
      if (!i || *i < 0 || *i > 9) {
        Fail("json: cannot unmarshal into Go struct field Value.Kind");
      } else {
        out->kind = static_cast<ValueKind>(*i);
      }
    }
    Each(v, "Children", [&](const Value& c) {
      if (!c.is_object()) return Fail("json: cannot unmarshal into ChildValue");
      ChildValue cv;
      cv.name = Str(c, "Name");
      if (const Value* cvv = Object(c, "Value")) cv.value = DecValue(*cvv, depth + 1);
      out->children.push_back(std::move(cv));
    });
    return out;
  }

  std::vector<Argument> DecArgs(const Value& v, int depth) {
    std::vector<Argument> out;
    Each(v, "Arguments", [&](const Value& a) {
      if (!a.is_object()) return Fail("json: cannot unmarshal into Argument");
      Argument arg;
      arg.name = Str(a, "Name");
      if (const Value* av = Object(a, "Value")) arg.value = DecValue(*av, depth + 1);
      out.push_back(std::move(arg));
    });
    return out;
  }

  std::vector<Directive> DecDirectives(const Value& v, int depth) {
    std::vector<Directive> out;
    Each(v, "Directives", [&](const Value& d) {
      if (!d.is_object()) return Fail("json: cannot unmarshal into Directive");
      Directive dir;
      dir.name = Str(d, "Name");
      dir.arguments = DecArgs(d, depth + 1);
      out.push_back(std::move(dir));
    });
    return out;
  }

  std::vector<Selection> DecSelections(const Value& v, int depth) {
    std::vector<Selection> out;
    if (!Enter(depth)) return out;
    Each(v, "SelectionSet", [&](const Value& s) {
      if (!s.is_object()) return Fail("json: cannot unmarshal into Selection");
      Selection sel;
      if (Get(s, "Alias") != nullptr) {
        sel.kind = SelectionKind::kField;
        sel.alias = Str(s, "Alias");
        sel.name = Str(s, "Name");
        sel.arguments = DecArgs(s, depth + 1);
        sel.selection_set = DecSelections(s, depth + 1);
      } else if (Get(s, "TypeCondition") != nullptr || Get(s, "SelectionSet") != nullptr) {
        sel.kind = SelectionKind::kInlineFragment;
        sel.type_condition = Str(s, "TypeCondition");
        sel.selection_set = DecSelections(s, depth + 1);
      } else {
        sel.kind = SelectionKind::kFragmentSpread;
        sel.name = Str(s, "Name");
      }
      sel.directives = DecDirectives(s, depth + 1);
      out.push_back(std::move(sel));
    });
    return out;
  }

  std::vector<VariableDefinition> DecVars(const Value& v, std::string_view key) {
    std::vector<VariableDefinition> out;
    Each(v, key, [&](const Value& d) {
      if (!d.is_object()) return Fail("json: cannot unmarshal into VariableDefinition");
      VariableDefinition vd;
      vd.variable = Str(d, "Variable");
      if (const Value* t = Object(d, "Type")) vd.type = DecType(*t, 1);
      if (const Value* dv = Object(d, "DefaultValue")) vd.default_value = DecValue(*dv, 1);
      vd.directives = DecDirectives(d, 1);
      out.push_back(std::move(vd));
    });
    return out;
  }

  std::vector<ArgumentDefinition> DecArgDefs(const Value& v) {
    std::vector<ArgumentDefinition> out;
    Each(v, "Arguments", [&](const Value& a) {
      if (!a.is_object()) return Fail("json: cannot unmarshal into ArgumentDefinition");
      ArgumentDefinition ad;
      ad.description = Str(a, "Description");
      ad.name = Str(a, "Name");
      if (const Value* dv = Object(a, "DefaultValue")) ad.default_value = DecValue(*dv, 1);
      if (const Value* t = Object(a, "Type")) ad.type = DecType(*t, 1);
      ad.directives = DecDirectives(a, 1);
      out.push_back(std::move(ad));
    });
    return out;
  }

  std::vector<std::string> DecStrings(const Value& v, std::string_view key) {
    std::vector<std::string> out;
    Each(v, key, [&](const Value& s) {
      if (!s.is_string()) return Fail("json: cannot unmarshal into string");
      out.emplace_back(s.AsString());
    });
    return out;
  }

  Definition DecDefinition(const Value& d) {
    Definition def;
    def.kind = Str(d, "Kind");
    def.description = Str(d, "Description");
    def.name = Str(d, "Name");
    def.built_in = Bool(d, "BuiltIn");
    def.directives = DecDirectives(d, 1);
    def.interfaces = DecStrings(d, "Interfaces");
    def.types = DecStrings(d, "Types");
    Each(d, "Fields", [&](const Value& f) {
      if (!f.is_object()) return Fail("json: cannot unmarshal into FieldDefinition");
      FieldDefinition fd;
      fd.description = Str(f, "Description");
      fd.name = Str(f, "Name");
      fd.arguments = DecArgDefs(f);
      if (const Value* dv = Object(f, "DefaultValue")) fd.default_value = DecValue(*dv, 1);
      if (const Value* t = Object(f, "Type")) fd.type = DecType(*t, 1);
      fd.directives = DecDirectives(f, 1);
      def.fields.push_back(std::move(fd));
    });
    Each(d, "EnumValues", [&](const Value& e) {
      if (!e.is_object()) return Fail("json: cannot unmarshal into EnumValueDefinition");
      EnumValueDefinition ev;
      ev.description = Str(e, "Description");
      ev.name = Str(e, "Name");
      ev.directives = DecDirectives(e, 1);
      def.enum_values.push_back(std::move(ev));
    });
    return def;
  }

  SchemaDefinition DecSchemaDef(const Value& s) {
    SchemaDefinition sd;
    sd.description = Str(s, "Description");
    sd.directives = DecDirectives(s, 1);
    Each(s, "OperationTypes", [&](const Value& t) {
      if (!t.is_object()) return Fail("json: cannot unmarshal into OperationTypeDefinition");
      sd.operation_types.push_back({Str(t, "Operation"), Str(t, "Type"), {}});
    });
    return sd;
  }
};

}  // namespace

std::string Type::Name() const {
  const Type* t = this;
  while (t->elem) t = t->elem.get();
  return t->named_type;
}

std::string Type::ToString() const {
  std::string s = elem ? "[" + elem->ToString() + "]" : named_type;
  if (non_null) s.push_back('!');
  return s;
}

std::unique_ptr<Type> Type::Clone() const {
  auto t = std::make_unique<Type>();
  t->named_type = named_type;
  t->non_null = non_null;
  t->pos = pos;
  if (elem) t->elem = elem->Clone();
  return t;
}

bool Type::IsCompatible(const Type& other) const {
  if (named_type != other.named_type) return false;
  if (elem && !other.elem) return false;
  if (elem && !elem->IsCompatible(*other.elem)) return false;
  if (other.non_null) return non_null;
  return true;
}

std::string GqlValue::ToString() const {
  switch (kind) {
    case ValueKind::kVariable:
      return "$" + raw;
    case ValueKind::kString:
    case ValueKind::kBlock:
      return GoQuote(raw);
    case ValueKind::kList: {
      std::string s = "[";
      for (std::size_t i = 0; i < children.size(); ++i) {
        if (i) s += ",";
        s += children[i].value ? children[i].value->ToString() : "<nil>";
      }
      return s + "]";
    }
    case ValueKind::kObject: {
      std::string s = "{";
      for (std::size_t i = 0; i < children.size(); ++i) {
        if (i) s += ",";
        s += children[i].name + ":" + (children[i].value ? children[i].value->ToString() : "<nil>");
      }
      return s + "}";
    }
    default:
      return raw;
  }
}

Value ToValue(const QueryDocument& doc) {
  Obj o;
  o.Put("Operations", List(doc.operations, [](const OperationDefinition& op) {
          Obj oo;
          oo.Str("Operation", op.operation).Str("Name", op.name);
          oo.Put("VariableDefinitions", EncVars(op.variable_definitions));
          oo.Put("Directives", EncDirectives(op.directives));
          oo.Put("SelectionSet", EncSelections(op.selection_set));
          return oo.Done();
        }));
  o.Put("Fragments", List(doc.fragments, [](const FragmentDefinition& f) {
          Obj fo;
          fo.Str("Name", f.name).Str("TypeCondition", f.type_condition);
          fo.Put("VariableDefinition", EncVars(f.variable_definition));
          fo.Put("Directives", EncDirectives(f.directives));
          fo.Put("SelectionSet", EncSelections(f.selection_set));
          return fo.Done();
        }));
  return o.Done();
}

Value ToValue(const SchemaDocument& doc) {
  Obj o;
  auto schemas = [](const std::vector<SchemaDefinition>& v) {
    return List(v, [](const SchemaDefinition& s) { return Enc(s); });
  };
  auto defs = [](const std::vector<Definition>& v) {
    return List(v, [](const Definition& d) { return Enc(d); });
  };
  o.Put("Schema", schemas(doc.schema));
  o.Put("SchemaExtension", schemas(doc.schema_extension));
  o.Put("Directives", List(doc.directives, [](const DirectiveDefinition& d) {
          Obj dobj;
          dobj.Str("Description", d.description).Str("Name", d.name);
          dobj.Put("Arguments", EncArgDefs(d.arguments));
          dobj.Put("Locations", Strings(d.locations));
          dobj.Bool("IsRepeatable", d.is_repeatable);
          return dobj.Done();
        }));
  o.Put("Definitions", defs(doc.definitions));
  o.Put("Extensions", defs(doc.extensions));
  return o.Done();
}

Result<QueryDocument> QueryDocumentFromValue(const Value& v) {
  Decoder d;
  QueryDocument doc;
  if (!v.is_object())
    return MakeError(GraphqlError::kDecode, "json: cannot unmarshal into document");
  d.Each(v, "Operations", [&](const Value& o) {
    if (!o.is_object()) return d.Fail("json: cannot unmarshal into OperationDefinition");
    OperationDefinition op;
    op.operation = d.Str(o, "Operation");
    op.name = d.Str(o, "Name");
    op.variable_definitions = d.DecVars(o, "VariableDefinitions");
    op.directives = d.DecDirectives(o, 1);
    op.selection_set = d.DecSelections(o, 1);
    doc.operations.push_back(std::move(op));
  });
  d.Each(v, "Fragments", [&](const Value& f) {
    if (!f.is_object()) return d.Fail("json: cannot unmarshal into FragmentDefinition");
    FragmentDefinition fd;
    fd.name = d.Str(f, "Name");
    fd.type_condition = d.Str(f, "TypeCondition");
    fd.variable_definition = d.DecVars(f, "VariableDefinition");
    fd.directives = d.DecDirectives(f, 1);
    fd.selection_set = d.DecSelections(f, 1);
    doc.fragments.push_back(std::move(fd));
  });
  if (d.err) return *d.err;
  return doc;
}

Result<SchemaDocument> SchemaDocumentFromValue(const Value& v) {
  Decoder d;
  SchemaDocument doc;
  if (!v.is_object())
    return MakeError(GraphqlError::kDecode, "json: cannot unmarshal into document");
  d.Each(v, "Schema", [&](const Value& s) {
    if (!s.is_object()) return d.Fail("json: cannot unmarshal into SchemaDefinition");
    doc.schema.push_back(d.DecSchemaDef(s));
  });
  d.Each(v, "SchemaExtension", [&](const Value& s) {
    if (!s.is_object()) return d.Fail("json: cannot unmarshal into SchemaDefinition");
    doc.schema_extension.push_back(d.DecSchemaDef(s));
  });
  d.Each(v, "Directives", [&](const Value& s) {
    if (!s.is_object()) return d.Fail("json: cannot unmarshal into DirectiveDefinition");
    DirectiveDefinition dd;
    dd.description = d.Str(s, "Description");
    dd.name = d.Str(s, "Name");
    dd.arguments = d.DecArgDefs(s);
    dd.locations = d.DecStrings(s, "Locations");
    dd.is_repeatable = d.Bool(s, "IsRepeatable");
    doc.directives.push_back(std::move(dd));
  });
  d.Each(v, "Definitions", [&](const Value& s) {
    if (!s.is_object()) return d.Fail("json: cannot unmarshal into Definition");
    doc.definitions.push_back(d.DecDefinition(s));
  });
  d.Each(v, "Extensions", [&](const Value& s) {
    if (!s.is_object()) return d.Fail("json: cannot unmarshal into Definition");
    doc.extensions.push_back(d.DecDefinition(s));
  });
  if (d.err) return *d.err;
  return doc;
}

}  // namespace gatehouse::rego::graphql
