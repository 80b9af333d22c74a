#include "rego/builtins/json_schema.h"

#include <re2/re2.h>

#include <cmath>

#include "rego/builtins/builtin_failure.h"
#include "rego/builtins/json_patch.h"
#include "rego/builtins/json_schema_format.h"

namespace gatehouse::rego::builtins {
namespace {

constexpr int kMaxDepth = 64;
constexpr std::string_view kTypes[] = {"array", "boolean", "integer", "number",
                                       "null",  "object",  "string"};

Error InvalidSchema(std::string message) {
  return MakeError(BuiltinFailure::kInvalidSchema, std::move(message));
}

std::string GivenType(const Value& v) {
  if (v.is_number()) {
    const double d = *v.AsDouble();
    return v.is_int() || (std::isfinite(d) && d == std::floor(d)) ? "integer" : "number";
  }
  return std::string(TypeName(v.kind()));
}

bool HasType(const Value& v, std::string_view type) {
  if (type == "integer") return GivenType(v) == "integer";
  if (type == "number") return v.is_number();
  if (type == "array") return v.is_array() || v.is_set();
  return TypeName(v.kind()) == type;
}

std::size_t RuneCount(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Join(const std::string& field, const std::string& key) {
  return field == "(root)" ? key : field + "." + key;
}

class Validator {
 public:
  explicit Validator(const Value& root) : root_(root) {}

  Status Check(const Value& schema, int depth) {
    if (depth > kMaxDepth) return InvalidSchema("schema nesting is too deep");
    if (schema.is_bool()) return Ok();
    if (!schema.is_object()) return InvalidSchema("schema must be an object or a boolean");
    if (const Value* type = schema.Find("type")) {
      std::vector<Value> types;
      if (type->is_array()) {
        types.assign(type->Items().begin(), type->Items().end());
      } else {
        types.push_back(*type);
      }
      for (const auto& t : types) {
        const std::string given = t.is_string() ? std::string(t.AsString()) : ToJsonText(t);
        bool ok = false;
        for (auto known : kTypes) ok = ok || (t.is_string() && t.AsString() == known);
        if (!ok) {
          return InvalidSchema(
              "has a primitive type that is NOT VALID -- given: /" + given +
              "/ Expected valid values are:[array boolean integer number null object string]");
        }
      }
    }
    if (const Value* required = schema.Find("required")) {
      if (!required->is_array()) return InvalidSchema("required must be an array");
      for (const auto& r : required->Items()) {
        if (!r.is_string()) return InvalidSchema("required must be an array of strings");
      }
    }
    for (std::string_view key : {"properties", "patternProperties", "definitions"}) {
      if (const Value* props = schema.Find(key)) {
        if (!props->is_object()) return InvalidSchema(std::string(key) + " must be an object");
        for (const auto& [k, sub] : props->Members()) {
          if (key == "patternProperties" &&
              (!k.is_string() || !RE2(std::string(k.AsString())).ok())) {
            return InvalidSchema("invalid regular expression in patternProperties");
          }
          if (auto s = Check(sub, depth + 1); !s) return s;
        }
      }
    }
    for (std::string_view key : {"additionalProperties", "not", "additionalItems"}) {
      if (const Value* sub = schema.Find(key)) {
        if (auto s = Check(*sub, depth + 1); !s) return s;
      }
    }
    if (const Value* items = schema.Find("items")) {
      if (items->is_array()) {
        for (const auto& sub : items->Items()) {
          if (auto s = Check(sub, depth + 1); !s) return s;
        }
      } else if (auto s = Check(*items, depth + 1); !s) {
        return s;
      }
    }
    for (std::string_view key : {"allOf", "anyOf", "oneOf"}) {
      if (const Value* subs = schema.Find(key)) {
        if (!subs->is_array() || subs->size() == 0) {
          return InvalidSchema(std::string(key) + " must be a non-empty array");
        }
        for (const auto& sub : subs->Items()) {
          if (auto s = Check(sub, depth + 1); !s) return s;
        }
      }
    }
    if (const Value* pattern = schema.Find("pattern")) {
      if (!pattern->is_string() || !RE2(std::string(pattern->AsString())).ok()) {
        return InvalidSchema("pattern must be a valid regular expression");
      }
    }
    return Ok();
  }

  Status Validate(const Value& v, const Value& schema, const std::string& field, int depth) {
    if (depth > kMaxDepth) return InvalidSchema("schema recursion is too deep");
    if (schema.is_bool()) {
      if (!*schema.AsBool()) Add(field, "false", "False always fails validation");
      return Ok();
    }
    if (!schema.is_object()) return Ok();
    if (const Value* ref = schema.Find("$ref"); ref != nullptr && ref->is_string()) {
      auto target = Resolve(ref->AsString());
      if (!target) return target.error();
      return Validate(v, *target, field, depth + 1);
    }
    if (const Value* type = schema.Find("type")) {
      bool ok = false;
      std::string expected;
      auto one = [&](const Value& t) {
        if (!t.is_string()) return;
        if (!expected.empty()) expected += ",";
        expected += t.AsString();
        ok = ok || HasType(v, t.AsString());
      };
      if (type->is_array()) {
        for (const auto& t : type->Items()) one(t);
      } else {
        one(*type);
      }
      if (!ok) {
        Add(field, "invalid_type",
            "Invalid type. Expected: " + expected + ", given: " + GivenType(v));
        return Ok();
      }
    }
    if (const Value* e = schema.Find("enum"); e != nullptr && e->is_array()) {
      bool found = false;
      std::string allowed;
      for (const auto& item : e->Items()) {
        found = found || item == v;
        if (!allowed.empty()) allowed += ", ";
        allowed += ToJsonText(item);
      }
      if (!found) Add(field, "enum", field + " must be one of the following: " + allowed);
    }
    if (const Value* c = schema.Find("const"); c != nullptr && *c != v) {
      Add(field, "const", field + " does not match: " + ToJsonText(*c));
    }
    if (v.is_object()) {
      if (auto s = ValidateObject(v, schema, field, depth); !s) return s;
    }
    if (v.is_array() || v.is_set()) {
      if (auto s = ValidateArray(v, schema, field, depth); !s) return s;
    }
    if (v.is_string()) ValidateString(v.AsString(), schema, field);
    if (v.is_number()) ValidateNumber(*v.AsDouble(), schema, field);
    return ValidateCombinators(v, schema, field, depth);
  }

  std::vector<SchemaError> TakeErrors() { return std::move(errors_); }

 private:
  void Add(const std::string& field, std::string type, std::string desc) {
    errors_.push_back(SchemaError{field, std::move(type), std::move(desc)});
  }

  Result<Value> Resolve(std::string_view ref) {
    if (ref == "#") return root_;
    if (!ref.starts_with("#/")) return InvalidSchema("only local $ref values are supported");
    auto path = ParseJsonPath(Value::String(ref.substr(1)));
    Value cur = root_;
    for (const auto& seg : *path) {
      const Value* next = cur.Find(seg);
      if (next == nullptr) return InvalidSchema("unresolvable $ref " + std::string(ref));
      cur = *next;
    }
    return cur;
  }

  Status ValidateObject(const Value& v, const Value& schema, const std::string& field, int depth) {
    if (const Value* required = schema.Find("required"); required != nullptr) {
      for (const auto& r : required->Items()) {
        if (r.is_string() && v.Find(r) == nullptr) {
          Add(field, "required", std::string(r.AsString()) + " is required");
        }
      }
    }
    const Value* props = schema.Find("properties");
    const Value* patterns = schema.Find("patternProperties");
    const Value* additional = schema.Find("additionalProperties");
    for (const auto& [k, val] : v.Members()) {
      const std::string key = k.is_string() ? std::string(k.AsString()) : ToJsonText(k);
      bool matched = false;
      if (props != nullptr) {
        if (const Value* sub = props->Find(k)) {
          matched = true;
          if (auto s = Validate(val, *sub, Join(field, key), depth + 1); !s) return s;
        }
      }
      if (patterns != nullptr && patterns->is_object()) {
        for (const auto& [p, sub] : patterns->Members()) {
          if (p.is_string() && RE2::PartialMatch(key, RE2(std::string(p.AsString())))) {
            matched = true;
            if (auto s = Validate(val, sub, Join(field, key), depth + 1); !s) return s;
          }
        }
      }
      if (!matched && additional != nullptr) {
        if (additional->is_bool() && !*additional->AsBool()) {
          Add(field, "additional_property_not_allowed",
              "Additional property " + key + " is not allowed");
        } else if (additional->is_object()) {
          if (auto s = Validate(val, *additional, Join(field, key), depth + 1); !s) return s;
        }
      }
    }
    if (const Value* min = schema.Find("minProperties");
        min != nullptr && min->is_number() && static_cast<double>(v.size()) < *min->AsDouble()) {
      Add(field, "array_min_properties", "Must have at least " + NumberText(*min) + " properties");
    }
    if (const Value* max = schema.Find("maxProperties");
        max != nullptr && max->is_number() && static_cast<double>(v.size()) > *max->AsDouble()) {
      Add(field, "array_max_properties", "Must have at most " + NumberText(*max) + " properties");
    }
    return Ok();
  }

  Status ValidateArray(const Value& v, const Value& schema, const std::string& field, int depth) {
    const auto items = v.Items();
    if (const Value* spec = schema.Find("items")) {
      if (spec->is_array()) {
        const auto tuple = spec->Items();
        const Value* additional = schema.Find("additionalItems");
        for (std::size_t i = 0; i < items.size(); ++i) {
          const std::string f = Join(field, std::to_string(i));
          if (i < tuple.size()) {
            if (auto s = Validate(items[i], tuple[i], f, depth + 1); !s) return s;
          } else if (additional != nullptr) {
            if (additional->is_bool() && !*additional->AsBool()) {
              Add(field, "array_no_additional_items", "No additional items allowed on array");
              break;
            }
            if (auto s = Validate(items[i], *additional, f, depth + 1); !s) return s;
          }
        }
      } else {
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (auto s = Validate(items[i], *spec, Join(field, std::to_string(i)), depth + 1); !s) {
            return s;
          }
        }
      }
    }
    if (const Value* min = schema.Find("minItems");
        min != nullptr && min->is_number() &&
        static_cast<double>(items.size()) < *min->AsDouble()) {
      Add(field, "array_min_items", "Array must have at least " + NumberText(*min) + " items");
    }
    if (const Value* max = schema.Find("maxItems");
        max != nullptr && max->is_number() &&
        static_cast<double>(items.size()) > *max->AsDouble()) {
      Add(field, "array_max_items", "Array must have at most " + NumberText(*max) + " items");
    }
    if (const Value* unique = schema.Find("uniqueItems");
        unique != nullptr && unique->is_bool() && *unique->AsBool()) {
      for (std::size_t i = 0; i < items.size(); ++i) {
        for (std::size_t j = i + 1; j < items.size(); ++j) {
          if (items[i] == items[j]) {
            Add(field, "unique",
                "array items[" + std::to_string(i) + "," + std::to_string(j) + "] must be unique");
            return Ok();
          }
        }
      }
    }
    return Ok();
  }

  void ValidateString(std::string_view s, const Value& schema, const std::string& field) {
    const auto n = static_cast<double>(RuneCount(s));
    if (const Value* min = schema.Find("minLength");
        min != nullptr && min->is_number() && n < *min->AsDouble()) {
      Add(field, "string_gte",
          "String length must be greater than or equal to " + NumberText(*min));
    }
    if (const Value* max = schema.Find("maxLength");
        max != nullptr && max->is_number() && n > *max->AsDouble()) {
      Add(field, "string_lte", "String length must be less than or equal to " + NumberText(*max));
    }
    if (const Value* p = schema.Find("pattern"); p != nullptr && p->is_string()) {
      RE2 re{std::string(p->AsString())};
      if (re.ok() && !RE2::PartialMatch(s, re)) {
        Add(field, "pattern", "Does not match pattern '" + std::string(p->AsString()) + "'");
      }
    }
    if (const Value* f = schema.Find("format");
        f != nullptr && f->is_string() && !MatchesFormat(f->AsString(), s)) {
      Add(field, "format", "Does not match format '" + std::string(f->AsString()) + "'");
    }
  }

  void ValidateNumber(double d, const Value& schema, const std::string& field) {
    auto num = [&](std::string_view key) -> const Value* {
      const Value* v = schema.Find(key);
      return v != nullptr && v->is_number() ? v : nullptr;
    };
    auto flag = [&](std::string_view key) {
      const Value* v = schema.Find(key);
      return v != nullptr && v->is_bool() && *v->AsBool();
    };
    if (const Value* min = num("minimum")) {
      if (flag("exclusiveMinimum") ? d <= *min->AsDouble() : d < *min->AsDouble()) {
        Add(field, flag("exclusiveMinimum") ? "number_gt" : "number_gte",
            std::string(flag("exclusiveMinimum") ? "Must be greater than "
                                                 : "Must be greater than or equal to ") +
                NumberText(*min));
      }
    }
    if (const Value* max = num("maximum")) {
      if (flag("exclusiveMaximum") ? d >= *max->AsDouble() : d > *max->AsDouble()) {
        Add(field, flag("exclusiveMaximum") ? "number_lt" : "number_lte",
            std::string(flag("exclusiveMaximum") ? "Must be less than "
                                                 : "Must be less than or equal to ") +
                NumberText(*max));
      }
    }
    if (const Value* emin = num("exclusiveMinimum"); emin != nullptr && d <= *emin->AsDouble()) {
      Add(field, "number_gt", "Must be greater than " + NumberText(*emin));
    }
    if (const Value* emax = num("exclusiveMaximum"); emax != nullptr && d >= *emax->AsDouble()) {
      Add(field, "number_lt", "Must be less than " + NumberText(*emax));
    }
    if (const Value* m = num("multipleOf"); m != nullptr && *m->AsDouble() > 0) {
      const double q = d / *m->AsDouble();
      if (std::fabs(q - std::round(q)) > 1e-9) {
        Add(field, "multiple_of", "Must be a multiple of " + NumberText(*m));
      }
    }
  }

  // Whether `v` passes `schema` (errors of the attempt are dropped).
  Result<bool> Passes(const Value& v, const Value& schema, const std::string& field, int depth) {
    const std::size_t mark = errors_.size();
    auto s = Validate(v, schema, field, depth + 1);
    if (!s) return s.error();
    const bool ok = errors_.size() == mark;
    errors_.resize(mark);
    return ok;
  }

  Status ValidateCombinators(const Value& v, const Value& schema, const std::string& field,
                             int depth) {
    if (const Value* all = schema.Find("allOf"); all != nullptr && all->is_array()) {
      bool ok = true;
      for (const auto& sub : all->Items()) {
        auto p = Passes(v, sub, field, depth);
        if (!p) return p.error();
        ok = ok && *p;
      }
      if (!ok) Add(field, "number_all_of", "Must validate all the schemas (allOf)");
    }
    if (const Value* any = schema.Find("anyOf"); any != nullptr && any->is_array()) {
      bool ok = false;
      for (const auto& sub : any->Items()) {
        auto p = Passes(v, sub, field, depth);
        if (!p) return p.error();
        ok = ok || *p;
      }
      if (!ok) Add(field, "number_any_of", "Must validate at least one schema (anyOf)");
    }
    if (const Value* one = schema.Find("oneOf"); one != nullptr && one->is_array()) {
      int passed = 0;
      for (const auto& sub : one->Items()) {
        auto p = Passes(v, sub, field, depth);
        if (!p) return p.error();
        passed += *p ? 1 : 0;
      }
      if (passed != 1) Add(field, "number_one_of", "Must validate one and only one schema (oneOf)");
    }
    if (const Value* n = schema.Find("not")) {
      auto p = Passes(v, *n, field, depth);
      if (!p) return p.error();
      if (*p) Add(field, "number_not", "Must not validate the schema (not)");
    }
    return Ok();
  }

  Value root_;
  std::vector<SchemaError> errors_;
};

}  // namespace

Result<bool> CheckSchema(const Value& schema) {
  Validator v(schema);
  if (auto s = v.Check(schema, 0); !s) return s.error();
  return true;
}

Result<std::vector<SchemaError>> ValidateSchema(const Value& doc, const Value& schema) {
  Validator v(schema);
  if (auto s = v.Check(schema, 0); !s) return s.error();
  if (auto s = v.Validate(doc, schema, "(root)", 0); !s) return s.error();
  return v.TakeErrors();
}

}  // namespace gatehouse::rego::builtins
