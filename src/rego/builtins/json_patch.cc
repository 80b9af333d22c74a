#include "rego/builtins/json_patch.h"

#include <functional>
#include <string>
#include <utility>

namespace gatehouse::rego::builtins {
namespace {

// JSON pointer unescaping (RFC 6901 §4): "~1" is '/', then "~0" is '~'.
std::string UnescapePointer(std::string_view part) {
  std::string out;
  out.reserve(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '~' && i + 1 < part.size() && (part[i + 1] == '0' || part[i + 1] == '1')) {
      out += part[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += part[i];
    }
  }
  return out;
}

// A tree of paths: object nodes keyed by segment; a null leaf means "the whole value here".
Value PathsToTree(std::span<const JsonPath> paths) {
  // Built mutably as nested std::vector<Member> via recursion on a simple map structure.
  // Keys and child nodes in parallel vectors: a vector of pairs holding the enclosing type
  // needs it complete, which clang-14 enforces.
  struct Node {
    bool leaf = false;
    std::vector<Value> keys;
    std::vector<Node> nodes;
    Node* Child(const Value& k) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == k) return &nodes[i];
      }
      keys.push_back(k);
      nodes.emplace_back();
      return &nodes.back();
    }
  };
  Node root;
  for (const auto& path : paths) {
    if (path.empty()) continue;
    Node* node = &root;
    bool done = false;
    for (std::size_t i = 0; i + 1 < path.size() && !done; ++i) {
      node = node->Child(path[i]);
      if (node->leaf) done = true;
    }
    if (!done) {
      Node* last = node->Child(path.back());
      last->leaf = true;
      last->keys.clear();
      last->nodes.clear();
    }
  }
  std::function<Value(const Node&)> to_value = [&](const Node& n) -> Value {
    if (n.leaf) return Value::Null();
    std::vector<Member> members;
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
      members.emplace_back(n.keys[i], to_value(n.nodes[i]));
    }
    return Value::Object(std::move(members));
  };
  return to_value(root);
}

const Value* FindIndexKey(const Value& filter, std::size_t i) {
  if (const Value* v = filter.Find(std::string_view(std::to_string(i)))) return v;
  return filter.Find(Value::Int(static_cast<std::int64_t>(i)));
}

Value Filter(const Value& v, const Value& filter) {
  if (!filter.is_object()) return v;  // null leaf: keep everything below
  switch (v.kind()) {
    case ValueKind::kArray: {
      std::vector<Value> out;
      const auto items = v.Items();
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (const Value* sub = FindIndexKey(filter, i)) out.push_back(Filter(items[i], *sub));
      }
      return Value::Array(std::move(out));
    }
    case ValueKind::kSet: {
      std::vector<Value> out;
      for (const auto& item : v.Items()) {
        if (const Value* sub = filter.Find(item)) out.push_back(Filter(item, *sub));
      }
      return Value::Set(std::move(out));
    }
    case ValueKind::kObject: {
      std::vector<Member> out;
      for (const auto& [k, val] : v.Members()) {
        if (const Value* sub = filter.Find(k)) out.emplace_back(k, Filter(val, *sub));
      }
      return Value::Object(std::move(out));
    }
    default:
      return v;
  }
}

// nullopt: removed.
std::optional<Value> Remove(const Value& v, const Value* filter) {
  if (filter == nullptr) return v;
  if (!filter->is_object()) return std::nullopt;
  switch (v.kind()) {
    case ValueKind::kObject: {
      std::vector<Member> out;
      for (const auto& [k, val] : v.Members()) {
        if (auto kept = Remove(val, filter->Find(k))) out.emplace_back(k, std::move(*kept));
      }
      return Value::Object(std::move(out));
    }
    case ValueKind::kSet: {
      std::vector<Value> out;
      for (const auto& item : v.Items()) {
        if (auto kept = Remove(item, filter->Find(item))) out.push_back(std::move(*kept));
      }
      return Value::Set(std::move(out));
    }
    case ValueKind::kArray: {
      std::vector<Value> out;
      const auto items = v.Items();
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (auto kept = Remove(items[i], FindIndexKey(*filter, i))) out.push_back(std::move(*kept));
      }
      return Value::Array(std::move(out));
    }
    default:
      return v;
  }
}

// Array index of a segment: a number, or a canonical decimal string; nullopt otherwise.
std::optional<std::size_t> IndexOf(const Value& seg) {
  if (seg.is_number()) {
    auto i = seg.AsInt();
    if (!i || *i < 0) return std::nullopt;
    return static_cast<std::size_t>(*i);
  }
  if (!seg.is_string()) return std::nullopt;
  std::string_view s = seg.AsString();
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::size_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

const Value* Child(const Value& doc, const Value& seg) {
  switch (doc.kind()) {
    case ValueKind::kObject:
      return doc.Find(seg);
    case ValueKind::kArray: {
      auto i = IndexOf(seg);
      if (!i || *i >= doc.size()) return nullptr;
      return &doc.Items()[*i];
    }
    case ValueKind::kSet: {
      for (const auto& item : doc.Items()) {
        if (item == seg) return &item;
      }
      return nullptr;
    }
    default:
      return nullptr;
  }
}

std::optional<Value> Get(const Value& doc, std::span<const Value> path) {
  const Value* cur = &doc;
  for (const auto& seg : path) {
    cur = Child(*cur, seg);
    if (cur == nullptr) return std::nullopt;
  }
  return *cur;
}

enum class Op { kAdd, kRemove, kReplace };

// Applies `op` at the last segment of `path` inside `doc`.
std::optional<Value> Edit(const Value& doc, std::span<const Value> path, Op op, const Value& v) {
  if (path.empty()) {
    if (op == Op::kRemove) return std::nullopt;
    return v;
  }
  const Value& seg = path[0];
  if (path.size() > 1) {
    const Value* child = Child(doc, seg);
    if (child == nullptr) return std::nullopt;
    auto edited = Edit(*child, path.subspan(1), op, v);
    if (!edited) return std::nullopt;
    switch (doc.kind()) {
      case ValueKind::kObject: {
        std::vector<Member> m(doc.Members().begin(), doc.Members().end());
        for (auto& [k, val] : m) {
          if (k == seg) val = std::move(*edited);
        }
        return Value::Object(std::move(m));
      }
      case ValueKind::kArray: {
        std::vector<Value> items(doc.Items().begin(), doc.Items().end());
        items[*IndexOf(seg)] = std::move(*edited);
        return Value::Array(std::move(items));
      }
      default: {  // set
        std::vector<Value> items;
        for (const auto& item : doc.Items()) {
          if (item != *child) items.push_back(item);
        }
        items.push_back(std::move(*edited));
        return Value::Set(std::move(items));
      }
    }
  }
  switch (doc.kind()) {
    case ValueKind::kObject: {
      const bool exists = doc.Find(seg) != nullptr;
      if (op != Op::kAdd && !exists) return std::nullopt;
      std::vector<Member> m;
      for (const auto& member : doc.Members()) {
        if (member.first != seg) m.push_back(member);
      }
      if (op != Op::kRemove) m.emplace_back(seg, v);
      return Value::Object(std::move(m));
    }
    case ValueKind::kArray: {
      std::vector<Value> items(doc.Items().begin(), doc.Items().end());
      if (op == Op::kAdd && seg.is_string() && seg.AsString() == "-") {
        items.push_back(v);
        return Value::Array(std::move(items));
      }
      auto i = IndexOf(seg);
      if (!i) return std::nullopt;
      if (op == Op::kAdd) {
        if (*i > items.size()) return std::nullopt;
        items.insert(items.begin() + static_cast<std::ptrdiff_t>(*i), v);
      } else {
        if (*i >= items.size()) return std::nullopt;
        if (op == Op::kRemove) {
          items.erase(items.begin() + static_cast<std::ptrdiff_t>(*i));
        } else {
          items[*i] = v;
        }
      }
      return Value::Array(std::move(items));
    }
    case ValueKind::kSet: {
      const bool exists = doc.Contains(seg);
      if (op == Op::kAdd && seg != v) return std::nullopt;
      if (op != Op::kAdd && !exists) return std::nullopt;
      std::vector<Value> items;
      for (const auto& item : doc.Items()) {
        if (item != seg) items.push_back(item);
      }
      if (op != Op::kRemove) items.push_back(v);
      return Value::Set(std::move(items));
    }
    default:
      return std::nullopt;
  }
}

bool IsPrefix(std::span<const Value> prefix, std::span<const Value> path) {
  if (prefix.size() > path.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (prefix[i] != path[i]) return false;
  }
  return true;
}

std::optional<Value> ApplyOne(const Value& doc, const Value& operation) {
  const Value* op = operation.Find("op");
  const Value* path_v = operation.Find("path");
  if (op == nullptr || !op->is_string() || path_v == nullptr) return std::nullopt;
  auto path = ParseJsonPath(*path_v);
  if (!path) return std::nullopt;
  const std::string_view name = op->AsString();
  const Value* value = operation.Find("value");
  std::optional<JsonPath> from;
  if (name == "move" || name == "copy") {
    const Value* from_v = operation.Find("from");
    if (from_v == nullptr) return std::nullopt;
    from = ParseJsonPath(*from_v);
    if (!from) return std::nullopt;
  }
  if (name == "add" || name == "replace" || name == "test") {
    if (value == nullptr) return std::nullopt;
  }
  if (name == "add") return Edit(doc, *path, Op::kAdd, *value);
  if (name == "remove") return Edit(doc, *path, Op::kRemove, Value());
  if (name == "replace") return Edit(doc, *path, Op::kReplace, *value);
  if (name == "test") {
    auto got = Get(doc, *path);
    if (!got || *got != *value) return std::nullopt;
    return doc;
  }
  if (name == "copy" || name == "move") {
    auto got = Get(doc, *from);
    if (!got) return std::nullopt;
    Value base = doc;
    if (name == "move") {
      if (*from == *path) return doc;
      if (IsPrefix(*from, *path)) return std::nullopt;
      auto removed = Edit(doc, *from, Op::kRemove, Value());
      if (!removed) return std::nullopt;
      base = std::move(*removed);
    }
    return Edit(base, *path, Op::kAdd, *got);
  }
  return std::nullopt;
}

}  // namespace

std::optional<JsonPath> ParseJsonPath(const Value& path) {
  if (path.is_array()) return JsonPath(path.Items().begin(), path.Items().end());
  if (!path.is_string()) return std::nullopt;
  std::string_view s = path.AsString();
  JsonPath out;
  if (s.empty()) return out;
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = s.find('/', start);
    out.push_back(Value::String(UnescapePointer(
        s.substr(start, slash == std::string_view::npos ? s.npos : slash - start))));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

Value FilterPaths(const Value& doc, std::span<const JsonPath> paths) {
  return Filter(doc, PathsToTree(paths));
}

Value RemovePaths(const Value& doc, std::span<const JsonPath> paths) {
  const Value tree = PathsToTree(paths);
  return Remove(doc, &tree).value_or(Value::EmptyObject());
}

std::optional<Value> ApplyJsonPatch(const Value& doc, std::span<const Value> operations) {
  Value cur = doc;
  for (const auto& operation : operations) {
    if (!operation.is_object()) return std::nullopt;
    auto next = ApplyOne(cur, operation);
    if (!next) return std::nullopt;
    cur = std::move(*next);
  }
  return cur;
}

}  // namespace gatehouse::rego::builtins
