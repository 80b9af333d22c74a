#include "rego/builtins/graphql/validator.h"

#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace gatehouse::rego::graphql {
namespace {

constexpr int kMaxWalkDepth = 400;
constexpr std::size_t kMaxVisits = 1 << 20;
constexpr std::size_t kMaxErrors = 1000;

std::string Q(const std::string& s) { return "\"" + s + "\""; }

using ArgIndex = std::map<std::string_view, const ArgumentDefinition*>;

ArgIndex IndexArgs(const std::vector<ArgumentDefinition>* defs) {
  ArgIndex index;
  if (defs != nullptr) {
    for (const auto& a : *defs) index.emplace(a.name, &a);
  }
  return index;
}

const ArgumentDefinition* Lookup(const ArgIndex& index, const std::string& name) {
  auto it = index.find(name);
  return it == index.end() ? nullptr : it->second;
}

std::set<std::string_view> GivenNames(const std::vector<Argument>& args) {
  std::set<std::string_view> out;
  for (const auto& a : args) out.insert(a.name);
  return out;
}

class Walker {
 public:
  Walker(const Schema& schema, const QueryDocument& doc) : s_(schema), doc_(doc) {
    for (const auto& f : doc.fragments) fragments_.emplace(f.name, &f);  // first one wins
  }

  std::vector<ValidationError> Run() {
    for (const auto& op : doc_.operations) {
      validated_.clear();
      WalkOperation(op);
    }
    in_fragment_phase_ = true;
    for (const auto& f : doc_.fragments) {
      validated_.clear();
      WalkFragment(f);
    }
    return std::move(errors_);
  }

 private:
  void Add(std::string message, const Pos& pos) {
    if (errors_.size() < kMaxErrors) errors_.push_back({std::move(message), pos});
  }
  bool Budget() {
    if (aborted_) return false;
    if (++visits_ > kMaxVisits || depth_ > kMaxWalkDepth) {
      aborted_ = true;
      Add("GraphQL query too complex to validate", {});
      return false;
    }
    return true;
  }
  const Definition* Type_(const std::string& name) const { return s_.FindType(name); }
  const FragmentDefinition* Fragment(const std::string& name) const {
    auto it = fragments_.find(name);
    return it == fragments_.end() ? nullptr : it->second;
  }
  const VariableDefinition* Variable(const std::string& name) const {
    if (op_ == nullptr) return nullptr;
    auto it = variables_.find(name);
    return it == variables_.end() ? nullptr : it->second;
  }
  // Field lookup through a per-type index (schemas and queries can both be large).
  const FieldDefinition* Field(const Definition& def, const std::string& name) {
    auto& index = field_index_[&def];
    if (index.empty() && !def.fields.empty()) {
      for (const auto& f : def.fields) index.emplace(f.name, &f);
    }
    auto it = index.find(name);
    return it == index.end() ? nullptr : it->second;
  }

  void WalkOperation(const OperationDefinition& op);
  void WalkFragment(const FragmentDefinition& f);
  void WalkSelectionSet(const Definition* parent, const std::vector<Selection>& set);
  void WalkSelection(const Definition* parent, const Selection& sel);
  void WalkDirectives(const std::vector<Directive>& dirs, const std::string& location);
  void WalkValue(const GqlValue* v, const Type* expected, const Definition* def);
  void CheckValue(const GqlValue& v, const Type* expected, const Definition* def);
  void UniqueArguments(const std::vector<Argument>& args);
  void PossibleSpread(const Definition* parent, const std::string& type_name,
                      const std::string& fragment, const Pos& pos);
  void FragmentCycles(const FragmentDefinition& f);

  const Schema& s_;
  const QueryDocument& doc_;
  std::map<std::string, const FragmentDefinition*> fragments_;
  std::map<std::string, const VariableDefinition*> variables_;
  std::map<const Definition*, std::map<std::string_view, const FieldDefinition*>> field_index_;
  const OperationDefinition* op_ = nullptr;
  std::set<std::string> validated_;
  std::set<std::string> used_vars_;
  std::set<std::string> used_fragments_;
  std::set<std::string> seen_operations_;
  std::set<std::string> seen_fragments_;
  std::set<std::string> cycle_visited_;
  bool in_fragment_phase_ = false;
  std::vector<ValidationError> errors_;
  std::size_t visits_ = 0;
  int depth_ = 0;
  bool aborted_ = false;
};

void Walker::WalkOperation(const OperationDefinition& op) {
  op_ = &op;
  used_vars_.clear();
  variables_.clear();
  for (const auto& vd : op.variable_definitions) variables_.emplace(vd.variable, &vd);
  for (const auto& vd : op.variable_definitions) {
    const std::string tname = vd.type ? vd.type->Name() : "";
    const Definition* def = Type_(tname);
    if (def == nullptr) {
      Add("Unknown type " + Q(tname) + ".", vd.pos);
    } else if (!IsInputKind(def->kind)) {
      Add("Variable \"$" + vd.variable + "\" cannot be non-input type " + Q(vd.type->ToString()) +
              ".",
          vd.pos);
    }
  }
  const Definition* root = nullptr;
  std::string loc;
  if (op.operation == "query" || op.operation.empty()) {
    root = s_.query;
    loc = "QUERY";
  } else if (op.operation == "mutation") {
    root = s_.mutation;
    loc = "MUTATION";
  } else if (op.operation == "subscription") {
    root = s_.subscription;
    loc = "SUBSCRIPTION";
  }
  for (const auto& vd : op.variable_definitions) {
    if (vd.default_value) {
      WalkValue(vd.default_value.get(), vd.type.get(), vd.type ? Type_(vd.type->Name()) : nullptr);
    }
    WalkDirectives(vd.directives, "VARIABLE_DEFINITION");
  }
  WalkDirectives(op.directives, loc);
  WalkSelectionSet(root, op.selection_set);

  if (root == nullptr) {
    Add("Schema does not support operation type " + Q(op.operation), op.pos);
  }
  if (op.name.empty() && doc_.operations.size() > 1) {
    Add("This anonymous operation must be the only defined operation.", op.pos);
  }
  for (const auto& vd : op.variable_definitions) {
    if (used_vars_.count(vd.variable) != 0) continue;
    if (!op.name.empty()) {
      Add("Variable \"$" + vd.variable + "\" is never used in operation " + Q(op.name) + ".",
          vd.pos);
    } else {
      Add("Variable \"$" + vd.variable + "\" is never used.", vd.pos);
    }
  }
  if (!seen_operations_.insert(op.name).second) {
    Add("There can be only one operation named " + Q(op.name) + ".", op.pos);
  }
  std::set<std::string> seen_vars;
  for (const auto& vd : op.variable_definitions) {
    if (!seen_vars.insert(vd.variable).second) {
      Add("There can be only one variable named \"$" + vd.variable + "\".", vd.pos);
    }
  }
  op_ = nullptr;
}

void Walker::WalkFragment(const FragmentDefinition& f) {
  op_ = nullptr;
  const Definition* def = Type_(f.type_condition);
  WalkDirectives(f.directives, "FRAGMENT_DEFINITION");
  WalkSelectionSet(def, f.selection_set);
  if (def != nullptr && !f.type_condition.empty() && !IsCompositeKind(def->kind)) {
    Add("Fragment " + Q(f.name) + " cannot condition on non composite type " + Q(f.type_condition) +
            ".",
        f.pos);
  }
  if (def == nullptr) Add("Unknown type " + Q(f.type_condition) + ".", f.pos);
  FragmentCycles(f);
  if (used_fragments_.count(f.name) == 0) Add("Fragment " + Q(f.name) + " is never used.", f.pos);
  if (!seen_fragments_.insert(f.name).second) {
    Add("There can be only one fragment named " + Q(f.name) + ".", f.pos);
  }
}

void Walker::WalkSelectionSet(const Definition* parent, const std::vector<Selection>& set) {
  if (!Budget()) return;
  ++depth_;
  for (const auto& sel : set) WalkSelection(parent, sel);
  --depth_;
}

void Walker::UniqueArguments(const std::vector<Argument>& args) {
  std::set<std::string> seen;
  for (const auto& a : args) {
    if (!seen.insert(a.name).second) {
      Add("There can be only one argument named " + Q(a.name) + ".", a.pos);
    }
  }
}

void Walker::PossibleSpread(const Definition* parent, const std::string& type_name,
                            const std::string& fragment, const Pos& pos) {
  if (parent == nullptr) return;
  std::vector<const Definition*> parents;
  if (parent->kind == "OBJECT") {
    parents = {parent};
  } else if (parent->kind == "INTERFACE" || parent->kind == "UNION") {
    parents = s_.PossibleTypes(*parent);
  } else {
    return;
  }
  const Definition* frag_type = Type_(type_name);
  if (frag_type == nullptr || !IsCompositeKind(frag_type->kind)) return;
  for (const Definition* fd : s_.PossibleTypes(*frag_type)) {
    for (const Definition* pd : parents) {
      if (fd != nullptr && pd != nullptr && fd->name == pd->name) return;
    }
  }
  if (fragment.empty()) {
    Add("Fragment cannot be spread here as objects of type " + Q(parent->name) +
            " can never be of type " + Q(type_name) + ".",
        pos);
  } else {
    Add("Fragment " + Q(fragment) + " cannot be spread here as objects of type " + Q(parent->name) +
            " can never be of type " + Q(type_name) + ".",
        pos);
  }
}

void Walker::WalkSelection(const Definition* parent, const Selection& sel) {
  switch (sel.kind) {
    case SelectionKind::kField: {
      static const FieldDefinition kTypename = [] {
        FieldDefinition f;
        f.name = "__typename";
        f.type = std::make_unique<Type>();
        f.type->named_type = "String";
        return f;
      }();
      const FieldDefinition* def = nullptr;
      if (sel.name == "__typename") {
        def = &kTypename;
      } else if (parent != nullptr) {
        def = Field(*parent, sel.name);
      }
      const Definition* next = def && def->type ? Type_(def->type->Name()) : nullptr;
      const ArgIndex arg_index = IndexArgs(def ? &def->arguments : nullptr);
      const std::set<std::string_view> given_names = GivenNames(sel.arguments);
      for (const auto& arg : sel.arguments) {
        const ArgumentDefinition* ad = Lookup(arg_index, arg.name);
        const Type* et = ad ? ad->type.get() : nullptr;
        WalkValue(arg.value.get(), et, et ? Type_(et->Name()) : nullptr);
      }
      WalkDirectives(sel.directives, "FIELD");
      WalkSelectionSet(next, sel.selection_set);

      if (parent != nullptr && def == nullptr) {
        Add("Cannot query field " + Q(sel.name) + " on type " + Q(parent->name) + ".", sel.pos);
      }
      if (def != nullptr && parent != nullptr) {
        for (const auto& arg : sel.arguments) {
          if (Lookup(arg_index, arg.name) == nullptr) {
            Add("Unknown argument " + Q(arg.name) + " on field " +
                    Q(parent->name + "." + sel.name) + ".",
                arg.pos);
          }
        }
      }
      if (def != nullptr) {
        for (const auto& ad : def->arguments) {
          if (!ad.type || !ad.type->non_null || ad.default_value) continue;
          if (given_names.count(ad.name) == 0) {
            Add("Field " + Q(sel.name) + " argument " + Q(ad.name) + " of type " +
                    Q(ad.type->ToString()) + " is required, but it was not provided.",
                sel.pos);
          }
        }
        if (next != nullptr) {
          if (IsLeafKind(next->kind) && !sel.selection_set.empty()) {
            Add("Field " + Q(sel.name) + " must not have a selection since type " + Q(next->name) +
                    " has no subfields.",
                sel.pos);
          }
          if (!IsLeafKind(next->kind) && sel.selection_set.empty()) {
            Add("Field " + Q(sel.name) + " of type " + Q(def->type->ToString()) +
                    " must have a selection of subfields.",
                sel.pos);
          }
        }
      }
      UniqueArguments(sel.arguments);
      break;
    }
    case SelectionKind::kInlineFragment: {
      const Definition* next = sel.type_condition.empty() ? parent : Type_(sel.type_condition);
      WalkDirectives(sel.directives, "INLINE_FRAGMENT");
      WalkSelectionSet(next, sel.selection_set);
      if (!sel.type_condition.empty()) {
        const Definition* td = Type_(sel.type_condition);
        if (td != nullptr && !IsCompositeKind(td->kind)) {
          Add("Fragment cannot condition on non composite type " + Q(sel.type_condition) + ".",
              sel.pos);
        }
        if (td == nullptr) Add("Unknown type " + Q(sel.type_condition) + ".", sel.pos);
      }
      PossibleSpread(parent, sel.type_condition, "", sel.pos);
      break;
    }
    case SelectionKind::kFragmentSpread: {
      const FragmentDefinition* fd = Fragment(sel.name);
      const Definition* next = fd ? Type_(fd->type_condition) : nullptr;
      WalkDirectives(sel.directives, "FRAGMENT_SPREAD");
      if (fd != nullptr && validated_.insert(fd->name).second) {
        WalkSelectionSet(next, fd->selection_set);
      }
      if (fd == nullptr) Add("Unknown fragment " + Q(sel.name) + ".", sel.pos);
      if (!in_fragment_phase_) used_fragments_.insert(sel.name);
      if (fd != nullptr) PossibleSpread(parent, fd->type_condition, sel.name, sel.pos);
      break;
    }
  }
}

void Walker::WalkDirectives(const std::vector<Directive>& dirs, const std::string& location) {
  std::set<std::string> seen;
  for (const auto& dir : dirs) {
    auto it = s_.directives.find(dir.name);
    const DirectiveDefinition* def = it == s_.directives.end() ? nullptr : it->second;
    const ArgIndex arg_index = IndexArgs(def ? &def->arguments : nullptr);
    const std::set<std::string_view> given_names = GivenNames(dir.arguments);
    for (const auto& arg : dir.arguments) {
      const ArgumentDefinition* ad = Lookup(arg_index, arg.name);
      const Type* et = ad ? ad->type.get() : nullptr;
      WalkValue(arg.value.get(), et, et ? Type_(et->Name()) : nullptr);
    }
    if (def != nullptr) {
      for (const auto& arg : dir.arguments) {
        if (Lookup(arg_index, arg.name) == nullptr) {
          Add("Unknown argument " + Q(arg.name) + " on directive " + Q("@" + dir.name) + ".",
              arg.pos);
        }
      }
    }
    if (def == nullptr) {
      Add("Unknown directive " + Q("@" + dir.name) + ".", dir.pos);
    } else {
      bool ok = false;
      for (const auto& l : def->locations) ok = ok || l == location;
      if (!ok) {
        Add("Directive " + Q("@" + dir.name) + " may not be used on " + location + ".", dir.pos);
      }
      for (const auto& ad : def->arguments) {
        if (!ad.type || !ad.type->non_null || ad.default_value) continue;
        if (given_names.count(ad.name) == 0) {
          Add("Directive " + Q("@" + dir.name) + " argument " + Q(ad.name) + " of type " +
                  Q(ad.type->ToString()) + " is required, but it was not provided.",
              dir.pos);
        }
      }
    }
    UniqueArguments(dir.arguments);
    if (!seen.insert(dir.name).second && !(def != nullptr && def->is_repeatable)) {
      Add("The directive " + Q("@" + dir.name) + " can only be used once at this location.",
          dir.pos);
    }
  }
}

void Walker::WalkValue(const GqlValue* v, const Type* expected, const Definition* def) {
  if (v == nullptr || !Budget()) return;
  const VariableDefinition* vd = nullptr;
  if (v->kind == ValueKind::kVariable && op_ != nullptr) {
    vd = Variable(v->raw);
    if (vd != nullptr) used_vars_.insert(vd->variable);
  }
  ++depth_;
  if (v->kind == ValueKind::kObject) {
    for (const auto& c : v->children) {
      const FieldDefinition* fd = def ? Field(*def, c.name) : nullptr;
      const Type* et = fd ? fd->type.get() : nullptr;
      WalkValue(c.value.get(), et, et ? Type_(et->Name()) : nullptr);
    }
  } else if (v->kind == ValueKind::kList) {
    const bool has_elem = expected != nullptr && expected->elem != nullptr;
    for (const auto& c : v->children) {
      WalkValue(c.value.get(), has_elem ? expected->elem.get() : nullptr, has_elem ? def : nullptr);
    }
  }
  --depth_;

  if (op_ != nullptr && v->kind == ValueKind::kVariable && vd == nullptr) {
    if (!op_->name.empty()) {
      Add("Variable " + Q(v->ToString()) + " is not defined by operation " + Q(op_->name) + ".",
          v->pos);
    } else {
      Add("Variable " + Q(v->ToString()) + " is not defined.", v->pos);
    }
  }
  if (v->kind == ValueKind::kObject) {
    std::set<std::string> seen;
    for (const auto& c : v->children) {
      if (!seen.insert(c.name).second) {
        Add("There can be only one input field named " + Q(c.name) + ".", c.pos);
      }
    }
  }
  CheckValue(*v, expected, def);
  if (v->kind == ValueKind::kVariable && expected != nullptr && vd != nullptr && vd->type) {
    std::unique_ptr<Type> tmp = expected->Clone();
    if (vd->default_value && vd->default_value->kind != ValueKind::kNull && expected->non_null) {
      tmp->non_null = false;
    }
    if (!vd->type->IsCompatible(*tmp)) {
      Add("Variable " + Q(v->ToString()) + " of type " + Q(vd->type->ToString()) +
              " used in position expecting type " + Q(expected->ToString()) + ".",
          v->pos);
    }
  }
}

std::string UnexpectedTypeMessage(const GqlValue& v, const Type& expected, const Definition& def) {
  const std::string et = expected.ToString();
  if (et == "Int" || et == "Int!") {
    if (v.kind == ValueKind::kInt) {
      return "Int cannot represent non 32-bit signed integer value: " + v.ToString();
    }
    return "Int cannot represent non-integer value: " + v.ToString();
  }
  if (et == "String" || et == "String!" || et == "[String]") {
    return "String cannot represent a non string value: " + v.ToString();
  }
  if (et == "Boolean" || et == "Boolean!") {
    return "Boolean cannot represent a non boolean value: " + v.ToString();
  }
  if (et == "Float" || et == "Float!") {
    return "Float cannot represent non numeric value: " + v.ToString();
  }
  if (et == "ID" || et == "ID!") {
    return "ID cannot represent a non-string and non-integer value: " + v.ToString();
  }
  if (def.kind == "ENUM") {
    return "Enum " + Q(et) + " cannot represent non-enum value: " + v.ToString() + ".";
  }
  return "Expected value of type " + Q(et) + ", found " + v.ToString() + ".";
}

void Walker::CheckValue(const GqlValue& v, const Type* expected, const Definition* def) {
  if (def == nullptr || expected == nullptr) return;
  if (v.kind == ValueKind::kNull && expected->non_null) {
    Add("Expected value of type " + Q(expected->ToString()) + ", found " + v.ToString() + ".",
        v.pos);
  }
  auto one_of = [&](std::initializer_list<std::string_view> names) {
    for (auto n : names) {
      if (def->name == n) return true;
    }
    return false;
  };
  if (def->kind == "SCALAR" && !one_of({"Int", "Float", "String", "Boolean", "ID"})) return;
  auto unexpected = [&] { Add(UnexpectedTypeMessage(v, *expected, *def), v.pos); };
  switch (v.kind) {
    case ValueKind::kNull:
    case ValueKind::kVariable:
      return;
    case ValueKind::kList:
      if (!expected->elem) unexpected();
      return;
    case ValueKind::kInt: {
      if (!one_of({"Int", "Float", "ID"})) {
        unexpected();
      } else if (def->name == "Int") {
        errno = 0;
        const long long n = std::strtoll(v.raw.c_str(), nullptr, 10);
        if (errno == ERANGE || n > 2147483647LL || n < -2147483648LL) unexpected();
      }
      return;
    }
    case ValueKind::kFloat:
      if (!one_of({"Float"})) unexpected();
      return;
    case ValueKind::kString:
    case ValueKind::kBlock:
      if (def->kind == "ENUM") {
        Add("Enum " + Q(expected->ToString()) +
                " cannot represent non-enum value: " + v.ToString() + ".",
            v.pos);
      } else if (!one_of({"String", "ID"})) {
        unexpected();
      }
      return;
    case ValueKind::kEnum:
      if (def->kind != "ENUM") {
        unexpected();
      } else {
        bool found = false;
        for (const auto& ev : def->enum_values) found = found || ev.name == v.raw;
        if (!found) {
          Add("Value " + Q(v.raw) + " does not exist in " + Q(expected->ToString()) + " enum.",
              v.pos);
        }
      }
      return;
    case ValueKind::kBoolean:
      if (!one_of({"Boolean"})) unexpected();
      return;
    case ValueKind::kObject: {
      std::set<std::string_view> given;
      for (const auto& c : v.children) given.insert(c.name);
      for (const auto& f : def->fields) {
        if (!f.type || !f.type->non_null) continue;
        if (given.count(f.name) == 0 && !f.default_value) {
          Add("Field " + Q(def->name + "." + f.name) + " of required type " +
                  Q(f.type->ToString()) + " was not provided.",
              v.pos);
        }
      }
      for (const auto& c : v.children) {
        if (Field(*def, c.name) == nullptr) {
          Add("Field " + Q(c.name) + " is not defined by type " + Q(def->name) + ".", c.pos);
        }
      }
      return;
    }
  }
}

// Spreads directly inside a selection set (through fields and inline fragments, not into
// other fragments), in document order.
void CollectSpreads(const std::vector<Selection>& set, std::vector<const Selection*>& out,
                    int depth) {
  if (depth > kMaxWalkDepth) return;
  for (const auto& sel : set) {
    if (sel.kind == SelectionKind::kFragmentSpread) {
      out.push_back(&sel);
    } else {
      CollectSpreads(sel.selection_set, out, depth + 1);
    }
  }
}

void Walker::FragmentCycles(const FragmentDefinition& start) {
  std::vector<const Selection*> path;
  std::map<std::string, std::size_t> index_by_name;
  // Explicit recursion bounded by kMaxWalkDepth (fragment chains can be long).
  struct Frame {
    const FragmentDefinition* fragment;
    std::vector<const Selection*> spreads;
    std::size_t next = 0;
  };
  std::vector<Frame> stack;
  auto enter = [&](const FragmentDefinition* f) {
    if (!cycle_visited_.insert(f->name).second) return;
    Frame fr{f, {}, 0};
    CollectSpreads(f->selection_set, fr.spreads, 0);
    if (fr.spreads.empty()) return;
    index_by_name[f->name] = path.size();
    stack.push_back(std::move(fr));
  };
  enter(&start);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next > 0) path.pop_back();  // the spread handled in the previous step
    if (top.next >= top.spreads.size()) {
      index_by_name.erase(top.fragment->name);
      stack.pop_back();
      continue;
    }
    const Selection* spread = top.spreads[top.next++];
    auto it = index_by_name.find(spread->name);
    path.push_back(spread);
    if (it == index_by_name.end()) {
      const FragmentDefinition* f = Fragment(spread->name);
      if (f != nullptr && stack.size() < static_cast<std::size_t>(kMaxWalkDepth)) enter(f);
    } else {
      std::string via;
      for (std::size_t i = it->second; i + 1 < path.size(); ++i) {
        via += (via.empty() ? " via " : ", ") + Q(path[i]->name);
      }
      Add("Cannot spread fragment " + Q(spread->name) + " within itself" + via + ".", spread->pos);
    }
  }
}

}  // namespace

std::vector<ValidationError> ValidateQuery(const Schema& schema, const QueryDocument& doc) {
  return Walker(schema, doc).Run();
}

std::string FormatErrorList(const std::vector<ValidationError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += "input";
    if (e.pos.line > 0) {
      out += ":" + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column);
    }
    out += ": " + e.message + "\n";
  }
  return out;
}

}  // namespace gatehouse::rego::graphql
