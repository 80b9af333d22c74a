// Evaluator: references, the rule tree and virtual documents.
#include <algorithm>
#include <map>

#include "rego/eval.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego::ir {

bool Evaluator::EvalRef(const Term* t, KV k) {
  switch (t->base) {
    case RefBase::kInput:
      if (!cur_.input) return true;
      {
        Value in = *cur_.input;
        return WalkValue(in, t, 0, k);
      }
    case RefBase::kTerm:
      return EvalTerm(t->head, [&](const Value& h) { return WalkValue(h, t, 0, k); });
    case RefBase::kData:
      // A replaced document on the ref's path (or below it) is seen by walking from the root;
      // refs elsewhere (the usual case: `with` and overlays touch one small subtree) keep the
      // node their constant prefix was resolved to at compile time.
      if (!cur_.data.empty() && (t->node == nullptr || OverridesReach(t->node))) {
        return EvalData(prog_.root, t, 0, k);
      }
      return EvalData(t->node, t, t->first_dynamic, k);
  }
  return true;
}

template <bool kStorage>
bool Evaluator::WalkKey(const Value& v, const Value& key, const Term* t, std::size_t i, KV k) {
  switch (v.kind()) {
    case ValueKind::kObject: {
      const Value* m = v.Find(key);
      if (kStorage && m == nullptr && key.is_number()) m = v.Find(Value::String(NumberText(key)));
      return m == nullptr ? true : WalkValue<kStorage>(*m, t, i + 1, k);
    }
    case ValueKind::kArray: {
      const Value* m = key.is_number() ? v.Find(key) : nullptr;
      return m == nullptr ? true : WalkValue<kStorage>(*m, t, i + 1, k);
    }
    case ValueKind::kSet:
      return v.Contains(key) ? WalkValue<kStorage>(key, t, i + 1, k) : true;
    default:
      return true;
  }
}

template <bool kStorage>
bool Evaluator::WalkValue(const Value& v, const Term* t, std::size_t i, KV k) {
  if (i == t->items.size()) return k(v);
  const Term* p = t->items[i];
  if (p->ground) return WalkKey<kStorage>(v, p->constant, t, i, k);
  if (p->kind == TermKind::kVar) {
    const Slot& s = slots_[fp_ + static_cast<std::size_t>(p->slot)];
    if (s.bound) {
      Value key = s.v;
      return WalkKey<kStorage>(v, key, t, i, k);
    }
  } else if (CanEval(p)) {
    return EvalTerm(p, [&](const Value& key) { return WalkKey<kStorage>(v, key, t, i, k); });
  }
  if (!v.is_collection()) return true;
  return ForEachMember(v, [&](const Value& key, const Value& val) {
    return Unify(p, key, [&] { return WalkValue<kStorage>(val, t, i + 1, k); });
  });
}

bool Evaluator::OverridesReach(const Node* n) const {
  for (const DataOverride& o : cur_.data) {
    const std::size_t common = std::min(o.path.size(), n->path.size());
    if (std::equal(n->path.begin(), n->path.begin() + static_cast<std::ptrdiff_t>(common),
                   o.path.begin())) {
      return true;
    }
  }
  return false;
}

bool Evaluator::OverrideTouches(const Node* n) const {
  for (const DataOverride& o : cur_.data) {
    if (o.path.size() > n->path.size() &&
        std::equal(n->path.begin(), n->path.end(), o.path.begin())) {
      return true;
    }
  }
  return false;
}

Value Evaluator::PatchBelow(const Node* n, Value v) const {
  for (const DataOverride& o : cur_.data) {
    if (o.path.size() > n->path.size() &&
        std::equal(n->path.begin(), n->path.end(), o.path.begin())) {
      v = SetPath(v, std::span<const Value>(o.path).subspan(n->path.size()), o.value);
    }
  }
  return v;
}

bool Evaluator::EvalData(const Node* n, const Term* t, std::size_t i, KV k) {
  bool below = false;
  if (!cur_.data.empty()) {
    for (auto it = cur_.data.rbegin(); it != cur_.data.rend(); ++it) {
      if (it->path == n->path) {
        Value v = it->value;
        return WalkValue(v, t, i, k);
      }
    }
    below = OverrideTouches(n);
  }
  if (n->is_leaf()) {
    if (n->is_function) return true;
    std::optional<Value> v = NodeValue(n);
    if (!v) return !error_;
    return WalkValue(*v, t, i, k);
  }
  if (i == t->items.size()) {
    std::optional<Value> v = NodeValue(n);
    if (!v) return !error_;
    return k(*v);
  }
  if (!n->has_rules_below && !below) {
    if (!n->base) return true;
    return WalkValue<true>(*n->base, t, i, k);
  }
  const Term* p = t->items[i];
  if (p->ground) return DescendData(n, p->constant, t, i, k);
  if (p->kind == TermKind::kVar) {
    const Slot& s = slots_[fp_ + static_cast<std::size_t>(p->slot)];
    if (s.bound) {
      Value key = s.v;
      return DescendData(n, key, t, i, k);
    }
  } else if (CanEval(p)) {
    return EvalTerm(p, [&](const Value& key) { return DescendData(n, key, t, i, k); });
  }
  if (below) {
    std::optional<Value> v = NodeValue(n);
    if (!v) return !error_;
    return WalkValue(*v, t, i, k);
  }
  // Iterate over the union of rule-tree children and base document keys.
  std::vector<Value> keys;
  for (const auto& c : n->children) keys.push_back(c.first);
  if (n->base) {
    for (const Member& m : n->base->Members()) keys.push_back(m.first);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const Value& key : keys) {
    if (!Unify(p, key, [&] { return DescendData(n, key, t, i, k); })) return false;
  }
  return true;
}

bool Evaluator::DescendData(const Node* n, const Value& key, const Term* t, std::size_t i, KV k) {
  const Node* child = n->Child(key);
  if (child != nullptr) {
    if (child->is_function && !child->is_leaf()) return true;
    return EvalData(child, t, i + 1, k);
  }
  if (!cur_.data.empty() && OverrideTouches(n)) {
    Value base = PatchBelow(n, n->base ? *n->base : Value::EmptyObject());
    const Value* v = base.Find(key);
    if (v != nullptr) return WalkValue<true>(*v, t, i + 1, k);
    return true;
  }
  if (n->base) {
    const Value* v = n->base->Find(key);
    if (v == nullptr && key.is_number()) {
      // Storage paths are strings: data[2] finds the key "2".
      Value text = Value::String(NumberText(key));
      v = n->base->Find(text);
    }
    if (v != nullptr) return WalkValue<true>(*v, t, i + 1, k);
  }
  return true;
}

namespace {

// Deep merge of a base document and a virtual one (virtual wins on scalar clashes).
Value Merge(const Value& base, const Value& virt) {
  if (base.is_set() && virt.is_set()) {
    std::vector<Value> items(base.Items().begin(), base.Items().end());
    items.insert(items.end(), virt.Items().begin(), virt.Items().end());
    return Value::Set(std::move(items));
  }
  if (!base.is_object() || !virt.is_object()) return base;
  std::vector<Member> members(base.Members().begin(), base.Members().end());
  for (const Member& m : virt.Members()) {
    bool found = false;
    for (Member& b : members) {
      if (b.first == m.first) {
        b.second = Merge(b.second, m.second);
        found = true;
        break;
      }
    }
    if (!found) members.push_back(m);
  }
  return Value::Object(std::move(members));
}

// Merges two rule values for the same path: objects recursively, sets by union; anything else
// must be equal. nullopt on a conflict.
std::optional<Value> MergeChecked(const Value& a, const Value& b) {
  if (a.is_set() && b.is_set()) return Merge(a, b);
  if (a.is_object() && b.is_object()) {
    std::vector<Member> members(a.Members().begin(), a.Members().end());
    for (const Member& m : b.Members()) {
      bool found = false;
      for (Member& x : members) {
        if (x.first == m.first) {
          std::optional<Value> v = MergeChecked(x.second, m.second);
          if (!v) return std::nullopt;
          x.second = std::move(*v);
          found = true;
          break;
        }
      }
      if (!found) members.push_back(m);
    }
    return Value::Object(std::move(members));
  }
  if (a == b) return a;
  return std::nullopt;
}

}  // namespace

namespace {

// The nodes holding rules below n (not n itself), with their paths relative to n.
void RuleNodesBelow(const Node* n, std::vector<Value>& path,
                    std::vector<std::pair<const Node*, std::vector<Value>>>& out) {
  for (const auto& [key, child] : n->children) {
    if (!child->has_rules_below) continue;
    path.push_back(key);
    if (child->is_leaf() && !child->is_function) out.emplace_back(child, path);
    RuleNodesBelow(child, path, out);
    path.pop_back();
  }
}

}  // namespace

bool Evaluator::InjectsIntoRuleValue(const Node* n, const Value& value) {
  // Object rules at n put their values at the depth of their ref suffix; only a uniform depth
  // says for sure that what `value` holds there is a rule's value.
  if (n->rules.empty() || n->rules[0]->kind != RuleKind::kObject) return false;
  const std::size_t depth = n->rules[0]->suffix.size();
  for (const Rule* r : n->rules) {
    if (r->suffix.size() != depth) return false;
  }
  std::vector<Value> path;
  std::vector<std::pair<const Node*, std::vector<Value>>> below;
  RuleNodesBelow(n, path, below);
  for (const auto& [node, rel] : below) {
    if (rel.size() <= depth) continue;
    const Value* at = &value;
    for (std::size_t i = 0; i < depth && at != nullptr; ++i) {
      at = at->is_object() ? at->Find(rel[i]) : nullptr;
    }
    if (at == nullptr) continue;
    std::optional<Value> deeper = NodeValue(node);
    if (error_) return true;
    if (!deeper) continue;
    const Rule* r = n->rules[0];
    FailAtLoc(r->file, r->loc, RegoError::kEvalConflict, "object keys must be unique");
    return true;
  }
  return false;
}

std::optional<Value> Evaluator::NodeValue(const Node* n) {
  if (!cur_.data.empty()) {
    for (auto it = cur_.data.rbegin(); it != cur_.data.rend(); ++it) {
      if (it->path == n->path) return it->value;
    }
  }
  std::optional<Value> out;
  if (n->is_leaf()) {
    if (n->is_function) return std::nullopt;
    out = LeafValue(n);
    if (error_) return std::nullopt;
    bool has_kids = false;
    for (const auto& c : n->children) has_kids = has_kids || c.second->has_rules_below;
    if (has_kids) {
      // Rules defined deeper under a rule with a ref head: merge their values in.
      Value acc = out ? *out : Value::EmptyObject();
      if (!acc.is_object()) {
        const Rule* r = n->rules.empty() ? n->default_rule : n->rules[0];
        FailAtLoc(r->file, r->loc, RegoError::kEvalConflict, "object keys must be unique");
        return std::nullopt;
      }
      if (InjectsIntoRuleValue(n, acc)) return std::nullopt;
      for (const auto& [key, child] : n->children) {
        if (!child->has_rules_below || child->is_function) continue;
        std::optional<Value> cv = NodeValue(child);
        if (error_) return std::nullopt;
        if (!cv) continue;
        const Value* existing = acc.Find(key);
        std::optional<Value> merged = existing != nullptr ? MergeChecked(*existing, *cv) : cv;
        if (!merged) {
          const Rule* r = n->rules.empty() ? n->default_rule : n->rules[0];
          FailAtLoc(r->file, r->loc, RegoError::kEvalConflict, "object keys must be unique");
          return std::nullopt;
        }
        acc = SetPath(acc, std::span<const Value>(&key, 1), *merged);
      }
      out = acc;
    }
    if (!out) return std::nullopt;
  } else {
    std::vector<Member> members;
    if (n->base) members.assign(n->base->Members().begin(), n->base->Members().end());
    for (const auto& [key, child] : n->children) {
      if (!child->has_rules_below) continue;
      if (child->is_function) continue;
      std::optional<Value> cv = NodeValue(child);
      if (error_) return std::nullopt;
      if (!cv) continue;
      bool found = false;
      for (Member& m : members) {
        if (m.first == key) {
          m.second = Merge(m.second, *cv);
          found = true;
          break;
        }
      }
      if (!found) members.emplace_back(key, *cv);
    }
    out = Value::Object(std::move(members));
  }
  if (!cur_.data.empty()) out = PatchBelow(n, std::move(*out));
  return out;
}

namespace {

// Accumulates the values of a partial object rule with a ref head of any depth.
struct ObjTree {
  std::map<Value, ObjTree> kids;
  std::optional<Value> leaf;
  bool is_set = false;
  std::vector<Value> elems;

  // false on conflict
  bool Insert(std::span<const Value> path, const Value& v) {
    if (path.empty()) {
      if (!kids.empty() || is_set) return false;
      if (leaf && *leaf != v) return false;
      leaf = v;
      return true;
    }
    if (leaf || is_set) return false;
    return kids[path[0]].Insert(path.subspan(1), v);
  }
  // Multi-value rules with a ref head: the leaf is a set.
  bool InsertElem(std::span<const Value> path, const Value& v) {
    if (path.empty()) {
      if (!kids.empty() || (leaf && !is_set)) return false;
      is_set = true;
      elems.push_back(v);
      return true;
    }
    if (leaf || is_set) return false;
    return kids[path[0]].InsertElem(path.subspan(1), v);
  }
  Value Build() const {
    if (is_set) return Value::Set(elems);
    if (leaf) return *leaf;
    std::vector<Member> members;
    members.reserve(kids.size());
    for (const auto& [k, t] : kids) members.emplace_back(k, t.Build());
    return Value::Object(std::move(members));
  }
};

}  // namespace

std::optional<Value> Evaluator::LeafValue(const Node* n) {
  Memo& memo = cur_.memo[n->index];
  if (memo.state == 3) return memo.v;
  if (memo.state == 2) return std::nullopt;
  if (memo.state == 1) {
    const Rule* r = n->rules.empty() ? n->default_rule : n->rules[0];
    FailAtLoc(r->file, r->loc, RegoError::kRecursion, "rule " + n->path_text + " is recursive");
    return std::nullopt;
  }
  if (++depth_ > limits_.max_depth) {
    Fail(MakeError(RegoError::kEvalCancel, "evaluation exceeded the call depth limit of " +
                                               std::to_string(limits_.max_depth)));
    --depth_;
    return std::nullopt;
  }
  cur_.memo[n->index].state = 1;
  std::optional<Value> result;
  RuleKind kind = n->rules.empty() ? RuleKind::kComplete : n->rules[0]->kind;
  bool ok = true;
  switch (kind) {
    case RuleKind::kComplete: {
      for (const Rule* r : n->rules) {
        // Each solution of the body gives the head value; all must agree.
        std::size_t saved = 0;
        PushFrame(r->frame_size, saved);
        for (const Rule* x = r; x != nullptr && ok; x = x->else_rule) {
          bool any = false;
          ok = EvalBody(x->body, 0, [&] {
            any = true;
            return EvalTerm(x->value, [&](const Value& v) {
              if (result && *result != v) {
                return FailAtLoc(x->file, x->loc, RegoError::kEvalConflict,
                                 "complete rules must not produce multiple outputs");
              }
              result = v;
              return true;
            });
          });
          if (any) break;
        }
        PopFrame(saved);
        if (!ok) break;
      }
      break;
    }
    case RuleKind::kSet: {
      std::vector<Value> items;
      if (!n->rules[0]->suffix.empty()) {
        ObjTree tree;
        for (const Rule* r : n->rules) {
          std::size_t saved = 0;
          PushFrame(r->frame_size, saved);
          std::vector<Value> path(r->suffix.size());
          ok = EvalBody(r->body, 0, [&] {
            struct Suffix {
              Evaluator* self;
              const Rule* x;
              std::vector<Value>& path;
              ObjTree& tree;
              bool Run(std::size_t i) {
                if (i == x->suffix.size()) {
                  return self->EvalTerm(x->key, [&](const Value& v) {
                    if (!tree.InsertElem(path, v)) {
                      return self->FailAtLoc(x->file, x->loc, RegoError::kEvalConflict,
                                             "object keys must be unique");
                    }
                    return true;
                  });
                }
                return self->EvalTerm(x->suffix[i], [&](const Value& key) {
                  path[i] = key;
                  return Run(i + 1);
                });
              }
            };
            Suffix sfx{this, r, path, tree};
            return sfx.Run(0);
          });
          PopFrame(saved);
          if (!ok) break;
        }
        result = tree.Build();
        break;
      }
      for (const Rule* r : n->rules) {
        std::size_t saved = 0;
        PushFrame(r->frame_size, saved);
        ok = EvalBody(r->body, 0, [&] {
          return EvalTerm(r->key, [&](const Value& v) {
            items.push_back(v);
            return true;
          });
        });
        PopFrame(saved);
        if (!ok) break;
      }
      result = Value::Set(std::move(items));
      break;
    }
    case RuleKind::kObject: {
      ObjTree tree;
      for (const Rule* r : n->rules) {
        std::size_t saved = 0;
        PushFrame(r->frame_size, saved);
        std::vector<Value> path(r->suffix.size());
        for (const Rule* x = r; x != nullptr && ok; x = x->else_rule) {
          bool any = false;
          ok = EvalBody(x->body, 0, [&] {
            any = true;
            // Evaluate the suffix terms, then the value.
            struct Suffix {
              Evaluator* self;
              const Rule* x;
              std::vector<Value>& path;
              ObjTree& tree;
              bool Run(std::size_t i) {
                if (i == x->suffix.size()) {
                  return self->EvalTerm(x->value, [&](const Value& v) {
                    if (!tree.Insert(path, v)) {
                      return self->FailAtLoc(x->file, x->loc, RegoError::kEvalConflict,
                                             "object keys must be unique");
                    }
                    return true;
                  });
                }
                return self->EvalTerm(x->suffix[i], [&](const Value& key) {
                  path[i] = key;
                  return Run(i + 1);
                });
              }
            };
            Suffix s{this, x, path, tree};
            return s.Run(0);
          });
          if (any) break;
        }
        PopFrame(saved);
        if (!ok) break;
      }
      result = tree.Build();
      break;
    }
    case RuleKind::kFunction:
      break;
  }
  if (ok && !result && n->default_rule != nullptr) {
    const Rule* d = n->default_rule;
    std::size_t saved = 0;
    PushFrame(d->frame_size, saved);
    ok = EvalTerm(d->value, [&](const Value& v) {
      result = v;
      return false;
    });
    if (!ok && !error_) ok = true;
    PopFrame(saved);
  }
  --depth_;
  if (!ok || error_) {
    cur_.memo[n->index].state = 0;
    return std::nullopt;
  }
  Memo& m = cur_.memo[n->index];
  if (result) {
    m.state = 3;
    m.v = *result;
  } else {
    m.state = 2;
  }
  return result;
}

}  // namespace gatehouse::rego::ir
