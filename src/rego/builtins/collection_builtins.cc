// Collections: array.concat, array.slice, array.reverse, array.flatten, intersection, union,
// object.get, object.keys, object.remove, object.filter, object.union, object.union_n,
// object.subset, graph.reachable, graph.reachable_paths, and the relation walk.
#include <algorithm>
#include <set>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"

namespace gatehouse::rego {
namespace {

using builtins::Return;

BuiltinResult ArrayConcat(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_array()) return OperandTypeError("array.concat", 1, "array", a[0]);
  if (!a[1].is_array()) return OperandTypeError("array.concat", 2, "array", a[1]);
  std::vector<Value> out(a[0].Items().begin(), a[0].Items().end());
  out.insert(out.end(), a[1].Items().begin(), a[1].Items().end());
  return Return(Value::Array(std::move(out)));
}

BuiltinResult ArraySlice(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_array()) return OperandTypeError("array.slice", 1, "array", a[0]);
  auto start = builtins::Int64Arg("array.slice", a, 1);
  if (!start) return start.error();
  auto stop = builtins::Int64Arg("array.slice", a, 2);
  if (!stop) return stop.error();
  auto items = a[0].Items();
  auto n = static_cast<std::int64_t>(items.size());
  std::int64_t from = std::max<std::int64_t>(*start, 0);
  std::int64_t to = std::min<std::int64_t>(*stop, n);
  if (from >= to) return Return(Value::EmptyArray());
  return Return(Value::Array(std::vector<Value>(items.begin() + from, items.begin() + to)));
}

BuiltinResult ArrayReverse(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_array()) return OperandTypeError("array.reverse", 1, "array", a[0]);
  std::vector<Value> out(a[0].Items().rbegin(), a[0].Items().rend());
  return Return(Value::Array(std::move(out)));
}

BuiltinResult ArrayFlatten(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_array()) return OperandTypeError("array.flatten", 1, "array", a[0]);
  std::vector<Value> out;
  for (const auto& x : a[0].Items()) {
    if (x.is_array()) {
      out.insert(out.end(), x.Items().begin(), x.Items().end());
    } else {
      out.push_back(x);
    }
  }
  return Return(Value::Array(std::move(out)));
}

BuiltinResult Intersection(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_set()) return OperandTypeError("intersection", 1, "set", a[0]);
  auto sets = a[0].Items();
  if (sets.empty()) return Return(Value::EmptySet());
  for (const auto& s : sets) {
    if (!s.is_set()) return OperandTypeError("intersection", 1, "set", s);
  }
  std::vector<Value> out;
  for (const auto& x : sets[0].Items()) {
    bool all =
        std::all_of(sets.begin() + 1, sets.end(), [&x](const Value& s) { return s.Contains(x); });
    if (all) out.push_back(x);
  }
  return Return(Value::Set(std::move(out)));
}

BuiltinResult Union(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_set()) return OperandTypeError("union", 1, "set", a[0]);
  std::vector<Value> out;
  for (const auto& s : a[0].Items()) {
    if (!s.is_set()) return OperandTypeError("union", 1, "set", s);
    out.insert(out.end(), s.Items().begin(), s.Items().end());
  }
  return Return(Value::Set(std::move(out)));
}

// Member lookup as OPA's Term.Get: object key, array index, set element.
const Value* GetChild(const Value& v, const Value& key) {
  if (v.is_set()) {
    auto items = v.Items();
    auto it = std::lower_bound(items.begin(), items.end(), key);
    return it != items.end() && *it == key ? &*it : nullptr;
  }
  return v.Find(key);
}

BuiltinResult ObjectGet(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_object()) return OperandTypeError("object.get", 1, "object", a[0]);
  if (!a[1].is_array()) {
    const Value* v = a[0].Find(a[1]);
    return Return(v ? *v : a[2]);
  }
  const Value* cur = &a[0];
  for (const auto& key : a[1].Items()) {
    cur = GetChild(*cur, key);
    if (cur == nullptr) return Return(a[2]);
  }
  return Return(*cur);
}

BuiltinResult ObjectKeys(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_object()) return OperandTypeError("object.keys", 1, "object", a[0]);
  std::vector<Value> keys;
  keys.reserve(a[0].size());
  for (const auto& [k, v] : a[0].Members()) keys.push_back(k);
  return Return(Value::Set(std::move(keys)));
}

Result<Value> KeysParam(std::string_view name, const Value& v) {
  if (v.is_array() || v.is_set()) {
    return Value::Set(std::vector<Value>(v.Items().begin(), v.Items().end()));
  }
  if (v.is_object()) {
    std::vector<Value> keys;
    for (const auto& [k, val] : v.Members()) keys.push_back(k);
    return Value::Set(std::move(keys));
  }
  return OperandTypeError(name, 2, "one of {object, set, array}", v);
}

BuiltinResult ObjectRemoveOrFilter(std::string_view name, std::span<const Value> a, bool keep) {
  if (!a[0].is_object()) return OperandTypeError(name, 1, "object", a[0]);
  auto keys = KeysParam(name, a[1]);
  if (!keys) return keys.error();
  std::vector<Member> out;
  for (const auto& m : a[0].Members()) {
    if (keys->Contains(m.first) == keep) out.push_back(m);
  }
  return Return(Value::Object(std::move(out)));
}

BuiltinResult ObjectRemove(BuiltinContext&, std::span<const Value> a) {
  return ObjectRemoveOrFilter("object.remove", a, false);
}
BuiltinResult ObjectFilter(BuiltinContext&, std::span<const Value> a) {
  return ObjectRemoveOrFilter("object.filter", a, true);
}

// Right-hand values win; where both sides hold objects, they merge recursively.
Value MergeObjects(const Value& x, const Value& y) {
  std::vector<Member> out(x.Members().begin(), x.Members().end());
  for (const auto& [k, v] : y.Members()) {
    const Value* old = x.Find(k);
    if (old != nullptr && old->is_object() && v.is_object()) {
      out.emplace_back(k, MergeObjects(*old, v));
    } else {
      out.emplace_back(k, v);
    }
  }
  return Value::Object(std::move(out));  // later duplicates win
}

BuiltinResult ObjectUnion(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_object()) return OperandTypeError("object.union", 1, "object", a[0]);
  if (!a[1].is_object()) return OperandTypeError("object.union", 2, "object", a[1]);
  return Return(MergeObjects(a[0], a[1]));
}

BuiltinResult ObjectUnionN(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_array()) return OperandTypeError("object.union_n", 1, "array", a[0]);
  for (const auto& x : a[0].Items()) {
    if (!x.is_object()) return builtins::ElementTypeError("object.union_n", 1, a[0], "object", x);
  }
  Value acc = Value::EmptyObject();
  for (const auto& x : a[0].Items()) acc = MergeObjects(acc, x);
  return Return(acc);
}

bool SetSubset(const Value& super, const Value& sub) {
  return std::all_of(sub.Items().begin(), sub.Items().end(),
                     [&super](const Value& x) { return super.Contains(x); });
}

// `sub` appears as a contiguous run in `super`.
bool ArraySubset(const Value& super, const Value& sub) {
  auto x = super.Items(), y = sub.Items();
  if (y.size() > x.size()) return false;
  if (y.empty()) return true;
  for (std::size_t i = 0; i + y.size() <= x.size(); ++i) {
    if (std::equal(y.begin(), y.end(), x.begin() + static_cast<std::ptrdiff_t>(i))) return true;
  }
  return false;
}

bool ObjectSubset(const Value& super, const Value& sub) {
  for (const auto& [k, sv] : sub.Members()) {
    const Value* pv = super.Find(k);
    if (pv == nullptr) return false;
    if (*pv == sv) continue;
    if (pv->is_object() && sv.is_object()) {
      if (!ObjectSubset(*pv, sv)) return false;
    } else if (pv->is_set() && sv.is_set()) {
      if (!SetSubset(*pv, sv)) return false;
    } else if (pv->is_array() && sv.is_array()) {
      if (!ArraySubset(*pv, sv)) return false;
    } else {
      return false;
    }
  }
  return true;
}

BuiltinResult ObjectSubsetFn(BuiltinContext&, std::span<const Value> a) {
  const Value& super = a[0];
  const Value& sub = a[1];
  if (super.is_object() && sub.is_object()) return builtins::ReturnBool(ObjectSubset(super, sub));
  if (super.is_set() && sub.is_set()) return builtins::ReturnBool(SetSubset(super, sub));
  if (super.is_array() && sub.is_array()) return builtins::ReturnBool(ArraySubset(super, sub));
  if (super.is_array() && sub.is_set()) {
    // As OPA: true once every element of `sub` was seen (an empty `sub` needs one element).
    std::size_t unmatched = sub.size();
    for (const auto& x : super.Items()) {
      if (sub.Contains(x)) --unmatched;
      if (unmatched == 0) return builtins::ReturnBool(true);
    }
    return builtins::ReturnBool(false);
  }
  return builtins::TypeError(
      "object.subset", "both arguments object.subset must be of the same type or array and set");
}

// Vertices of a graph node's edge list (an array or a set; anything else has none).
std::span<const Value> Vertices(const Value& v) {
  return v.is_array() || v.is_set() ? v.Items() : std::span<const Value>();
}

BuiltinResult GraphReachable(BuiltinContext&, std::span<const Value> a) {
  if (!a[0].is_object()) return OperandTypeError("graph.reachable", 1, "object", a[0]);
  if (!a[1].is_array() && !a[1].is_set()) {
    return OperandTypeError("graph.reachable", 2, "{array, set}", a[1]);
  }
  // Breadth-first; a node counts as reached when the graph has an entry for it.
  std::vector<Value> queue;
  std::set<Value> queued;
  for (const auto& v : a[1].Items()) {
    if (queued.insert(v).second) queue.push_back(v);
  }
  std::vector<Value> reached_list;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const Value* edges = a[0].Find(queue[head]);
    if (edges == nullptr) continue;
    reached_list.push_back(queue[head]);
    for (const auto& next : Vertices(*edges)) {
      if (queued.insert(next).second) queue.push_back(next);
    }
  }
  return Return(Value::Set(std::move(reached_list)));
}

// OPA's pathBuilder: paths from `root`, ending at leaves, unknown nodes and already-reached
// nodes. As in OPA, `reached` is shared by the whole walk from one start edge, so a node is
// expanded at most once per start edge (which also keeps the work polynomial).
Status BuildPaths(const Value& graph, const Value& root, std::vector<Value>& path,
                  std::set<Value>& reached, std::vector<Value>& out, std::size_t& budget) {
  if (budget == 0) return BuiltinError("graph.reachable_paths", "too many paths");
  --budget;
  const Value* edges = graph.Find(root);
  if (edges == nullptr) {
    out.push_back(Value::Array(path));
    return gatehouse::Ok();
  }
  path.push_back(root);
  auto vertices = Vertices(*edges);
  Status st = gatehouse::Ok();
  if (vertices.empty()) {
    out.push_back(Value::Array(path));
  } else {
    reached.insert(root);
    for (const auto& next : vertices) {
      if (reached.count(next) != 0) {
        out.push_back(Value::Array(path));
      } else if (st = BuildPaths(graph, next, path, reached, out, budget); !st) {
        break;
      }
    }
  }
  path.pop_back();
  return st;
}

BuiltinResult GraphReachablePaths(BuiltinContext& ctx, std::span<const Value> a) {
  if (!a[0].is_object()) return OperandTypeError("graph.reachable_paths", 1, "object", a[0]);
  if (!a[1].is_array() && !a[1].is_set()) {
    return OperandTypeError("graph.reachable_paths", 2, "{array, set}", a[1]);
  }
  std::vector<Value> out;
  std::size_t budget = ctx.limits.max_range_items;
  for (const auto& node : a[1].Items()) {
    const Value* edges = a[0].Find(node);
    if (edges == nullptr) continue;
    auto vertices = Vertices(*edges);
    if (vertices.empty()) {
      out.push_back(Value::Array({node}));
      continue;
    }
    for (const auto& next : vertices) {
      std::vector<Value> path{node};
      std::set<Value> reached{node};
      if (auto st = BuildPaths(a[0], next, path, reached, out, budget); !st) return st.error();
    }
  }
  return Return(Value::Set(std::move(out)));
}

Status Walk(const Value& v, std::vector<Value>& path,
            const std::function<Status(const Value&)>& yield) {
  if (auto st = yield(Value::Array({Value::Array(path), v})); !st) return st;
  auto descend = [&](const Value& key, const Value& child) -> Status {
    path.push_back(key);
    auto st = Walk(child, path, yield);
    path.pop_back();
    return st;
  };
  switch (v.kind()) {
    case ValueKind::kArray: {
      std::int64_t i = 0;
      for (const auto& x : v.Items()) {
        if (auto st = descend(Value::Int(i++), x); !st) return st;
      }
      break;
    }
    case ValueKind::kSet:
      for (const auto& x : v.Items()) {
        if (auto st = descend(x, x); !st) return st;
      }
      break;
    case ValueKind::kObject:
      for (const auto& [k, x] : v.Members()) {
        if (auto st = descend(k, x); !st) return st;
      }
      break;
    default:
      break;
  }
  return Ok();
}

Status WalkRelation(BuiltinContext&, std::span<const Value> a,
                    const std::function<Status(const Value&)>& yield) {
  std::vector<Value> path;
  return Walk(a[0], path, yield);
}

// walk is only callable as a relation; this guards against a non-relation call.
BuiltinResult WalkFunction(BuiltinContext&, std::span<const Value>) {
  return BuiltinError("walk", "walk is a relation");
}

}  // namespace

void RegisterCollectionBuiltins(BuiltinRegistry& r) {
  builtins::Add(r, "array.concat", {kTArray, kTArray}, kTArray, ArrayConcat);
  builtins::Add(r, "array.slice", {kTArray, kTNumber, kTNumber}, kTArray, ArraySlice);
  builtins::Add(r, "array.reverse", {kTArray}, kTArray, ArrayReverse);
  builtins::Add(r, "array.flatten", {kTArray}, kTArray, ArrayFlatten);
  builtins::Add(r, "intersection", {kTSet}, kTSet, Intersection);
  builtins::Add(r, "union", {kTSet}, kTSet, Union);
  builtins::Add(r, "object.get", {kTObject, kTAny, kTAny}, kTAny, ObjectGet);
  builtins::Add(r, "object.keys", {kTObject}, kTSet, ObjectKeys);
  builtins::Add(r, "object.remove", {kTObject, kTArray | kTSet | kTObject}, kTObject, ObjectRemove);
  builtins::Add(r, "object.filter", {kTObject, kTArray | kTSet | kTObject}, kTObject, ObjectFilter);
  builtins::Add(r, "object.union", {kTObject, kTObject}, kTObject, ObjectUnion);
  builtins::Add(r, "object.union_n", {kTArray}, kTObject, ObjectUnionN);
  builtins::Add(r, "object.subset", {kTObject | kTArray | kTSet, kTObject | kTArray | kTSet},
                kTBool, ObjectSubsetFn);
  builtins::Add(r, "graph.reachable", {kTObject, kTArray | kTSet}, kTSet, GraphReachable);
  builtins::Add(r, "graph.reachable_paths", {kTObject, kTArray | kTSet}, kTSet,
                GraphReachablePaths);
  Builtin walk;
  walk.name = "walk";
  walk.params = {kTAny};
  walk.result = kTArray;
  walk.fn = WalkFunction;
  walk.relation = true;
  walk.fn_relation = WalkRelation;
  r.Add(std::move(walk));
}

}  // namespace gatehouse::rego
