#include "rego/ast_json.h"

#include <string>

namespace gatehouse::rego {
namespace {

value::Value Typed(std::string_view type, value::Value v) {
  value::Value out = value::Value::MakeObject();
  out.Set("type", value::Value(type));
  out.Set("value", std::move(v));
  return out;
}

class Writer {
 public:
  explicit Writer(const Ast& ast) : ast_(ast) {}

  value::Value Term(TermId id) const {
    const rego::Term& t = ast_.term(id);
    switch (t.kind) {
      case TermKind::kNull:
        return Typed("null", value::Value());
      case TermKind::kBool:
        return Typed("boolean", ast_.Constant(t));
      case TermKind::kNumber:
        return Typed("number", ast_.Constant(t));
      case TermKind::kString:
        return Typed("string", ast_.Constant(t));
      case TermKind::kVar:
        return Typed("var", value::Value(ast_.VarName(t)));
      case TermKind::kRef:
        return Typed("ref", Terms(ast_.Children(t)));
      case TermKind::kArray:
        return Typed("array", Terms(ast_.Children(t)));
      case TermKind::kSet:
        return Typed("set", Terms(ast_.Children(t)));
      case TermKind::kCall:
        return Typed("call", Terms(ast_.Children(t)));
      case TermKind::kTemplateString:
        return Typed("templatestring", Terms(ast_.Children(t)));
      case TermKind::kTemplateExpr:
        return Typed("templateexpr", Body(t.body));
      case TermKind::kObject: {
        value::Array pairs;
        auto children = ast_.Children(t);
        for (std::size_t i = 0; i + 1 < children.size(); i += 2) {
          pairs.push_back(value::Value(value::Array{Term(children[i]), Term(children[i + 1])}));
        }
        return Typed("object", value::Value(std::move(pairs)));
      }
      case TermKind::kArrayCompr:
      case TermKind::kSetCompr: {
        value::Value v = value::Value::MakeObject();
        v.Set("term", Term(ast_.Children(t)[0]));
        v.Set("body", Body(t.body));
        return Typed(t.kind == TermKind::kArrayCompr ? "arraycomprehension" : "setcomprehension",
                     std::move(v));
      }
      case TermKind::kObjectCompr: {
        value::Value v = value::Value::MakeObject();
        v.Set("key", Term(ast_.Children(t)[0]));
        v.Set("value", Term(ast_.Children(t)[1]));
        v.Set("body", Body(t.body));
        return Typed("objectcomprehension", std::move(v));
      }
    }
    return Typed("null", value::Value());
  }

  value::Value Terms(std::span<const TermId> ids) const {
    value::Array out;
    out.reserve(ids.size());
    for (TermId id : ids) out.push_back(Term(id));
    return value::Value(std::move(out));
  }

  value::Value Body(BodyId id) const {
    value::Array out;
    std::int64_t index = 0;
    for (ExprId e : ast_.Exprs(ast_.body(id))) out.push_back(Expr(ast_.expr(e), index++));
    return value::Value(std::move(out));
  }

  value::Value Expr(const rego::Expr& e, std::int64_t index) const {
    value::Value out = value::Value::MakeObject();
    out.Set("index", value::Value(index));
    if (e.negated) out.Set("negated", value::Value(true));
    switch (e.kind) {
      case ExprKind::kTerm: {
        // A call is written as its terms: [operator, args...].
        const rego::Term& t = ast_.term(e.term);
        out.Set("terms", t.kind == TermKind::kCall ? Terms(ast_.Children(t)) : Term(e.term));
        break;
      }
      case ExprKind::kSome: {
        value::Value decl = value::Value::MakeObject();
        decl.Set("symbols", Terms(ast_.SomeVars(e)));
        out.Set("terms", std::move(decl));
        break;
      }
      case ExprKind::kSomeIn: {
        value::Value decl = value::Value::MakeObject();
        decl.Set("symbols", value::Value(value::Array{Term(e.term)}));
        out.Set("terms", std::move(decl));
        break;
      }
      case ExprKind::kEvery: {
        // The member call's children: [operator, (key,) value, domain].
        auto parts = ast_.Children(ast_.term(e.term));
        value::Value every = value::Value::MakeObject();
        const bool keyed = parts.size() == 4;
        every.Set("key", keyed ? Term(parts[1]) : value::Value());
        every.Set("value", Term(parts[keyed ? 2 : 1]));
        every.Set("domain", Term(parts.back()));
        every.Set("body", Body(e.body));
        out.Set("terms", std::move(every));
        break;
      }
    }
    if (e.with_count > 0) {
      value::Array withs;
      for (const With& w : ast_.Withs(e)) {
        value::Value with = value::Value::MakeObject();
        with.Set("target", Term(w.target));
        with.Set("value", Term(w.value));
        withs.push_back(std::move(with));
      }
      out.Set("with", value::Value(std::move(withs)));
    }
    return out;
  }

 private:
  const Ast& ast_;
};

value::Value RuleToJson(const Module& m, const Writer& w, const Rule& r) {
  value::Value head = value::Value::MakeObject();
  const Term& ref = m.ast.term(r.ref);
  auto parts = m.ast.Children(ref);
  if (parts.size() == 1) head.Set("name", value::Value(m.ast.VarName(m.ast.term(parts[0]))));
  if (r.kind == RuleKind::kFunction) head.Set("args", w.Terms(m.Args(r)));
  if (r.key != kNone) head.Set("key", w.Term(r.key));
  if (r.value != kNone) head.Set("value", w.Term(r.value));
  head.Set("ref", w.Terms(parts));
  if (r.assign) head.Set("assign", value::Value(true));
  value::Value rule = value::Value::MakeObject();
  if (r.is_default) rule.Set("default", value::Value(true));
  rule.Set("head", std::move(head));
  rule.Set("body", w.Body(r.body));
  if (r.else_rule != kNone) rule.Set("else", RuleToJson(m, w, m.else_rules[r.else_rule]));
  return rule;
}

}  // namespace

value::Value ModuleToJson(const Module& module) {
  Writer w(module.ast);
  value::Value out = value::Value::MakeObject();
  // The package path as OPA holds it: data, then one string per segment.
  value::Array path{Typed("var", value::Value("data"))};
  for (const auto& segment : module.package.segments) {
    path.push_back(Typed("string", value::Value(segment)));
  }
  value::Value package = value::Value::MakeObject();
  package.Set("path", value::Value(std::move(path)));
  out.Set("package", std::move(package));
  if (!module.imports.empty()) {
    value::Array imports;
    for (const Import& i : module.imports) {
      value::Value imp = value::Value::MakeObject();
      imp.Set("path", w.Term(i.path));
      if (i.alias != kNone) imp.Set("alias", value::Value(module.ast.names[i.alias]));
      imports.push_back(std::move(imp));
    }
    out.Set("imports", value::Value(std::move(imports)));
  }
  if (!module.rules.empty()) {
    value::Array rules;
    for (const Rule& r : module.rules) rules.push_back(RuleToJson(module, w, r));
    out.Set("rules", value::Value(std::move(rules)));
  }
  return out;
}

}  // namespace gatehouse::rego
