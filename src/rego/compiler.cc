#include "rego/compiler.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "rego/annotations.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego::ir {

const Node* Node::Child(const Value& key) const {
  auto it = std::lower_bound(children.begin(), children.end(), key,
                             [](const auto& c, const Value& k) { return c.first < k; });
  if (it == children.end() || it->first != key) return nullptr;
  return it->second;
}

namespace {

using rego::TermKind;
using AstTerm = rego::Term;
using AstRule = rego::Rule;

Error CompileError(ErrorCode code, const std::string& file, Location loc,
                   std::string_view message) {
  return MakeError(code, file + ":" + std::to_string(loc.row) + ":" + std::to_string(loc.col) +
                             ": " + std::string(message));
}

struct ImportTarget {
  RefBase base = RefBase::kData;
  std::vector<Value> path;
};

Node* GetOrCreate(Program& prog, const std::vector<Value>& path) {
  Node* n = prog.root;
  for (const Value& key : path) {
    auto it = std::lower_bound(n->children.begin(), n->children.end(), key,
                               [](const auto& c, const Value& k) { return c.first < k; });
    if (it != n->children.end() && it->first == key) {
      n = it->second;
      continue;
    }
    Node& child = prog.arena.nodes.emplace_back();
    child.path = n->path;
    child.path.push_back(key);
    child.path_text = n->path_text + "." + std::string(key.AsString());
    child.index = prog.node_count++;
    n->children.insert(it, {key, &child});
    n = &child;
  }
  return n;
}

void SetBase(Node* n, const Value& data) {
  if (data.is_object()) n->base = data;
  for (auto& [key, child] : n->children) {
    const Value* v = data.is_object() ? data.Find(key) : nullptr;
    if (v != nullptr) {
      SetBase(child, *v);
    }
  }
}

bool MarkRulesBelow(Node* n) {
  bool any = n->is_leaf() || n->is_package;
  for (auto& [key, child] : n->children) any = MarkRulesBelow(child) || any;
  n->has_rules_below = any;
  return any;
}

// Where a rule goes in the tree: the node path and the dynamic rest of its head ref.
struct HeadPlace {
  std::vector<Value> path;
  std::vector<TermId> suffix;
};

HeadPlace PlaceRule(const Module& m, const AstRule& r) {
  HeadPlace place;
  for (const std::string& seg : m.package.segments) place.path.push_back(Value::String(seg));
  std::span<const TermId> parts = m.ast.Children(m.ast.term(r.ref));
  place.path.push_back(Value::String(m.ast.VarName(m.ast.term(parts[0]))));
  std::size_t i = 1;
  for (; i < parts.size(); ++i) {
    const AstTerm& t = m.ast.term(parts[i]);
    if (t.kind != TermKind::kString) break;
    place.path.push_back(FromJson(m.ast.Constant(t)));
  }
  for (; i < parts.size(); ++i) place.suffix.push_back(parts[i]);
  return place;
}

class ModuleCompiler {
 public:
  ModuleCompiler(const Program& prog, Arena& arena, const Ast& ast, std::uint16_t file,
                 std::string filename, const BuiltinRegistry& builtins)
      : prog_(prog),
        arena_(arena),
        ast_(ast),
        file_(file),
        filename_(std::move(filename)),
        builtins_(builtins) {}

  std::vector<Value> package_path;
  const std::set<std::string>* rule_names = nullptr;
  // rego.metadata.chain() / rule() of the rule being converted (kNone outside rules).
  const AnnotationSet* annotations = nullptr;
  const std::vector<Module>* modules = nullptr;
  std::size_t module_index = 0;
  std::uint32_t current_rule = kNone;
  std::unordered_map<std::string, ImportTarget> imports;
  std::vector<Error> errors;

  void Fail(Location loc, ErrorCode code, std::string_view message) {
    if (errors.size() < 20) errors.push_back(CompileError(code, filename_, loc, message));
  }

  void BeginFrame() {
    scopes_.clear();
    next_slot_ = 0;
    slot_names_.clear();
  }
  std::int32_t frame_size() const { return next_slot_; }
  const std::vector<std::string>& slot_names() const { return slot_names_; }

  void PushScope(Body* body) { scopes_.push_back(Scope{body, {}}); }
  void PopScope() { scopes_.pop_back(); }

  std::int32_t Declare(std::string_view name) {
    std::int32_t slot = next_slot_++;
    scopes_.back().names.emplace_back(std::string(name), slot);
    if (scopes_.back().body != nullptr) scopes_.back().body->locals.push_back(slot);
    slot_names_.emplace_back(name);
    return slot;
  }
  std::int32_t Lookup(std::string_view name) const {
    for (auto s = scopes_.rbegin(); s != scopes_.rend(); ++s) {
      for (auto n = s->names.rbegin(); n != s->names.rend(); ++n) {
        if (n->first == name) return n->second;
      }
    }
    return -1;
  }
  bool InCurrentScope(std::string_view name) const {
    for (const auto& n : scopes_.back().names) {
      if (n.first == name) return true;
    }
    return false;
  }
  bool IsGlobal(std::string_view name) const {
    if (name == "data" || name == "input") return true;
    if (imports.count(std::string(name)) != 0) return true;
    return rule_names != nullptr && rule_names->count(std::string(name)) != 0;
  }

  // Pass 1: declares the variables of a body's own level (not of nested closures).
  void DeclareBody(BodyId body_id) {
    for (ExprId eid : ast_.Exprs(ast_.body(body_id))) {
      const rego::Expr& e = ast_.expr(eid);
      switch (e.kind) {
        case rego::ExprKind::kSome:
          for (TermId v : ast_.SomeVars(e)) Declare(ast_.VarName(ast_.term(v)));
          break;
        case rego::ExprKind::kSomeIn: {
          std::span<const TermId> ch = ast_.Children(ast_.term(e.term));
          for (std::size_t i = 1; i + 1 < ch.size(); ++i) DeclarePattern(ch[i]);
          Implicit(ch.back());
          break;
        }
        case rego::ExprKind::kEvery: {
          std::span<const TermId> ch = ast_.Children(ast_.term(e.term));
          Implicit(ch.back());
          break;
        }
        case rego::ExprKind::kTerm: {
          const AstTerm& t = ast_.term(e.term);
          if (t.kind == TermKind::kCall && t.op == Op::kAssign) {
            // Declared in order, when the expression is converted (OPA's local rewriting).
            Implicit(ast_.Children(t)[2]);
          } else {
            Implicit(e.term);
          }
          break;
        }
      }
      for (const With& w : ast_.Withs(e)) {
        if (!NamesFunction(w.value)) Implicit(w.value);
      }
    }
  }

  // Whether a `with` value names a builtin or function (then it is not a variable).
  bool NamesFunction(TermId id) const {
    const AstTerm& t = ast_.term(id);
    std::string name;
    if (t.kind == TermKind::kVar) {
      name = std::string(ast_.VarName(t));
    } else if (t.kind == TermKind::kRef) {
      for (TermId c : ast_.Children(t)) {
        const AstTerm& p = ast_.term(c);
        if (p.kind == TermKind::kVar) {
          name += (name.empty() ? "" : ".") + std::string(ast_.VarName(p));
        } else if (p.kind == TermKind::kString) {
          name += "." + *ast_.Constant(p).AsString();
        } else {
          return false;
        }
      }
    } else {
      return false;
    }
    return builtins_.Find(name) != nullptr;
  }

  void DeclarePattern(TermId id) {
    const AstTerm& t = ast_.term(id);
    switch (t.kind) {
      case TermKind::kVar: {
        std::string_view name = ast_.VarName(t);
        if (!InCurrentScope(name)) Declare(name);
        return;
      }
      case TermKind::kArray:
        for (TermId c : ast_.Children(t)) DeclarePattern(c);
        return;
      case TermKind::kObject: {
        std::span<const TermId> ch = ast_.Children(t);
        for (std::size_t i = 0; i + 1 < ch.size(); i += 2) {
          Implicit(ch[i]);
          DeclarePattern(ch[i + 1]);
        }
        return;
      }
      default:
        Implicit(id);
    }
  }

  void Implicit(TermId id) {
    const AstTerm& t = ast_.term(id);
    switch (t.kind) {
      case TermKind::kVar: {
        std::string_view name = ast_.VarName(t);
        if (Lookup(name) < 0 && !IsGlobal(name)) Declare(name);
        return;
      }
      case TermKind::kRef:
      case TermKind::kArray:
      case TermKind::kObject:
      case TermKind::kSet:
        for (TermId c : ast_.Children(t)) Implicit(c);
        return;
      case TermKind::kCall: {
        std::span<const TermId> ch = ast_.Children(t);
        for (std::size_t i = 1; i < ch.size(); ++i) Implicit(ch[i]);
        return;
      }
      default:
        return;  // scalars; closures have their own scope
    }
  }

  using TermKind_ = ir::TermKind;
  Term* NewTerm(TermKind_ kind, Location loc) {
    Term& t = arena_.terms.emplace_back();
    t.kind = kind;
    t.loc = loc;
    t.file = file_;
    return &t;
  }

  Term* Const(Value v, Location loc) {
    Term* t = NewTerm(TermKind_::kConst, loc);
    t->constant = std::move(v);
    t->ground = true;
    return t;
  }

  // Makes a `data`/`input` ref from a constant prefix and more parts.
  Term* MakeRootRef(RefBase base, const std::vector<Value>& prefix, std::vector<Term*> rest,
                    Location loc) {
    Term* t = NewTerm(TermKind_::kRef, loc);
    t->base = base;
    for (const Value& p : prefix) t->items.push_back(Const(p, loc));
    for (Term* r : rest) t->items.push_back(r);
    FinishRef(t);
    return t;
  }

  void FinishRef(Term* t) {
    if (t->base != RefBase::kData) return;
    const Node* n = prog_.root;
    std::uint32_t i = 0;
    while (i < t->items.size() && !n->is_leaf() && t->items[i]->kind == TermKind_::kConst &&
           t->items[i]->constant.is_string()) {
      const Node* c = n->Child(t->items[i]->constant);
      if (c == nullptr) break;
      n = c;
      ++i;
    }
    t->node = n;
    t->first_dynamic = i;
  }

  std::optional<std::pair<RefBase, std::vector<Value>>> GlobalPath(std::string_view name) {
    if (Lookup(name) >= 0) return std::nullopt;
    if (name == "data") return std::make_pair(RefBase::kData, std::vector<Value>{});
    if (name == "input") return std::make_pair(RefBase::kInput, std::vector<Value>{});
    auto it = imports.find(std::string(name));
    if (it != imports.end()) return std::make_pair(it->second.base, it->second.path);
    if (rule_names != nullptr && rule_names->count(std::string(name)) != 0) {
      std::vector<Value> p = package_path;
      p.push_back(Value::String(name));
      return std::make_pair(RefBase::kData, std::move(p));
    }
    return std::nullopt;
  }

  Term* Conv(TermId id) {
    const AstTerm& a = ast_.term(id);
    switch (a.kind) {
      case TermKind::kNull:
      case TermKind::kBool:
      case TermKind::kNumber:
      case TermKind::kString:
        return Const(FromJson(ast_.Constant(a)), a.loc);
      case TermKind::kVar: {
        std::string_view name = ast_.VarName(a);
        if (auto g = GlobalPath(name)) return MakeRootRef(g->first, g->second, {}, a.loc);
        std::int32_t slot = Lookup(name);
        if (slot < 0) slot = Declare(name);
        Term* t = NewTerm(TermKind_::kVar, a.loc);
        t->slot = slot;
        t->name = std::string(name);
        return t;
      }
      case TermKind::kRef: {
        std::span<const TermId> ch = ast_.Children(a);
        std::vector<Term*> parts;
        for (std::size_t i = 1; i < ch.size(); ++i) parts.push_back(Conv(ch[i]));
        const AstTerm& h = ast_.term(ch[0]);
        if (h.kind == TermKind::kVar) {
          if (auto g = GlobalPath(ast_.VarName(h))) {
            return MakeRootRef(g->first, g->second, std::move(parts), a.loc);
          }
        }
        Term* t = NewTerm(TermKind_::kRef, a.loc);
        t->base = RefBase::kTerm;
        t->head = Conv(ch[0]);
        t->items = std::move(parts);
        return t;
      }
      case TermKind::kArray:
      case TermKind::kObject:
      case TermKind::kSet: {
        Term* t = NewTerm(a.kind == TermKind::kArray    ? TermKind_::kArray
                          : a.kind == TermKind::kObject ? TermKind_::kObject
                                                        : TermKind_::kSet,
                          a.loc);
        bool ground = true;
        for (TermId c : ast_.Children(a)) {
          t->items.push_back(Conv(c));
          ground = ground && t->items.back()->ground;
        }
        if (ground) {
          t->ground = true;
          std::vector<Value> vals;
          for (Term* i : t->items) vals.push_back(i->constant);
          if (t->kind == TermKind_::kArray) {
            t->constant = Value::Array(std::move(vals));
          } else if (t->kind == TermKind_::kSet) {
            t->constant = Value::Set(std::move(vals));
          } else {
            std::vector<Member> members;
            for (std::size_t i = 0; i + 1 < vals.size(); i += 2) {
              members.emplace_back(vals[i], vals[i + 1]);
            }
            t->constant = Value::Object(std::move(members));
          }
        }
        return t;
      }
      case TermKind::kArrayCompr:
      case TermKind::kSetCompr:
      case TermKind::kObjectCompr: {
        Term* t = NewTerm(a.kind == TermKind::kArrayCompr ? TermKind_::kArrayCompr
                          : a.kind == TermKind::kSetCompr ? TermKind_::kSetCompr
                                                          : TermKind_::kObjectCompr,
                          a.loc);
        std::span<const TermId> ch = ast_.Children(a);
        t->body = ConvClosure(a.body, [&] {
          t->head = Conv(ch[0]);
          if (ch.size() > 1) t->value = Conv(ch[1]);
        });
        return t;
      }
      case TermKind::kCall:
        return ConvCall(id, false);
      case TermKind::kTemplateString: {
        Term* t = NewTerm(TermKind_::kTemplate, a.loc);
        for (TermId c : ast_.Children(a)) t->items.push_back(Conv(c));
        return t;
      }
      case TermKind::kTemplateExpr: {
        Term* t = NewTerm(TermKind_::kTemplateExpr, a.loc);
        Body& body = arena_.bodies.emplace_back();
        PushScope(&body);
        DeclareBody(a.body);
        const rego::Expr& e = ast_.expr(ast_.Exprs(ast_.body(a.body))[0]);
        Expr& x = arena_.exprs.emplace_back();
        x.kind = ExprKind::kTerm;
        x.loc = e.loc;
        x.file = file_;
        x.a = Conv(e.term);
        for (const With& w : ast_.Withs(e)) x.withs.push_back(ConvWith(w));
        body.exprs.push_back(&x);
        PopScope();
        t->body = &body;
        t->head = x.a;
        return t;
      }
    }
    return Const(Value::Null(), a.loc);
  }

  template <typename F>
  Body* ConvClosure(BodyId body_id, F&& head) {
    Body& body = arena_.bodies.emplace_back();
    PushScope(&body);
    DeclareBody(body_id);
    ConvBodyInto(body_id, body);
    head();
    PopScope();
    return &body;
  }

  // The dotted name of a call operator, e.g. "strings.replace_n" / "data.p.f".
  struct Target {
    CallKind kind = CallKind::kBuiltin;
    const Builtin* builtin = nullptr;
    const Node* node = nullptr;
    std::string name;
    bool found = false;
    // Not a function but complete rules (OPA's GetArity gives them arity 0): `p()` reads `p`.
    bool complete_rules = false;
  };

  static bool HoldsOnlyCompleteRules(const Node& n) {
    if (!n.leaf || n.rules.empty()) return false;
    for (const Rule* r : n.rules) {
      if (r->kind != RuleKind::kComplete) return false;
    }
    return true;
  }

  Target ResolveFunction(TermId op_ref) {
    Target out;
    const AstTerm& r = ast_.term(op_ref);
    std::vector<std::string> parts;
    if (r.kind == TermKind::kVar) {
      parts.emplace_back(ast_.VarName(r));
    } else if (r.kind == TermKind::kRef) {
      for (TermId c : ast_.Children(r)) {
        const AstTerm& p = ast_.term(c);
        if (p.kind == TermKind::kVar) {
          parts.emplace_back(ast_.VarName(p));
        } else if (p.kind == TermKind::kString) {
          parts.emplace_back(*ast_.Constant(p).AsString());
        } else {
          return out;
        }
      }
    }
    if (parts.empty()) return out;
    for (std::size_t i = 0; i < parts.size(); ++i) out.name += (i ? "." : "") + parts[i];
    if (auto g = GlobalPath(parts[0]); g && g->first == RefBase::kData) {
      std::vector<Value> path = g->second;
      for (std::size_t i = 1; i < parts.size(); ++i) path.push_back(Value::String(parts[i]));
      const Node* n = prog_.root;
      for (const Value& k : path) {
        n = n == nullptr ? nullptr : n->Child(k);
      }
      if (n != nullptr && n->is_function) {
        out.kind = CallKind::kFunction;
        out.node = n;
        out.found = true;
        std::string full = "data";
        for (const Value& k : path) full += "." + std::string(k.AsString());
        out.name = full;
        return out;
      }
      out.complete_rules = n != nullptr && HoldsOnlyCompleteRules(*n);
    }
    if (out.name == "print") {
      out.kind = CallKind::kPrint;
      out.found = true;
      return out;
    }
    if (out.name == "internal.member_2") {
      out.kind = CallKind::kMember2;
      out.found = true;
      return out;
    }
    if (out.name == "internal.member_3") {
      out.kind = CallKind::kMember3;
      out.found = true;
      return out;
    }
    out.builtin = builtins_.Find(out.name);
    out.found = out.builtin != nullptr;
    return out;
  }

  Target ResolveOp(const AstTerm& call) {
    Target t;
    t.found = true;
    switch (call.op) {
      case Op::kEqual:
        t.kind = CallKind::kEqual;
        break;
      case Op::kNeq:
        t.kind = CallKind::kNeq;
        break;
      case Op::kLt:
        t.kind = CallKind::kLt;
        break;
      case Op::kLte:
        t.kind = CallKind::kLte;
        break;
      case Op::kGt:
        t.kind = CallKind::kGt;
        break;
      case Op::kGte:
        t.kind = CallKind::kGte;
        break;
      case Op::kMember:
        t.kind = CallKind::kMember2;
        break;
      case Op::kMemberWithKey:
        t.kind = CallKind::kMember3;
        break;
      default:
        t.kind = CallKind::kBuiltin;
        t.builtin = builtins_.Find(OpName(call.op));
        t.found = t.builtin != nullptr;
        break;
    }
    t.name = std::string(OpName(call.op));
    return t;
  }

  static int Arity(const Target& t) {
    switch (t.kind) {
      case CallKind::kBuiltin:
        return static_cast<int>(t.builtin->params.size());
      case CallKind::kFunction:
        return t.node->arity;
      case CallKind::kMember2:
        return 2;
      case CallKind::kMember3:
        return 3;
      case CallKind::kPrint:
        return -1;
      default:
        return 2;
    }
  }

  // A call term; `allow_out`: an extra last argument is an output (expression position).
  Term* ConvCall(TermId id, bool allow_out, Term** out = nullptr) {
    const AstTerm& a = ast_.term(id);
    std::span<const TermId> ch = ast_.Children(a);
    Target target = a.op == Op::kNamed ? ResolveFunction(ch[0]) : ResolveOp(a);
    if (!target.found && target.name == "set" && ch.size() == 1) {
      return Const(Value::EmptySet(), a.loc);  // `set()`: the empty set
    }
    Term* t = NewTerm(TermKind_::kCall, a.loc);
    t->name = target.name;
    std::size_t nargs = ch.size() - 1;
    if (!target.found &&
        (target.name == "rego.metadata.chain" || target.name == "rego.metadata.rule")) {
      // OPA's compiler replaces these calls by the annotations of the rule they are in.
      if (nargs > 1 || (nargs == 1 && (!allow_out || out == nullptr))) {
        Fail(a.loc, RegoError::kType,
             target.name + ": arity mismatch: expected 0 arguments, got " + std::to_string(nargs));
        return NewTerm(TermKind_::kCall, a.loc);
      }
      // Outside a rule (a query) there are no annotations: [] and {}.
      const bool in_rule = current_rule != kNone;
      value::Value v = target.name == "rego.metadata.chain"
                           ? (in_rule ? annotations->Chain(*modules, module_index, current_rule)
                                      : value::Value::MakeArray())
                           : (in_rule ? annotations->RuleAnnotations(module_index, current_rule)
                                      : value::Value::MakeObject());
      if (nargs == 1) *out = Conv(ch[1]);
      return Const(FromJson(v), a.loc);
    }
    if (!target.found && target.complete_rules &&
        (nargs == 0 || (allow_out && out != nullptr && nargs == 1))) {
      // OPA accepts a complete rule called with no arguments (its compiler gives a rule without
      // arguments arity 0, and evaluation runs it as a function of none): the value of the rule,
      // as libraries written for OPA 0.x call it (`lib.merge_annotations()`).
      if (nargs == 1) *out = Conv(ch[1]);
      return Conv(ch[0]);
    }
    if (!target.found) {
      Fail(a.loc, RegoError::kType, "undefined function " + target.name);
      return t;
    }
    t->call = target.kind;
    t->builtin = target.builtin;
    t->node = target.node;
    int arity = Arity(target);
    std::size_t n = nargs;
    if (arity >= 0) {
      if (allow_out && nargs == static_cast<std::size_t>(arity) + 1) {
        n = nargs - 1;
      } else if (nargs != static_cast<std::size_t>(arity)) {
        Fail(a.loc, RegoError::kType,
             target.name + ": arity mismatch: expected " + std::to_string(arity) +
                 " arguments, got " + std::to_string(nargs));
        return t;
      }
    }
    for (std::size_t i = 0; i < n; ++i) t->items.push_back(Conv(ch[1 + i]));
    if (n < nargs && out != nullptr) *out = Conv(ch.back());
    if (target.kind == CallKind::kBuiltin && target.builtin != nullptr) {
      for (std::size_t i = 0; i < n && i < target.builtin->params.size(); ++i) {
        const Term* arg = t->items[i];
        if (arg->kind == TermKind_::kConst &&
            (TypeBit(arg->constant.kind()) & target.builtin->params[i]) == 0) {
          Fail(arg->loc, RegoError::kType,
               target.name + ": invalid argument(s)");  // simple constant type check
        }
      }
    }
    return t;
  }

  WithMod ConvWith(const With& w) {
    WithMod m;
    m.loc = w.loc;
    const AstTerm& t = ast_.term(w.target);
    std::vector<std::string> names;
    std::vector<Value> path;
    bool simple = true;
    auto add_part = [&](TermId c) {
      const AstTerm& p = ast_.term(c);
      if (p.kind == TermKind::kVar) {
        names.emplace_back(ast_.VarName(p));
      } else if (p.kind == TermKind::kString) {
        names.emplace_back(*ast_.Constant(p).AsString());
      } else {
        simple = false;
      }
    };
    if (t.kind == TermKind::kRef) {
      for (TermId c : ast_.Children(t)) add_part(c);
    } else {
      add_part(w.target);
    }
    if (!simple || names.empty()) {
      Fail(w.loc, RegoError::kCompile, "with keyword target must be a reference");
      m.value = Conv(w.value);
      return m;
    }
    if (names[0] == "input") {
      m.target = WithMod::Target::kInput;
      for (std::size_t i = 1; i < names.size(); ++i) m.path.push_back(Value::String(names[i]));
    } else {
      Target f = ResolveFunctionNames(names);
      if (f.found && f.kind == CallKind::kFunction) {
        m.target = WithMod::Target::kFunction;
        m.node = f.node;
      } else if (f.found && f.kind == CallKind::kBuiltin) {
        m.target = WithMod::Target::kBuiltin;
        m.builtin = f.builtin;
      } else if (names[0] == "data") {
        m.target = WithMod::Target::kData;
        for (std::size_t i = 1; i < names.size(); ++i) m.path.push_back(Value::String(names[i]));
      } else {
        Fail(w.loc, RegoError::kCompile,
             "with keyword target must reference existing input, data, or a function");
      }
    }
    // A function-valued replacement.
    const AstTerm& v = ast_.term(w.value);
    if ((m.target == WithMod::Target::kFunction || m.target == WithMod::Target::kBuiltin) &&
        (v.kind == TermKind::kVar || v.kind == TermKind::kRef)) {
      std::vector<std::string> vn;
      bool ok = true;
      if (v.kind == TermKind::kVar) {
        vn.emplace_back(ast_.VarName(v));
      } else {
        for (TermId c : ast_.Children(v)) {
          const AstTerm& p = ast_.term(c);
          if (p.kind == TermKind::kVar) {
            vn.emplace_back(ast_.VarName(p));
          } else if (p.kind == TermKind::kString) {
            vn.emplace_back(*ast_.Constant(p).AsString());
          } else {
            ok = false;
          }
        }
      }
      if (ok && Lookup(vn[0]) < 0) {
        Target f = ResolveFunctionNames(vn);
        if (f.found && f.kind == CallKind::kFunction) {
          m.value_node = f.node;
          return m;
        }
        if (f.found && f.kind == CallKind::kBuiltin) {
          m.value_builtin = f.builtin;
          return m;
        }
      }
    }
    m.value = Conv(w.value);
    return m;
  }

  Target ResolveFunctionNames(const std::vector<std::string>& names) {
    Target out;
    for (std::size_t i = 0; i < names.size(); ++i) out.name += (i ? "." : "") + names[i];
    if (Lookup(names[0]) >= 0) return out;
    if (auto g = GlobalPath(names[0]); g && g->first == RefBase::kData) {
      std::vector<Value> path = g->second;
      for (std::size_t i = 1; i < names.size(); ++i) path.push_back(Value::String(names[i]));
      const Node* n = prog_.root;
      for (const Value& k : path) n = n == nullptr ? nullptr : n->Child(k);
      if (n != nullptr && n->is_function) {
        out.kind = CallKind::kFunction;
        out.node = n;
        out.found = true;
      }
      return out;
    }
    out.builtin = builtins_.Find(out.name);
    out.found = out.builtin != nullptr;
    out.kind = CallKind::kBuiltin;
    return out;
  }

  Expr* ConvExpr(ExprId id) {
    const rego::Expr& e = ast_.expr(id);
    Expr& x = arena_.exprs.emplace_back();
    x.negated = e.negated;
    x.loc = e.loc;
    x.file = file_;
    switch (e.kind) {
      case rego::ExprKind::kSome:
        x.kind = ExprKind::kSome;
        break;
      case rego::ExprKind::kSomeIn: {
        x.kind = ExprKind::kSomeIn;
        std::span<const TermId> ch = ast_.Children(ast_.term(e.term));
        if (ch.size() == 4) {
          x.a = Conv(ch[1]);
          x.b = Conv(ch[2]);
        } else {
          x.b = Conv(ch[1]);
        }
        x.c = Conv(ch.back());
        break;
      }
      case rego::ExprKind::kEvery: {
        x.kind = ExprKind::kEvery;
        std::span<const TermId> ch = ast_.Children(ast_.term(e.term));
        x.c = Conv(ch.back());
        Body& body = arena_.bodies.emplace_back();
        PushScope(&body);
        if (ch.size() == 4) {
          DeclarePattern(ch[1]);
          DeclarePattern(ch[2]);
          x.a = Conv(ch[1]);
          x.b = Conv(ch[2]);
        } else {
          DeclarePattern(ch[1]);
          x.b = Conv(ch[1]);
        }
        DeclareBody(e.body);
        ConvBodyInto(e.body, body);
        PopScope();
        x.body = &body;
        break;
      }
      case rego::ExprKind::kTerm: {
        const AstTerm& t = ast_.term(e.term);
        if (t.kind == TermKind::kCall && (t.op == Op::kUnify || t.op == Op::kAssign)) {
          std::span<const TermId> ch = ast_.Children(t);
          if (t.op == Op::kAssign) DeclarePattern(ch[1]);
          x.kind = ExprKind::kUnify;
          x.a = Conv(ch[1]);
          x.b = Conv(ch[2]);
        } else if (t.kind == TermKind::kCall) {
          Term* out = nullptr;
          x.a = ConvCall(e.term, true, &out);
          if (out != nullptr && x.a->kind != TermKind_::kCall) {
            x.kind = ExprKind::kUnify;  // `p(x)` of a complete rule p: x = p
            x.b = x.a;
            x.a = out;
          } else if (out != nullptr) {
            x.kind = ExprKind::kCallOut;
            x.b = out;
          } else {
            x.kind = ExprKind::kTerm;
          }
        } else {
          x.kind = ExprKind::kTerm;
          x.a = Conv(e.term);
        }
        break;
      }
    }
    for (const With& w : ast_.Withs(e)) x.withs.push_back(ConvWith(w));
    return &x;
  }

  // `split`: a unification of two array literals of one length, or of two object literals with
  // the same constant keys, becomes one unification per element or value (recursively), so the
  // safety order may place each where its variables are bound, as OPA's unifier binds element by
  // element: `[x, y] = [z, 1]; z = y` is safe. Not for query bodies, whose expressions are reported
  // one by one.
  void ConvBodyInto(BodyId id, Body& body, bool split = true) {
    for (ExprId e : ast_.Exprs(ast_.body(id))) {
      const rego::Expr& expr = ast_.expr(e);
      if (split && SplitsIntoElements(expr)) {
        std::span<const TermId> ch = ast_.Children(ast_.term(expr.term));
        SplitUnify(expr, ch[1], ch[2], body);
        continue;
      }
      body.exprs.push_back(ConvExpr(e));
    }
  }

  static bool SameLengthArrays(const Ast& ast, TermId a, TermId b) {
    const AstTerm& x = ast.term(a);
    const AstTerm& y = ast.term(b);
    return x.kind == TermKind::kArray && y.kind == TermKind::kArray && !ast.Children(x).empty() &&
           ast.Children(x).size() == ast.Children(y).size();
  }

  // Two object literals with the same constant keys: the value term of each key on both sides.
  static bool SameKeyObjects(const Ast& ast, TermId a, TermId b,
                             std::vector<std::pair<TermId, TermId>>* pairs = nullptr) {
    const AstTerm& x = ast.term(a);
    const AstTerm& y = ast.term(b);
    if (x.kind != TermKind::kObject || y.kind != TermKind::kObject) return false;
    std::span<const TermId> xs = ast.Children(x);
    std::span<const TermId> ys = ast.Children(y);
    if (xs.empty() || xs.size() != ys.size()) return false;
    auto scalar = [&](TermId k) {
      TermKind kind = ast.term(k).kind;
      return kind == TermKind::kString || kind == TermKind::kNumber || kind == TermKind::kBool ||
             kind == TermKind::kNull;
    };
    auto same = [&](TermId p, TermId q) {
      return ast.term(p).kind == ast.term(q).kind &&
             ast.Constant(ast.term(p)) == ast.Constant(ast.term(q));
    };
    for (std::size_t i = 0; i < xs.size(); i += 2) {
      if (!scalar(xs[i])) return false;
      for (std::size_t j = 0; j < i; j += 2) {
        if (same(xs[i], xs[j])) return false;  // a repeated key: leave it to the evaluator
      }
      bool found = false;
      for (std::size_t j = 0; j < ys.size() && !found; j += 2) {
        if (scalar(ys[j]) && same(xs[i], ys[j])) {
          found = true;
          if (pairs != nullptr) pairs->emplace_back(xs[i + 1], ys[j + 1]);
        }
      }
      if (!found) return false;
    }
    return true;
  }

  bool SplitsIntoElements(const rego::Expr& e) const {
    if (e.kind != rego::ExprKind::kTerm || e.negated || !ast_.Withs(e).empty()) return false;
    const AstTerm& t = ast_.term(e.term);
    if (t.kind != TermKind::kCall || t.op != Op::kUnify) return false;
    std::span<const TermId> ch = ast_.Children(t);
    return ch.size() == 3 &&
           (SameLengthArrays(ast_, ch[1], ch[2]) || SameKeyObjects(ast_, ch[1], ch[2]));
  }

  void SplitUnify(const rego::Expr& e, TermId a, TermId b, Body& body) {
    if (SameLengthArrays(ast_, a, b)) {
      std::span<const TermId> xs = ast_.Children(ast_.term(a));
      std::span<const TermId> ys = ast_.Children(ast_.term(b));
      for (std::size_t i = 0; i < xs.size(); ++i) SplitUnify(e, xs[i], ys[i], body);
      return;
    }
    std::vector<std::pair<TermId, TermId>> values;
    if (SameKeyObjects(ast_, a, b, &values)) {
      for (const auto& [x, y] : values) SplitUnify(e, x, y, body);
      return;
    }
    Term* left = Conv(a);  // left first: variables are declared in source order
    Term* right = Conv(b);
    body.exprs.push_back(NewUnify(e.loc, left, right));
  }

  // A `a = b` expression the compiler writes itself.
  Expr* NewUnify(Location loc, Term* a, Term* b) {
    Expr& x = arena_.exprs.emplace_back();
    x.kind = ExprKind::kUnify;
    x.loc = loc;
    x.file = file_;
    x.a = a;
    x.b = b;
    return &x;
  }

  std::vector<std::pair<std::string, std::int32_t>> TopNames() const {
    return scopes_.empty() ? std::vector<std::pair<std::string, std::int32_t>>{}
                           : scopes_.front().names;
  }

  // Converts one rule (and its else chain); the frame is shared along the chain.
  Rule* ConvRule(const Module& m, const AstRule& r, const HeadPlace& place, RuleKind kind,
                 Node* node, Status& status) {
    Rule& out = arena_.rules.emplace_back();
    out.kind = kind;
    out.is_default = r.is_default;
    out.file = file_;
    out.loc = r.loc;
    out.node = node;
    Body& body = arena_.bodies.emplace_back();
    PushScope(&body);
    // A template string argument is computed, not a pattern: as OPA rewrites it, the argument is
    // a fresh variable and the body ends with `variable = $"..."` (ordered for safety like the
    // rest, so the template may use variables the body binds).
    std::vector<std::pair<Term*, TermId>> computed_args;
    if (kind == RuleKind::kFunction) {
      for (TermId a : m.Args(r)) {
        if (ast_.term(a).kind != TermKind::kTemplateString) DeclarePattern(a);
      }
      for (TermId a : m.Args(r)) {
        if (ast_.term(a).kind != TermKind::kTemplateString) {
          out.args.push_back(Conv(a));
          continue;
        }
        Term* v = NewTerm(TermKind_::kVar, ast_.term(a).loc);
        v->name = "__arg" + std::to_string(out.args.size()) + "__";
        v->slot = Declare(v->name);
        out.args.push_back(v);
        computed_args.emplace_back(v, a);
      }
    }
    DeclareBody(r.body);
    ConvBodyInto(r.body, body);
    for (const auto& [var, arg] : computed_args) {
      body.exprs.push_back(NewUnify(ast_.term(arg).loc, var, Conv(arg)));
    }
    if (kind == RuleKind::kSet) {
      out.key = Conv(r.key);
    } else {
      out.value = Conv(r.value);
    }
    for (TermId sfx : place.suffix) out.suffix.push_back(Conv(sfx));
    PopScope();
    out.body = &body;
    if (errors.empty() && status) {
      std::vector<bool> bound(static_cast<std::size_t>(next_slot_), false);
      std::vector<std::int32_t> vars;
      for (const Term* a : out.args) CollectVars(a, vars);
      for (std::int32_t v : vars) bound[v] = true;
      status = ReorderBody(body, bound, filename_);
      if (status) {
        std::vector<Term*> head = out.suffix;
        head.push_back(out.key != nullptr ? out.key : out.value);
        for (const Term* h : head) {
          if (status && h != nullptr) status = ReorderTermClosures(h, bound, filename_);
        }
        if (status) status = CheckHeadSafety(head, bound);
      }
    }
    if (r.else_rule != kNone) {
      out.else_rule = ConvRule(m, m.else_rules[r.else_rule], place, kind, node, status);
    }
    return &out;
  }

  Status CheckHeadSafety(const std::vector<Term*>& terms, const std::vector<bool>& bound) {
    for (const Term* t : terms) {
      if (t == nullptr) continue;
      std::vector<std::int32_t> vars;
      CollectNeeds(t, vars);
      for (std::int32_t s : vars) {
        if (static_cast<std::size_t>(s) >= bound.size() || !bound[s]) {
          return CompileError(RegoError::kUnsafeVar, filename_, t->loc,
                              "var " + slot_names_[s] + " is unsafe");
        }
      }
    }
    return Ok();
  }

 private:
  struct Scope {
    Body* body;
    std::vector<std::pair<std::string, std::int32_t>> names;
  };
  const Program& prog_;
  Arena& arena_;
  const Ast& ast_;
  std::uint16_t file_;
  std::string filename_;
  const BuiltinRegistry& builtins_;
  std::vector<Scope> scopes_;
  std::int32_t next_slot_ = 0;
  std::vector<std::string> slot_names_;
};

void SetupImports(const Module& m, ModuleCompiler& mc) {
  for (const Import& imp : m.imports) {
    const AstTerm& t = m.ast.term(imp.path);
    std::vector<std::string> names;
    std::span<const TermId> ch;
    if (t.kind == TermKind::kRef) {
      ch = m.ast.Children(t);
    } else {
      ch = std::span<const TermId>(&imp.path, 1);
    }
    for (TermId c : ch) {
      const AstTerm& p = m.ast.term(c);
      if (p.kind == TermKind::kVar) {
        names.emplace_back(m.ast.VarName(p));
      } else if (p.kind == TermKind::kString) {
        names.emplace_back(*m.ast.Constant(p).AsString());
      }
    }
    if (names.empty() || (names[0] != "data" && names[0] != "input")) continue;
    ImportTarget target;
    target.base = names[0] == "data" ? RefBase::kData : RefBase::kInput;
    for (std::size_t i = 1; i < names.size(); ++i) target.path.push_back(Value::String(names[i]));
    std::string alias = imp.alias != kNone ? m.ast.names[imp.alias] : names.back();
    mc.imports[alias] = std::move(target);
  }
}

// Dependencies between rule nodes, for the recursion check.
void CollectDeps(const Term* t, std::vector<const Node*>& out);
void CollectBodyDeps(const Body* b, std::vector<const Node*>& out) {
  if (b == nullptr) return;
  for (const Expr* e : b->exprs) {
    for (const Term* t : {e->a, e->b, e->c}) {
      if (t != nullptr) CollectDeps(t, out);
    }
    CollectBodyDeps(e->body, out);
    for (const WithMod& w : e->withs) {
      if (w.value != nullptr) CollectDeps(w.value, out);
    }
  }
}
void CollectLeaves(const Node* n, std::vector<const Node*>& out) {
  if (n->is_leaf()) out.push_back(n);
  for (const auto& c : n->children) {
    if (c.second->has_rules_below) CollectLeaves(c.second, out);
  }
}
void CollectDeps(const Term* t, std::vector<const Node*>& out) {
  if (t->kind == ir::TermKind::kRef && t->base == RefBase::kData && t->node != nullptr) {
    bool const_miss = t->first_dynamic < t->items.size() &&
                      t->items[t->first_dynamic]->kind == ir::TermKind::kConst;
    if (t->node->is_leaf()) {
      out.push_back(t->node);
    } else if (t->node->has_rules_below && !const_miss && t->first_dynamic == t->items.size()) {
      CollectLeaves(t->node, out);
    }
  }
  if (t->kind == ir::TermKind::kCall && t->call == CallKind::kFunction && t->node) {
    out.push_back(t->node);
  }
  for (const Term* i : t->items) CollectDeps(i, out);
  if (t->head) CollectDeps(t->head, out);
  if (t->value) CollectDeps(t->value, out);
  CollectBodyDeps(t->body, out);
}

Status CheckRecursion(const Program& prog) {
  std::vector<std::vector<const Node*>> deps(prog.node_count);
  std::vector<const Node*> leaves;
  CollectLeaves(prog.root, leaves);
  for (const Node* n : leaves) {
    auto add_rule = [&](const Rule* r) {
      for (; r != nullptr; r = r->else_rule) {
        for (const Term* t : r->suffix) CollectDeps(t, deps[n->index]);
        for (const Term* t : r->args) CollectDeps(t, deps[n->index]);
        if (r->key) CollectDeps(r->key, deps[n->index]);
        if (r->value) CollectDeps(r->value, deps[n->index]);
        CollectBodyDeps(r->body, deps[n->index]);
      }
    };
    for (const Rule* r : n->rules) add_rule(r);
    add_rule(n->default_rule);
  }
  std::vector<std::uint8_t> color(prog.node_count, 0);
  std::vector<const Node*> stack;
  std::optional<Error> err;
  std::function<void(const Node*)> dfs = [&](const Node* n) {
    if (err) return;
    color[n->index] = 1;
    stack.push_back(n);
    for (const Node* d : deps[n->index]) {
      if (err) return;
      if (color[d->index] == 1) {
        std::string path;
        auto it = std::find(stack.begin(), stack.end(), d);
        for (; it != stack.end(); ++it) path += (*it)->path_text + " -> ";
        path += d->path_text;
        const Rule* r = d->rules.empty() ? d->default_rule : d->rules[0];
        err = CompileError(RegoError::kRecursion, prog.files[r->file], r->loc,
                           "rule " + d->path_text + " is recursive: " + path);
        return;
      }
      if (color[d->index] == 0) dfs(d);
    }
    stack.pop_back();
    color[n->index] = 2;
  };
  for (const Node* n : leaves) {
    if (color[n->index] == 0) dfs(n);
    if (err) return *err;
  }
  return Ok();
}

}  // namespace

Result<std::shared_ptr<Program>> CompileModules(std::vector<Module> modules, const Value& data,
                                                const CompileSettings& settings) {
  const BuiltinRegistry& builtins =
      settings.builtins != nullptr ? *settings.builtins : StandardBuiltins();
  auto prog = std::make_shared<Program>();
  prog->modules = std::move(modules);
  Node& root = prog->arena.nodes.emplace_back();
  root.path_text = "data";
  root.index = prog->node_count++;
  prog->root = &root;
  if (prog->modules.size() > 60000) return MakeError(RegoError::kCompile, "too many modules");
  std::map<std::string, std::set<std::string>> rule_names;
  // Phase 1: the rule tree.
  for (const Module& m : prog->modules) {
    prog->files.push_back(m.filename);
    std::string pkg;
    for (const std::string& seg : m.package.segments) pkg += "." + seg;
    std::set<std::string>& names = rule_names[pkg];
    {
      std::vector<Value> pkg_path;
      for (const std::string& seg : m.package.segments) pkg_path.push_back(Value::String(seg));
      GetOrCreate(*prog, pkg_path)->is_package = true;
    }
    for (const AstRule& r : m.rules) {
      HeadPlace place = PlaceRule(m, r);
      Node* node = GetOrCreate(*prog, place.path);
      node->leaf = true;
      if (r.kind == rego::RuleKind::kFunction) {
        node->is_function = true;
        node->arity = static_cast<int>(r.args_count);
      }
      names.insert(std::string(m.ast.VarName(m.ast.term(m.ast.Children(m.ast.term(r.ref))[0]))));
    }
  }
  SetBase(prog->root, data);
  MarkRulesBelow(prog->root);
  Result<AnnotationSet> annotations = AnnotationSet::Build(prog->modules);
  if (!annotations) return annotations.error();
  // Phase 2: rules.
  for (std::size_t mi = 0; mi < prog->modules.size(); ++mi) {
    const Module& m = prog->modules[mi];
    ModuleCompiler mc(*prog, prog->arena, m.ast, static_cast<std::uint16_t>(mi), m.filename,
                      builtins);
    mc.annotations = &*annotations;
    mc.modules = &prog->modules;
    mc.module_index = mi;
    std::string pkg;
    for (const std::string& seg : m.package.segments) {
      pkg += "." + seg;
      mc.package_path.push_back(Value::String(seg));
    }
    mc.rule_names = &rule_names[pkg];
    SetupImports(m, mc);
    for (const AstRule& r : m.rules) {
      HeadPlace place = PlaceRule(m, r);
      Node* node = GetOrCreate(*prog, place.path);
      RuleKind kind = RuleKind::kComplete;
      if (r.kind == rego::RuleKind::kFunction) {
        kind = RuleKind::kFunction;
      } else if (r.kind == rego::RuleKind::kMultiValue) {
        kind = RuleKind::kSet;
      } else if (!place.suffix.empty()) {
        kind = RuleKind::kObject;
      }
      if (!node->rules.empty() && node->rules[0]->kind != kind &&
          !(r.is_default && kind == RuleKind::kComplete)) {
        return CompileError(RegoError::kType, m.filename, r.loc,
                            "conflicting rules " + node->path_text + " found");
      }
      if (node->is_function && kind != RuleKind::kFunction) {
        return CompileError(RegoError::kType, m.filename, r.loc,
                            "conflicting rules " + node->path_text + " found");
      }
      if (kind == RuleKind::kFunction && node->arity != static_cast<int>(r.args_count)) {
        return CompileError(RegoError::kType, m.filename, r.loc,
                            "conflicting rules " + node->path_text + " found");
      }
      mc.BeginFrame();
      Status status = Ok();
      mc.current_rule = static_cast<std::uint32_t>(&r - m.rules.data());
      Rule* rule = mc.ConvRule(m, r, place, kind, node, status);
      mc.current_rule = kNone;
      if (!mc.errors.empty()) return mc.errors.front();
      if (!status) return status.error();
      for (Rule* x = rule; x != nullptr; x = x->else_rule) x->frame_size = mc.frame_size();
      if (r.is_default) {
        if (node->default_rule != nullptr) {
          return CompileError(RegoError::kType, m.filename, r.loc,
                              "multiple default rules " + node->path_text + " found");
        }
        node->default_rule = rule;
      } else {
        node->rules.push_back(rule);
      }
    }
  }
  for (Node& n : prog->arena.nodes) {
    if (!n.is_function || n.arity < 1 || n.rules.size() < 4) continue;
    bool all_ground = true;
    for (const Rule* r : n.rules) {
      for (const Rule* x = r; x != nullptr; x = x->else_rule) {
        all_ground = all_ground && !x->args.empty() && x->args[0]->ground;
      }
      all_ground = all_ground && r->else_rule == nullptr;
    }
    if (!all_ground) continue;
    for (const Rule* r : n.rules) n.first_arg_index.emplace_back(r->args[0]->constant, r);
    std::stable_sort(n.first_arg_index.begin(), n.first_arg_index.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    n.first_arg_indexed = true;
  }
  Status rec = CheckRecursion(*prog);
  if (!rec) return rec.error();
  return prog;
}

Result<std::unique_ptr<CompiledQuery>> CompileQuery(const Program& program, const Query& query,
                                                    std::string_view filename,
                                                    const CompileSettings& settings) {
  const BuiltinRegistry& builtins =
      settings.builtins != nullptr ? *settings.builtins : StandardBuiltins();
  auto q = std::make_unique<CompiledQuery>();
  q->file = static_cast<std::uint16_t>(program.files.size());
  q->filename = std::string(filename);
  ModuleCompiler mc(program, q->arena, query.ast, q->file, q->filename, builtins);
  mc.BeginFrame();
  Body& body = q->arena.bodies.emplace_back();
  mc.PushScope(&body);
  mc.DeclareBody(query.body);
  mc.ConvBodyInto(query.body, body, /*split=*/false);
  for (const auto& [name, slot] : mc.TopNames()) {
    if (!name.empty() && name[0] != '$') q->vars.emplace_back(name, slot);
  }
  mc.PopScope();
  if (!mc.errors.empty()) return mc.errors.front();
  for (std::size_t i = 0; i < body.exprs.size(); ++i) body.exprs[i]->record = static_cast<int>(i);
  q->expr_count = body.exprs.size();
  std::vector<bool> bound(static_cast<std::size_t>(mc.frame_size()), false);
  Status st = ReorderBody(body, bound, q->filename);
  if (!st) return st.error();
  q->body = &body;
  q->frame_size = mc.frame_size();
  return q;
}

}  // namespace gatehouse::rego::ir
