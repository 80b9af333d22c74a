// Evaluator: calls of builtins, user functions, operators and print.
#include <algorithm>
#include <array>

#include "rego/eval.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego::ir {
namespace {

bool Member2(const Value& x, const Value& coll) {
  switch (coll.kind()) {
    case ValueKind::kArray:
      for (const Value& v : coll.Items()) {
        if (v == x) return true;
      }
      return false;
    case ValueKind::kSet:
      return coll.Contains(x);
    case ValueKind::kObject:
      for (const Member& m : coll.Members()) {
        if (m.second == x) return true;
      }
      return false;
    default:
      return false;
  }
}

bool Member3(const Value& key, const Value& val, const Value& coll) {
  switch (coll.kind()) {
    case ValueKind::kArray:
    case ValueKind::kObject: {
      const Value* v = coll.Find(key);
      return v != nullptr && *v == val;
    }
    case ValueKind::kSet:
      return key == val && coll.Contains(key);
    default:
      return false;
  }
}

}  // namespace

bool Evaluator::EvalCall(const Term* t, KV k) {
  if (t->call == CallKind::kPrint) {
    return EvalPrint(t, [&] { return k(Value::Bool(true)); });
  }
  std::size_t n = t->items.size();
  if (n <= 8) {
    std::array<Value, 8> args;
    return EvalArgs(t, 0, args.data(), [&] { return Invoke(t, args.data(), k); });
  }
  std::vector<Value> args(n);
  return EvalArgs(t, 0, args.data(), [&] { return Invoke(t, args.data(), k); });
}

bool Evaluator::EvalArgs(const Term* t, std::size_t i, Value* args, K k) {
  if (i == t->items.size()) return k();
  const Term* a = t->items[i];
  if (a->ground) {
    args[i] = a->constant;
    return EvalArgs(t, i + 1, args, k);
  }
  if (a->kind == TermKind::kVar) {
    const Slot& s = slots_[fp_ + static_cast<std::size_t>(a->slot)];
    if (s.bound) {
      args[i] = s.v;
      return EvalArgs(t, i + 1, args, k);
    }
    // Bound by a ref in a later argument (`foo == input.foos[foo]`): read it after them.
    if (i + 1 < t->items.size()) return EvalArgsDeferred(t, i, args, k);
  }
  return EvalTerm(a, [&](const Value& v) {
    args[i] = v;
    return EvalArgs(t, i + 1, args, k);
  });
}

__attribute__((noinline)) bool Evaluator::EvalArgsDeferred(const Term* t, std::size_t i,
                                                           Value* args, K k) {
  const Term* a = t->items[i];
  return EvalArgs(t, i + 1, args, [&] {
    const Slot& later = slots_[fp_ + static_cast<std::size_t>(a->slot)];
    if (!later.bound) return false;
    args[i] = later.v;
    return k();
  });
}

bool Evaluator::Invoke(const Term* t, const Value* args, KV k) {
  std::span<const Value> span(args, t->items.size());
  switch (t->call) {
    case CallKind::kEqual:
      return k(Value::Bool(args[0] == args[1]));
    case CallKind::kNeq:
      return k(Value::Bool(args[0] != args[1]));
    case CallKind::kLt:
      return k(Value::Bool(Compare(args[0], args[1]) < 0));
    case CallKind::kLte:
      return k(Value::Bool(Compare(args[0], args[1]) <= 0));
    case CallKind::kGt:
      return k(Value::Bool(Compare(args[0], args[1]) > 0));
    case CallKind::kGte:
      return k(Value::Bool(Compare(args[0], args[1]) >= 0));
    case CallKind::kMember2:
      return k(Value::Bool(Member2(args[0], args[1])));
    case CallKind::kMember3:
      return k(Value::Bool(Member3(args[0], args[1], args[2])));
    case CallKind::kPrint:
      return k(Value::Bool(true));
    case CallKind::kBuiltin:
    case CallKind::kFunction:
      break;
  }
  const void* target = t->call == CallKind::kBuiltin ? static_cast<const void*>(t->builtin)
                                                     : static_cast<const void*>(t->node);
  const Builtin* builtin = t->call == CallKind::kBuiltin ? t->builtin : nullptr;
  const Node* func = t->call == CallKind::kFunction ? t->node : nullptr;
  for (std::size_t mi = 0; mi < cur_.mocks.size(); ++mi) {
    const FnMock& m = cur_.mocks[mi];
    if (m.target != target) continue;
    if (m.value) return k(*m.value);
    // The replacement sees the original: the mock is off while it runs.
    // Replacements see the original functions: no mock applies while one runs.
    std::vector<FnMock> saved;
    saved.swap(cur_.mocks);
    bool r;
    if (m.builtin != nullptr) {
      const Builtin* b = saved[mi].builtin;
      r = CallBuiltin(t, b, span, [&](const Value& v) {
        std::swap(cur_.mocks, saved);
        bool c = k(v);
        std::swap(cur_.mocks, saved);
        return c;
      });
    } else {
      std::optional<Value> out;
      r = CallFunction(t, saved[mi].node, span, out);
      if (r && out) {
        std::swap(cur_.mocks, saved);
        r = k(*out);
        std::swap(cur_.mocks, saved);
      }
    }
    cur_.mocks = std::move(saved);
    return r;
  }
  if (builtin != nullptr) return CallBuiltin(t, builtin, span, k);
  if (func == nullptr) return true;
  if (func->arity >= 0 && static_cast<std::size_t>(func->arity) != span.size()) return true;
  std::optional<Value> out;
  if (!CallFunction(t, func, span, out)) return false;
  if (!out) return true;
  return k(*out);
}

bool Evaluator::CallBuiltin(const Term* t, const Builtin* b, std::span<const Value> args, KV k) {
  if (b->params.size() != args.size()) return true;
  if (b->relation && b->fn_relation != nullptr) {
    std::vector<Value> results;
    Status st = b->fn_relation(ctx_, args, [&](const Value& v) -> Status {
      results.push_back(v);
      return Ok();
    });
    if (!st) {
      if (ctx_.strict_errors) return FailAt(t, st.error().code, st.error().message);
      return true;
    }
    for (const Value& v : results) {
      if (!k(v)) return false;
    }
    return true;
  }
  if (b->fn == nullptr) return true;
  BuiltinResult r = [&]() -> BuiltinResult {
    if (b->nondeterministic) {
      std::pair<std::string, Value> key{b->name, Value::Array({args.begin(), args.end()})};
      auto it = ctx_.memo.find(key);
      if (it != ctx_.memo.end()) return std::optional<Value>(it->second);
      BuiltinResult res = b->fn(ctx_, args);
      if (res && *res) ctx_.memo.emplace(std::move(key), **res);
      return res;
    }
    return b->fn(ctx_, args);
  }();
  if (!r) {
    if (ctx_.strict_errors || r.error().code == RegoError::kEvalCancel) {
      return FailAt(t, r.error().code, r.error().message);
    }
    return true;
  }
  if (!*r) return true;
  return k(**r);
}

bool Evaluator::CallFunction(const Term* site, const Node* n, std::span<const Value> args,
                             std::optional<Value>& out) {
  if (++depth_ > limits_.max_depth) {
    --depth_;
    return FailAt(
        site, RegoError::kEvalCancel,
        "evaluation exceeded the call depth limit of " + std::to_string(limits_.max_depth));
  }
  bool ok = true;
  std::vector<const Rule*> indexed;
  const Rule* const* rules = nullptr;
  std::size_t rule_count = 0;
  if (n->first_arg_indexed && !args.empty()) {
    auto lo = std::lower_bound(n->first_arg_index.begin(), n->first_arg_index.end(), args[0],
                               [](const auto& e, const Value& v) { return e.first < v; });
    for (auto it = lo; it != n->first_arg_index.end() && it->first == args[0]; ++it) {
      indexed.push_back(it->second);
    }
    rules = indexed.data();
    rule_count = indexed.size();
  } else {
    rules = n->rules.data();
    rule_count = n->rules.size();
  }
  for (std::size_t ri = 0; ri < rule_count; ++ri) {
    const Rule* r = rules[ri];
    // Cheap rejection before a frame is set up: constant arguments must match.
    bool match = true;
    for (std::size_t ai = 0; ai < r->args.size() && ai < args.size(); ++ai) {
      if (r->args[ai]->ground && r->else_rule == nullptr && r->args[ai]->constant != args[ai]) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    std::size_t saved = 0;
    PushFrame(r->frame_size, saved);
    for (const Rule* x = r; x != nullptr && ok; x = x->else_rule) {
      bool any = false;
      ok = UnifyItems(x->args, 0, 1, args, 0, [&] {
        return EvalBody(x->body, 0, [&] {
          any = true;
          return EvalTerm(x->value, [&](const Value& v) {
            if (out && *out != v) {
              return FailAt(site, RegoError::kEvalConflict,
                            "functions must not produce multiple outputs for same inputs");
            }
            out = v;
            return true;
          });
        });
      });
      if (any) break;
    }
    PopFrame(saved);
    if (!ok) break;
  }
  if (ok && !out && n->default_rule != nullptr) {
    const Rule* d = n->default_rule;
    std::size_t saved = 0;
    PushFrame(d->frame_size, saved);
    ok = EvalTerm(d->value, [&](const Value& v) {
      out = v;
      return false;
    });
    if (!ok && !error_) ok = true;
    PopFrame(saved);
  }
  --depth_;
  return ok && !error_;
}

bool Evaluator::EvalPrint(const Term* t, K k) {
  std::string line;
  if (ctx_.print_location) line = FileName(t->file) + ":" + std::to_string(t->loc.row) + ": ";
  for (std::size_t i = 0; i < t->items.size(); ++i) {
    std::vector<Value> vals;
    bool ok = EvalTerm(t->items[i], [&](const Value& v) {
      vals.push_back(v);
      return true;
    });
    if (!ok && error_) return false;
    if (i > 0) line += " ";
    if (vals.empty()) {
      line += "<undefined>";
    } else if (vals[0].is_string()) {
      line += vals[0].AsString();
    } else {
      line += ToRegoText(vals[0]);
    }
  }
  if (ctx_.print) ctx_.print(line);
  return k();
}

}  // namespace gatehouse::rego::ir
