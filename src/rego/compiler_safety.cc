// Safety analysis: orders a body's expressions so each runs only once the variables it reads
// are bound, as OPA's reorderBodyForSafety does (passes in source order, appending every
// expression that has become safe), and reports the variables that can never be bound.
#include <algorithm>

#include "rego/compiler.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego::ir {
namespace {

using Vars = std::vector<const Term*>;  // kVar terms

void FreeVarsOfBody(const Body* b, std::vector<std::int32_t>& out);

void CollectTermVars(const Term* t, std::vector<std::int32_t>& out) {
  switch (t->kind) {
    case TermKind::kConst:
      return;
    case TermKind::kVar:
      out.push_back(t->slot);
      return;
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
    case TermKind::kTemplateExpr: {
      std::vector<std::int32_t> inner;
      if (t->head) CollectTermVars(t->head, inner);
      if (t->value) CollectTermVars(t->value, inner);
      FreeVarsOfBody(t->body, inner);
      for (std::int32_t s : inner) {
        if (std::find(t->body->locals.begin(), t->body->locals.end(), s) == t->body->locals.end()) {
          out.push_back(s);
        }
      }
      return;
    }
    default:
      if (t->head) CollectTermVars(t->head, out);
      if (t->value) CollectTermVars(t->value, out);
      for (const Term* i : t->items) CollectTermVars(i, out);
      return;
  }
}

void FreeVarsOfBody(const Body* b, std::vector<std::int32_t>& out) {
  if (b == nullptr) return;
  for (const Expr* e : b->exprs) {
    for (const Term* t : {e->a, e->b, e->c}) {
      if (t) CollectTermVars(t, out);
    }
    if (e->body != nullptr) {
      std::vector<std::int32_t> inner;
      FreeVarsOfBody(e->body, inner);
      for (std::int32_t s : inner) {
        if (std::find(e->body->locals.begin(), e->body->locals.end(), s) == e->body->locals.end()) {
          out.push_back(s);
        }
      }
    }
    for (const WithMod& w : e->withs) {
      if (w.value) CollectTermVars(w.value, out);
    }
  }
}

// Variables a closure reads from its enclosing scope.
void ClosureNeeds(const Term* t, std::vector<std::int32_t>& slots) { CollectTermVars(t, slots); }

struct Need {
  std::vector<std::int32_t> slots;  // must be bound
  Vars outs;                        // become bound
  const Term* first_var = nullptr;
};

void ValueNeeds(const Term* t, Need& n);

void PatternVars(const Term* t, Need& n) {
  switch (t->kind) {
    case TermKind::kVar:
      n.outs.push_back(t);
      return;
    case TermKind::kArray:
      for (const Term* i : t->items) PatternVars(i, n);
      return;
    case TermKind::kObject:
      for (std::size_t i = 0; i + 1 < t->items.size(); i += 2) {
        ValueNeeds(t->items[i], n);
        PatternVars(t->items[i + 1], n);
      }
      return;
    default:
      ValueNeeds(t, n);
  }
}

void ValueNeeds(const Term* t, Need& n) {
  switch (t->kind) {
    case TermKind::kConst:
      return;
    case TermKind::kVar:
      n.slots.push_back(t->slot);
      return;
    case TermKind::kRef:
      if (t->head) ValueNeeds(t->head, n);
      for (const Term* i : t->items) {
        if (i->kind == TermKind::kVar) {
          n.outs.push_back(i);
        } else {
          PatternVars(i, n);
        }
      }
      return;
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
    case TermKind::kTemplateExpr:
      ClosureNeeds(t, n.slots);
      return;
    default:
      for (const Term* i : t->items) ValueNeeds(i, n);
      return;
  }
}

// What a call (or any term) needs, where a variable that a ref in it binds counts as bound: OPA
// takes the vars of refs as the expression's outputs, so `foo == input.foos[foo]` is safe (the
// ref enumerates foo; the evaluator reads an unbound argument after the arguments that follow).
void CallNeeds(const Term* t, Need& n) {
  Need own;
  ValueNeeds(t, own);
  for (std::int32_t s : own.slots) {
    bool from_ref = false;
    for (const Term* o : own.outs) from_ref = from_ref || o->slot == s;
    if (!from_ref) n.slots.push_back(s);
  }
  n.outs.insert(n.outs.end(), own.outs.begin(), own.outs.end());
}

bool Bound(const std::vector<bool>& bound, std::int32_t s) {
  return s >= 0 && static_cast<std::size_t>(s) < bound.size() && bound[s];
}

bool AllBound(const Need& n, const std::vector<bool>& bound) {
  for (std::int32_t s : n.slots) {
    if (!Bound(bound, s)) return false;
  }
  return true;
}

void Bind(std::vector<bool>& bound, const Vars& outs) {
  for (const Term* v : outs) {
    if (v->slot >= 0 && static_cast<std::size_t>(v->slot) < bound.size()) bound[v->slot] = true;
  }
}

bool UnifyReady(const Term* a, const Term* b, std::vector<bool>& bound, Vars& outs) {
  for (int side = 0; side < 2; ++side) {
    const Term* pat = side == 0 ? a : b;
    const Term* val = side == 0 ? b : a;
    Need n;
    ValueNeeds(val, n);
    PatternVars(pat, n);
    // Pattern vars count as bound only after the value side is evaluated.
    std::vector<bool> tmp = bound;
    if (AllBound(n, tmp)) {
      outs.insert(outs.end(), n.outs.begin(), n.outs.end());
      return true;
    }
  }
  if (a->kind == TermKind::kArray && b->kind == TermKind::kArray &&
      a->items.size() == b->items.size()) {
    std::vector<bool> tmp = bound;
    Vars local;
    for (std::size_t i = 0; i < a->items.size(); ++i) {
      Vars o;
      if (!UnifyReady(a->items[i], b->items[i], tmp, o)) return false;
      Bind(tmp, o);
      local.insert(local.end(), o.begin(), o.end());
    }
    outs.insert(outs.end(), local.begin(), local.end());
    return true;
  }
  if (a->kind == TermKind::kObject && b->kind == TermKind::kObject &&
      a->items.size() == b->items.size()) {
    std::vector<bool> tmp = bound;
    Vars local;
    for (std::size_t i = 1; i < a->items.size(); i += 2) {
      Vars o;
      if (!UnifyReady(a->items[i], b->items[i], tmp, o)) return false;
      Bind(tmp, o);
      local.insert(local.end(), o.begin(), o.end());
    }
    outs.insert(outs.end(), local.begin(), local.end());
    return true;
  }
  return false;
}

bool ExprReady(const Expr* e, std::vector<bool>& bound, Vars& outs) {
  Need n;
  for (const WithMod& w : e->withs) {
    if (w.value) ValueNeeds(w.value, n);
  }
  bool ready = true;
  switch (e->kind) {
    case ExprKind::kSome:
      break;
    case ExprKind::kTerm:
      CallNeeds(e->a, n);
      break;
    case ExprKind::kCallOut:
      CallNeeds(e->a, n);
      PatternVars(e->b, n);
      break;
    case ExprKind::kSomeIn:
      ValueNeeds(e->c, n);
      if (e->a) PatternVars(e->a, n);
      PatternVars(e->b, n);
      break;
    case ExprKind::kEvery: {
      ValueNeeds(e->c, n);
      std::vector<std::int32_t> inner;
      FreeVarsOfBody(e->body, inner);
      for (std::int32_t s : inner) {
        if (std::find(e->body->locals.begin(), e->body->locals.end(), s) == e->body->locals.end()) {
          n.slots.push_back(s);
        }
      }
      break;
    }
    case ExprKind::kUnify: {
      Vars o;
      ready = UnifyReady(e->a, e->b, bound, o);
      n.outs.insert(n.outs.end(), o.begin(), o.end());
      break;
    }
  }
  if (!ready || !AllBound(n, bound)) return false;
  if (e->negated) {
    for (const Term* v : n.outs) {
      if (!Bound(bound, v->slot) && !(v->name.size() > 0 && v->name[0] == '$')) return false;
    }
    return true;
  }
  outs = std::move(n.outs);
  return true;
}

// A var of `e` that is not bound, for the error message.
const Term* FirstUnbound(const Term* t, const std::vector<bool>& bound) {
  if (t == nullptr) return nullptr;
  if (t->kind == TermKind::kVar) return Bound(bound, t->slot) ? nullptr : t;
  if (t->head) {
    if (const Term* r = FirstUnbound(t->head, bound)) return r;
  }
  if (t->value) {
    if (const Term* r = FirstUnbound(t->value, bound)) return r;
  }
  for (const Term* i : t->items) {
    if (const Term* r = FirstUnbound(i, bound)) return r;
  }
  if (t->body) {
    for (const Expr* e : t->body->exprs) {
      for (const Term* x : {e->a, e->b, e->c}) {
        if (const Term* r = FirstUnbound(x, bound)) {
          if (std::find(t->body->locals.begin(), t->body->locals.end(), r->slot) ==
              t->body->locals.end()) {
            return r;
          }
        }
      }
    }
  }
  return nullptr;
}

Status ReorderClosures(const Term* t, const std::vector<bool>& bound, const std::string& file);

Status ReorderExprClosures(Expr* e, const std::vector<bool>& bound, const std::string& file) {
  for (const Term* t : {e->a, e->b, e->c}) {
    if (t) {
      Status s = ReorderClosures(t, bound, file);
      if (!s) return s;
    }
  }
  for (const WithMod& w : e->withs) {
    if (w.value) {
      Status s = ReorderClosures(w.value, bound, file);
      if (!s) return s;
    }
  }
  if (e->kind == ExprKind::kEvery) {
    std::vector<bool> inner = bound;
    Need n;
    if (e->a) PatternVars(e->a, n);
    PatternVars(e->b, n);
    Bind(inner, n.outs);
    Status s = ReorderBody(*e->body, inner, file);
    if (!s) return s;
  }
  return Ok();
}

Status ReorderClosures(const Term* t, const std::vector<bool>& bound, const std::string& file) {
  switch (t->kind) {
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
    case TermKind::kTemplateExpr: {
      std::vector<bool> inner = bound;
      Status s = ReorderBody(*t->body, inner, file);
      if (!s) return s;
      if (t->kind != TermKind::kTemplateExpr) {
        for (const Term* h : {t->head, t->value}) {
          if (h == nullptr) continue;
          Need hn;
          ValueNeeds(h, hn);
          Bind(inner, hn.outs);
          if (const Term* u = FirstUnbound(h, inner)) {
            return MakeError(RegoError::kUnsafeVar, file + ":" + std::to_string(u->loc.row) + ":" +
                                                        std::to_string(u->loc.col) + ": var " +
                                                        u->name + " is unsafe");
          }
        }
      }
      return Ok();
    }
    default:
      if (t->head) {
        Status s = ReorderClosures(t->head, bound, file);
        if (!s) return s;
      }
      for (const Term* i : t->items) {
        Status s = ReorderClosures(i, bound, file);
        if (!s) return s;
      }
      return Ok();
  }
}

}  // namespace

void CollectVars(const Term* t, std::vector<std::int32_t>& out) { CollectTermVars(t, out); }

Status ReorderTermClosures(const Term* t, const std::vector<bool>& bound,
                           const std::string& filename) {
  return ReorderClosures(t, bound, filename);
}

void CollectNeeds(const Term* t, std::vector<std::int32_t>& out) {
  Need n;
  ValueNeeds(t, n);
  for (std::int32_t s : n.slots) {
    bool is_out = false;
    for (const Term* o : n.outs) is_out = is_out || o->slot == s;
    if (!is_out) out.push_back(s);
  }
}

Status ReorderBody(Body& body, std::vector<bool>& bound, const std::string& filename) {
  std::vector<Expr*> remaining = body.exprs;
  std::vector<Expr*> ordered;
  ordered.reserve(remaining.size());
  bool progress = true;
  while (!remaining.empty() && progress) {
    progress = false;
    for (auto it = remaining.begin(); it != remaining.end();) {
      Vars outs;
      if (ExprReady(*it, bound, outs)) {
        Status s = ReorderExprClosures(*it, bound, filename);
        if (!s) return s;
        Bind(bound, outs);
        ordered.push_back(*it);
        it = remaining.erase(it);
        progress = true;
      } else {
        ++it;
      }
    }
  }
  if (!remaining.empty()) {
    const Expr* e = remaining.front();
    const Term* u = nullptr;
    for (const Term* t : {e->a, e->b, e->c}) {
      if (u == nullptr) u = FirstUnbound(t, bound);
    }
    for (const WithMod& w : e->withs) {
      if (u == nullptr) u = FirstUnbound(w.value, bound);
    }
    Location loc = u != nullptr ? u->loc : e->loc;
    std::string name = u != nullptr ? u->name : "?";
    if (!name.empty() && name[0] == '$') name = "_";
    return MakeError(RegoError::kUnsafeVar, filename + ":" + std::to_string(loc.row) + ":" +
                                                std::to_string(loc.col) + ": var " + name +
                                                " is unsafe");
  }
  body.exprs = std::move(ordered);
  return Ok();
}

}  // namespace gatehouse::rego::ir
