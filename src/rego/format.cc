#include "rego/format.h"

#include "value/json.h"

namespace gatehouse::rego {
namespace {

bool IsIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

class Printer {
 public:
  explicit Printer(const Ast& ast) : ast_(ast) {}

  void Term(TermId id) {
    const rego::Term& t = ast_.term(id);
    switch (t.kind) {
      case TermKind::kNull:
      case TermKind::kBool:
      case TermKind::kString:
        out_ += value::ToJson(ast_.Constant(t));
        return;
      case TermKind::kNumber:
        out_.append(ast_.NumberText(t));
        return;
      case TermKind::kVar: {
        std::string_view name = ast_.VarName(t);
        out_.append(name.starts_with('$') ? "_" : name);
        return;
      }
      case TermKind::kRef:
        Ref(t);
        return;
      case TermKind::kArray:
        out_ += '[';
        List(ast_.Children(t));
        out_ += ']';
        return;
      case TermKind::kSet:
        if (t.count == 0) {
          out_ += "set()";
          return;
        }
        out_ += '{';
        List(ast_.Children(t));
        out_ += '}';
        return;
      case TermKind::kObject: {
        out_ += '{';
        auto kids = ast_.Children(t);
        for (std::size_t i = 0; i + 1 < kids.size(); i += 2) {
          if (i > 0) out_ += ", ";
          Term(kids[i]);
          out_ += ": ";
          Term(kids[i + 1]);
        }
        out_ += '}';
        return;
      }
      case TermKind::kArrayCompr:
      case TermKind::kSetCompr:
      case TermKind::kObjectCompr: {
        bool array = t.kind == TermKind::kArrayCompr;
        out_ += array ? '[' : '{';
        auto kids = ast_.Children(t);
        Term(kids[0]);
        if (t.kind == TermKind::kObjectCompr) {
          out_ += ": ";
          Term(kids[1]);
        }
        out_ += " | ";
        BodyItems(t.body);
        out_ += array ? ']' : '}';
        return;
      }
      case TermKind::kTemplateString:
        out_ += "$\"";
        for (TermId part : ast_.Children(t)) {
          const rego::Term& p = ast_.term(part);
          if (p.kind == TermKind::kString) {
            std::string quoted = value::ToJson(ast_.Constant(p));
            for (char c : std::string_view(quoted).substr(1, quoted.size() - 2)) {
              if (c == '{') out_ += '\\';
              out_ += c;
            }
          } else {
            out_ += '{';
            BodyItems(p.body);
            out_ += '}';
          }
        }
        out_ += '"';
        return;
      case TermKind::kTemplateExpr:
        BodyItems(t.body);
        return;
      case TermKind::kCall: {
        auto kids = ast_.Children(t);
        Term(kids[0]);
        out_ += '(';
        List(kids.subspan(1));
        out_ += ')';
        return;
      }
    }
  }

  void Ref(const rego::Term& t) {
    auto kids = ast_.Children(t);
    Term(kids[0]);
    for (TermId part : kids.subspan(1)) {
      const rego::Term& p = ast_.term(part);
      if (p.kind == TermKind::kString && IsIdentifier(*ast_.Constant(p).AsString())) {
        out_ += '.';
        out_ += *ast_.Constant(p).AsString();
      } else {
        out_ += '[';
        Term(part);
        out_ += ']';
      }
    }
  }

  void List(std::span<const TermId> items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_ += ", ";
      Term(items[i]);
    }
  }

  void Expr(ExprId id) {
    const rego::Expr& e = ast_.expr(id);
    if (e.negated) out_ += "not ";
    switch (e.kind) {
      case ExprKind::kTerm:
        Term(e.term);
        break;
      case ExprKind::kSome:
        out_ += "some ";
        List(ast_.SomeVars(e));
        break;
      case ExprKind::kSomeIn:
      case ExprKind::kEvery: {
        out_ += e.kind == ExprKind::kSomeIn ? "some " : "every ";
        auto args = ast_.Children(ast_.term(e.term)).subspan(1);
        List(args.first(args.size() - 1));
        out_ += " in ";
        Term(args.back());
        if (e.kind == ExprKind::kEvery) {
          out_ += ' ';
          Body(e.body);
        }
        break;
      }
    }
    for (const With& w : ast_.Withs(e)) {
      out_ += " with ";
      Term(w.target);
      out_ += " as ";
      Term(w.value);
    }
  }

  void BodyItems(BodyId id) {
    auto exprs = ast_.Exprs(ast_.body(id));
    for (std::size_t i = 0; i < exprs.size(); ++i) {
      if (i > 0) out_ += "; ";
      Expr(exprs[i]);
    }
  }

  void Body(BodyId id) {
    out_ += "{ ";
    BodyItems(id);
    out_ += " }";
  }

  void Rule(const Module& m, const rego::Rule& r, bool is_else) {
    if (is_else) {
      out_ += " else";
    } else {
      if (r.is_default) out_ += "default ";
      Term(r.ref);
      if (r.kind == RuleKind::kFunction) {
        out_ += '(';
        List(m.Args(r));
        out_ += ')';
      }
    }
    if (r.kind == RuleKind::kMultiValue) {
      out_ += " contains ";
      Term(r.key);
    } else {
      out_ += r.assign ? " := " : " = ";
      Term(r.value);
    }
    if (!r.is_default) {
      out_ += ' ';
      Body(r.body);
    }
    if (r.else_rule != kNone) Rule(m, m.else_rules[r.else_rule], true);
  }

  std::string Take() { return std::move(out_); }

 private:
  const Ast& ast_;
  std::string out_;
};

}  // namespace

std::string FormatTerm(const Ast& ast, TermId id) {
  Printer p(ast);
  p.Term(id);
  return p.Take();
}

std::string FormatExpr(const Ast& ast, ExprId id) {
  Printer p(ast);
  p.Expr(id);
  return p.Take();
}

std::string FormatBody(const Ast& ast, BodyId id) {
  Printer p(ast);
  p.Body(id);
  return p.Take();
}

std::string FormatRule(const Module& module, const Rule& rule) {
  Printer p(module.ast);
  p.Rule(module, rule, false);
  return p.Take();
}

std::string FormatModule(const Module& module) {
  std::string out = "package " + FormatTerm(module.ast, module.package.path) + '\n';
  for (const Import& imp : module.imports) {
    out += "import " + FormatTerm(module.ast, imp.path);
    if (imp.alias != kNone) out += " as " + module.ast.names[imp.alias];
    out += '\n';
  }
  for (const Rule& rule : module.rules) out += FormatRule(module, rule) + '\n';
  return out;
}

}  // namespace gatehouse::rego
