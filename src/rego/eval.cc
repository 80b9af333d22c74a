// Evaluator core: bodies, expressions, terms, unification and `with`.
#include "rego/eval.h"

#include <algorithm>
#include <map>

#include "rego/rego_errors.h"

namespace gatehouse::rego::ir {

Evaluator::Evaluator(const Program& program, BuiltinContext& ctx, const EvalLimits& limits)
    : prog_(program), ctx_(ctx), limits_(limits) {
  cur_.memo.resize(program.node_count);
  slots_.reserve(64);
  trail_.reserve(64);
}

std::string Evaluator::FileName(std::uint16_t file) const {
  if (file < prog_.files.size()) return prog_.files[file];
  if (query_ != nullptr) return query_->filename;
  return "query";
}

bool Evaluator::Fail(Error e) {
  if (!error_) error_ = std::move(e);
  return false;
}

bool Evaluator::FailAtLoc(std::uint16_t file, Location loc, ErrorCode code,
                          std::string_view message) {
  return Fail(MakeError(code, FileName(file) + ":" + std::to_string(loc.row) + ": " +
                                  std::string(code.wire()) + ": " + std::string(message)));
}

bool Evaluator::FailAt(const Term* t, ErrorCode code, std::string_view message) {
  return FailAtLoc(t->file, t->loc, code, message);
}

bool Evaluator::Step() {
  if (++steps_ > limits_.max_steps) {
    return Fail(MakeError(RegoError::kEvalCancel, "evaluation exceeded the step budget of " +
                                                      std::to_string(limits_.max_steps)));
  }
  if ((steps_ & 1023) == 0 && limits_.deadline && limits_.clock != nullptr &&
      limits_.clock->Monotonic() > *limits_.deadline) {
    return Fail(MakeError(RegoError::kEvalCancel, "evaluation exceeded its deadline"));
  }
  return true;
}

void Evaluator::PushFrame(std::int32_t size, std::size_t& saved) {
  saved = fp_;
  fp_ = slots_.size();
  slots_.resize(fp_ + static_cast<std::size_t>(size));
}

void Evaluator::PopFrame(std::size_t saved) {
  slots_.resize(fp_);
  fp_ = saved;
}

void Evaluator::Bind(std::int32_t slot, const Value& v) {
  std::size_t idx = fp_ + static_cast<std::size_t>(slot);
  slots_[idx].v = v;
  slots_[idx].bound = true;
  trail_.push_back(static_cast<std::uint32_t>(idx));
}

void Evaluator::Undo(std::size_t mark) {
  while (trail_.size() > mark) {
    Slot& s = slots_[trail_.back()];
    s.bound = false;
    s.v = Value();
    trail_.pop_back();
  }
}

std::optional<Value> Evaluator::SlotValue(std::int32_t slot) const {
  const Slot& s = slots_[fp_ + static_cast<std::size_t>(slot)];
  if (!s.bound) return std::nullopt;
  return s.v;
}

Status Evaluator::Run(const CompiledQuery& query, FnRef<bool()> on_solution) {
  query_ = &query;
  std::size_t saved = 0;
  PushFrame(query.frame_size, saved);
  expr_values_.assign(query.expr_count, std::nullopt);
  bool ok = EvalBody(query.body, 0, [&] { return on_solution(); });
  (void)ok;
  PopFrame(saved);
  if (error_) return *error_;
  return Ok();
}

bool Evaluator::EvalBody(const Body* b, std::size_t i, K k) {
  if (i == b->exprs.size()) return k();
  return EvalExpr(b->exprs[i], [&] { return EvalBody(b, i + 1, k); });
}

bool Evaluator::EvalExpr(const Expr* e, K k) {
  if (!Step()) return false;
  if (!e->withs.empty()) return EvalWith(e, k);
  if (e->negated) {
    bool found = false;
    bool ok = EvalExprCore(e, [&] {
      found = true;
      return false;
    });
    if (!ok && error_) return false;
    if (found) return true;
    if (e->record >= 0) expr_values_[e->record] = Value::Bool(true);
    return k();
  }
  return EvalExprCore(e, k);
}

bool Evaluator::EvalExprCore(const Expr* e, K k) {
  switch (e->kind) {
    case ExprKind::kSome:
      return k();
    case ExprKind::kTerm:
      return EvalTerm(e->a, [&](const Value& v) {
        if (v.is_bool() && !*v.AsBool()) return true;
        if (e->record >= 0) expr_values_[e->record] = v;
        return k();
      });
    case ExprKind::kUnify:
      return UnifyTerms(e->a, e->b, [&] {
        if (e->record >= 0) expr_values_[e->record] = Value::Bool(true);
        return k();
      });
    case ExprKind::kCallOut:
      return EvalCall(e->a, [&](const Value& v) {
        return Unify(e->b, v, [&] {
          if (e->record >= 0) expr_values_[e->record] = Value::Bool(true);
          return k();
        });
      });
    case ExprKind::kSomeIn:
      return EvalSomeIn(e, [&] {
        if (e->record >= 0) expr_values_[e->record] = Value::Bool(true);
        return k();
      });
    case ExprKind::kEvery:
      return EvalEvery(e, [&] {
        if (e->record >= 0) expr_values_[e->record] = Value::Bool(true);
        return k();
      });
  }
  return true;
}

bool Evaluator::ForEachMember(const Value& coll, FnRef<bool(const Value&, const Value&)> f) {
  switch (coll.kind()) {
    case ValueKind::kArray: {
      std::span<const Value> items = coll.Items();
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (!f(Value::Int(static_cast<std::int64_t>(i)), items[i])) return false;
      }
      return true;
    }
    case ValueKind::kSet:
      for (const Value& item : coll.Items()) {
        if (!f(item, item)) return false;
      }
      return true;
    case ValueKind::kObject:
      for (const Member& m : coll.Members()) {
        if (!f(m.first, m.second)) return false;
      }
      return true;
    default:
      return true;
  }
}

bool Evaluator::EvalSomeIn(const Expr* e, K k) {
  return EvalTerm(e->c, [&](const Value& coll) {
    return ForEachMember(coll, [&](const Value& key, const Value& val) {
      if (e->a != nullptr) {
        return Unify(e->a, key, [&] { return Unify(e->b, val, k); });
      }
      return Unify(e->b, val, k);
    });
  });
}

bool Evaluator::EvalEvery(const Expr* e, K k) {
  bool all = true;
  bool any_domain = false;
  bool ok = EvalTerm(e->c, [&](const Value& coll) {
    any_domain = true;
    if (!coll.is_collection()) {
      all = false;
      return false;
    }
    return ForEachMember(coll, [&](const Value& key, const Value& val) {
      bool found = false;
      auto body = [&] {
        return EvalBody(e->body, 0, [&] {
          found = true;
          return false;
        });
      };
      bool r = e->a != nullptr ? Unify(e->a, key, [&] { return Unify(e->b, val, body); })
                               : Unify(e->b, val, body);
      if (!r && error_) return false;
      if (!found) {
        all = false;
        return false;
      }
      return true;
    });
  });
  if (!ok && error_) return false;
  if (!all || !any_domain) return true;
  return k();
}

bool Evaluator::BuildWithContext(const Expr* e, Context& inner, bool& defined) {
  defined = true;
  inner.input = cur_.input;
  inner.data = cur_.data;
  inner.mocks = cur_.mocks;
  for (const WithMod& w : e->withs) {
    std::optional<Value> v;
    if (w.value != nullptr) {
      bool ok = EvalTerm(w.value, [&](const Value& x) {
        v = x;
        return false;
      });
      if (!ok && error_) return false;
      if (!v) {
        defined = false;  // undefined replacement: the expression is undefined
        return true;
      }
    }
    switch (w.target) {
      case WithMod::Target::kInput:
        if (w.path.empty()) {
          inner.input = *v;
        } else {
          inner.input = SetPath(inner.input.value_or(Value::EmptyObject()), w.path, *v);
        }
        break;
      case WithMod::Target::kData:
        inner.data.push_back(DataOverride{w.path, *v});
        break;
      case WithMod::Target::kFunction:
      case WithMod::Target::kBuiltin: {
        FnMock m;
        m.target = w.target == WithMod::Target::kFunction ? static_cast<const void*>(w.node)
                                                          : static_cast<const void*>(w.builtin);
        m.value = v;
        m.node = w.value_node;
        m.builtin = w.value_builtin;
        inner.mocks.insert(inner.mocks.begin(), m);
        break;
      }
    }
  }
  inner.memo.resize(prog_.node_count);
  return true;
}

bool Evaluator::EvalWith(const Expr* e, K k) {
  // The replacement values are evaluated in the outer context.
  Context inner;
  bool defined = true;
  if (!BuildWithContext(e, inner, defined)) return false;
  if (!defined) return true;
  std::swap(cur_, inner);  // `inner` now holds the outer context
  bool r;
  {
    auto body = [&] {
      std::swap(cur_, inner);
      bool c = k();
      std::swap(cur_, inner);
      return c;
    };
    if (e->negated) {
      bool found = false;
      bool ok = EvalExprCore(e, [&] {
        found = true;
        return false;
      });
      if (!ok && error_) {
        std::swap(cur_, inner);
        return false;
      }
      r = found ? true : body();
    } else {
      r = EvalExprCore(e, body);
    }
  }
  std::swap(cur_, inner);
  return r;
}

bool Evaluator::CanEval(const Term* t) const {
  if (t->ground) return true;
  switch (t->kind) {
    case TermKind::kConst:
      return true;
    case TermKind::kVar:
      return IsBound(t->slot);
    case TermKind::kRef:
      if (t->base == RefBase::kTerm && !CanEval(t->head)) return false;
      for (const Term* i : t->items) {
        if (i->kind != TermKind::kVar && !CanEval(i)) return false;
      }
      return true;
    case TermKind::kArray:
    case TermKind::kObject:
    case TermKind::kSet:
    case TermKind::kCall:
      for (const Term* i : t->items) {
        if (!CanEval(i)) return false;
      }
      return true;
    default:
      return true;
  }
}

bool Evaluator::EvalItems(const Term* t, std::size_t i, std::vector<Value>& out, K k) {
  if (i == t->items.size()) return k();
  const Term* item = t->items[i];
  if (item->ground) {
    out[i] = item->constant;
    return EvalItems(t, i + 1, out, k);
  }
  return EvalTerm(item, [&](const Value& v) {
    out[i] = v;
    return EvalItems(t, i + 1, out, k);
  });
}

bool Evaluator::EvalTerm(const Term* t, KV k) {
  if (t->ground) return k(t->constant);
  switch (t->kind) {
    case TermKind::kConst:
      return k(t->constant);
    case TermKind::kVar: {
      const Slot& s = slots_[fp_ + static_cast<std::size_t>(t->slot)];
      if (!s.bound) return FailAt(t, RegoError::kUnsafeVar, "var " + t->name + " is unsafe");
      Value v = s.v;
      return k(v);
    }
    case TermKind::kRef:
      return EvalRef(t, k);
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject: {
      std::vector<Value> vals(t->items.size());
      return EvalItems(t, 0, vals, [&] {
        if (t->kind == TermKind::kArray) return k(Value::Array(vals));
        if (t->kind == TermKind::kSet) return k(Value::Set(vals));
        std::vector<Member> members;
        members.reserve(vals.size() / 2);
        for (std::size_t i = 0; i + 1 < vals.size(); i += 2)
          members.emplace_back(vals[i], vals[i + 1]);
        return k(Value::Object(std::move(members)));
      });
    }
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
      return EvalCompr(t, k);
    case TermKind::kCall:
      return EvalCall(t, k);
    case TermKind::kTemplate:
      return EvalTemplate(t, k);
    case TermKind::kTemplateExpr:
      return true;
  }
  return true;
}

bool Evaluator::EvalCompr(const Term* t, KV k) {
  std::vector<Value> items;
  std::vector<Member> members;
  bool conflict = false;
  bool ok = EvalBody(t->body, 0, [&] {
    return EvalTerm(t->head, [&](const Value& h) {
      if (t->kind != TermKind::kObjectCompr) {
        items.push_back(h);
        return true;
      }
      return EvalTerm(t->value, [&](const Value& v) {
        members.emplace_back(h, v);
        return true;
      });
    });
  });
  if (!ok) return false;
  switch (t->kind) {
    case TermKind::kArrayCompr:
      return k(Value::Array(std::move(items)));
    case TermKind::kSetCompr:
      return k(Value::Set(std::move(items)));
    default: {
      std::stable_sort(members.begin(), members.end(),
                       [](const Member& a, const Member& b) { return a.first < b.first; });
      for (std::size_t i = 1; i < members.size(); ++i) {
        if (members[i].first == members[i - 1].first &&
            members[i].second != members[i - 1].second) {
          conflict = true;
        }
      }
      if (conflict) return FailAt(t, RegoError::kEvalConflict, "object keys must be unique");
      return k(Value::Object(std::move(members)));
    }
  }
}

namespace {
void AppendText(std::string& out, const Value& v) {
  if (v.is_string()) {
    out += v.AsString();
  } else {
    out += ToRegoText(v);
  }
}
}  // namespace

bool Evaluator::EvalTemplate(const Term* t, KV k) {
  std::string out;
  for (const Term* part : t->items) {
    if (part->kind == TermKind::kConst) {
      AppendText(out, part->constant);
      continue;
    }
    if (part->kind != TermKind::kTemplateExpr) continue;
    std::vector<Value> vals;
    const Expr* e = part->body->exprs[0];
    Context inner;
    bool defined = true;
    if (!e->withs.empty()) {
      if (!BuildWithContext(e, inner, defined)) return false;
      std::swap(cur_, inner);
    }
    bool ok = !defined || EvalTerm(e->a, [&](const Value& v) {
      vals.push_back(v);
      return true;
    });
    if (!e->withs.empty()) std::swap(cur_, inner);
    if (!ok) return false;
    if (vals.empty()) {
      out += "<undefined>";
    } else if (vals.size() == 1) {
      AppendText(out, vals[0]);
    } else {
      out += ToRegoText(Value::Set(vals));
    }
  }
  return k(Value::String(std::move(out)));
}

bool Evaluator::Unify(const Term* t, const Value& v, K k) {
  switch (t->kind) {
    case TermKind::kVar: {
      std::size_t idx = fp_ + static_cast<std::size_t>(t->slot);
      if (slots_[idx].bound) return slots_[idx].v == v ? k() : true;
      std::size_t mark = trail_.size();
      Bind(t->slot, v);
      bool r = k();
      Undo(mark);
      return r;
    }
    case TermKind::kConst:
      return t->constant == v ? k() : true;
    case TermKind::kArray:
      if (t->ground) return t->constant == v ? k() : true;
      if (!v.is_array() || v.size() != t->items.size()) return true;
      return UnifyItems(t->items, 0, 1, v.Items(), 0, k);
    case TermKind::kObject:
      if (t->ground) return t->constant == v ? k() : true;
      if (!v.is_object() || v.size() != t->items.size() / 2) return true;
      return UnifyObject(t, v, 0, k);
    default:
      return EvalTerm(t, [&](const Value& x) { return x == v ? k() : true; });
  }
}

bool Evaluator::UnifyItems(const std::vector<Term*>& ts, std::size_t off, std::size_t step,
                           std::span<const Value> vs, std::size_t i, K k) {
  if (i == vs.size()) return k();
  return Unify(ts[off + i * step], vs[i], [&] { return UnifyItems(ts, off, step, vs, i + 1, k); });
}

bool Evaluator::UnifyObject(const Term* t, const Value& v, std::size_t i, K k) {
  if (i >= t->items.size()) return k();
  return EvalTerm(t->items[i], [&](const Value& key) {
    const Value* member = v.Find(key);
    if (member == nullptr) return true;
    return Unify(t->items[i + 1], *member, [&] { return UnifyObject(t, v, i + 2, k); });
  });
}

bool Evaluator::UnifyTerms(const Term* a, const Term* b, K k) {
  if (a->kind == TermKind::kVar && !IsBound(a->slot)) {
    if (b->kind == TermKind::kVar && !IsBound(b->slot)) {
      return FailAt(a, RegoError::kUnsafeVar, "var " + a->name + " is unsafe");
    }
    return EvalTerm(b, [&](const Value& v) { return Unify(a, v, k); });
  }
  if (b->kind == TermKind::kVar && !IsBound(b->slot)) {
    return EvalTerm(a, [&](const Value& v) { return Unify(b, v, k); });
  }
  if (a->ground) return Unify(b, a->constant, k);
  if (b->ground) return Unify(a, b->constant, k);
  std::vector<std::pair<const Term*, const Term*>> pairs;
  if (a->kind == TermKind::kArray && b->kind == TermKind::kArray) {
    if (a->items.size() != b->items.size()) return true;
    for (std::size_t i = 0; i < a->items.size(); ++i) pairs.emplace_back(a->items[i], b->items[i]);
    return UnifyPairs(pairs, k);
  }
  if (a->kind == TermKind::kObject && b->kind == TermKind::kObject) {
    if (a->items.size() != b->items.size()) return true;
    bool keys_ground = true;
    for (std::size_t i = 0; i < a->items.size(); i += 2) {
      keys_ground = keys_ground && a->items[i]->ground && b->items[i]->ground;
    }
    if (keys_ground) {
      for (std::size_t i = 0; i < a->items.size(); i += 2) {
        const Term* match = nullptr;
        for (std::size_t j = 0; j < b->items.size(); j += 2) {
          if (b->items[j]->constant == a->items[i]->constant) match = b->items[j + 1];
        }
        if (match == nullptr) return true;
        pairs.emplace_back(a->items[i + 1], match);
      }
      return UnifyPairs(pairs, k);
    }
  }
  if (CanEval(a)) return EvalTerm(a, [&](const Value& v) { return Unify(b, v, k); });
  return EvalTerm(b, [&](const Value& v) { return Unify(a, v, k); });
}

// Unifies term pairs, each time picking a pair that can be evaluated with the bindings so far.
bool Evaluator::UnifyPairs(std::vector<std::pair<const Term*, const Term*>>& pairs, K k) {
  if (pairs.empty()) return k();
  std::size_t pick = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& [x, y] = pairs[i];
    if (CanEval(x) || CanEval(y)) {
      pick = i;
      break;
    }
  }
  auto chosen = pairs[pick];
  pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(pick));
  bool r = UnifyTerms(chosen.first, chosen.second, [&] { return UnifyPairs(pairs, k); });
  pairs.insert(pairs.begin() + static_cast<std::ptrdiff_t>(pick), chosen);
  return r;
}

Value SetPath(const Value& base, std::span<const Value> path, const Value& v) {
  if (path.empty()) return v;
  std::vector<Member> members;
  if (base.is_object()) {
    members.assign(base.Members().begin(), base.Members().end());
  }
  const Value* cur = base.is_object() ? base.Find(path[0]) : nullptr;
  Value next = SetPath(cur != nullptr ? *cur : Value::EmptyObject(), path.subspan(1), v);
  bool replaced = false;
  for (Member& m : members) {
    if (m.first == path[0]) {
      m.second = next;
      replaced = true;
    }
  }
  if (!replaced) members.emplace_back(path[0], next);
  return Value::Object(std::move(members));
}

}  // namespace gatehouse::rego::ir
